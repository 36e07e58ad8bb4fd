#!/bin/sh
# b2bua-policy run as an operator runs it: every command's output and exit
# status, and the policy that results, checked on fresh databases.
# Exit statuses: 0 done, 1 refused (nothing changed), 2 usage.
set -eu

TOOL="$B2BUA_BIN/b2bua-policy"
if [ ! -x "$TOOL" ]; then
    echo "FAIL no b2bua-policy in $B2BUA_BIN"
    exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/policy-tool.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

PASS=0 FAIL=0
ok() { echo "ok   $*"; PASS=$((PASS + 1)); }
nok() {
    echo "FAIL $*"
    FAIL=$((FAIL + 1))
    echo "--- stdout"; cat "$WORK/out"
    echo "--- stderr"; cat "$WORK/err"
}

# run ARGS...: runs the tool; stdout in $WORK/out, stderr in $WORK/err,
# the exit status in RC
run() {
    RC=0
    "$TOOL" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
}

# status N WHAT: the last run exited with N
status() {
    if [ "$RC" -eq "$1" ]; then ok "$2 (exit $1)"; else nok "$2: exit $RC, expected $1"; fi
}

# line TEXT WHAT: the last run printed exactly this line on stdout
line() {
    if grep -qxF -- "$1" "$WORK/out"; then ok "$2"; else nok "$2: no line \"$1\""; fi
}

# no_line TEXT WHAT: ... and not this one
no_line() {
    if grep -qxF -- "$1" "$WORK/out"; then nok "$2: unexpected line \"$1\""; else ok "$2"; fi
}

# has TEXT WHAT: stdout has this text somewhere
has() {
    if grep -qF -- "$1" "$WORK/out"; then ok "$2"; else nok "$2: no \"$1\""; fi
}

# error TEXT WHAT: the last run said this on stderr and nothing on stdout
error() {
    if grep -qxF -- "b2bua-policy: $1" "$WORK/err" && [ ! -s "$WORK/out" ]; then
        ok "$2"
    else
        nok "$2: no error line \"b2bua-policy: $1\""
    fi
}

# same FILE1 FILE2 WHAT
same() {
    if cmp -s "$1" "$2"; then
        ok "$3"
    else
        nok "$3"
        diff "$1" "$2" || true
    fi
}

# dump DB FILE: the policy as SQL into FILE; an export that fails or
# holds no zone would make any comparison meaningless
dump() {
    run export "$1" --sql
    if [ "$RC" -ne 0 ] || ! grep -q "^INSERT INTO zone VALUES (1, 'internal');$" "$WORK/out"; then
        nok "export --sql of $1"
    fi
    cp "$WORK/out" "$2"
}

DB="$WORK/p.db"
run create --lab "$DB"
status 0 "create --lab"

# --- targets with a priority and a weight
run trunk add "$DB" c2 external source=192.0.2.0/24 \
    'target=192.0.2.10:5070/tcp;priority=2;weight=5' 'target=192.0.2.11;priority=1' \
    'target=[2001:db8::1]/tls;weight=0;priority=1'
status 0 "trunk add with target priorities and weights"
line "trunk c2: added" "trunk add says so"
run export "$DB" --csv trunk_target
status 0 "export --csv trunk_target"
line "id,trunk_id,host,port,transport,priority,weight" "trunk_target columns"
line "3,3,192.0.2.10,5070,tcp,2,5" "target=HOST:PORT/tcp;priority=2;weight=5 stored as given"
line "4,3,192.0.2.11,5060,udp,1,1" "target with priority only: port 5060, udp, weight 1"
line "5,3,2001:db8::1,5060,tls,1,0" "[IPv6]/tls with weight before priority"
run trunk list "$DB"
has "192.0.2.10:5070/tcp p2 w5 192.0.2.11:5060/udp p1 w1 [2001:db8::1]:5060/tls p1 w0" \
    "trunk list shows each target's priority and weight"

# the policy uses them: priority 1 before 2, weight 0 last among equals
run route add "$DB" pbx 99 c2
status 0 "route add pbx 99 c2"
run explain "$DB" --trunk pbx --number 991234
status 0 "explain to c2"
has "-> trunk c2, R-URI user 991234, targets 192.0.2.11:5060/udp [2001:db8::1]:5060/tls 192.0.2.10:5070/tcp" \
    "targets tried by priority, weight 0 last among equals"

