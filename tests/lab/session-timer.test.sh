#!/bin/sh
# Session timers (RFC 4028) on the carrier's leg, the pbx's leg without
# any: the B2BUA refreshes leg B with UPDATE at half the interval when the
# callee leaves it the refresher role; when the callee takes the role and
# never refreshes, the whole call ends with BYE on both legs before the
# interval is over.  A refresh the callee answers 491 goes again after
# the RFC 3261 14.1 delay (2.1 to 4 s: the B2BUA owns leg B's Call-ID);
# after two retries that meet 491 as well the call goes on, as with any
# refresh that fails with a code other than 408 or 481.  (90 s is the
# smallest interval RFC 4028 allows, so each run lasts about a minute.)
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
"$B2BUA_BIN/b2bua-policy" trunk set "$LAB_DIR/policy.db" carrier session_timer=90 >/dev/null
sleep 0.8
export LAB_SIPP_TIMEOUT=90
lab_pair uac-long.xml uas-st-refresh.xml 1 1 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_pair uac-ended.xml uas-st-expire.xml 1 1 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
grep -q "session timer of leg B expired" "$LAB_DIR/b2bua.log" || { echo "FAIL no expiry in the log"; rc=1; }
lab_pair uac-long.xml uas-st-glare.xml 2 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
# each retry's delay as the callee saw it (0.3 s of slack for a loaded
# host), and nothing after the third 491 in a row
python3 "$TESTS_DIR/lab/tracecheck.py" glare "$LAB_DIR"/run-$LAB_RUN/uas/*_messages.log 2.1 4.3 UPDATE 3 || rc=1
lab_leakcheck || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
