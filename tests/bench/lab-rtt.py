#!/usr/bin/env python3
"""INVITE response times from a loopback capture of a benchmark step.

  lab-rtt.py PCAP CALLER HOP_IN HOP_OUT CALLEE

PCAP is a tcpdump capture (-i lo) of the INVITEs and of the 180 and 200
responses of one run of lab-uac.xml through a hop: CALLER (the SIPp caller)
sends to HOP_IN, the hop sends to CALLEE from HOP_OUT.  Times are the
kernel's capture times, so microseconds, not SIPp's millisecond clock.

Prints one line of KEY=VALUE pairs (microseconds):
  calls=N        calls seen with an INVITE from the caller
  inv180_p50/_p99  first INVITE from the caller -> first 180 back to it
  inv200_p50/_p99  first INVITE from the caller -> first 200 back to it
  hop_p50/_p99   the hop's own share: its INVITE relay (caller's INVITE in ->
                 INVITE out to the callee) plus its 200 relay (the callee's
                 200 in -> 200 out to the caller).  The two legs are paired
                 by the Subject header, which the caller sets per call and
                 both a proxy and the B2BUA pass on.
  missing=N      calls whose INVITE has no 200 in the capture
"""
import re
import socket
import struct
import sys

CALLID = re.compile(rb"^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)", re.I | re.M)
CSEQ = re.compile(rb"^CSeq[ \t]*:[ \t]*\d+[ \t]+(\w+)", re.I | re.M)
SUBJECT = re.compile(rb"^(?:Subject|s)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.I | re.M)


def packets(path):
    """(time in microseconds, src ip, dst ip, udp payload) of each packet."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    else:
        endian = ">"
    (m,) = struct.unpack(endian + "I", magic)
    nano = m == 0xA1B23C4D
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype == 1:        # Ethernet (Linux lo)
        l2 = 14
    elif linktype == 113:    # Linux cooked
        l2 = 16
    elif linktype == 276:    # Linux cooked v2
        l2 = 20
    elif linktype in (0, 108):   # BSD loopback
        l2 = 4
    else:
        raise SystemExit("unsupported link type %d" % linktype)
    off = 24
    hdr = struct.Struct(endian + "IIII")
    n = len(data)
    while off + 16 <= n:
        sec, frac, incl, _ = hdr.unpack_from(data, off)
        off += 16
        pkt = data[off:off + incl]
        off += incl
        ip = pkt[l2:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        t = sec * 1000000 + (frac // 1000 if nano else frac)
        yield t, socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]), ip[ihl + 8:]


def pct(values, p):
    if not values:
        return -1
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    path, caller, hop_in, hop_out, callee = sys.argv[1:]
    inv_a = {}      # caller Call-ID -> first INVITE time
    r180_a = {}
    r200_a = {}
    subj_a = {}     # caller Call-ID -> Subject
    inv_b = {}      # Subject -> first INVITE time on the callee's side
    cid_b = {}      # callee-side Call-ID -> Subject
    r200_b = {}     # callee-side Call-ID -> first 200 time
    for t, src, dst, pl in packets(path):
        m = CALLID.search(pl)
        if not m:
            continue
        cid = m.group(1)
        if pl.startswith(b"INVITE "):
            s = SUBJECT.search(pl)
            subj = s.group(1) if s else None
            if src == caller and dst == hop_in:
                inv_a.setdefault(cid, t)
                if subj is not None:
                    subj_a.setdefault(cid, subj)
            elif src == hop_out and dst == callee:
                cid_b.setdefault(cid, subj)
                if subj is not None:
                    inv_b.setdefault(subj, t)
        elif pl.startswith(b"SIP/2.0 "):
            c = CSEQ.search(pl)
            if not c or c.group(1) != b"INVITE":
                continue
            code = pl[8:11]
            if src == hop_in and dst == caller:
                if code == b"180":
                    r180_a.setdefault(cid, t)
                elif code == b"200":
                    r200_a.setdefault(cid, t)
            elif src == callee and dst == hop_out and code == b"200":
                r200_b.setdefault(cid, t)
    d180 = [r180_a[c] - t for c, t in inv_a.items() if c in r180_a]
    d200 = [r200_a[c] - t for c, t in inv_a.items() if c in r200_a]
    b200_by_subj = {}
    for c, t in r200_b.items():
        s = cid_b.get(c)
        if s is not None:
            b200_by_subj.setdefault(s, t)
    hop = []
    for c, t in inv_a.items():
        s = subj_a.get(c)
        if s is None or s not in inv_b or s not in b200_by_subj or c not in r200_a:
            continue
        hop.append((inv_b[s] - t) + (r200_a[c] - b200_by_subj[s]))
    print("calls=%d inv180_p50=%d inv180_p99=%d inv200_p50=%d inv200_p99=%d "
          "hop_p50=%d hop_p99=%d hop_paired=%d missing=%d" % (
              len(inv_a), pct(d180, 50), pct(d180, 99), pct(d200, 50), pct(d200, 99),
              pct(hop, 50), pct(hop, 99), len(hop), len(inv_a) - len(d200)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