# trunk set changes the priority or weight of a target the trunk has
run trunk set "$DB" c2 'target=192.0.2.10:5070/tcp;priority=0'
status 0 "trunk set a target's priority"
run trunk set "$DB" c2 'target=192.0.2.11;weight=9'
status 0 "trunk set a target's weight"
run export "$DB" --csv trunk_target
line "3,3,192.0.2.10,5070,tcp,0,5" "priority changed, weight kept"
line "4,3,192.0.2.11,5060,udp,1,9" "weight changed, priority kept"
no_line "6,3,192.0.2.10,5070,tcp,0,1" "no second row for the same target"
run trunk set "$DB" c2 'target=192.0.2.12:5080;priority=3;weight=2'
status 0 "trunk set adds a new target"
run export "$DB" --csv trunk_target
line "6,3,192.0.2.12,5080,udp,3,2" "the new target with its priority and weight"

# bad parameters are refused and change nothing
cp "$DB" "$WORK/before.db"
run trunk set "$DB" c2 'target=192.0.2.13;prio=1'
status 1 "unknown target parameter refused"
error 'target parameter "prio=1": priority=N or weight=N' "it names the parameter"
run trunk set "$DB" c2 'target=192.0.2.13;weight=-1'
status 1 "negative weight refused"
error 'target weight "-1" is not a number' "it names the weight"
run trunk set "$DB" c2 'target=192.0.2.13;priority='
status 1 "empty priority refused"
run trunk set "$DB" c2 'target=192.0.2.13:70000'
status 1 "port out of range refused"
error 'target port "70000" is not a number' "it names the port"
run trunk set "$DB" c2 'source=192.0.2.0/24;priority=1'
status 1 "a source with ;parameters refused"
dump "$DB" "$WORK/after.sql"
dump "$WORK/before.db" "$WORK/before.sql"
same "$WORK/before.sql" "$WORK/after.sql" "refused edits changed nothing"

# --- zones: a mistyped zone is refused, a new one only when asked
cp "$DB" "$WORK/before.db"
run trunk add "$DB" c3 extrenal source=192.0.2.30
status 1 "trunk add with an unknown zone refused"
error 'unknown zone "extrenal"; known zones: external, internal (--new-zone creates a new one)' \
    "the error lists the known zones"
dump "$DB" "$WORK/after.sql"
dump "$WORK/before.db" "$WORK/before.sql"
same "$WORK/before.sql" "$WORK/after.sql" "no zone and no trunk created"
run trunk add "$DB" c3 partners --new-zone source=192.0.2.30
status 0 "trunk add --new-zone"
line "trunk c3: added" "trunk add --new-zone says so"
run trunk add "$DB" c4 --new-zone partners source=192.0.2.40
status 0 "--new-zone before the zone, the zone already there"
run export "$DB" --csv zone
line "3,partners" "the new zone, once"
no_line "4,partners" "not a second time"
run trunk list "$DB"
has "c3	partners	192.0.2.30	" "c3 in zone partners"
has "c4	partners	192.0.2.40	" "c4 in zone partners"
run trunk set "$DB" c3 --new-zone max_calls=3
status 1 "--new-zone is only for trunk add"

# --- usage and exit statuses
run
status 2 "no arguments: usage"
if grep -qxF "usage: b2bua-policy COMMAND DB [ARGS]" "$WORK/err" && [ ! -s "$WORK/out" ]; then
    ok "usage on stderr"
else
    nok "usage on stderr"
fi
run --help
status 0 "--help"
line "usage: b2bua-policy COMMAND DB [ARGS]" "--help on stdout"
has "target=HOST[:PORT][/udp|tcp|tls][;priority=N][;weight=N]" "--help documents target priority and weight"
has "trunk add DB NAME ZONE [--new-zone] [KEY=VALUE ...]" "--help documents --new-zone"
run frob "$DB"
status 2 "unknown command"
run check "$WORK/missing.db"
status 1 "check a missing database"
if grep -qxF "b2bua-policy: cannot open $WORK/missing.db: No such file or directory" "$WORK/err" &&
    [ ! -e "$WORK/missing.db" ]; then
    ok "missing database named, not created"
