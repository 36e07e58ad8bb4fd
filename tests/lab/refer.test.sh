#!/bin/sh
# Call transfer (RFC 3515) across the B2BUA, pbx calling carrier, the
# carrier transferring: a blind transfer's REFER reaches the pbx with the
# Refer-To written by the B2BUA (the target's user at our internal address,
# nothing else of the carrier's), the pbx's 202 and NOTIFY come back (the
# sipfrag reduced to its status line); an attended transfer's Replaces
# arrives translated to the pbx's own dialog (and a 481 to its NOTIFY
# ends the subscription, not the call); a Replaces naming no dialog
# of ours gets 400 and a trunk with refer=deny gets 403, and in both cases
# the pbx receives no REFER.  The same transfers the other way round (the
# carrier calling, the pbx transferring) reach the carrier at our external
# address.  The leak check runs over every trace.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
P=127.0.0.11 C=127.0.0.21
check="$TESTS_DIR/lab/tracecheck.py"
db="$LAB_DIR/policy.db"

lab_pair uac-refer.xml uas-refer.xml 5 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-refer-replaces.xml uas-refer-replaces.xml 5 10 $P 127.0.0.1 $C || rc=1
python3 "$check" replaces "$LAB_DIR"/run-$LAB_RUN/uac/*_messages.log || rc=1
lab_pair uac-refer-none.xml uas-refer-unknown.xml 5 10 $P 127.0.0.1 $C || rc=1
python3 "$check" absent "$LAB_DIR"/run-$LAB_RUN/uac/*_messages.log REFER || rc=1

# the carrier may not transfer: 403 and nothing crosses
"$B2BUA_BIN/b2bua-policy" trunk set "$db" carrier refer=deny >/dev/null
sleep 0.8	# the policy reload
lab_pair uac-refer-none.xml uas-refer-refused.xml 5 10 $P 127.0.0.1 $C || rc=1
python3 "$check" absent "$LAB_DIR"/run-$LAB_RUN/uac/*_messages.log REFER || rc=1
# the pbx may still transfer a call from the carrier
lab_pair uac-refer.xml uas-refer.xml 3 10 $C 127.0.0.2 $P || rc=1
lab_pair uac-refer-replaces.xml uas-refer-replaces.xml 3 10 $C 127.0.0.2 $P || rc=1
python3 "$check" replaces "$LAB_DIR"/run-$LAB_RUN/uac/*_messages.log || rc=1
# allowed again: the transfer crosses
"$B2BUA_BIN/b2bua-policy" trunk set "$db" carrier refer=allow >/dev/null
sleep 0.8
lab_pair uac-refer.xml uas-refer.xml 2 10 $P 127.0.0.1 $C || rc=1

lab_leakcheck || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
