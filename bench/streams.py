#!/usr/bin/env python3
"""The client side of bench/streams.sh: holds N Server-Sent Events streams open on one
server, then approves a wall message and times its arrival on every stream.

    streams.py --port P --pid PID --branch SLUG --streams N --token T --message-id ID --marker TEXT

Each stream is one TCP connection sending what a browser's EventSource sends. The script
waits until every stream has its response headers, lets the server settle, reads the
server's resident memory (VmRSS in /proc/PID/status), then approves the message through
the API and notes, on each stream, the moment the marker text arrives. Traffic goes to
127.0.0.1 only. Prints one `key value` line per figure for the shell script to format.
"""

import argparse
import asyncio
import resource
import sys
import time

HOST = "127.0.0.1"


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Stream(asyncio.Protocol):
    """One open event stream: notes when its headers and the marker arrive."""

    def __init__(self, request, marker, connected):
        self.request = request
        self.marker = marker
        self.connected = connected
        self.tail = b""
        self.headers_done = False
        self.status_ok = False
        self.received_at = None
        self.closed = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data):
        now = time.monotonic()
        buf = self.tail + data
        if not self.headers_done:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.tail = buf
                return
            self.headers_done = True
            self.status_ok = buf.startswith(b"HTTP/1.1 200")
            if not self.connected.done():
                self.connected.set_result(self.status_ok)
            buf = buf[end + 4:]
        if self.received_at is None and self.marker in buf:
            self.received_at = now
        # Keep only what a marker split over two reads could need.
        self.tail = buf[-len(self.marker):]

    def connection_lost(self, exc):
        self.closed = True
        if not self.connected.done():
            self.connected.set_result(False)


async def open_stream(loop, request, marker, sem):
    async with sem:
        connected = loop.create_future()
        try:
            _, proto = await loop.create_connection(
                lambda: Stream(request, marker, connected), HOST, ARGS.port
            )
        except OSError as e:
            print(f"connect failed: {e}", file=sys.stderr)
            return None
        try:
            ok = await asyncio.wait_for(connected, 60)
        except asyncio.TimeoutError:
            ok = False
        return proto if ok else None


async def approve(port, branch, message_id, token):
    """POSTs the approval on a connection of its own; returns the HTTP status line."""
    reader, writer = await asyncio.open_connection(HOST, port)
    body = b'{"action":"approve"}'
    writer.write(
        (
            f"POST /api/v1/branches/{branch}/wall/{message_id}/moderation HTTP/1.1\r\n"
            f"Host: {HOST}:{port}\r\n"
            f"Authorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        + body
    )
    await writer.drain()
    status = (await reader.readline()).decode().strip()
    await reader.read()
    writer.close()
    return status


async def main():
    loop = asyncio.get_running_loop()
    request = (
        f"GET /{ARGS.branch}/wall/events HTTP/1.1\r\n"
        f"Host: {HOST}:{ARGS.port}\r\n"
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n"
        "Accept: text/event-stream\r\n"
        "Accept-Language: en-GB,en;q=0.5\r\n"
        "Accept-Encoding: gzip, deflate, br, zstd\r\n"
        f"Referer: http://{HOST}:{ARGS.port}/{ARGS.branch}/wall\r\n"
        "Connection: keep-alive\r\n"
        "Sec-Fetch-Dest: empty\r\n"
        "Sec-Fetch-Mode: cors\r\n"
        "Sec-Fetch-Site: same-origin\r\n"
        "Pragma: no-cache\r\n"
        "Cache-Control: no-cache\r\n\r\n"
    ).encode()
    marker = ARGS.marker.encode()

    idle = rss_kb(ARGS.pid)
    started = time.monotonic()
    sem = asyncio.Semaphore(ARGS.concurrency)
    streams = await asyncio.gather(
        *(open_stream(loop, request, marker, sem) for _ in range(ARGS.streams))
    )
    streams = [s for s in streams if s is not None]
    opened_in = time.monotonic() - started
    await asyncio.sleep(ARGS.settle)
    before = rss_kb(ARGS.pid)

    sent = time.monotonic()
    status = await approve(ARGS.port, ARGS.branch, ARGS.message_id, ARGS.token)
    approved = time.monotonic()
    deadline = sent + ARGS.timeout
    while time.monotonic() < deadline:
        if all(s.received_at is not None or s.closed for s in streams):
            break
        await asyncio.sleep(0.01)
    after = rss_kb(ARGS.pid)

    times = sorted(s.received_at - sent for s in streams if s.received_at is not None)
    received = len(times)

    def pct(p):
        return times[min(len(times) - 1, int(p * len(times)))] if times else float("nan")

    print(f"requested {ARGS.streams}")
    print(f"connected {len(streams)}")
    print(f"opened_secs {opened_in:.1f}")
    print(f"approve_status {status}")
    print(f"approve_secs {approved - sent:.3f}")
    print(f"received {received}")
    print(f"closed {sum(1 for s in streams if s.closed)}")
    print(f"rss_idle_kb {idle}")
    print(f"rss_before_kb {before}")
    print(f"rss_after_kb {after}")
    print(f"per_stream_kb {(before - idle) / max(1, len(streams)):.1f}")
    print(f"delivery_p50_secs {pct(0.50):.3f}")
    print(f"delivery_p99_secs {pct(0.99):.3f}")
    print(f"delivery_max_secs {times[-1] if times else float('nan'):.3f}")
    for s in streams:
        s.transport.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--branch", default="northfield")
    parser.add_argument("--streams", type=int, default=10000)
    parser.add_argument("--token", required=True)
    parser.add_argument("--message-id", required=True)
    parser.add_argument("--marker", required=True)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    ARGS = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = ARGS.streams + 100
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    asyncio.run(main())
