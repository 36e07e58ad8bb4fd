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
run export "$DB" --sql
cp "$WORK/out" "$WORK/after.sql"
run export "$WORK/before.db" --sql
same "$WORK/out" "$WORK/after.sql" "refused edits changed nothing"

# --- zones: a mistyped zone is refused, a new one only when asked
cp "$DB" "$WORK/before.db"
run trunk add "$DB" c3 extrenal source=192.0.2.30
status 1 "trunk add with an unknown zone refused"
error 'unknown zone "extrenal"; known zones: external, internal (--new-zone creates a new one)' \
    "the error lists the known zones"
run export "$DB" --sql
cp "$WORK/out" "$WORK/after.sql"
run export "$WORK/before.db" --sql
same "$WORK/out" "$WORK/after.sql" "no zone and no trunk created"
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

echo "passed $PASS, failed $FAIL"
[ "$FAIL" -eq 0 ]