else
    nok "missing database named, not created"
fi
run create --lab "$DB"
status 1 "create over an existing database"
error "$DB exists already" "create names the file"

# --- the lab's policy, listed and checked
LAB="$WORK/lab.db"
run create --lab "$LAB"
status 0 "create --lab"
line "$LAB: schema version 5, with the lab's policy" "create says what it made"
run check "$LAB"
status 0 "check the lab"
line "policy ok: 2 trunks, 2 routes" "the lab: 2 trunks, 2 routes"
run migrate "$LAB"
status 0 "migrate an up-to-date database"
run trunk list "$LAB"
status 0 "trunk list"
line "$(printf 'name\tzone\tsources\ttargets\tmax_calls_in\tmax_calls_out\tmax_calls\tcps\tmedia_mode\trefer')" \
    "trunk list header"
line "$(printf 'carrier\texternal\t127.0.0.21\t127.0.0.21:5060/udp p0 w1\t0\t0\t0\t0.0\trelay\tallow')" \
    "trunk list: carrier"
line "$(printf 'pbx\tinternal\t127.0.0.11\t127.0.0.11:5060/udp p0 w1\t0\t0\t0\t0.0\trelay\tallow')" \
    "trunk list: pbx"
run route list "$LAB"
status 0 "route list"
line "$(printf '1\tpbx\t\t\tmon-sun\t00:00-24:00\tUTC\t0\t1\tcarrier\t408,500-599\t3')" \
    "route list: pbx to carrier"
line "$(printf '2\tcarrier\t\t\tmon-sun\t00:00-24:00\tUTC\t0\t1\tpbx\t408,500-599\t3')" \
    "route list: carrier to pbx"

# --- trunk add, set, del
run trunk add "$LAB" c5 external source=198.51.100.0/24:5062/tcp target=198.51.100.5 max_calls=20
status 0 "trunk add c5"
run trunk set "$LAB" c5 max_calls_out=10 cps=2.5 media_mode=srtp-required refer=deny
status 0 "trunk set c5"
line "trunk c5: updated" "trunk set says so"
run trunk list "$LAB"
line "$(printf 'c5\texternal\t198.51.100.0/24:5062/tcp\t198.51.100.5:5060/udp p0 w1\t0\t10\t20\t2.5\tsrtp-required\tdeny')" \
    "c5 as added and set"
run check "$LAB"
line "policy ok: 3 trunks, 2 routes" "check counts c5"
cp "$LAB" "$WORK/before.db"
run trunk set "$LAB" c5 nosuch=1
status 1 "trunk set an unknown setting"
error 'trunk has no setting "nosuch"' "it names the setting"
run trunk set "$LAB" c5 media_mode=loud
status 1 "trunk set a value the schema refuses"
if grep -q "^b2bua-policy: refused, nothing changed: .*media_mode" "$WORK/err"; then
    ok "the refusal names media_mode"
else
    nok "the refusal names media_mode"
fi
run trunk set "$LAB" c5 refer=maybe
status 1 "trunk set refer to neither allow nor deny"
if grep -q "^b2bua-policy: refused, nothing changed: .*refer" "$WORK/err"; then
    ok "the refusal names refer"
else
    nok "the refusal names refer"
fi
run trunk set "$LAB" nosuch max_calls=1
status 1 "trunk set on a missing trunk"
error 'no trunk "nosuch"' "it names the trunk"
run trunk add "$LAB" c5 external
status 1 "trunk add a name that exists"
run trunk del "$LAB" carrier
status 1 "trunk del of a route's target refused"
dump "$LAB" "$WORK/after.sql"
dump "$WORK/before.db" "$WORK/before.sql"
same "$WORK/before.sql" "$WORK/after.sql" "refused trunk edits changed nothing"
run trunk del "$LAB" c5
status 0 "trunk del c5"
line "trunk c5: deleted" "trunk del says so"
run trunk list "$LAB"
if grep -q "^c5	" "$WORK/out"; then nok "c5 gone from trunk list"; else ok "c5 gone from trunk list"; fi
run export "$LAB" --csv trunk_source
no_line "3,3,198.51.100.0/24,5062,tcp" "its sources went with it"

