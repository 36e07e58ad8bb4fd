#!/usr/bin/env python3
"""A small RTP/SRTP endpoint for the lab: sends G.711-sized packets from the
socket it receives on (so that a relay can latch to it), receives at the
same time, checks every payload it gets, and prints a JSON report.

  rtp.py selftest
      checks the SRTP code here against the reference packets of RFC 3711
      AES_CM_128_HMAC_SHA1_80 (libsrtp's srtp_validate vector)

  rtp.py stream --bind IP:PORT --to IP:PORT [--count N] [--interval S]
                [--ssrc N] [--pt N] [--tx-key inline:B64] [--rx-key inline:B64]
                [--suite AES_CM_128_HMAC_SHA1_80|AES_CM_128_HMAC_SHA1_32]
                [--expect N] [--linger S] [--quiet-after S]
      --tx-key: send SRTP with this key (the key in OUR a=crypto);
      --rx-key: expect SRTP with this key (the key in the PEER's a=crypto);
      --expect: exit 1 unless at least N packets with intact payload arrived
      --linger: keep receiving this long after the last packet sent

Each payload carries a marker, the sender's SSRC and sequence number, so the
receiving side can tell that what arrived is what was sent (after the relay
decrypted or encrypted it on the way)."""
import argparse
import base64
import hashlib
import hmac
import json
import os
import select
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MARK = b"b2bua-rtp"
PKT_LEN = 172
TAG_LEN = {"AES_CM_128_HMAC_SHA1_80": 10, "AES_CM_128_HMAC_SHA1_32": 4}


def aes_ctr(key, iv, data):
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def kdf(master_key, master_salt, label, length):
    """RFC 3711 4.3.1 with key_derivation_rate 0: x = (label << 48) XOR salt."""
    x = int.from_bytes(master_salt, "big") ^ (label << 48)
    iv = (x << 16).to_bytes(16, "big")
    return aes_ctr(master_key, iv, bytes(length))


class Srtp:
    """SRTP for one direction and one SSRC at a time (RFC 3711 3.3, 4.1.1, 4.2.1)."""

    def __init__(self, inline_key, suite="AES_CM_128_HMAC_SHA1_80"):
        b64 = inline_key.split(":", 1)[1].split("|")[0] if inline_key.startswith("inline:") else inline_key
        raw = base64.b64decode(b64 + "=" * (-len(b64) % 4))
        if len(raw) != 30 or suite not in TAG_LEN:
            raise ValueError("need a 30-byte AES_CM_128 key")
        mk, ms = raw[:16], raw[16:]
        self.ek = kdf(mk, ms, 0, 16)
        self.ak = kdf(mk, ms, 1, 20)
        self.salt = int.from_bytes(kdf(mk, ms, 2, 14), "big")
        self.tag_len = TAG_LEN[suite]
        self.roc = 0
        self.s_l = None
        self.ssrc = None
        self.seen = set()

    def _crypt(self, hdr_len, pkt, ssrc, index):
        iv = ((self.salt << 16) ^ (ssrc << 64) ^ (index << 16)).to_bytes(16, "big")
        return pkt[:hdr_len] + aes_ctr(self.ek, iv, pkt[hdr_len:])

    def _tag(self, data, roc):
        return hmac.new(self.ak, data + struct.pack("!I", roc), hashlib.sha1).digest()[: self.tag_len]

    def protect(self, pkt):
        seq, ssrc = struct.unpack("!H", pkt[2:4])[0], struct.unpack("!I", pkt[8:12])[0]
        if self.s_l is not None and seq < self.s_l and self.s_l - seq > 0x8000:
            self.roc += 1
        self.s_l = seq
        enc = self._crypt(12, pkt, ssrc, (self.roc << 16) | seq)
        return enc + self._tag(enc, self.roc)

    def unprotect(self, pkt):
        """returns the RTP packet, or None for a failed check or a replay"""
        if len(pkt) < 12 + self.tag_len:
            return None
        seq, ssrc = struct.unpack("!H", pkt[2:4])[0], struct.unpack("!I", pkt[8:12])[0]
        if ssrc != self.ssrc:
            # a new SSRC is a new cryptographic context (RFC 3711 3.2.3)
            self.ssrc, self.roc, self.s_l, self.seen = ssrc, 0, None, set()
        roc = self.roc
        if self.s_l is not None:
            # RFC 3711 3.3.1: guess the ROC from the highest sequence seen
            if self.s_l < 0x8000 and seq - self.s_l > 0x8000:
                roc = self.roc - 1
            elif self.s_l >= 0x8000 and self.s_l - 0x8000 > seq:
                roc = self.roc + 1
        body, tag = pkt[: -self.tag_len], pkt[-self.tag_len:]
        if roc < 0 or not hmac.compare_digest(self._tag(body, roc), tag):
            return None
        index = (roc << 16) | seq
        if index in self.seen:
            return None
        self.seen.add(index)
        if self.s_l is None or roc > self.roc or (roc == self.roc and seq > self.s_l):
            self.roc, self.s_l = roc, seq
        return self._crypt(12, body, ssrc, index)


