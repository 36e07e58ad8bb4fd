#!/bin/sh
# Media through the relay, end to end: RTP flows both ways between the pbx
# and the carrier, each seeing only the B2BUA's address and ports, every
# packet arriving intact; then with the carrier's trunk requiring SRTP
# while the pbx speaks plain RTP, what each side receives decrypts (or
# reads) correctly, with no authentication failure (a move the callee
# refuses leaves the media where it was), and plain RTP the
# SRTP side sends before its answer is dropped; and when the media
# stops (a 2 s media timeout in this lab), the B2BUA ends the call with BYE
# on both legs and says why in its CDR.
set -eu
. "$TESTS_DIR/lab/lib.sh"
conf=$(mktemp)
sed 's/^\[policy\]/[media]\ntimeout = 2s\n\n[policy]/' "$TESTS_DIR/lab/b2bua.conf" >"$conf"
export LAB_CONF="$conf"
trap 'lab_stop >/dev/null 2>&1 || true; rm -f "$conf"' EXIT
lab_start
rc=0
check() { # FILE WHAT
    if [ ! -f "$1" ]; then
        echo "FAIL $2: no report"; rc=1; return
    fi
    set -- $(cat "$1") "$2"
    # sent N received R intact I auth_failed F
    if [ "$4" -ge 90 ] && [ "$6" -eq "$4" ] && [ "$8" -eq 0 ]; then
        echo "ok   $9: sent $2, received $4, all intact, no SRTP failure"
    else
        echo "FAIL $9: sent $2, received $4, intact $6, SRTP failures $8"; rc=1
    fi
}
run() { # NAME UAS
    mkdir -p "$LAB_DIR/rtp-$1"
    LAB_SIPP_ARGS="-key rtpeer $B2BUA_BIN/rtpeer -key rtp_dir $LAB_DIR/rtp-$1" \
        lab_pair uac-rtp.xml "$2" 1 1 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
    sleep 1
    check "$LAB_DIR/rtp-$1/caller.txt" "$1: RTP the pbx received"
    check "$LAB_DIR/rtp-$1/callee.txt" "$1: RTP the carrier received"
}
run plain uas-rtp.xml
# plain RTP on both legs: once latched, the kernel forwards it (the lab runs
# as root, where the eBPF program loads)
if grep -Eq 'leg [AB] sent [0-9]+ packets relayed \([0-9-]+ lost, jitter [0-9.]+ ms; [1-9][0-9]* of them by the kernel\)' \
    "$LAB_DIR/b2bua.log"; then
    echo "ok   plain: the kernel forwarded the established RTP"
else
    echo "FAIL plain: no RTP forwarded by the kernel"; rc=1
fi
# the caller moves its media to another port with a re-INVITE
mkdir -p "$LAB_DIR/rtp-move"
LAB_SIPP_ARGS="-key rtpeer $B2BUA_BIN/rtpeer -key rtp_dir $LAB_DIR/rtp-move" \
    lab_pair uac-rtp-move.xml uas-rtp-move.xml 1 1 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
sleep 1
moved() { # FILE MIN WHAT
    set -- "$(cat "$1" 2>/dev/null || echo none)" "$2" "$3"
    case "$1" in
    "sent "*) r=$(echo "$1" | cut -d' ' -f4) i=$(echo "$1" | cut -d' ' -f6)
        if [ "$r" -ge "$2" ] && [ "$i" -eq "$r" ]; then echo "ok   $3: $1"; else echo "FAIL $3: $1"; rc=1; fi ;;
    *) echo "FAIL $3: no report"; rc=1 ;;
    esac
}
moved "$LAB_DIR/rtp-move/callee.txt" 85 "move: the carrier kept receiving across the move"
moved "$LAB_DIR/rtp-move/caller2.txt" 30 "move: the caller's new port receives"
# a move the callee refuses (488): the session stays as it was (RFC
# 3264 8), so the relay goes on sending to the caller's old port
mkdir -p "$LAB_DIR/rtp-refused"
LAB_SIPP_ARGS="-key rtpeer $B2BUA_BIN/rtpeer -key rtp_dir $LAB_DIR/rtp-refused" \
    lab_pair uac-rtp-refused.xml uas-rtp-refused.xml 1 1 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
sleep 1
moved "$LAB_DIR/rtp-refused/caller.txt" 130 "refused move: the caller's port kept receiving"
moved "$LAB_DIR/rtp-refused/callee.txt" 130 "refused move: the carrier kept receiving"
# silence after one second: the call ends by the media timeout
mkdir -p "$LAB_DIR/rtp-timeout"
LAB_SIPP_ARGS="-key rtpeer $B2BUA_BIN/rtpeer -key rtp_dir $LAB_DIR/rtp-timeout" \
    lab_pair uac-rtp-ended.xml uas-rtp-short.xml 1 1 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
grep -q 'call ends: media timeout' "$LAB_DIR/b2bua.log" && echo "ok   the media timeout ended the call" ||
    { echo "FAIL no media timeout in the log"; rc=1; }
"$B2BUA_BIN/b2bua-policy" trunk set "$LAB_DIR/policy.db" carrier media_mode=srtp-required >/dev/null
n=0
while [ "$(grep -c 'policy in force' "$LAB_DIR/b2bua.log")" -lt 3 ] && [ $n -lt 50 ]; do
    sleep 0.1; n=$((n + 1))
done
run srtp uas-rtp-srtp.xml
# the SRTP callee sends plain RTP before its answer: the relay, which
# offered SRTP and has no key of the callee's yet, drops all 20 packets
run srtp-early uas-rtp-srtp-early.xml
n=0
while [ "$(grep -c 'stream 0: leg B sent' "$LAB_DIR/b2bua.log")" -lt 6 ] && [ $n -lt 50 ]; do
    sleep 0.1; n=$((n + 1))
done
l=$(grep 'stream 0: leg B sent' "$LAB_DIR/b2bua.log" | tail -1)
case "$l" in
*"leg B sent 100 packets relayed"*" 0 failed SRTP authentication, 0 replayed, 20 before its SRTP key was known, "*)
    echo "ok   plain RTP before the SRTP answer: dropped, not relayed" ;;
*) echo "FAIL plain RTP before the SRTP answer: $l"; rc=1 ;;
esac
lab_leakcheck || rc=1
lab_stop || rc=1
python3 "$TESTS_DIR/lab/cdrcheck.py" "$LAB_DIR/policy.db" total:6 "reason=media timeout:1" \
    hangup_by=b2bua:1 || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
