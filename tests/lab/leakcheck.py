#!/usr/bin/env python3
"""Topology leak check over SIPp message traces (-trace_msg).

  leakcheck.py --side NAME:TRACE:ADDR[,ADDR...] --side NAME:TRACE:ADDR...

For each side, the identifiers it produced (Call-IDs, tags and Via branches
of the messages it sent) and its addresses (its own and the B2BUA's address
on its zone) are collected.  Every message another side received is then
searched for them, as whole tokens ("127.0.0.1" does not match inside
"127.0.0.11").  Any match is a leak: printed, and the exit status is 1."""
import argparse
import re
import sys
import urllib.parse

SEP = re.compile(r"^-{20,} .*$", re.M)
# what continues a token; ':' only for a token that has one (an IPv6
# address), so that "127.0.0.2:5060" holds the address "127.0.0.2"
TOKCH = r"[A-Za-z0-9.\-_]"
TOKCH6 = r"[A-Za-z0-9.\-_:]"


def messages(path):
    """(direction, text) for each message of a SIPp trace"""
    with open(path, errors="replace") as f:
        data = f.read()
    out = []
    for chunk in SEP.split(data):
        chunk = chunk.strip("\r\n")
        m = re.match(r"(?:UDP|TCP) message (sent|received)[^\n]*\n+", chunk)
        if m:
            out.append((m.group(1), chunk[m.end():]))
    return out


def identifiers(msgs):
    ids = set()
    for direction, text in msgs:
        if direction != "sent":
            continue
        first = text.split("\n", 1)[0]
        is_request = not first.startswith("SIP/2.0")
        for line in text.splitlines():
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name in ("call-id", "i") and is_request:
                ids.add(value.strip())
            if name in ("via", "v") and is_request:
                b = re.search(r"branch=([^;,\s]+)", value)
                if b:
                    ids.add(b.group(1))
            # our own tag: From in our requests, To in our responses
            if (name in ("from", "f") and is_request) or (name in ("to", "t") and not is_request):
                t = re.search(r"tag=([^;,\s>]+)", value)
                if t:
                    ids.add(t.group(1))
    return ids


def find(token, text):
    ch = TOKCH6 if ":" in token else TOKCH
    pat = r"(?<!%s)%s(?!%s)" % (ch, re.escape(token), ch)
    # identifiers also hide %-escaped inside URI headers (a Replaces in
    # Refer-To: "...%3Bto-tag%3DTAG")
    return (re.search(pat, text) is not None or
            re.search(pat, urllib.parse.unquote(text)) is not None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", action="append", required=True,
                    help="NAME:TRACE:ADDR[,ADDR...]")
    a = ap.parse_args()
    sides = []
    for spec in a.side:
        name, trace, addrs = spec.split(":", 2)
        msgs = messages(trace)
        ids = identifiers(msgs) | set(x for x in addrs.split(",") if x)
        sides.append((name, msgs, ids))
    leaks = checked = 0
    for name, msgs, _ in sides:
        for other, _, ids in sides:
            if other == name:
                continue
            for direction, text in msgs:
                if direction != "received":
                    continue
                checked += 1
                for tok in ids:
                    if find(tok, text):
                        leaks += 1
                        print("LEAK: %s received %s's %r in:\n%s\n" % (name, other, tok, text[:600]))
    print("leak check: %d messages checked, %d identifiers of other sides, %d leaks"
          % (checked, sum(len(s[2]) for s in sides), leaks))
    if checked == 0:
        print("no messages to check: the traces are empty")
        return 1
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
