#!/bin/sh
# A dead leg ends the whole call (RFC 3261 12.2.1.2): an in-dialog request
# that the other side answers with 481, or that times out there (408),
# is answered so on the requesting leg, which then gets our BYE; the dead
# leg gets no BYE, since its dialog is over.  And a BYE that crosses a
# re-INVITE: the pending re-INVITE gets 487 on both legs; and a CANCEL of
# a pending re-INVITE, which crosses to the other leg.  Every call must succeed,
# the log must give the reason, the CDRs must say the B2BUA ended the call,
# and the leak check must find nothing.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
P=127.0.0.11 C=127.0.0.21
export LAB_SIPP_TIMEOUT=60
lab_pair uac-dead.xml uas-dead-481.xml 5 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-dead.xml uas-dead-silent.xml 5 10 $C 127.0.0.2 $P || rc=1
n481=$(grep -c 'call ends: 481' "$LAB_DIR/b2bua.log" || true)
n408=$(grep -c 'call ends: in-dialog request timed out' "$LAB_DIR/b2bua.log" || true)
[ "$n481" -eq 5 ] || { echo "FAIL $n481 calls ended on 481, want 5"; rc=1; }
[ "$n408" -eq 5 ] || { echo "FAIL $n408 calls ended on a timeout, want 5"; rc=1; }
# the dead leg's dialog is over: no BYE goes to it (leg B in both runs)
nbye=$(grep -c 'BYE sent on leg B' "$LAB_DIR/b2bua.log" || true)
[ "$nbye" -eq 0 ] || { echo "FAIL $nbye BYEs sent on the dead leg"; rc=1; }
for d in "$LAB_DIR"/run-1/uas "$LAB_DIR"/run-2/uas; do
    if grep -q '^BYE ' "$d"/*_messages.log; then
        echo "FAIL a BYE reached the dead leg ($d)"
        rc=1
    fi
done
# a BYE that crosses a pending re-INVITE: 200 to the BYE, 487 to the
# re-INVITE on the caller's leg; on the callee's leg the re-INVITE's 487
# is acknowledged (RFC 3261 15.1.2)
lab_pair uac-bye-reinvite.xml uas-bye-reinvite.xml 5 10 $P 127.0.0.1 $C || rc=1
# a CANCEL of a pending re-INVITE (RFC 3261 9.2): 200 to the CANCEL, the
# re-INVITE cancelled on the other leg and its 487 carried back; the call
# stays up until the caller's BYE
lab_pair uac-cancel-reinvite.xml uas-cancel-reinvite.xml 5 10 $C 127.0.0.2 $P || rc=1
lab_leakcheck || rc=1
lab_stop || rc=1
python3 "$TESTS_DIR/lab/cdrcheck.py" "$LAB_DIR/policy.db" --traces "$LAB_DIR" \
    total:20 status=200:20 hangup_by=b2bua:10 hangup_by=caller:10 || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
