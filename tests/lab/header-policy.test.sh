#!/bin/sh
# Header policy per trunk.  P-Asserted-Identity (RFC 3325) crosses only
# between trusted trunks, written at our host; then the outbound trunk's
# own policy: a header it adds reaches the trunk, a header it removes from
# the default allow-list (Subject) does not, and what was never on the
# allow-list (X-Internal-Secret) stays out as always.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
reloaded() { # N: wait until the Nth "policy in force" line
    n=0
    while ! [ "$(grep -c 'policy in force' "$LAB_DIR/b2bua.log")" -ge "$1" ] && [ $n -lt 50 ]; do
        sleep 0.1; n=$((n + 1))
    done
}
lab_pair uac-pai.xml uas-no-pai.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
"$B2BUA_BIN/b2bua-policy" trunk set "$LAB_DIR/policy.db" pbx pai_trust=1 >/dev/null
reloaded 3
lab_pair uac-pai.xml uas-no-pai.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
"$B2BUA_BIN/b2bua-policy" trunk set "$LAB_DIR/policy.db" carrier pai_trust=1 >/dev/null
reloaded 4
lab_pair uac-pai.xml uas-pai.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1

python3 - "$LAB_DIR/policy.db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
tid = con.execute("SELECT id FROM trunk WHERE name = 'carrier'").fetchone()[0]
with con:
    con.execute("INSERT INTO trunk_header (trunk_id, action, name, value) VALUES (?, 'add', 'X-Carrier-Account', '12345')", (tid,))
    con.execute("INSERT INTO trunk_header (trunk_id, action, name, value) VALUES (?, 'remove', 'Subject', NULL)", (tid,))
PY
reloaded 5
lab_pair uac-caller-hangup.xml uas-headers.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_leakcheck || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
