#!/bin/sh
# 3xx from the carrier, as its trunk's policy says: followed by the B2BUA
# (the call completes at the Contact, and the caller never sees the 302);
# passed back to the caller with a Contact pointing at the B2BUA itself;
# or, by default, turned into 480 so that the inside Contact never shows.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true; kill $sip_pid 2>/dev/null || true' EXIT
sip_pid=
lab_start
rc=0
db="$LAB_DIR/policy.db"
tool="$B2BUA_BIN/b2bua-policy"
wait_reload() { sleep 0.8; }

# follow: the redirect target answers at 127.0.0.24
"$tool" trunk set "$db" carrier on_3xx=follow >/dev/null
wait_reload
mkdir -p "$LAB_DIR/t24"
(cd "$LAB_DIR/t24" && exec sipp -sf "$LAB_SIPP/uas-answer.xml" -i 127.0.0.24 -p 5060 -m 5 \
    -timeout 30 -timeout_error -trace_err -nostdin >sipp.out 2>&1) &
sip_pid=$!
lab_pair uac-caller-hangup.xml uas-redirect.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
wait $sip_pid || { echo "FAIL the redirect target did not complete its calls"; rc=1; }
sip_pid=

# pass: the caller gets the 302, pointing at us
"$tool" trunk set "$db" carrier on_3xx=pass >/dev/null
wait_reload
lab_pair uac-redirected.xml uas-redirect.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1

# default: 480, nothing of the Contact
"$tool" trunk set "$db" carrier on_3xx=failover >/dev/null
wait_reload
lab_pair uac-unfollowed.xml uas-redirect.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_leakcheck || rc=1
# the redirect target's address never reached the caller
if grep -q '127\.0\.0\.24' "$LAB_DIR"/run-*/uac/*_messages.log; then
    echo "FAIL the caller saw the redirect target's address"; rc=1
else
    echo "ok   the caller never saw the redirect target's address"
fi
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
