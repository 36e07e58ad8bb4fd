#!/usr/bin/env python3
"""Sends the torture requests of the SIP corpus that must be rejected to a
running daemon, over UDP or TCP, and checks each answer's status against
MANIFEST.tsv.  Then checks that the daemon still answers OPTIONS.

  torture.py --corpus DIR --proto udp|tcp --to 127.0.0.1:5060

Our role for role-qualified rows: we are the endpoint (UAS) of what we
answer, not a registrar (REGISTER gets 405).  Files that only make sense
as UDP datagrams (the manifest's README names them, and baddn.dat which
has no empty line) are sent over TCP too: there the daemon must close the
connection or keep waiting, never answer and never stop serving."""
import argparse
import os
import re
import socket
import subprocess
import sys

UDP_ONLY = {"rfc4475/dblreq.dat", "rfc4475/clerr.dat", "rfc4475/ncl.dat",
            "rfc4475/mcl01.dat", "rfc4475/inv2543.dat", "rfc4475/baddn.dat"}
SRC = "127.0.0.11"


def allowed_statuses(expected):
    ok, liberal = set(), False
    for alt in expected.split("|"):
        m = re.match(r"must-reject-(\d{3})", alt)
        if m:
            ok.add(int(m.group(1)))
            continue
        m = re.match(r"valid-syntax-but-reject-at-app-layer:(\d{3})(\(.*\))?", alt)
        if m:
            role = m.group(2) or ""
            if role == "(registrar)":
                ok.add(405)
            elif role != "(proxy-role)":
                ok.add(int(m.group(1)))
            continue
        m = re.match(r"(\d{3})", alt)
        if m:
            ok.add(int(m.group(1)))
        elif alt == "process(endpoint-role)":
            ok.add(200)
        elif alt in ("may-accept-liberally", "or-RFC2543-matching"):
            liberal = True
    return ok, liberal


def reply_port(data):
    """where a UDP answer goes: the top Via's port (RFC 3261 18.2.2) or,
    with rport, the source port"""
    m = re.search(rb"^(?:via|v)[ \t]*:[^\r\n]*", data, re.I | re.M)
    if not m:
        return None, False
    via = m.group(0)
    rport = re.search(rb";\s*rport", via, re.I) is not None
    pm = re.search(rb"SIP\s*/\s*[^/]+/\s*\w+\s+(\[[^\]]*\]|[^:;\s,]+)\s*(?::\s*(\d+))?", via)
    port = int(pm.group(2)) if pm and pm.group(2) else 5060
    return port, rport


def status_of(data):
    m = re.match(rb"SIP/2\.0 (\d{3}) ", data)
    return int(m.group(1)) if m else None


def final_statuses(buf):
    """the status codes of the complete responses in a stream buffer"""
    out = []
    while b"\r\n\r\n" in buf:
        head, _, rest = buf.partition(b"\r\n\r\n")
        m = re.search(rb"^(?:content-length|l)[ \t]*:[ \t]*(\d+)", head, re.I | re.M)
        clen = int(m.group(1)) if m else 0
        if len(rest) < clen:
            break
        out.append(status_of(head))
        buf = rest[clen:]
    return out, buf


def send_udp(to, data):
    port, rport = reply_port(data)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((SRC, 0 if rport or port is None else port))
    s.settimeout(2)
    try:
        s.sendto(data, to)
        while True:                        # skip provisional responses
            st = status_of(s.recv(65535))
            if st is None or st >= 200:
                return st
    except socket.timeout:
        return "no answer"
    finally:
        s.close()


def send_tcp(to, data, wait=2.0):
    s = socket.create_connection(to, timeout=wait, source_address=(SRC, 0))
    try:
        s.sendall(data)
        buf = b""
        while True:
            chunk = s.recv(65535)
            if not chunk:
                return "closed"
            buf += chunk
            got, buf = final_statuses(buf)
            for st in got:
                if st is None or st >= 200:
                    return st
    except socket.timeout:
        return "no answer"
    except ConnectionResetError:
        return "closed"
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--proto", choices=("udp", "tcp"), required=True)
    ap.add_argument("--to", default="127.0.0.1:5060")
    a = ap.parse_args()
    host, _, port = a.to.rpartition(":")
    to = (host, int(port))
    manifest = os.path.join(a.corpus, "MANIFEST.tsv")
    passed = failed = 0
    with open(manifest) as f:
        next(f)
        rows = [line.rstrip("\n").split("\t") for line in f]
    for row in rows:
        name, expected = row[0], row[2]
        if not (name.startswith("rfc4475/") or name.startswith("rfc5118-wire/")):
            continue
        if "must-reject" not in expected and "reject-at-app-layer" not in expected:
            continue
        with open(os.path.join(a.corpus, name), "rb") as f:
            data = f.read()
        if data.startswith(b"SIP/"):
            continue                       # responses: nothing answers them
        ok, liberal = allowed_statuses(expected)
        if a.proto == "tcp" and name in UDP_ONLY:
            got = send_tcp(to, data, wait=1.0)
            good = got in ("closed", "no answer")
            want = "closed or no answer (stream framing)"
        else:
            got = send_udp(to, data) if a.proto == "udp" else send_tcp(to, data)
            good = got in ok or (liberal and isinstance(got, int))
            want = "|".join(str(c) for c in sorted(ok)) + ("|accepted" if liberal else "")
        print("%s %-34s want %-28s got %s" % ("ok  " if good else "FAIL", name, want, got))
        passed += good
        failed += not good
    alive = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "lib", "sipping.py"),
                            "--wait", "3"] + (["--tcp"] if a.proto == "tcp" else []) + [a.to]).returncode == 0
    print("%s daemon still answers OPTIONS over %s" % ("ok  " if alive else "FAIL", a.proto))
    passed += alive
    failed += not alive
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
