#!/bin/sh
# Media modes per trunk: the carrier requires SRTP, the pbx speaks plain
# RTP.  The carrier's offer arrives as RTP/SAVP with our own key, the pbx
# never sees a=crypto or RTP/SAVP, not even in a re-INVITE the carrier
# sends; an SRTP-required trunk that is offered no SRTP refuses the call
# with 488; codecs the trunk does not allow are taken out of the offer, in
# order, telephone-event kept.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
reloaded() {
    n=0
    while ! [ "$(grep -c 'policy in force' "$LAB_DIR/b2bua.log")" -ge "$1" ] && [ $n -lt 50 ]; do
        sleep 0.1; n=$((n + 1))
    done
}
"$B2BUA_BIN/b2bua-policy" trunk set "$LAB_DIR/policy.db" carrier media_mode=srtp-required >/dev/null
reloaded 3
lab_pair uac-sdp.xml uas-srtp.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
# the SRTP carrier puts the call on hold with its own re-INVITE: the pbx's
# leg stays plain RTP (the re-offer it gets has neither RTP/SAVP nor
# a=crypto), the carrier's answer stays SRTP
lab_pair uac-sdp-held.xml uas-srtp-reinvite.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
if grep -qE 'a=crypto|RTP/SAVP' "$LAB_DIR"/run-[12]/uac/*_messages.log; then
    echo "FAIL the plain RTP side saw SRTP"; rc=1
else
    echo "ok   the plain RTP side never saw a=crypto or RTP/SAVP"
fi
# the other way: the SRTP-required carrier offering plain RTP gets 488
d="$LAB_DIR/run-2-488"
mkdir -p "$d"
(cd "$d" && sipp -sf "$LAB_SIPP/uac-sdp-488.xml" -i 127.0.0.21 -p 5060 -s 15551234567 -m 3 -r 10 \
    -timeout 20 -timeout_error -trace_err -nostdin 127.0.0.2:5060 >sipp.out 2>&1) &&
    echo "ok   plain RTP from an SRTP-required trunk: 488" ||
    { echo "FAIL plain RTP from an SRTP-required trunk was not refused"; rc=1; }
# codec policy: the carrier allows PCMA alone
"$B2BUA_BIN/b2bua-policy" trunk set "$LAB_DIR/policy.db" carrier codecs=PCMA >/dev/null
reloaded 4
lab_pair uac-sdp.xml uas-srtp-pcma.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_leakcheck || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