def selftest():
    key = bytes.fromhex("e1f97a0d3e018be0d64fa32c06de41390ec675ad498afeebb6960b3aabe6")
    plain = bytes.fromhex("800f1234decafbadcafebabe" + "ab" * 16)
    cipher = bytes.fromhex("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb")
    inline = "inline:" + base64.b64encode(key).decode()
    tx, rx = Srtp(inline), Srtp(inline)
    ok = tx.protect(plain) == cipher and rx.unprotect(cipher) == plain and rx.unprotect(cipher) is None
    t32 = Srtp(inline, "AES_CM_128_HMAC_SHA1_32")
    ok = ok and t32.protect(plain) == cipher[:32]
    print("srtp self-test:", "ok" if ok else "FAILED")
    return 0 if ok else 1


def addr(s):
    host, port = s.rsplit(":", 1)
    return host.strip("[]"), int(port)


def make_rtp(pt, seq, ts, ssrc):
    hdr = struct.pack("!BBHII", 0x80, pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc)
    payload = MARK + struct.pack("!IH", ssrc, seq & 0xFFFF)
    return hdr + payload + b"\xd5" * (PKT_LEN - len(hdr) - len(payload))


def stream(a):
    local, remote = addr(a.bind), addr(a.to)
    fam = socket.AF_INET6 if ":" in local[0] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(local)
    s.setblocking(False)
    tx = Srtp(a.tx_key, a.suite) if a.tx_key else None
    rx = Srtp(a.rx_key, a.suite) if a.rx_key else None
    ssrc = a.ssrc if a.ssrc is not None else int.from_bytes(os.urandom(4), "big")
    rep = {"sent": 0, "received": 0, "intact": 0, "bad_payload": 0, "srtp_failed": 0,
           "from": None, "peer_ssrcs": [], "first_seq": None, "last_seq": None}
    seq0 = int.from_bytes(os.urandom(2), "big") & 0x7FFF
    start = time.monotonic()
    next_send = start
    end_send = start + a.count * a.interval
    end = end_send + a.linger
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if rep["sent"] < a.count and now >= next_send and now - start >= a.delay:
            pkt = make_rtp(a.pt, seq0 + rep["sent"], 160 * rep["sent"], ssrc)
            s.sendto(tx.protect(pkt) if tx else pkt, remote)
            rep["sent"] += 1
            next_send += a.interval
        timeout = max(0.0, min(next_send if rep["sent"] < a.count else end, end) - time.monotonic())
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            continue
        while True:
            try:
                data, src = s.recvfrom(4096)
            except BlockingIOError:
                break
            if rx:
                data = rx.unprotect(data)
                if data is None:
                    rep["srtp_failed"] += 1
                    continue
            rep["received"] += 1
            rep["from"] = "%s:%d" % src[:2]
            if len(data) >= 12 + len(MARK) + 6 and data[12:12 + len(MARK)] == MARK:
                pssrc, pseq = struct.unpack("!IH", data[12 + len(MARK):18 + len(MARK)])
                hseq = struct.unpack("!H", data[2:4])[0]
                if hseq == pseq and len(data) == PKT_LEN:
                    rep["intact"] += 1
                    if pssrc not in rep["peer_ssrcs"]:
                        rep["peer_ssrcs"].append(pssrc)
                    rep["first_seq"] = pseq if rep["first_seq"] is None else rep["first_seq"]
                    rep["last_seq"] = pseq
                    continue
            rep["bad_payload"] += 1
    print(json.dumps(rep))
    return 0 if rep["intact"] >= a.expect else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("selftest")
    st = sub.add_parser("stream")
    st.add_argument("--bind", required=True)
    st.add_argument("--to", required=True)
    st.add_argument("--count", type=int, default=100)
    st.add_argument("--interval", type=float, default=0.02)
    st.add_argument("--delay", type=float, default=0.0, help="seconds before the first packet")
    st.add_argument("--linger", type=float, default=0.5)
    st.add_argument("--ssrc", type=int)
    st.add_argument("--pt", type=int, default=0)
    st.add_argument("--tx-key")
    st.add_argument("--rx-key")
    st.add_argument("--suite", default="AES_CM_128_HMAC_SHA1_80", choices=sorted(TAG_LEN))
    st.add_argument("--expect", type=int, default=0)
    a = p.parse_args()
    return selftest() if a.cmd == "selftest" else stream(a)


if __name__ == "__main__":
    sys.exit(main())
