#!/bin/sh
# torture-run.sh udp|tcp: starts the daemon on its embedded configuration,
# sends it the corpus's malformed requests over that transport (torture.py)
# and stops it; fails on any wrong answer or an unclean stop.
set -eu
. "$TESTS_DIR/lib/daemon.sh"
corpus="$SHARED_DIR/sip-corpus"
if [ ! -f "$corpus/MANIFEST.tsv" ]; then
    echo "SKIP: no SIP corpus at $corpus"
    exit 77
fi
log=$(mktemp)
trap 'b2bua_stop >/dev/null 2>&1 || true; rm -f "$log"' EXIT
b2bua_start "" "$log"
b2bua_wait 127.0.0.1:5060 127.0.0.2:5060
rc=0
python3 "$TESTS_DIR/wire/torture.py" --corpus "$corpus" --proto "$1" --to 127.0.0.1:5060 || rc=1
b2bua_stop || rc=1
[ $rc -eq 0 ] || tail -50 "$log"
exit $rc
