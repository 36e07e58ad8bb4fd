#!/bin/sh
# A route changed in the database while a call is up (issue 4): the daemon
# follows the change without a restart (its loader polls every 250 ms).
# A pbx call to carrier (127.0.0.21) is held up; trunk carrier2
# (127.0.0.23, external) is added and the pbx route re-pointed to it in one
# UPDATE.  Within a bounded wait the new policy is in force; the next call
# goes to .23, the held call is unaffected and ends normally at .21, and
# .21 sees no other INVITE.  Then the route is pointed back with the tool
# (a delete and an insert in one validated import) and a call reaches .21
# again.
set -eu
. "$TESTS_DIR/lab/lib.sh"

. "$TESTS_DIR/lab/policy-lib.sh"

now_ms() { date +%s%3N; }
# in_force_ms: the time of the last "policy in force" line, ms since the epoch
in_force_ms() {
    _ts=$(grep 'policy in force' "$LAB_DIR/b2bua.log" | tail -1 | cut -d' ' -f1)
    date -d "$_ts" +%s%3N
}

lab_start
DB=$LAB_DIR/policy.db
B=127.0.0.1 P=127.0.0.11 C=127.0.0.21 C23=127.0.0.23 EXT=127.0.0.2

d=$LAB_DIR/change
pol_edit trunk add carrier2 external source=$C23 target=$C23:5060/udp
pol_sipp "$d/c21" uas-answer.xml $C 5060 -m 1
c21=$SIPP_PID
sleep 0.3
pol_sipp "$d/held" policy-uac-hold.xml $P 5061 -m 1 -d 5000 -s 15551234567 $B:5060
held=$SIPP_PID
up() { [ "$(pol_received '^ACK ' "$d/c21")" -ge 1 ]; }
pol_until 5 up || nok "the held call was not up within 5 s"

n=$(reloads)
t0=$(now_ms)
sqlite3 "$DB" "PRAGMA foreign_keys = ON;
    UPDATE route SET target_trunk_id = (SELECT id FROM trunk WHERE name = 'carrier2')
    WHERE from_trunk_id = (SELECT id FROM trunk WHERE name = 'pbx');"
if pol_until 3 reloaded_since "$n"; then
    ok "route re-pointed to carrier2: in force $(( $(in_force_ms) - t0 )) ms after the commit"
else
    nok "route re-pointed to carrier2: no new policy in force within 3 s"
fi
pol_sipp "$d/c23" uas-answer.xml $C23 5060 -m 1
c23=$SIPP_PID
sleep 0.3
pol_sipp "$d/next" uac-caller-hangup.xml $P 5062 -m 1 -s 15551234567 $B:5060
r=0
pol_wait $SIPP_PID "$d/next" || r=1
pol_wait $c23 "$d/c23" || r=1
if [ $r -eq 0 ] && [ "$(pol_received '^INVITE ' "$d/c23")" -eq 1 ]; then
    ok "the next call went to carrier2 (.23) without a restart"
else
    nok "the next call did not reach carrier2 (.23)"
fi
# the held call: still up on .21, then the caller's BYE ends it there
r=0
pol_wait $held "$d/held" || r=1
pol_wait $c21 "$d/c21" || r=1
if [ $r -eq 0 ] && [ "$(pol_received '^INVITE ' "$d/c21")" -eq 1 ] &&
   [ "$(pol_received '^BYE ' "$d/c21")" -eq 1 ]; then
    ok "the held call was unaffected and ended normally at .21 (one INVITE, one BYE there)"
else
    nok "the held call: SIPp rc $r, .21 saw $(pol_received '^INVITE ' "$d/c21") INVITEs and $(pol_received '^BYE ' "$d/c21") BYEs"
fi

# back to carrier with the tool: one import, one transaction
n=$(reloads)
cat >"$d/back.sql" <<EOT
DELETE FROM route WHERE from_trunk_id = (SELECT id FROM trunk WHERE name = 'pbx');
INSERT INTO route (from_trunk_id, prefix, target_trunk_id)
    SELECT p.id, '', c.id FROM trunk p, trunk c WHERE p.name = 'pbx' AND c.name = 'carrier';
EOT
"$B2BUA_BIN/b2bua-policy" import "$DB" "$d/back.sql" >/dev/null
[ "$(sqlite3 "$DB" "SELECT count(*) FROM route r JOIN trunk t ON t.id = r.target_trunk_id
    WHERE t.name = 'carrier' AND r.from_trunk_id = (SELECT id FROM trunk WHERE name = 'pbx')")" -eq 1 ] ||
    nok "the import did not put the route back"
pol_until 3 reloaded_since "$n" || nok "no reload after the route was put back"
pol_sipp "$d/c21b" uas-answer.xml $C 5060 -m 1
c21=$SIPP_PID
sleep 0.3
pol_sipp "$d/back" uac-caller-hangup.xml $P 5063 -m 1 -s 15551234567 $B:5060
r=0
pol_wait $SIPP_PID "$d/back" || r=1
pol_wait $c21 "$d/c21b" || r=1
[ $r -eq 0 ] && ok "route put back with the tool: the next call reached .21" ||
    nok "route put back with the tool: the call did not reach .21"

pol_leakcheck "pbx:$P,$B:$d/held,$d/next,$d/back" "external:$C,$C23,$EXT:$d/c21,$d/c23,$d/c21b" &&
    ok "leak check" || nok "leak check"
if lab_stop; then ok "the daemon stopped cleanly"; else nok "the daemon did not stop cleanly"; fi
[ $FAIL -eq 0 ] && rm -rf "$LAB_DIR"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
