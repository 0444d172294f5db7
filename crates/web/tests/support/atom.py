"""Validates an Atom feed the way feed readers read it, then checks RFC 4287's rules.

feedparser (what many readers use) must parse it without a "bozo" error and see Atom 1.0.
Then the document is checked against RFC 4287 section 4: the required elements of the feed
and of every entry, their cardinality, absolute IRIs, RFC 3339 dates, text constructs and
links. Prints the entries as JSON; exits 1 with the problems otherwise.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import feedparser

A = "{http://www.w3.org/2005/Atom}"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


def absolute(iri, where):
    u = urlparse(iri or "")
    need(bool(u.scheme) and (bool(u.netloc) or u.scheme in ("urn", "tag")), f"{where}: not an absolute IRI: {iri!r}")


def once(el, name, where, required=True):
    found = el.findall(A + name)
    if required:
        need(len(found) == 1, f"{where}: needs exactly one atom:{name}, has {len(found)}")
    else:
        need(len(found) <= 1, f"{where}: at most one atom:{name}, has {len(found)}")
    return found[0] if found else None


def text_construct(el, where):
    if el is None:
        return
    kind = el.get("type", "text")
    need(kind in ("text", "html", "xhtml"), f"{where}: type {kind!r} is not text, html or xhtml")
    if kind in ("text", "html"):
        need(len(list(el)) == 0, f"{where}: a {kind} construct holds child elements")


def date(el, where):
    if el is not None:
        need(bool(DATE.match((el.text or "").strip())), f"{where}: not an RFC 3339 date: {el.text!r}")


def links(el, where):
    seen = set()
    for link in el.findall(A + "link"):
        need(link.get("href") is not None, f"{where}: a link without href")
        key = (link.get("rel", "alternate"), link.get("type"), link.get("hreflang"))
        if key[0] == "alternate":
            need(key not in seen, f"{where}: two alternate links of one type and language")
            seen.add(key)
    return [l for l in el.findall(A + "link") if l.get("rel", "alternate") == "alternate"]


def person(p, where):
    need(len(p.findall(A + "name")) == 1, f"{where}: a person needs exactly one atom:name")
    need(len(p.findall(A + "email")) == 0, f"{where}: an email address is published")


raw = open(sys.argv[1], "rb").read()
parsed = feedparser.parse(raw)
need(not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')!r}")
need(parsed.version == "atom10", f"feedparser reads it as {parsed.version!r}, not Atom 1.0")

root = ET.fromstring(raw)
need(root.tag == A + "feed", f"the root is {root.tag}, not atom:feed")
absolute(once(root, "id", "feed").text if once(root, "id", "feed") is not None else "", "feed id")
text_construct(once(root, "title", "feed"), "feed title")
date(once(root, "updated", "feed"), "feed updated")
text_construct(once(root, "subtitle", "feed", required=False), "feed subtitle")
for p in root.findall(A + "author"):
    person(p, "feed author")
links(root, "feed")
need(any(l.get("rel") == "self" for l in root.findall(A + "link")), "feed: no rel=self link (RFC 4287 says SHOULD)")

entries = []
feed_has_author = bool(root.findall(A + "author"))
for i, e in enumerate(root.findall(A + "entry")):
    where = f"entry {i}"
    eid = once(e, "id", where)
    absolute(eid.text if eid is not None else "", f"{where} id")
    title = once(e, "title", where)
    text_construct(title, f"{where} title")
    date(once(e, "updated", where), f"{where} updated")
    date(once(e, "published", where, required=False), f"{where} published")
    for p in e.findall(A + "author"):
        person(p, f"{where} author")
    need(feed_has_author or e.findall(A + "author"), f"{where}: no author and the feed has none")
    alternates = links(e, where)
    content = once(e, "content", where, required=False)
    need(content is not None or alternates, f"{where}: no content and no alternate link")
    if content is not None:
        need(content.get("src") is None, f"{where}: out-of-line content")
        text_construct(content, f"{where} content")
    entries.append({
        "id": eid.text if eid is not None else None,
        "title": title.text if title is not None else None,
        "content": content.text if content is not None else None,
        "content_type": content.get("type", "text") if content is not None else None,
        "link": alternates[0].get("href") if alternates else None,
    })

# feedparser must read the same entries (what a reader shows).
need(len(parsed.entries) == len(entries), "feedparser reads a different number of entries")
for mine, theirs in zip(entries, parsed.entries):
    need(theirs.get("id") == mine["id"], f"feedparser reads entry id {theirs.get('id')!r}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(json.dumps({
    "title": parsed.feed.get("title"),
    "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in root.findall(A + "link")],
    "entries": entries,
}))
