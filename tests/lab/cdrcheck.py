#!/usr/bin/env python3
"""Checks the CDRs a lab run left in the policy database.

  cdrcheck.py DB EXPECT...

Each EXPECT is COLUMN=VALUE:COUNT (for instance status=486:10 or
hangup_by=callee:20); the special total=N checks the row count and
streams=N the number of per-stream rows; stream.COLUMN>=VALUE:COUNT
counts the per-stream rows with at least VALUE in COLUMN (for instance
stream.packets_in>=100:2).  Every CDR must also carry our
own identifiers only: none of the Call-IDs the peers used (read from the
SIPp traces under the lab folder given by --traces) may appear in it."""
import argparse
import glob
import re
import sqlite3
import sys


def peer_call_ids(folder):
    ids = set()
    # the callers' Call-IDs are theirs; the callees see the ones we made
    for path in glob.glob(folder + "/run-*/uac/*_messages.log"):
        with open(path, errors="replace") as f:
            for m in re.finditer(r"^Call-ID:\s*(\S+)", f.read(), re.M | re.I):
                ids.add(m.group(1))
    return ids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--traces")
    ap.add_argument("expect", nargs="*")
    a = ap.parse_intermixed_args()
    con = sqlite3.connect(a.db)
    ok = True
    for e in a.expect:
        key, _, count = e.rpartition(":")
        if key.startswith("total"):
            got = con.execute("SELECT count(*) FROM cdr").fetchone()[0]
            want = int(key.split("=")[1]) if "=" in key else int(count)
        elif key.startswith("stream."):
            col, _, val = key[len("stream."):].partition(">=")
            if not re.fullmatch(r"[a-z_]+", col):
                print("bad column %r" % col)
                return 2
            got = con.execute("SELECT count(*) FROM cdr_stream WHERE %s >= ?" % col,
                              (float(val),)).fetchone()[0]
            want = int(count)
        elif key.startswith("streams"):
            got = con.execute("SELECT count(*) FROM cdr_stream").fetchone()[0]
            want = int(count)
        else:
            col, _, val = key.partition("=")
            if not re.fullmatch(r"[a-z_]+", col):
                print("bad column %r" % col)
                return 2
            got = con.execute("SELECT count(*) FROM cdr WHERE %s = ?" % col, (val,)).fetchone()[0]
            want = int(count)
        good = got == want
        ok &= good
        print("%s CDR %-24s want %d got %d" % ("ok  " if good else "FAIL", key, want, got))
    if a.traces:
        theirs = peer_call_ids(a.traces)
        rows = con.execute("SELECT call_id, leg_a, leg_b FROM cdr").fetchall()
        bad = [r for r in rows if set(r) & theirs]
        print("%s CDR identifiers are our own (%d rows, %d peer Call-IDs)"
              % ("ok  " if not bad else "FAIL", len(rows), len(theirs)))
        ok &= not bad
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
