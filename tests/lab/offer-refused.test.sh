#!/bin/sh
# An offer inside the dialog that adds a stream and is refused (RFC 3264
# 8: the session stays as it was): the relay stream the offer opened is
# closed at once and its ports go back to the pool, into quarantine,
# while the call goes on; the same offer made again is accepted and gets
# a stream of its own.  The B2BUA's counters (SIGUSR1) are logged three
# times in the call, per zone: while the offer is pending (audio and
# video: 2 ports in use), after the 488 (1 in use, 1 in quarantine), and
# once video is accepted (2 in use).
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
LAB_SIPP_ARGS="-key b2bua_pid $LAB_PID" \
    lab_pair uac-video-refused.xml uas-video-refused.xml 1 1 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
for zone in internal external; do
    got=$(sed -n "s/.*media ports of zone $zone: \([0-9]*\) in use, \([0-9]*\) in quarantine.*/\1:\2/p" \
        "$LAB_DIR/b2bua.log" | tr '\n' ' ')
    # in use:quarantined at each of the three
    case "$got" in
    "2:0 1:1 2:1 ") echo "ok   zone $zone: ports in use:quarantined $got" ;;
    *) echo "FAIL zone $zone: ports in use:quarantined $got, expected 2:0 1:1 2:1"; rc=1 ;;
    esac
done
lab_leakcheck || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
