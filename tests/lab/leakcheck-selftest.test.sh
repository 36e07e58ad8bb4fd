#!/bin/sh
# The leak check itself: it must find an identifier of one side in what
# the other side received, and must not mistake 127.0.0.1 for 127.0.0.11.
set -eu
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
sep="----------------------------------------------- 2026-01-01 00:00:00.000000"
cat >"$d/caller.log" <<EOT
$sep
UDP message sent (300 bytes):

INVITE sip:123@127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.11:5060;branch=z9hG4bK-caller-branch
From: <sip:a@127.0.0.11>;tag=caller-tag-1
To: <sip:123@127.0.0.1>
Call-ID: caller-call-id@127.0.0.11
CSeq: 1 INVITE
Content-Length: 0

EOT
clean_callee() {
cat <<EOT
$sep
UDP message received [300] bytes :

INVITE sip:123@127.0.0.21:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKours
From: <sip:a@127.0.0.2>;tag=ourtag
To: <sip:123@127.0.0.21>
Call-ID: ourcallid
CSeq: 1 INVITE
Content-Length: 0

EOT
}
clean_callee >"$d/callee-clean.log"
clean_callee | sed 's/^Call-ID: ourcallid/Call-ID: caller-call-id@127.0.0.11/' >"$d/callee-callid.log"
clean_callee | sed 's/^Subject: .*//; s/^CSeq: 1 INVITE/CSeq: 1 INVITE\nX-Hop: 127.0.0.1/' >"$d/callee-addr.log"
clean_callee | sed 's/tag=ourtag/tag=caller-tag-1/' >"$d/callee-tag.log"
# an address followed by its port
clean_callee | sed 's|^CSeq: 1 INVITE|CSeq: 1 INVITE\nContact: <sip:a@127.0.0.11:5060>|' >"$d/callee-addrport.log"
# a tag %-escaped in a URI header (an untranslated Replaces in Refer-To)
clean_callee | sed 's|^CSeq: 1 INVITE|CSeq: 1 INVITE\nRefer-To: <sip:x@127.0.0.2?Replaces=ourcallid%3Bto-tag%3Dcaller-tag-1%3Bfrom-tag%3Dx>|' \
    >"$d/callee-escaped.log"
check="$TESTS_DIR/lab/leakcheck.py"
rc=0
python3 "$check" --side caller:"$d/caller.log":127.0.0.11,127.0.0.1 \
    --side callee:"$d/callee-clean.log":127.0.0.21,127.0.0.2 >/dev/null || {
    echo "FAIL: a clean trace was reported as a leak"; rc=1; }
for leak in callid addr tag addrport escaped; do
    if python3 "$check" --side caller:"$d/caller.log":127.0.0.11,127.0.0.1 \
        --side callee:"$d/callee-$leak.log":127.0.0.21,127.0.0.2 >/dev/null; then
        echo "FAIL: the $leak leak was not found"; rc=1
    else
        echo "ok   the $leak leak is found"
    fi
done
[ $rc -eq 0 ] && echo "6 passed, 0 failed" || echo "some failed"
exit $rc
