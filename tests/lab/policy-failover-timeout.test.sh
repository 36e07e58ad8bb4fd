#!/bin/sh
# Route failover on a timeout (issue 4): two routes for 1555..., the first
# to carrier whose only target (127.0.0.21) takes the INVITE and never
# answers, with failover_timeout=2, the second to a new trunk carrier2
# (127.0.0.23).  The call must complete on .23, and no later than the
# route's failover_timeout plus a margin (1.5 s) after the INVITE: the
# transaction's own timeout (Timer B, 64*T1 = 32 s in the lab) is far too
# late for a caller.
set -eu
. "$TESTS_DIR/lab/lib.sh"

. "$TESTS_DIR/lab/policy-lib.sh"

lab_start
DB=$LAB_DIR/policy.db
B=127.0.0.1 P=127.0.0.11 C=127.0.0.21 C23=127.0.0.23 EXT=127.0.0.2
TIMEOUT=2

d=$LAB_DIR/timeout
pol_edit trunk add carrier2 external source=$C23 target=$C23:5060/udp
pol_edit route add pbx 1555 carrier priority=0 failover_timeout=$TIMEOUT
pol_edit route add pbx 1555 carrier2 priority=1
# the silent target stays up (no -m) so that nothing answers its port with
# an ICMP error; it is stopped at the end
pol_sipp "$d/c21" policy-uas-silent.xml $C 5060 -timeout 50
c21=$SIPP_PID
pol_sipp "$d/c23" uas-answer.xml $C23 5060 -m 1 -timeout 50
c23=$SIPP_PID
sleep 0.3
pol_sipp "$d/caller" uac-caller-hangup.xml $P 5060 -m 1 -s 15551234567 -timeout 50 $B:5060
r=0
pol_wait $SIPP_PID "$d/caller" || r=1
pol_wait $c23 "$d/c23" || r=1
kill $c21 2>/dev/null || true
wait $c21 2>/dev/null || true
# INVITE sent to 200 received, from the caller's trace
setup=$(awk '/^-+ [0-9-]+ [0-9:.]+$/ { split($3, a, ":"); t = a[1] * 3600 + a[2] * 60 + a[3]; h = 1; next }
    h && /^UDP message/ { dir = $3; next }
    h && NF { if (dir == "sent" && /^INVITE / && !inv) inv = t;
              if (dir == "received" && /^SIP\/2.0 200/ && !ok) ok = t; h = 0 }
    END { if (inv && ok) printf "%.2f", ok - inv; else print "none" }' "$d/caller"/*_messages.log)
echo "     setup time: $setup s (failover_timeout=$TIMEOUT)"
if [ $r -eq 0 ] && [ "$(pol_received '^INVITE ' "$d/c23")" -eq 1 ]; then
    ok "the call completed on carrier2 after carrier's target stayed silent"
    if awk -v s="$setup" -v t=$TIMEOUT 'BEGIN { exit !(s != "none" && s <= t + 1.5) }'; then
        ok "failover after failover_timeout=$TIMEOUT: setup took $setup s"
    else
        nok "failover_timeout=$TIMEOUT not honoured: setup took $setup s"
    fi
else
    nok "the call did not complete on carrier2 (SIPp rc $r)"
    tail -20 "$LAB_DIR/b2bua.log"
fi
pol_leakcheck "pbx:$P,$B:$d/caller" "external:$C,$C23,$EXT:$d/c21,$d/c23" && ok "leak check" || nok "leak check"
if lab_stop; then ok "the daemon stopped cleanly"; else nok "the daemon did not stop cleanly"; fi
[ $FAIL -eq 0 ] && rm -rf "$LAB_DIR"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
