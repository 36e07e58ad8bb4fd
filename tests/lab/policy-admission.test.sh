#!/bin/sh
# Admission by the policy in the loopback lab (issue 4):
#   1. an INVITE from an address that matches no trunk gets 403 "Source
#      Matches No Trunk", on either zone, and the known trunks are still
#      served;
#   2. the pbx trunk at its concurrent inbound limit (max_calls_in=2, two
#      calls held up) refuses a third call with 503 and Retry-After; once
#      one of the two has hung up, the next call passes;
#   3. a calls-per-second limit (cps=5, cps_burst=2): 30 calls sent within
#      one second; the number answered must be what the token bucket allows
#      over the span the INVITEs were actually sent in, the others get 503
#      with Retry-After.
# Limits are changed in the running lab's database; the daemon follows
# without a restart.  The leak check runs over every answered call.
set -eu
. "$TESTS_DIR/lab/lib.sh"

. "$TESTS_DIR/lab/policy-lib.sh"

lab_start
DB=$LAB_DIR/policy.db
B=127.0.0.1 P=127.0.0.11 C=127.0.0.21

# --- 1. unknown source -------------------------------------------------
d=$LAB_DIR/unknown
pol_sipp "$d/int" policy-uac-refused.xml 127.0.0.99 5060 -m 3 -r 10 -s 15551234567 $B:5060
pol_wait $SIPP_PID "$d/int" || true
pol_sipp "$d/ext" policy-uac-refused.xml 127.0.0.99 5060 -m 3 -r 10 -s 15551234567 127.0.0.2:5060
pol_wait $SIPP_PID "$d/ext" || true
n=$(pol_logged 'REFUSED SIP/2.0 403 Source Matches No Trunk' "$d/int")
m=$(pol_logged 'REFUSED SIP/2.0 403 Source Matches No Trunk' "$d/ext")
if [ "$n" -eq 3 ] && [ "$m" -eq 3 ]; then
    ok "unknown source: 3+3 INVITEs from 127.0.0.99 refused with 403 Source Matches No Trunk"
