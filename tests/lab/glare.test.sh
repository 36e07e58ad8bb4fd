#!/bin/sh
# Re-INVITE glare (RFC 3261 14.1) behind the B2BUA: the caller's re-INVITE
# gets 491 from the callee; the B2BUA sends it again on leg B itself, 2.1 to
# 4 s later (it owns leg B's Call-ID), with a new CSeq and the same offer,
# while the caller's re-INVITE stays pending and then gets the 200.  The
# callee's own re-INVITE in the meantime gets 491 from the B2BUA.  A glare
# that does not clear ends, after two retries, with the 491 passed back; a
# call that ends while the retry waits answers the re-INVITE 487, and so
# does a CANCEL of the re-INVITE then (and the retry never goes).
# The callee's re-INVITE that gets 491 from the caller is sent again on
# leg A 0 to 2 s later.  An UPDATE with an offer that meets 491 is sent
# again the same way, and while it waits the callee's own re-INVITE and
# UPDATE with an offer get 491 from the B2BUA.  The leak check runs over
# every trace.
set -eu
. "$TESTS_DIR/lab/lib.sh"
trap 'lab_stop >/dev/null 2>&1 || true' EXIT
lab_start
rc=0
lab_pair uac-glare.xml uas-glare.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
# the retry's delay as the callee saw it; 0.3 s of slack for a loaded host
python3 "$TESTS_DIR/lab/tracecheck.py" glare "$LAB_DIR"/run-$LAB_RUN/uas/*_messages.log 2.1 4.3 || rc=1
lab_pair uac-glare-refused.xml uas-glare-busy.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_pair uac-glare-ended.xml uas-glare-bye.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_pair uac-glare-cancel.xml uas-glare-cancel.xml 3 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
lab_pair uac-glare-491.xml uas-sdp-reinvite.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
python3 "$TESTS_DIR/lab/tracecheck.py" glare "$LAB_DIR"/run-$LAB_RUN/uac/*_messages.log 0 2.3 || rc=1
lab_pair uac-glare-update.xml uas-glare-update.xml 5 10 127.0.0.11 127.0.0.1 127.0.0.21 || rc=1
python3 "$TESTS_DIR/lab/tracecheck.py" glare "$LAB_DIR"/run-$LAB_RUN/uas/*_messages.log 2.1 4.3 UPDATE || rc=1
lab_leakcheck || rc=1
lab_stop || rc=1
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