# --- route add, list, del
run route add "$LAB" pbx 44 carrier 'user_regex=^449' priority=1
status 0 "route add with a regex"
line "route 3: added" "route add names the new id"
run route add "$LAB" pbx 4420 carrier time_start=00:00 time_end=08:00
status 0 "route add with a time window"
line "route 4: added" "second route id"
run route add "$LAB" any 0 pbx max_attempts=2
status 0 "route add from any trunk"
run route list "$LAB"
line "$(printf '3\tpbx\t44\t^449\tmon-sun\t00:00-24:00\tUTC\t1\t1\tcarrier\t408,500-599\t3')" \
    "route list: route 3 as added"
line "$(printf '4\tpbx\t4420\t\tmon-sun\t00:00-08:00\tUTC\t0\t1\tcarrier\t408,500-599\t3')" \
    "route list: route 4 as added"
line "$(printf '5\tany\t0\t\tmon-sun\t00:00-24:00\tUTC\t0\t1\tpbx\t408,500-599\t2')" \
    "route list: route 5 from any trunk"
run route del "$LAB" 5
status 0 "route del 5"
line "route 5: deleted" "route del says so"
run route list "$LAB"
if grep -q "^5	" "$WORK/out"; then nok "route 5 gone"; else ok "route 5 gone"; fi
run route del "$LAB" 99
status 1 "route del of a missing route"
error "no route 99" "it names the route"
run route add "$LAB" pbx 1 nosuch
status 1 "route add to a missing trunk"
error 'no trunk "nosuch"' "it names the target"

# --- validation errors name the bad row; nothing is changed
cp "$LAB" "$WORK/before.db"
run route add "$LAB" pbx 45 carrier time_start=25:00
status 1 "a route with a bad time window refused"
error "refused, nothing changed: route 5: time window 25:00-24:00 is not HH:MM-HH:MM" \
    "the error names route 5 and its window"
cat >"$WORK/bad.sql" <<'SQL'
INSERT INTO route (id, from_trunk_id, prefix, target_trunk_id) VALUES (40, 1, '7', 2);
INSERT INTO route (id, from_trunk_id, prefix, target_trunk_id, tz) VALUES (41, 1, '8', 2, 'Mars/Olympus');
SQL
run import "$LAB" "$WORK/bad.sql"
status 1 "an import with one bad row refused"
error 'refused, nothing changed: route 41: time zone "Mars/Olympus" is unknown' \
    "the error names route 41 and its zone"
dump "$LAB" "$WORK/after.sql"
dump "$WORK/before.db" "$WORK/before.sql"
same "$WORK/before.sql" "$WORK/after.sql" "the good row of a refused import was not kept"

# --- number rules (imported as CSV), then explain
printf '%s\n' 'id,trunk_id,direction,field,seq,strip,prepend,match,replace' \
    '1,1,in,ruri,0,1,44,,' \
    '2,2,out,ruri,0,0,"","^44(.*)$","0044\1"' >"$WORK/rules.csv"
run import "$LAB" --csv number_rule "$WORK/rules.csv"
status 0 "import --csv number_rule"
line "imported" "import says so"
run export "$LAB" --csv number_rule
line '1,1,in,ruri,0,1,44,,' "a trailing empty CSV field is NULL"
line '2,2,out,ruri,0,0,"",^44(.*)$,0044\1' "an empty quoted field is an empty string"
run trunk set "$LAB" carrier max_calls_out=2
status 0 "carrier max_calls_out=2"

GMT_BST='GMT0BST,M3.5.0/1,M10.5.0'
run explain "$LAB" --source 127.0.0.11:5060 --number 02079460000 \
    --at '2024-07-05 10:00' --tz "$GMT_BST" --active 2