else
    nok "unknown source: $n/3 and $m/3 refused with 403 Source Matches No Trunk"
    cat "$d"/*/*_logs.log 2>/dev/null | head
fi
# the known trunks are still served, both ways
if lab_pair uac-caller-hangup.xml uas-answer.xml 5 10 $P $B $C &&
   lab_pair uac-caller-hangup.xml uas-answer.xml 5 10 $C 127.0.0.2 $P; then
    ok "after the refusals pbx and carrier calls still pass"
else
    nok "pbx or carrier calls fail after the refusals"
fi

# --- 2. concurrent inbound limit ----------------------------------------
d=$LAB_DIR/concurrent
pol_edit trunk set pbx max_calls_in=2
mkdir -p "$d/callee" "$d/hold1" "$d/hold2" "$d/third" "$d/next"
pol_sipp "$d/callee" uas-answer.xml $C 5060 -m 3
callee=$SIPP_PID
sleep 0.3
pol_sipp "$d/hold1" policy-uac-hold.xml $P 5061 -m 1 -d 3000 -s 15551234567 $B:5060
hold1=$SIPP_PID
pol_sipp "$d/hold2" policy-uac-hold.xml $P 5062 -m 1 -d 9000 -s 15551234567 $B:5060
hold2=$SIPP_PID
acks2() { [ "$(pol_received '^ACK ' "$d/callee")" -ge 2 ]; }
if pol_until 5 acks2; then
    pol_sipp "$d/third" policy-uac-503.xml $P 5063 -m 1 -s 15551234567 $B:5060
    if pol_wait $SIPP_PID "$d/third" &&
       [ "$(pol_logged 'REFUSED SIP/2.0 503 Limit max_calls_in Reached Retry-After=5$' "$d/third")" -eq 1 ]; then
        ok "max_calls_in=2: the third call refused with 503 Limit max_calls_in Reached, Retry-After: 5"
    else
        nok "max_calls_in=2: the third call was not refused with 503 and Retry-After: 5"
        cat "$d/third"/*_logs.log 2>/dev/null
    fi
else
    nok "max_calls_in=2: the two held calls were not both up within 5 s"
fi
if pol_wait $hold1 "$d/hold1"; then
    # the slot is released when the call is over on both legs, which
    # can be a moment after the caller has its 200 to BYE
    sleep 0.3
    pol_sipp "$d/next" uac-caller-hangup.xml $P 5064 -m 1 -s 15551234567 $B:5060
    if pol_wait $SIPP_PID "$d/next"; then
        ok "max_calls_in=2: after one hang-up the next call passes (one still held)"
    else
        nok "max_calls_in=2: the call after a hang-up did not pass"
    fi
else
    nok "the first held call did not end normally"
fi
pol_wait $hold2 "$d/hold2" || nok "the second held call did not end normally"
pol_wait $callee "$d/callee" || nok "the callee of the held calls"
[ "$(pol_received '^INVITE ' "$d/callee")" -eq 3 ] ||
    nok "the callee saw $(pol_received '^INVITE ' "$d/callee") INVITEs, not 3"
if pol_leakcheck "pbx:$P,$B:$d/hold1,$d/hold2,$d/next" "carrier:$C,127.0.0.2:$d/callee"; then
    ok "leak check over the held calls"
else
    nok "leak check over the held calls"
fi

# --- 3. calls per second -----------------------------------------------
d=$LAB_DIR/cps
CPS=5 BURST=2 N=30
pol_edit trunk set pbx max_calls_in=0 cps=$CPS cps_burst=$BURST
pol_sipp "$d/callee" uas-answer.xml $C 5060
callee=$SIPP_PID
sleep 0.3
pol_sipp "$d/caller" policy-uac-cps.xml $P 5061 -m $N -r $N -s 15551234567 $B:5060
pol_wait $SIPP_PID "$d/caller" || nok "the CPS caller: some call neither answered nor refused with 503 and Retry-After"
answered=$(pol_logged '^ANSWERED' "$d/caller")
refused=$(pol_logged 'REFUSED SIP/2.0 503 Limit cps Reached Retry-After=[1-9]' "$d/caller")
got=$(pol_received '^INVITE ' "$d/callee")
kill "$callee" 2>/dev/null || true
wait "$callee" 2>/dev/null || true
# the span over which the caller sent its first INVITEs (SIPp traces carry
# the send time of each message): the bucket starts full (BURST tokens) at
# the first INVITE and gains CPS tokens a second, so over a span of S
# seconds BURST + floor(CPS * S) calls pass.  One more or one fewer is
# tolerated: the daemon reads its clock a few milliseconds after the caller
# sent, which can move a token across the last INVITE.
span=$(awk '/^-+ [0-9-]+ [0-9:.]+$/ { t = $3; s = 0 } /^UDP message sent/ { s = 1 }
    s && /^INVITE / { split(t, a, ":"); x = a[1] * 3600 + a[2] * 60 + a[3];
        if (!n++) first = x; last = x }
    END { printf "%.3f", last - first }' "$d/caller"/*_messages.log)
expect=$(awk -v s="$span" -v c=$CPS -v b=$BURST 'BEGIN { print b + int(c * s) }')
echo "     cps=$CPS cps_burst=$BURST: $N INVITEs over ${span}s, $answered answered, $refused refused (bucket: $expect)"
if [ $((answered + refused)) -eq $N ] && [ "$answered" -ge $((expect - 1)) ] &&
   [ "$answered" -le $((expect + 1)) ] && [ "$got" -eq "$answered" ]; then
    ok "cps=$CPS burst=$BURST: $answered of $N answered (token bucket $expect +-1), $refused refused with 503 and Retry-After"
else
    nok "cps=$CPS burst=$BURST: $answered answered, $refused refused, callee saw $got, bucket allows $expect +-1 of $N"
fi
pol_leakcheck "pbx:$P,$B:$d/caller" "carrier:$C,127.0.0.2:$d/callee" && ok "leak check over the CPS calls" || nok "leak check over the CPS calls"

lab_leakcheck >/dev/null || nok "leak check over the lab_pair runs"
if lab_stop; then ok "the daemon stopped cleanly"; else nok "the daemon did not stop cleanly"; fi
# keep the lab's folder (traces, daemon log) only when something failed
[ $FAIL -eq 0 ] && rm -rf "$LAB_DIR"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
