#!/bin/sh
# Listeners from a configuration file: IPv4 and IPv6, UDP and TCP, two
# zones.  Each answers OPTIONS (with rport/received for the source), and
# the daemon stops cleanly on SIGTERM.
set -eu
. "$TESTS_DIR/lib/daemon.sh"
log=$(mktemp)
trap 'b2bua_stop >/dev/null 2>&1 || true; rm -f "$log"' EXIT
b2bua_start "$TESTS_DIR/wire/ipv6.conf" "$log"
b2bua_wait 127.0.0.1:5060 "[::1]:5062"
rc=0
python3 "$TESTS_DIR/lib/sipping.py" 127.0.0.1:5060 "[::1]:5062" || rc=1
python3 "$TESTS_DIR/lib/sipping.py" --tcp 127.0.0.1:5060 "[::1]:5062" || rc=1
# nothing listens where the configuration put nothing
if python3 "$TESTS_DIR/lib/sipping.py" 127.0.0.2:5060 >/dev/null; then
    echo "127.0.0.2:5060 answered, but no listener is configured there"
    rc=1
fi
b2bua_stop || rc=1
grep -q 'b2bua stopped' "$log" || { echo "no clean stop in the log"; rc=1; }
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || { tail -30 "$log"; echo "0 passed, 1 failed"; }
exit $rc
