#!/bin/sh
# A real client on each side: two baresip softphones call each other
# through the B2BUA.  baresip "pbx" (127.0.0.11) speaks plain RTP and sends
# a 440 Hz tone from a file; baresip "carrier" (127.0.0.21) has SRTP
# mandatory (mediaenc=srtp-mand, RTP/SAVP) and sends 1000 Hz, and the
# carrier trunk requires SRTP.  The pbx dials the B2BUA's internal side,
# the carrier answers by itself, puts the call on hold after a few seconds
# and resumes it (re-INVITEs from the SRTP side), the pbx hangs up.  Then
# what each phone decoded before the hold (written by baresip's sndfile
# module) must hold the other side's tone, so audio went through the relay
# both ways, SRTP on the carrier leg; each phone saw only its own zone's
# addresses and identifiers (the pbx never RTP/SAVP, not even in the
# carrier's re-INVITEs); the CDR has the call with media on both legs,
# after the resume too.
# Skipped (77) when baresip (Debian package baresip-core) is not installed.
# ctest-labels: baresip media srtp
set -eu
. "$TESTS_DIR/lab/lib.sh"
TALK=${BARESIP_TALK:-7.5}
HOLD_AT=3.5
HOLD=1.5
MIN_TONE=2.5

if ! command -v baresip >/dev/null 2>&1; then
    echo "SKIP baresip is not installed (Debian: apt-get install --no-install-recommends baresip-core)"
    exit 77
fi
mods=
for d in ${BARESIP_MODULES:-} /usr/lib/baresip/modules /usr/local/lib/baresip/modules; do
    if [ -f "$d/aufile.so" ]; then mods=$d; break; fi
done
for m in g711 aufile sndfile srtp menu ctrl_tcp account; do
    if [ -z "$mods" ] || [ ! -f "$mods/$m.so" ]; then
        echo "SKIP baresip's module $m is missing (set BARESIP_MODULES to their folder)"
        exit 77
    fi
done
# the phones' addresses go on lo: only ever inside our own namespace
if [ "${B2BUA_IN_NETNS:-}" != "1" ]; then
    echo "FAIL run this test through tests/netns-run (it adds addresses to lo)"
    exit 1
fi

