#!/bin/sh
# SIPp against the running daemon (embedded lab configuration): OPTIONS,
# a rejected INVITE with its ACK absorbed, BYE and CANCEL for unknown
# dialogs, over UDP and TCP, on both zones' addresses.
set -eu
. "$TESTS_DIR/lib/daemon.sh"
. "$TESTS_DIR/sipp/run-scenario.sh"
log=$(mktemp)
trap 'b2bua_stop >/dev/null 2>&1 || true; rm -f "$log"' EXIT
b2bua_start "" "$log"
b2bua_wait 127.0.0.1:5060 127.0.0.2:5060
rc=0
for tp in u1 t1; do
    sipp_run options.xml $tp 200 100 127.0.0.1:5060 || rc=1
    sipp_run options.xml $tp 50 50 127.0.0.2:5060 || rc=1
    sipp_run invite-reject.xml $tp 50 25 127.0.0.1:5060 || rc=1
    sipp_run bye-unknown.xml $tp 20 20 127.0.0.1:5060 || rc=1
done
b2bua_stop || rc=1
if [ $rc -ne 0 ]; then
    echo "--- daemon log (tail)"
    tail -40 "$log"
fi
exit $rc
