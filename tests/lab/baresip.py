#!/usr/bin/env python3
"""Helpers for the baresip lab test (baresip.test.sh).

  baresip.py tone WAV HZ SECONDS
      writes a sine tone, 8 kHz mono 16-bit, half of full scale
  baresip.py call --caller HOST:PORT --callee HOST:PORT --uri URI
                  [--talk SECONDS] [--hold SIDE:AT:SECONDS] [--deadline SECONDS]
      drives two baresip instances over their ctrl_tcp sockets (netstring
      framed JSON): the caller dials URI, both must report the call
      established, it stays up for --talk seconds (with --hold, SIDE puts
      it on hold AT seconds in and resumes it SECONDS later), the caller
      hangs up, both must report it closed, then both are told to quit
  baresip.py check WAV HZ MIN_SECONDS
      checks audio a baresip wrote (module sndfile): at least MIN_SECONDS
      of it must be the tone HZ, and the dominant frequency of the longest
      stretch of sound must be HZ within 3 Hz
  baresip.py trace LOG ADDR OUT
      turns the SIP trace baresip prints with -s into a SIPp-style message
      trace (OUT) for leakcheck.py: what ADDR sent is "sent", the rest
      "received"
"""
import argparse
import array
import cmath
import json
import math
import re
import select
import socket
import sys
import time
import wave

RATE = 8000
BLOCK_S = 0.1           # analysis block: 100 ms
SILENCE_RMS = 1000.0    # below this a block is silence (about -30 dBFS)
TONE_SHARE = 0.8        # share of a block's energy at the tone's frequency
FREQ_TOLERANCE = 3.0    # Hz


# ---- tone ----