bs_pids=
cleanup() {
    for p in $bs_pids; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $bs_pids; do
        n=0
        while kill -0 "$p" 2>/dev/null && [ $n -lt 30 ]; do sleep 0.1; n=$((n + 1)); done
        kill -KILL "$p" 2>/dev/null || true
    done
    bs_pids=
    lab_stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
lab_start
rc=0
started=$(date +%s)
"$B2BUA_BIN/b2bua-policy" trunk set "$LAB_DIR/policy.db" carrier media_mode=srtp-required >/dev/null
n=0
while [ "$(grep -c 'policy in force' "$LAB_DIR/b2bua.log")" -lt 3 ] && [ $n -lt 50 ]; do
    sleep 0.1; n=$((n + 1))
done

# baresip takes its media address from an interface: a label per phone
# (getifaddrs reports it as the interface's name) gives it exactly one.
# Its RTP sockets are bound to no address, so the kernel picks the source:
# towards our internal side that is the pbx, towards our external side
# the carrier, as it would be on their own machines.
ip addr add 127.0.0.11/32 dev lo label lo:pbx
ip addr add 127.0.0.21/32 dev lo label lo:carrier
ip route replace local 127.0.0.1 dev lo table local src 127.0.0.11
ip route add local 127.0.0.2 dev lo table local src 127.0.0.21

phone() { # NAME ADDR HZ ACCOUNT-PARAMS RTCP-MUX
    d="$LAB_DIR/$1"
    mkdir -p "$d/snd"
    python3 "$TESTS_DIR/lab/baresip.py" tone "$d/tone.wav" "$3" 15
    cat >"$d/config" <<EOF
poll_method		epoll
sip_listen		$2:5060
net_interface		lo:$1
call_local_timeout	20
call_max_calls		1
audio_source		aufile,$d/tone.wav
ausrc_srate		8000
ausrc_channels		1
audio_buffer		20-160
rtcp_mux		$5
jitter_buffer_delay	5-10
module_path		$mods
module			g711.so
module			aufile.so
module			sndfile.so
module			srtp.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		$2:4444
snd_path		$d/snd
EOF
    echo "$4" >"$d/accounts"
    baresip -f "$d" -s </dev/null >"$d/baresip.log" 2>&1 &
    bs_pids="$bs_pids $!"
}
# the pbx offers a=rtcp-mux, the carrier declines it (RTCP on port + 1)
phone pbx 127.0.0.11 440 "<sip:pbx@127.0.0.11>;regint=0" yes
phone carrier 127.0.0.21 1000 "<sip:15551234567@127.0.0.21>;answermode=auto;regint=0;mediaenc=srtp-mand" no

python3 "$TESTS_DIR/lab/baresip.py" call --caller 127.0.0.11:4444 --callee 127.0.0.21:4444 \
    --uri sip:15551234567@127.0.0.1 --talk "$TALK" --hold "callee:$HOLD_AT:$HOLD" \
    --deadline 25 >"$LAB_DIR/call.log" 2>&1 || rc=1
if [ $rc -ne 0 ]; then
    cat "$LAB_DIR/call.log"
else
    tail -1 "$LAB_DIR/call.log"
fi
# both quit by themselves once told to; the files are complete after that
for p in $bs_pids; do
    n=0
    while kill -0 "$p" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    if kill -0 "$p" 2>/dev/null; then echo "FAIL baresip $p did not quit"; rc=1; fi
done
for p in $bs_pids; do kill -KILL "$p" 2>/dev/null || true; done
bs_pids=

# what each phone heard: the other side's tone, for most of the time
# before the hold (baresip 1.0.0 decodes nothing more into sndfile's file
# once a call was held and resumed, even between two baresips directly:
# the relay's packet counts below cover the time after the resume)
heard() { # NAME HZ
    set -- "$1" "$2" "$LAB_DIR/$1/snd"/dump-*-dec.wav
    if [ $# -ne 3 ] || [ ! -f "$3" ]; then
        echo "FAIL $1: want one decoded audio file, found: $(ls "$LAB_DIR/$1/snd")"; rc=1; return
    fi
    python3 "$TESTS_DIR/lab/baresip.py" check --label "the $1 heard" "$3" "$2" "$MIN_TONE" || rc=1
}
heard pbx 1000
heard carrier 440

# the phones' SIP traces, where the lab's checks look for a caller's (uac)
# and a callee's (uas)
mkdir -p "$LAB_DIR/run-1/uac" "$LAB_DIR/run-1/uas"
pbx_trace=$LAB_DIR/run-1/uac/pbx_messages.log
carrier_trace=$LAB_DIR/run-1/uas/carrier_messages.log
python3 "$TESTS_DIR/lab/baresip.py" trace "$LAB_DIR/pbx/baresip.log" 127.0.0.11 "$pbx_trace" >/dev/null ||
    { echo "FAIL no SIP trace from the pbx"; rc=1; }
python3 "$TESTS_DIR/lab/baresip.py" trace "$LAB_DIR/carrier/baresip.log" 127.0.0.21 "$carrier_trace" >/dev/null ||
    { echo "FAIL no SIP trace from the carrier"; rc=1; }
# SRTP on the carrier leg only, as each phone saw it
if awk '/ message received / { r = 1 } / message sent / { r = 0 }
        r && /^m=audio [0-9]+ RTP\/SAVP / { m = 1 } r && /^a=crypto:/ { c = 1 }
        END { exit !(m && c) }' "$carrier_trace" &&
    grep -q 'srtp: audio: SRTP is Enabled' "$LAB_DIR/carrier/baresip.log"; then
    echo "ok   the carrier was offered RTP/SAVP with a=crypto and ran SRTP"
else
    echo "FAIL the carrier leg did not run SRTP"; rc=1
fi
if grep -qE 'a=crypto|RTP/SAVP' "$pbx_trace"; then
    echo "FAIL the plain RTP side saw SRTP"; rc=1
else
    echo "ok   the pbx never saw a=crypto or RTP/SAVP"
fi
# baresip names itself in its SDP (a=tool): what runs on the other side is
# not for either phone to learn
if awk '/ message received / { r = 1 } / message sent / { r = 0 } r && /^a=tool:/ { t = 1 }
        END { exit t }' "$pbx_trace" "$carrier_trace"; then
    echo "ok   neither phone was told the other's a=tool"
else
    echo "FAIL a phone received the other's a=tool line"; rc=1
fi
python3 "$TESTS_DIR/lab/leakcheck.py" \
    --side pbx:"$pbx_trace":127.0.0.11,127.0.0.1 \
    --side carrier:"$carrier_trace":127.0.0.21,127.0.0.2 || rc=1
# the relay's own account of each leg: media from where the SDP said,
# nothing malformed, no SRTP failure (one allowed: baresip sends its RTCP
# BYE unencrypted once it has torn SRTP down, which may still reach the
# relay before the stream closes)
n=0
while [ "$(grep -c 'stream 0: leg [AB] sent' "$LAB_DIR/b2bua.log")" -lt 2 ] && [ $n -lt 50 ]; do
    sleep 0.1; n=$((n + 1))
done
relay_stats() { # LEG MAX-AUTH-FAILURES
    l=$(grep "stream 0: leg $1 sent" "$LAB_DIR/b2bua.log" || true)
    # shellcheck disable=SC2046 # the four counts become $3..$6
    set -- "$1" "$2" $(echo "$l" | sed -nE 's/.* ([0-9]+) from unexpected sources, ([0-9]+) failed SRTP authentication, ([0-9]+) replayed, [0-9]+ before its SRTP key was known, ([0-9]+) malformed$/\1 \2 \3 \4/p')
    if [ $# -eq 6 ] && [ "$3" -eq 0 ] && [ "$4" -le "$2" ] && [ "$5" -eq 0 ] && [ "$6" -eq 0 ]; then
        echo "ok   leg $1: nothing from unexpected sources, malformed or replayed, $4 SRTP failures"
    else
        echo "FAIL leg $1: ${l:-no statistics}"; rc=1
    fi
}
relay_stats A 0
relay_stats B 1

lab_stop || rc=1
# 50 packets a second, none on hold: on each leg, both ways, the talk time
# less the hold and a second, which takes media after the resume as well
pk=$(awk "BEGIN { print int(($TALK - $HOLD - 1) * 50) }")
python3 "$TESTS_DIR/lab/cdrcheck.py" "$LAB_DIR/policy.db" --traces "$LAB_DIR" total:1 status=200:1 hangup_by=caller:1 \
    to_trunk=carrier:1 streams:2 "stream.packets_in>=$pk:2" "stream.packets_out>=$pk:2" || rc=1
echo "took $(($(date +%s) - started)) s (talk $TALK s)"
if [ $rc -ne 0 ]; then
    echo "logs kept in $LAB_DIR"
    for s in pbx carrier; do
        echo "--- $s (tail)"
        grep -v '^\[0:' "$LAB_DIR/$s/baresip.log" | tail -30
    done
    echo "--- b2bua log (tail)"
    tail -30 "$LAB_DIR/b2bua.log"
else
    rm -rf "$LAB_DIR"
fi
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
