"""Test helper for picket-mail's integration tests.

serve DIR [--auth USER:PASSWORD]
    Runs an aiosmtpd SMTP server on 127.0.0.1, on a port the OS picks, and prints that port
    on the first line of stdout. Each accepted message is parsed and written to DIR as
    NNNN.json (written to a temporary name, then renamed). Recipients starting with
    "reject" get 550, recipients starting with "defer" get 451, and recipients starting
    with "busy" get 451 the first time each is named and are accepted after that. A message
    to a recipient starting with "drop" is recorded, and then the connection is cut before
    the server says it took it (as when a connection dies at the worst moment). Exits when
    stdin closes, so the server never outlives the test process.

parse FILE
    Parses an RFC 5322 file with Python's email package and prints the same JSON record.
"""

import asyncio
import email
import email.policy
import json
import os
import sys
import threading


def parse(raw: bytes) -> dict:
    msg = email.message_from_bytes(raw, policy=email.policy.default)

    def body(kind):
        part = msg.get_body(preferencelist=(kind,))
        return None if part is None else part.get_content()

    def header(name):
        value = msg[name]
        return None if value is None else str(value)

    date = msg["Date"]
    return {
        "header_names": list(msg.keys()),
        "subject": header("Subject"),
        "from": header("From"),
        "to": header("To"),
        "reply_to": header("Reply-To"),
        "list_unsubscribe": header("List-Unsubscribe"),
        "list_unsubscribe_post": header("List-Unsubscribe-Post"),
        "message_id": header("Message-ID"),
        "date": header("Date"),
        "date_valid": date is not None and getattr(date, "datetime", None) is not None,
        "mime_version": header("MIME-Version"),
        "content_type": msg.get_content_type(),
        "charsets": [p.get_content_charset() for p in msg.walk() if not p.is_multipart()],
        "text": body("plain"),
        "html": body("html"),
        "defects": [repr(d) for p in msg.walk() for d in p.defects],
        "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
        "longest_line": max(len(line) for line in raw.split(b"\r\n")),
        "raw": raw.decode("utf-8", "replace"),
    }


def serve(out_dir: str, auth):
    import logging
    import warnings

    # Plain-text AUTH is deliberate here (a loopback test server); keep test output quiet.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

    class Handler:
        count = 0
        busy_seen = set()

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("reject"):
                return "550 5.1.1 <%s>: Recipient address rejected: user unknown" % address
            if address.startswith("defer"):
                return "451 4.3.0 <%s>: temporarily unavailable, try again later" % address
            if address.startswith("busy") and address not in Handler.busy_seen:
                Handler.busy_seen.add(address)
                return "451 4.3.0 <%s>: busy, try again later" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            Handler.count += 1
            record = parse(envelope.original_content)
            record["mail_from"] = envelope.mail_from
            record["rcpt_tos"] = list(envelope.rcpt_tos)
            record["authenticated_as"] = session.auth_data if session.authenticated else None
            path = os.path.join(out_dir, "%04d.json" % Handler.count)
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                json.dump(record, f)
            os.rename(path + ".tmp", path)
            if any(r.startswith("drop") for r in envelope.rcpt_tos):
                server.transport.abort()
                return "421 4.4.2 connection dropped"
            return "250 2.0.0 Ok: queued"

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            given = (auth_data.login.decode(), auth_data.password.decode())
            if given == auth:
                return AuthResult(success=True, auth_data=given[0])
        return AuthResult(success=False, handled=False)

    options = {"enable_SMTPUTF8": True}
    if auth is not None:
        options.update(auth_required=True, auth_require_tls=False, authenticator=authenticator)

    def exit_when_stdin_closes():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()

    async def main():
        loop = asyncio.get_running_loop()
        handler = Handler()
        server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        with open(sys.argv[2], "rb") as f:
            print(json.dumps(parse(f.read())))
    elif sys.argv[1] == "serve":
        auth = None
        if len(sys.argv) > 4 and sys.argv[3] == "--auth":
            auth = tuple(sys.argv[4].split(":", 1))
        serve(sys.argv[2], auth)
    else:
        sys.exit("usage: smtp_sink.py serve DIR [--auth USER:PASSWORD] | parse FILE")
