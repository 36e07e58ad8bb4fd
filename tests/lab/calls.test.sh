#!/bin/sh
# Calls through the B2BUA in the loopback lab, from the pbx to the carrier
# and back: caller and callee hang-up, busy, CANCEL while ringing, INFO in
# the dialog, and calls with SDP whose media the relay anchors (the SDP
# each side sees carries the B2BUA's address and ports on its own zone),
# with re-INVITEs for hold and resume from the caller and from the callee,
# reliable provisional responses acknowledged per leg (RFC 3262), a callee
# that forks, and UPDATE and MESSAGE inside the dialog.  Every call must succeed, and the leak check must find none
# of one side's identifiers or addresses in what the other side received.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
P=127.0.0.11 C=127.0.0.21
lab_pair uac-caller-hangup.xml uas-answer.xml 20 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-callee-hangup.xml uas-answer-hangup.xml 10 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-busy.xml uas-busy.xml 10 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-cancel.xml uas-ring-cancel.xml 10 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-info.xml uas-info.xml 10 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-sdp.xml uas-sdp.xml 10 10 $P 127.0.0.1 $C || rc=1
# re-INVITEs from either side: hold and resume, media re-anchored
lab_pair uac-sdp-hold.xml uas-sdp-hold.xml 10 10 $P 127.0.0.1 $C || rc=1
lab_pair uac-sdp-held.xml uas-sdp-reinvite.xml 10 10 $P 127.0.0.1 $C || rc=1
# a callee that requires 100rel and a caller without it: PRACK per leg
lab_pair uac-sdp-early.xml uas-sdp-100rel.xml 10 10 $P 127.0.0.1 $C || rc=1
# forking behind the callee: the first 2xx wins, the later one is ACKed and ended
lab_pair uac-fork.xml uas-fork.xml 5 10 $P 127.0.0.1 $C || rc=1
# UPDATE with a new offer and a MESSAGE inside the confirmed dialog
lab_pair uac-update.xml uas-update.xml 5 10 $P 127.0.0.1 $C || rc=1
# the other direction: carrier to pbx
lab_pair uac-caller-hangup.xml uas-answer.xml 10 10 $C 127.0.0.2 $P || rc=1
lab_pair uac-callee-hangup.xml uas-answer-hangup.xml 10 10 $C 127.0.0.2 $P || rc=1
lab_pair uac-sdp.xml uas-sdp.xml 10 10 $C 127.0.0.2 $P || rc=1
lab_leakcheck || rc=1
lab_stop || rc=1
# SIGTERM wrote every CDR: one per call, with the outcome, who hung up and
# the media statistics of the calls with SDP (two sides per stream)
python3 "$TESTS_DIR/lab/cdrcheck.py" "$LAB_DIR/policy.db" --traces "$LAB_DIR" \
    total:140 status=200:120 status=486:10 status=487:10 \
    hangup_by=caller:100 hangup_by=callee:20 streams:110 || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
