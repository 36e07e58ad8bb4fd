#!/usr/bin/env python3
"""Sends OPTIONS to each ADDR:PORT over UDP (or TCP) and expects 200 whose
top Via carries rport with our source port and received (RFC 3581).

  sipping.py [--wait SECONDS] [--tcp] ADDR:PORT...

With --wait, retries until every address answers or the time is up.
Exit status 0 when all answered 200."""
import argparse
import os
import re
import socket
import sys
import time


def options(host, port, tcp, timeout=0.5):
    tag = os.urandom(6).hex()
    src = "127.0.0.99"
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    if fam == socket.AF_INET6:
        src = "::1"
    s = socket.socket(fam, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        lport = s.getsockname()[1]
        hostpart = "[%s]" % host if fam == socket.AF_INET6 else host
        srcpart = "[%s]" % src if fam == socket.AF_INET6 else src
        msg = ("OPTIONS sip:%s:%d SIP/2.0\r\n"
               "Via: SIP/2.0/%s %s:%d;branch=z9hG4bK%s;rport\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:ping@%s>;tag=%s\r\n"
               "To: <sip:%s:%d>\r\n"
               "Call-ID: ping-%s\r\n"
               "CSeq: 1 OPTIONS\r\n"
               "Content-Length: 0\r\n\r\n") % (
            hostpart, port, "TCP" if tcp else "UDP", srcpart, lport, tag,
            srcpart, tag, hostpart, port, tag)
        if tcp:
            s.connect((host, port))
            s.sendall(msg.encode())
        else:
            s.sendto(msg.encode(), (host, port))
        data = s.recv(65535)
        if not data.startswith(b"SIP/2.0 200 "):
            return False
        # RFC 3581: our rport filled with the source port, received added
        via = re.search(rb"^Via:[^\r\n]*", data, re.M)
        return bool(via and (b";rport=%d" % lport) in via.group(0)
                    and b";received=" in via.group(0))
    except OSError:
        return False
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wait", type=float, default=0)
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("targets", nargs="+")
    a = ap.parse_args()
    deadline = time.time() + a.wait
    pending = list(a.targets)
    while True:
        left = []
        for t in pending:
            host, _, port = t.rpartition(":")
            host = host.strip("[]")
            if not options(host, int(port), a.tcp):
                left.append(t)
        pending = left
        if not pending or time.time() >= deadline:
            break
        time.sleep(0.1)
    for t in pending:
        print("no 200 to OPTIONS from %s" % t)
    return 1 if pending else 0


if __name__ == "__main__":
    sys.exit(main())
