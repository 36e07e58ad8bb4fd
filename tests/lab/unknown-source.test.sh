#!/bin/sh
# A source that matches no trunk: 403 on a listener that rejects (the
# default), no answer at all on a listener configured to drop; the known
# trunks keep working on both.
set -eu
. "$TESTS_DIR/lab/lib.sh"
conf=$(mktemp)
sed '/^\[listener external-udp\]/a unknown_sources = drop' "$TESTS_DIR/lab/b2bua.conf" >"$conf"
export LAB_CONF="$conf"
trap 'lab_stop >/dev/null 2>&1 || true; rm -f "$conf"' EXIT
lab_start
rc=0
invite() { # SRC DST: prints the final status, or "none"
    python3 - "$1" "$2" <<'PY'
import os, socket, sys
src, dst = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
port = s.getsockname()[1]
tag = os.urandom(4).hex()
msg = ("INVITE sip:15551234567@%s SIP/2.0\r\n"
       "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport\r\n"
       "Max-Forwards: 70\r\nFrom: <sip:intruder@%s>;tag=%s\r\nTo: <sip:15551234567@%s>\r\n"
       "Call-ID: %s@%s\r\nCSeq: 1 INVITE\r\nContact: <sip:intruder@%s:%d>\r\n"
       "Content-Length: 0\r\n\r\n") % (dst, src, port, tag, src, tag, dst, tag, src, src, port)
s.settimeout(2)
s.sendto(msg.encode(), (dst, 5060))
try:
    while True:
        data = s.recv(65535).decode(errors="replace")
        code = int(data.split(" ", 2)[1])
        if code >= 200:
            print(code, data.split("\r\n", 1)[0].split(" ", 2)[2])
            break
except socket.timeout:
    print("none")
PY
}
got=$(invite 127.0.0.99 127.0.0.1)
case "$got" in
"403 Source Matches No Trunk") echo "ok   unknown source on a rejecting listener: $got" ;;
*) echo "FAIL unknown source on a rejecting listener: $got"; rc=1 ;;
esac
got=$(invite 127.0.0.99 127.0.0.2)
if [ "$got" = "none" ]; then
    echo "ok   unknown source on a dropping listener: no answer"
else
    echo "FAIL unknown source on a dropping listener: $got"; rc=1
fi
grep -q 'dropped: no trunk matches the source' "$LAB_DIR/b2bua.log" || { echo "FAIL no log line for the drop"; rc=1; }
lab_pair uac-caller-hangup.xml uas-answer.xml 5 10 127.0.0.21 127.0.0.2 127.0.0.11 || rc=1
lab_pair uac-caller-hangup.xml uas-answer.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