status 0 "explain a call from the pbx"
line "time: 2024-07-05 09:00 UTC, given in $GMT_BST" "explain: the time in UTC"
line "source 127.0.0.11:5060/udp: trunk pbx" "explain: the trunk matched"
line "from trunk pbx (zone internal)" "explain: the trunk's zone"
line "  rule 1 (in ruri): 02079460000 -> 442079460000" "explain: the inbound rule"
line "number 442079460000" "explain: the number routed"
line '  route 4 (prefix "4420"): closed at this time' "explain: a closed route skipped"
line '  route 3 (prefix "44"): user does not match /^449/' "explain: a regex route skipped"
line "  rule 2 (out ruri): 442079460000 -> 00442079460000" "explain: the outbound rule"
line 'attempt 1: route 1 (prefix "", priority 0, weight 1) -> trunk carrier, R-URI user 00442079460000, targets 127.0.0.21:5060/udp' \
    "explain: the attempt with its route, trunk, user and targets"
line "  with 2 calls up: refused by max_calls_out: 503, Retry-After 5" \
    "explain: the limit that would refuse"
line "result: go, 1 attempt; first: trunk carrier, R-URI user 00442079460000" \
    "explain: the result"

run explain "$LAB" --trunk pbx --number 09123 --at '2024-07-05 10:00'
status 0 "explain by trunk name"
line 'attempt 1: route 3 (prefix "44", priority 1, weight 1) -> trunk carrier, R-URI user 00449123, targets 127.0.0.21:5060/udp' \
    "explain: the regex route taken when the user matches"

run explain "$LAB" --source 198.51.100.7 --number 442079460000
status 0 "explain an unknown source"
line "source 198.51.100.7/udp: no trunk matches" "explain: no trunk for the source"
line "result: 403 (unknown source: no trunk matches)" "explain: 403 for an unknown source"
no_line "result: go, 1 attempt; first: trunk carrier, R-URI user 00442079460000" \
    "explain: no attempt for an unknown source"
run explain "$LAB" --trunk nosuch --number 1
status 1 "explain from a missing trunk"
error 'no trunk "nosuch"' "it names the trunk"
run explain "$LAB" --number 1
status 1 "explain without a source or trunk"
run explain "$LAB" --source 127.0.0.300 --number 1
status 1 "explain from a source that is not an address"
error '--source "127.0.0.300" is not ADDR[:PORT]' "it names the source"

# --- export --sql, import into a fresh database: the same policy
run export "$LAB" --sql
status 0 "export --sql"
cp "$WORK/out" "$WORK/policy.sql"
has "INSERT INTO number_rule VALUES (2, 2, 'out', 'ruri', 0, 0, '', '^44(.*)\$', '0044\1');" \
    "export --sql has the rules"
run create "$WORK/fresh.db"
status 0 "create an empty database"
run check "$WORK/fresh.db"
line "policy ok: 0 trunks, 0 routes" "the fresh database is empty"
run import "$WORK/fresh.db" "$WORK/policy.sql"
status 0 "import the SQL export"
run export "$WORK/fresh.db" --sql
same "$WORK/policy.sql" "$WORK/out" "SQL export, import, export: identical"
run explain "$WORK/fresh.db" --source 127.0.0.11:5060 --number 02079460000 --at '2024-07-05 10:00'
line 'attempt 1: route 1 (prefix "", priority 0, weight 1) -> trunk carrier, R-URI user 00442079460000, targets 127.0.0.21:5060/udp' \
    "the imported policy decides the same"

# --- export --csv table by table, import in the same order: the same policy
run create "$WORK/csv.db"
for t in zone trunk trunk_source trunk_target trunk_header number_rule route blocked_prefix blocked_source; do
    run export "$LAB" --csv "$t"
    cp "$WORK/out" "$WORK/$t.csv"
    run import "$WORK/csv.db" --csv "$t" "$WORK/$t.csv"
    status 0 "import --csv $t"
done
run export "$WORK/csv.db" --sql
same "$WORK/policy.sql" "$WORK/out" "CSV export and import of every table: the same policy"
run export "$LAB" --csv cdr_stream
status 0 "export --csv cdr_stream (a table without rowid)"
line "cdr_id,idx,leg,packets_in,packets_out,bytes_in,bytes_out,lost,jitter_ms" "cdr_stream columns"
run import "$WORK/csv.db" --csv nosuch "$WORK/zone.csv"
status 1 "import --csv into an unknown table"
error 'no table "nosuch"' "it names the table"

echo "passed $PASS, failed $FAIL"
[ "$FAIL" -eq 0 ]
