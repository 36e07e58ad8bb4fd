#!/bin/sh
# An INVITE with Replaces (RFC 3891) from the pbx naming the pbx's other
# call through the B2BUA: the carrier receives it with the Replaces
# translated to that call's carrier-side dialog (its Call-ID, the
# carrier's tag as to-tag, ours as from-tag; checked over the carrier's
# trace).  An INVITE whose Replaces names no dialog of ours gets 481 and
# never reaches the carrier.  The leak check runs over every trace.
set -eu
. "$TESTS_DIR/lab/lib.sh"
pids=
trap 'lab_stop >/dev/null 2>&1 || true; for p in $pids; do kill $p 2>/dev/null || true; done' EXIT
lab_start
rc=0
check="$TESTS_DIR/lab/tracecheck.py"
LAB_RUN=$((LAB_RUN + 1))
d="$LAB_DIR/run-$LAB_RUN"
mkdir -p "$d/uas" "$d/uac" "$d/parts/1" "$d/parts/2" "$d/parts/3"
lab_zone_addr 127.0.0.11 >"$d/caller-addrs"
lab_zone_addr 127.0.0.21 >"$d/callee-addrs"
sipp_run() {	# DIR SCENARIO ADDR PORT [ARGS...]: one SIPp, traces kept
    _dir=$1 _sf=$2 _ip=$3 _port=$4
    shift 4
    (cd "$_dir" && exec sipp -sf "$LAB_SIPP/$_sf" -i "$_ip" -p "$_port" -m 1 \
        -timeout 30 -timeout_error -trace_msg -trace_err -nostdin "$@" >sipp.out 2>&1)
}
fail() { echo "FAIL $1"; tail -20 "$2"/sipp.out; cat "$2"/*errors.log 2>/dev/null | head -20; rc=1; }

(cd "$d/uas" && exec sipp -sf "$LAB_SIPP/uas-answer.xml" -i 127.0.0.21 -p 5060 -m 2 \
    -timeout 30 -timeout_error -trace_msg -trace_err -nostdin >sipp.out 2>&1) &
uas_pid=$!
pids="$uas_pid"
sleep 0.3
# the call to be replaced, up for 3 s
sipp_run "$d/parts/1" uac-replaced.xml 127.0.0.11 5060 -s 15551234567 127.0.0.1:5060 &
uac1_pid=$!
pids="$pids $uac1_pid"
n=0
until dlg=$(python3 "$check" dialog "$d"/parts/1/*_messages.log 2>/dev/null); do
    n=$((n + 1))
    [ $n -lt 50 ] || { echo "FAIL the first call was not answered"; break; }
    sleep 0.1
done
set -- $dlg
if [ $# -eq 3 ]; then
    sipp_run "$d/parts/2" uac-replacing.xml 127.0.0.11 5062 -s 15551234567 \
        -key rcallid "$1" -key rtotag "$2" -key rfromtag "$3" 127.0.0.1:5060 ||
        fail "uac-replacing.xml" "$d/parts/2"
else
    rc=1
fi
sipp_run "$d/parts/3" uac-replaces-unknown.xml 127.0.0.11 5064 -s 15551234567 127.0.0.1:5060 ||
    fail "uac-replaces-unknown.xml" "$d/parts/3"
wait $uac1_pid || fail "uac-replaced.xml" "$d/parts/1"
wait $uas_pid || fail "uas-answer.xml" "$d/uas"
pids=
python3 "$check" invite-replaces "$d"/uas/*_messages.log 2 || rc=1
# one caller side for the leak check: the three runs of the pbx
cat "$d"/parts/*/*_messages.log >"$d/uac/pbx_messages.log"
lab_leakcheck || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
