#!/bin/sh
# Offer and answer in the places RFC 3264 allows besides the INVITE: late
# offer (an INVITE without SDP, the offer in the 200 and the answer in the
# ACK, on each leg), a re-INVITE without SDP asking for a fresh offer, a
# NOTIFY inside the dialog relayed with the other leg's identifiers, and an
# UPDATE with a new offer in the callee's early dialog (answered by the
# B2BUA: the caller's leg cannot take an offer then); both directions.  Every call must succeed, and the leak check must find none of
# one side's identifiers or addresses in what the other side received.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
P=127.0.0.11 C=127.0.0.21
lab_pair uac-late.xml uas-late.xml 10 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-late.xml uas-late.xml 10 10 $C 127.0.0.2 $P || rc=1
lab_pair uac-sdp-early.xml uas-early-update.xml 10 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-sdp-early.xml uas-early-update.xml 10 10 $C 127.0.0.2 $P || rc=1
lab_leakcheck || rc=1
lab_stop || rc=1
python3 "$TESTS_DIR/lab/cdrcheck.py" "$LAB_DIR/policy.db" --traces "$LAB_DIR" \
    total:40 status=200:40 hangup_by=caller:40 || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
