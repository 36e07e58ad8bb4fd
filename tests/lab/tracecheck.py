#!/usr/bin/env python3
"""Checks over one side's SIPp message trace (-trace_msg) that a SIPp
scenario cannot make by itself.

  tracecheck.py replaces TRACE
      every REFER the side received carries, in its Refer-To, a Replaces
      that names the side's own dialog as the B2BUA matches it when the
      transferee's INVITE comes back (RFC 3891 3): the Call-ID of that
      dialog, to-tag the B2BUA's tag (the REFER's From tag), from-tag the
      side's own (the REFER's To tag); at least one such REFER
  tracecheck.py glare TRACE MIN MAX [METHOD [TRIES]]
      after each 491 the side sent to an INVITE (or METHOD), the next
      INVITE it received in that call came MIN to MAX seconds later (RFC
      3261 14.1); at least one.  With TRIES: the TRIES-th 491 in a row in
      a call (no 2xx to METHOD between them) is followed by none at all
  tracecheck.py absent TRACE METHOD
      the side received no METHOD request
  tracecheck.py dialog TRACE
      prints "CALL-ID TO-TAG FROM-TAG" of the first dialog a 2xx to an
      INVITE the side sent established (for a Replaces naming it)
  tracecheck.py invite-replaces TRACE N
      the side received N initial INVITEs, exactly one of them with a
      Replaces, and that Replaces names the dialog of another of them as
      the side itself holds it (RFC 3891 3: to-tag the side's own tag,
      from-tag the B2BUA's)
Exit status 0 when the check holds, 1 otherwise (with the reason)."""
import datetime
import re
import sys
import urllib.parse

SEP = re.compile(r"^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s*$", re.M)


def messages(path):
    """(time, direction, text) for each message of a SIPp trace"""
    with open(path, errors="replace") as f:
        data = f.read()
    parts = SEP.split(data)
    out = []
    for i in range(1, len(parts) - 1, 2):
        when = datetime.datetime.strptime(parts[i], "%Y-%m-%d %H:%M:%S.%f")
        chunk = parts[i + 1].strip("\r\n")
        m = re.match(r"(?:UDP|TCP) message (sent|received)[^\n]*\n+", chunk)
        if m:
            out.append((when, m.group(1), chunk[m.end():]))
    return out


def header(text, name):
    for line in text.splitlines():
        n, _, v = line.partition(":")
        if n.strip().lower() == name.lower():
            return v.strip()
    return None


def tag(value):
    m = re.search(r";\s*tag=([^;>\s]+)", value or "")
    return m.group(1) if m else None


def first(text):
    return text.split("\n", 1)[0].strip()


def check_replaces(msgs):
    found = 0
    for _, direction, text in msgs:
        if direction != "received" or not first(text).startswith("REFER "):
            continue
        refer_to = header(text, "Refer-To") or ""
        m = re.search(r"\?(?:[^>]*&)?Replaces=([^>&]+)", refer_to)
        if not m:
            print("REFER without Replaces in Refer-To: %s" % refer_to)
            return 1
        value = urllib.parse.unquote(m.group(1))
        parts = value.split(";")
        params = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        want = (header(text, "Call-ID"), tag(header(text, "From")), tag(header(text, "To")))
        got = (parts[0], params.get("to-tag"), params.get("from-tag"))
        if got != want:
            print("Replaces %r names %r, expected this dialog %r" % (value, got, want))
            return 1
        found += 1
    if not found:
        print("no REFER received")
        return 1
    print("replaces: %d REFERs name the receiver's own dialog" % found)
    return 0


def check_glare(msgs, lo, hi, method="INVITE", tries=None):
    found = 0
    in_a_row = {}
    for i, (when, direction, text) in enumerate(msgs):
        if direction != "sent" or not first(text).startswith("SIP/2.0 "):
            continue
        if (header(text, "CSeq") or "").split()[-1:] != [method]:
            continue
        callid = header(text, "Call-ID")
        if first(text).startswith("SIP/2.0 2"):
            in_a_row[callid] = 0
        if not first(text).startswith("SIP/2.0 491"):
            continue
        in_a_row[callid] = in_a_row.get(callid, 0) + 1
        nxt = [(w, t) for w, d, t in msgs[i + 1:]
               if d == "received" and first(t).startswith(method + " ") and header(t, "Call-ID") == callid]
        if tries is not None and in_a_row[callid] == tries:
            if nxt:
                print("%s again after %d 491s in a row in call %s" % (method, tries, callid))
                return 1
            print("glare: no %s after %d 491s in a row" % (method, tries))
            continue
        if not nxt:
            print("no %s after the 491 in call %s" % (method, callid))
            return 1
        delay = (nxt[0][0] - when).total_seconds()
        if not lo <= delay <= hi:
            print("the %s after the 491 came %.3f s later, not %.1f to %.1f s" % (method, delay, lo, hi))
            return 1
        print("glare: %s again %.3f s after the 491" % (method, delay))
        found += 1
    if not found:
        print("no 491 sent")
        return 1
    return 0


def check_absent(msgs, method):
    for _, direction, text in msgs:
        if direction == "received" and first(text).startswith(method + " "):
            print("%s received:\n%s" % (method, text[:400]))
            return 1
    print("absent: no %s received in %d messages" % (method, len(msgs)))
    return 0 if msgs else 1


def print_dialog(msgs):
    for _, direction, text in msgs:
        if direction == "received" and first(text).startswith("SIP/2.0 2") and \
                (header(text, "CSeq") or "").endswith("INVITE"):
            print(header(text, "Call-ID"), tag(header(text, "To")), tag(header(text, "From")))
            return 0
    print("no 2xx to an INVITE received", file=sys.stderr)
    return 1


def check_invite_replaces(msgs, count):
    invites = [t for _, d, t in msgs
               if d == "received" and first(t).startswith("INVITE ") and not tag(header(t, "To"))]
    if len(invites) != count:
        print("%d initial INVITEs received, expected %d" % (len(invites), count))
        return 1
    with_rp = [t for t in invites if header(t, "Replaces")]
    if len(with_rp) != 1:
        print("%d INVITEs with Replaces, expected 1" % len(with_rp))
        return 1
    value = header(with_rp[0], "Replaces")
    parts = [p.strip() for p in value.split(";")]
    params = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
    for t in invites:
        cid = header(t, "Call-ID")
        if cid != parts[0] or t is with_rp[0]:
            continue
        ours = [tag(header(r, "To")) for _, d, r in msgs
                if d == "sent" and first(r).startswith("SIP/2.0 200") and header(r, "Call-ID") == cid]
        want = (cid, ours[0] if ours else None, tag(header(t, "From")))
        got = (parts[0], params.get("to-tag"), params.get("from-tag"))
        if got != want:
            print("Replaces %r names %r, expected %r" % (value, got, want))
            return 1
        print("invite-replaces: the Replaces names the side's other dialog %s" % cid)
        return 0
    print("Replaces %r names no dialog of this side" % value)
    return 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "replaces":
        return check_replaces(messages(argv[2]))
    if 5 <= len(argv) <= 7 and argv[1] == "glare":
        return check_glare(messages(argv[2]), float(argv[3]), float(argv[4]),
                           *argv[5:6], *[int(t) for t in argv[6:7]])
    if len(argv) == 4 and argv[1] == "absent":
        return check_absent(messages(argv[2]), argv[3])
    if len(argv) == 3 and argv[1] == "dialog":
        return print_dialog(messages(argv[2]))
    if len(argv) == 4 and argv[1] == "invite-replaces":
        return check_invite_replaces(messages(argv[2]), int(argv[3]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