def tone(args):
    n = int(RATE * args.seconds)
    samples = array.array("h", (int(16384 * math.sin(2 * math.pi * args.hz * i / RATE))
                                for i in range(n)))
    if sys.byteorder != "little":
        samples.byteswap()
    with wave.open(args.wav, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return 0


# ---- check ----

def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError("%s: %d-byte samples, want 16-bit" % (path, w.getsampwidth()))
        rate, ch = w.getframerate(), w.getnchannels()
        data = array.array("h")
        data.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        data.byteswap()
    return rate, data[::ch]


def goertzel_share(x, rate, hz):
    """the share of the block's energy at hz (1.0 for a pure tone)"""
    n = len(x)
    k = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + k * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    energy = sum(v * v for v in x)
    return 2 * power / (n * energy) if energy else 0.0


def fft(a):
    n = len(a)
    if n == 1:
        return a
    even, odd = fft(a[0::2]), fft(a[1::2])
    out = [0j] * n
    for k in range(n // 2):
        t = cmath.exp(-2j * math.pi * k / n) * odd[k]
        out[k] = even[k] + t
        out[k + n // 2] = even[k] - t
    return out


def dominant(x, rate):
    """the strongest frequency of x: Hann window, FFT, parabolic peak"""
    n = 1 << 14
    x = x[:n]
    m = len(x)
    buf = [x[i] * (0.5 - 0.5 * math.cos(2 * math.pi * i / (m - 1))) for i in range(m)]
    buf += [0.0] * (n - m)
    mag = [abs(c) for c in fft(buf)[:n // 2]]
    lo = int(50 * n / rate)
    k = max(range(lo, n // 2 - 1), key=lambda i: mag[i])
    a, b, c = (math.log(mag[k + d] + 1e-9) for d in (-1, 0, 1))
    den = a - 2 * b + c
    shift = 0.5 * (a - c) / den if den else 0.0
    return (k + shift) * rate / n


def check(args):
    rate, x = read_wav(args.wav)
    blk = int(rate * BLOCK_S)
    tone_blocks = other_blocks = 0
    run = best = (0, 0)  # (start, length) in blocks of sound
    rms_sum = 0.0
    for b in range(len(x) // blk):
        v = x[b * blk:(b + 1) * blk]
        rms = math.sqrt(sum(s * s for s in v) / blk)
        if rms < SILENCE_RMS:
            run = (b + 1, 0)
            continue
        run = (run[0], run[1] + 1)
        if run[1] > best[1]:
            best = run
        if goertzel_share(v, rate, args.hz) >= TONE_SHARE:
            tone_blocks += 1
            rms_sum += rms
        else:
            other_blocks += 1
    seconds = tone_blocks * BLOCK_S
    if not x:
        print("FAIL %s: nothing (the file holds no audio: nothing was decoded)" % args.label)
        return 1
    if best[1] == 0:
        print("FAIL %s: %.1f s of audio, all of it silence" % (args.label, len(x) / rate))
        return 1
    freq = dominant(x[best[0] * blk:(best[0] + best[1]) * blk], rate)
    ok = seconds >= args.min_seconds and abs(freq - args.hz) <= FREQ_TOLERANCE
    print("%s %s: dominant %.1f Hz (want %g), %.1f s of the tone (want >= %g) at rms %.0f, "
          "%.1f s of other sound, %.1f s in the file"
          % ("ok  " if ok else "FAIL", args.label, freq, args.hz, seconds, args.min_seconds,
             rms_sum / tone_blocks if tone_blocks else 0.0, other_blocks * BLOCK_S,
             len(x) / rate))
    return 0 if ok else 1


# ---- call ----

class Ctrl:
    """one ctrl_tcp connection: netstring-framed JSON both ways"""

    def __init__(self, name, addr, deadline):
        host, port = addr.rsplit(":", 1)
        self.name = name
        while True:
            try:
                self.sock = socket.create_connection((host, int(port)), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.setblocking(False)
        self.buf = b""
        self.events = []

    def send(self, command, params=""):
        body = json.dumps({"command": command, "params": params, "token": command}).encode()
        self.sock.sendall(b"%d:%s," % (len(body), body))

    def read(self):
        """reads what arrived; returns False when the connection closed"""
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not data:
            return False
        self.buf += data
        while True:
            m = re.match(rb"(\d+):", self.buf)
            if not m:
                break
            end = m.end() + int(m.group(1))
            if len(self.buf) < end + 1:
                break
            msg = json.loads(self.buf[m.end():end])
            self.buf = self.buf[end + 1:]
            self.events.append(msg)
            if msg.get("event"):
                print("%8.3f %s event %s %s" % (time.monotonic() - T0, self.name,
                                               msg.get("type"), msg.get("param", "")))
            else:
                print("%8.3f %s response %s ok=%s %s" % (time.monotonic() - T0, self.name,
                                                        msg.get("token"), msg.get("ok"),
                                                        msg.get("data", "").strip()))
        return True

    def seen(self, kind):
        return any(e.get("type") == kind for e in self.events)

    def count(self, kind, param):
        return sum(1 for e in self.events if e.get("type") == kind and e.get("param") == param)

    def answered(self, token):
        return any(e.get("response") and e.get("token") == token for e in self.events)


T0 = time.monotonic()


def wait(ctrls, cond, deadline, what):
    while not cond():
        left = deadline - time.monotonic()
        if left <= 0:
            print("FAIL timed out waiting for %s" % what)
            return False
        r, _, _ = select.select([c.sock for c in ctrls], [], [], min(left, 0.2))
        for c in ctrls:
            if c.sock in r and not c.read():
                if cond():
                    return True
                print("FAIL %s closed its control connection while waiting for %s"
                      % (c.name, what))
                return False
    return True


def call(args):
    deadline = time.monotonic() + args.deadline
    try:
        caller = Ctrl("caller", args.caller, deadline)
        callee = Ctrl("callee", args.callee, deadline)
    except OSError as e:
        print("FAIL a phone's control socket (%s, %s) does not answer: %s"
              % (args.caller, args.callee, e))
        return 1
    both = [caller, callee]
    caller.send("dial", args.uri)
    if not wait(both, lambda: caller.seen("CALL_CLOSED") or callee.seen("CALL_CLOSED") or
                (caller.seen("CALL_ESTABLISHED") and callee.seen("CALL_ESTABLISHED")),
                deadline, "the call to be established on both sides"):
        return 1
    for c in both:
        if c.seen("CALL_CLOSED"):
            print("FAIL the call closed on the %s's side before it was established" % c.name)
            return 1
    established = time.monotonic()
    print("%8.3f call established on both sides; talking for %g s"
          % (established - T0, args.talk))
    steps = []
    if args.hold:
        side, at, length = args.hold.split(":")
        who = caller if side == "caller" else callee
        steps = [(float(at), who, "hold"), (float(at) + float(length), who, "resume")]
    steps.append((args.talk, None, None))
    for at, who, command in steps:
        if not wait(both, lambda: caller.seen("CALL_CLOSED") or callee.seen("CALL_CLOSED") or
                    time.monotonic() >= established + at, deadline, "the talk time"):
            return 1
        for c in both:
            if c.seen("CALL_CLOSED"):
                print("FAIL the call closed on the %s's side after %.1f s, before the caller "
                      "hung up" % (c.name, time.monotonic() - established))
                return 1
        if who:
            # the re-INVITE must come back answered through the B2BUA
            answers = who.count("CALL_REMOTE_SDP", "answer")
            print("%8.3f %s: %s" % (time.monotonic() - T0, who.name, command))
            who.send(command)
            if not wait(both, lambda: who.count("CALL_REMOTE_SDP", "answer") > answers,
                        min(deadline, time.monotonic() + 5), "the answer to the %s's %s re-INVITE"
                        % (who.name, command)):
                return 1
    caller.send("hangup")
    if not wait(both, lambda: caller.seen("CALL_CLOSED") and callee.seen("CALL_CLOSED"),
                deadline, "the call to close on both sides"):
        return 1
    for c in both:
        c.send("quit")
    wait(both, lambda: caller.answered("quit") and callee.answered("quit"), deadline,
         "both to quit")
    print("ok   call established, up %.1f s%s, hung up by the caller, closed on both sides"
          % (args.talk, ", held and resumed by the " + args.hold.split(":")[0] if args.hold else ""))
    return 0


# ---- trace ----

TRACE = re.compile(r"^(UDP|TCP) (\S+):\d+ -> (\S+):\d+\r?\n(.*?)(?=\x1b\[;m|\Z)", re.M | re.S)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def trace(args):
    with open(args.log, errors="replace") as f:
        text = f.read()
    n = 0
    with open(args.out, "w") as out:
        for m in TRACE.finditer(text):
            proto, src, body = m.group(1), m.group(2), ANSI.sub("", m.group(4))
            direction = "sent" if src == args.addr else "received"
            out.write("----------------------------------------------- %d\n" % n)
            out.write("%s message %s [%d] bytes :\n\n%s\n\n" % (proto, direction, len(body), body.strip("\r\n")))
            n += 1
    print("trace %s: %d SIP messages" % (args.log, n))
    return 0 if n else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("tone")
    p.add_argument("wav")
    p.add_argument("hz", type=float)
    p.add_argument("seconds", type=float)
    p = sub.add_parser("check")
    p.add_argument("wav")
    p.add_argument("hz", type=float)
    p.add_argument("min_seconds", type=float)
    p.add_argument("--label", default="audio")
    p = sub.add_parser("call")
    p.add_argument("--caller", required=True)
    p.add_argument("--callee", required=True)
    p.add_argument("--uri", required=True)
    p.add_argument("--talk", type=float, default=4.0)
    p.add_argument("--deadline", type=float, default=20.0)
    p.add_argument("--hold", help="SIDE:AT:SECONDS: caller or callee puts the call on hold "
                   "AT seconds after it is established and resumes it SECONDS later")
    p = sub.add_parser("trace")
    p.add_argument("log")
    p.add_argument("addr")
    p.add_argument("out")
    a = ap.parse_args()
    return {"tone": tone, "check": check, "call": call, "trace": trace}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
