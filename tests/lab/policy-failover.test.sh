#!/bin/sh
# Failover by the policy in the loopback lab (issue 4):
#   1. target failover: trunk carrier gets two targets, 127.0.0.22 priority 1
#      (answers 503) and 127.0.0.21 priority 2 (answers 200); every call
#      completes on .21 and .22 saw each INVITE exactly once;
#   2. a code outside the route's failover codes (486) is not failed over:
#      it reaches the caller and .21 sees nothing;
#   3. route failover: two routes for 1555..., the first to carrier (both
#      targets answer 503), the second to a new trunk carrier2 at
#      127.0.0.23; every call completes on .23 after one INVITE to each
#      carrier target.
# The leak check runs over every call.
set -eu
. "$TESTS_DIR/lab/lib.sh"

. "$TESTS_DIR/lab/policy-lib.sh"

# invites DIR: INVITE requests DIR received, retransmissions included
invites() { pol_received '^INVITE ' "$1"; }
# callids DIR: distinct Call-IDs of the INVITEs DIR received
callids() {
    cat "$1"/*_messages.log 2>/dev/null | awk '/^INVITE / { i = 1 } i && /^Call-ID:/ { print $2; i = 0 }' |
        sort -u | wc -l
}

lab_start
DB=$LAB_DIR/policy.db
B=127.0.0.1 P=127.0.0.11 C=127.0.0.21 C22=127.0.0.22 C23=127.0.0.23
EXT=127.0.0.2

# --- 1. the trunk's next target ------------------------------------------
d=$LAB_DIR/targets
N=10
n=$(reloads)
sqlite3 "$DB" "PRAGMA foreign_keys = ON; BEGIN;
    UPDATE trunk_target SET priority = 2 WHERE host = '$C';
    INSERT INTO trunk_target (trunk_id, host, port, transport, priority)
        SELECT id, '$C22', 5060, 'udp', 1 FROM trunk WHERE name = 'carrier';
    COMMIT;"
"$B2BUA_BIN/b2bua-policy" check "$DB" >/dev/null
pol_until 5 reloaded_since "$n" || nok "no reload after the targets changed"
pol_sipp "$d/c22" policy-uas-503.xml $C22 5060 -m $N
c22=$SIPP_PID
pol_sipp "$d/c21" uas-answer.xml $C 5060 -m $N
c21=$SIPP_PID
sleep 0.3
pol_sipp "$d/caller" uac-caller-hangup.xml $P 5060 -m $N -r 5 -s 15551234567 $B:5060
r=0
pol_wait $SIPP_PID "$d/caller" || r=1
pol_wait $c22 "$d/c22" || r=1
pol_wait $c21 "$d/c21" || r=1
if [ $r -eq 0 ] && [ "$(invites "$d/c22")" -eq $N ] && [ "$(callids "$d/c22")" -eq $N ] &&
   [ "$(invites "$d/c21")" -eq $N ]; then
    ok "target failover: $N calls answered by .21 after a 503 from .22, which saw each INVITE once"
else
    nok "target failover: SIPp rc $r, .22 saw $(invites "$d/c22") INVITEs ($(callids "$d/c22") calls), .21 saw $(invites "$d/c21"), of $N"
fi
# the targets are one side: the external zone
pol_leakcheck "pbx:$P,$B:$d/caller" "external:$C22,$C,$EXT:$d/c22,$d/c21" &&
    ok "leak check over the target failover" || nok "leak check over the target failover"

# --- 2. no failover on 486 -----------------------------------------------
d=$LAB_DIR/busy
N=3
pol_sipp "$d/c22" uas-busy.xml $C22 5060 -m $N
c22=$SIPP_PID
pol_sipp "$d/c21" uas-answer.xml $C 5060
c21=$SIPP_PID
sleep 0.3
pol_sipp "$d/caller" uac-busy.xml $P 5060 -m $N -r 5 -s 15551234567 $B:5060
r=0
pol_wait $SIPP_PID "$d/caller" || r=1
pol_wait $c22 "$d/c22" || r=1
sleep 0.5
kill $c21 2>/dev/null || true
wait $c21 2>/dev/null || true
if [ $r -eq 0 ] && [ "$(invites "$d/c21")" -eq 0 ]; then
    ok "no failover on 486: the caller got 486 Busy Here $N times, .21 saw no INVITE"
else
    nok "486: SIPp rc $r, .21 saw $(invites "$d/c21") INVITEs (none expected)"
fi

# --- 3. the next route ---------------------------------------------------
d=$LAB_DIR/routes
N=5
pol_edit trunk add carrier2 external source=$C23 target=$C23:5060/udp
pol_edit route add pbx 1555 carrier priority=0
pol_edit route add pbx 1555 carrier2 priority=1
pol_sipp "$d/c22" policy-uas-503.xml $C22 5060 -m $N
c22=$SIPP_PID
pol_sipp "$d/c21" policy-uas-503.xml $C 5060 -m $N
c21=$SIPP_PID
pol_sipp "$d/c23" uas-answer.xml $C23 5060 -m $N
c23=$SIPP_PID
sleep 0.3
pol_sipp "$d/caller" uac-caller-hangup.xml $P 5060 -m $N -r 5 -s 15551234567 $B:5060
r=0
pol_wait $SIPP_PID "$d/caller" || r=1
for p in $c22 $c21 $c23; do wait $p || r=1; done
if [ $r -eq 0 ] && [ "$(invites "$d/c22")" -eq $N ] && [ "$(invites "$d/c21")" -eq $N ] &&
   [ "$(invites "$d/c23")" -eq $N ] && [ "$(callids "$d/c21")" -eq $N ]; then
    ok "route failover: $N calls answered on carrier2 after 503 from both carrier targets, one INVITE each"
else
    nok "route failover: SIPp rc $r, INVITEs .22 $(invites "$d/c22") .21 $(invites "$d/c21") .23 $(invites "$d/c23") of $N each"
    for x in c22 c21 c23; do tail -5 "$d/$x/sipp.out"; done
fi
pol_leakcheck "pbx:$P,$B:$d/caller" "external:$C22,$C,$C23,$EXT:$d/c22,$d/c21,$d/c23" && ok "leak check over the route failover" || nok "leak check over the route failover"

if lab_stop; then ok "the daemon stopped cleanly"; else nok "the daemon did not stop cleanly"; fi
[ $FAIL -eq 0 ] && rm -rf "$LAB_DIR"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
