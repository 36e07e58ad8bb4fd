#!/bin/sh
# Route failover on a timeout (issue 4): two routes for 1555..., the first
# to carrier whose only target (127.0.0.21) takes the INVITE and never
# answers, with failover_timeout=2, the second to a new trunk carrier2
# (127.0.0.23).  The call must complete on .23, and no later than the
# route's failover_timeout plus a margin (1.5 s) after the INVITE: the
# transaction's own timeout (Timer B, 64*T1 = 32 s in the lab) is far too
# late for a caller.
set -eu
. "$TESTS_DIR/lab/lib.sh"

PASS=0 FAIL=0
ok() { echo "ok   $*"; PASS=$((PASS + 1)); }
nok() { echo "FAIL $*"; FAIL=$((FAIL + 1)); }
SIPP_PIDS=""
cleanup() {
    for p in $SIPP_PIDS; do kill "$p" 2>/dev/null || true; done
    lab_stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# pol_sipp DIR SCENARIO IP PORT [SIPP ARGS...]: one SIPp in DIR, in the
# background (its PID in SIPP_PID); message traces and the scenario's log
# lines are kept there.  Every SIPp is bounded by a global timeout.
pol_sipp() {
    _dir=$1 _scen=$2 _ip=$3 _port=$4
    shift 4
    mkdir -p "$_dir"
    (cd "$_dir" && exec sipp -sf "$LAB_SIPP/$_scen" -i "$_ip" -p "$_port" -timeout 20 \
        -timeout_error -trace_msg -trace_err -trace_logs -nostdin "$@" >sipp.out 2>&1) &
    SIPP_PID=$!
    SIPP_PIDS="$SIPP_PIDS $SIPP_PID"
}

# pol_wait PID DIR: waits for one SIPp; shows its errors and returns 1 if
# it failed
pol_wait() {
    wait "$1" && return 0
    echo "--- SIPp in $2 failed"
    tail -15 "$2/sipp.out"
    cat "$2"/*errors.log 2>/dev/null | head -30
    return 1
}

# pol_count PATTERN DIR: lines matching PATTERN in the SIPp files of DIR
pol_count() {
    cat "$2"/*"$3" 2>/dev/null | grep -c -- "$1" || true
}
pol_received() { pol_count "$1" "$2" _messages.log; }
pol_logged() { pol_count "$1" "$2" _logs.log; }

# pol_until SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds
pol_until() {
    _t=$(( $1 * 20 ))
    shift
    while ! "$@"; do
        _t=$((_t - 1))
        [ $_t -gt 0 ] || return 1
        sleep 0.05
    done
}

reloads() { grep -c 'policy in force' "$LAB_DIR/b2bua.log" || true; }
reloaded_since() { [ "$(reloads)" -gt "$1" ]; }
# pol_edit ARGS...: b2bua-policy on the lab's database, then waits (up to 5 s)
# until the daemon has put the new policy in force
pol_edit() {
    _n=$(reloads) _c=$1 _s=$2
    shift 2
    "$B2BUA_BIN/b2bua-policy" "$_c" "$_s" "$LAB_DIR/policy.db" "$@" >/dev/null || return 1
    pol_until 5 reloaded_since "$_n" || { echo "the daemon did not reload after: $*"; return 1; }
}

# pol_leakcheck NAME:ADDRS:DIR[,DIR...] ...: the leak check with one side
# per NAME (the traces of its DIRs together: callers on one trunk are one
# side), ADDRS the addresses the other sides may not see
pol_leakcheck() {
    _args=""
    for _spec in "$@"; do
        _name=${_spec%%:*} _rest=${_spec#*:}
        _addrs=${_rest%%:*} _dirs=${_rest#*:}
        _trace="$LAB_DIR/leak-$_name-$$.log"
        : >"$_trace"
        for _d in $(echo "$_dirs" | tr , ' '); do
            cat "$_d"/*_messages.log >>"$_trace" 2>/dev/null || true
        done
        _args="$_args --side $_name:$_trace:$_addrs"
    done
    # shellcheck disable=SC2086
    python3 "$TESTS_DIR/lab/leakcheck.py" $_args
}

lab_start
DB=$LAB_DIR/policy.db
B=127.0.0.1 P=127.0.0.11 C=127.0.0.21 C23=127.0.0.23 EXT=127.0.0.2
TIMEOUT=2

d=$LAB_DIR/timeout
pol_edit trunk add carrier2 external source=$C23 target=$C23:5060/udp
pol_edit route add pbx 1555 carrier priority=0 failover_timeout=$TIMEOUT
pol_edit route add pbx 1555 carrier2 priority=1
# the silent target stays up (no -m) so that nothing answers its port with
# an ICMP error; it is stopped at the end
pol_sipp "$d/c21" policy-uas-silent.xml $C 5060 -timeout 50
c21=$SIPP_PID
pol_sipp "$d/c23" uas-answer.xml $C23 5060 -m 1 -timeout 50
c23=$SIPP_PID
sleep 0.3
pol_sipp "$d/caller" uac-caller-hangup.xml $P 5060 -m 1 -s 15551234567 -timeout 50 $B:5060
r=0
pol_wait $SIPP_PID "$d/caller" || r=1
pol_wait $c23 "$d/c23" || r=1
kill $c21 2>/dev/null || true
wait $c21 2>/dev/null || true
# INVITE sent to 200 received, from the caller's trace
setup=$(awk '/^-+ [0-9-]+ [0-9:.]+$/ { split($3, a, ":"); t = a[1] * 3600 + a[2] * 60 + a[3]; h = 1; next }
    h && /^UDP message/ { dir = $3; next }
    h && NF { if (dir == "sent" && /^INVITE / && !inv) inv = t;
              if (dir == "received" && /^SIP\/2.0 200/ && !ok) ok = t; h = 0 }
    END { if (inv && ok) printf "%.2f", ok - inv; else print "none" }' "$d/caller"/*_messages.log)
echo "     setup time: $setup s (failover_timeout=$TIMEOUT)"
if [ $r -eq 0 ] && [ "$(pol_received '^INVITE ' "$d/c23")" -eq 1 ]; then
    ok "the call completed on carrier2 after carrier's target stayed silent"
    if awk -v s="$setup" -v t=$TIMEOUT 'BEGIN { exit !(s != "none" && s <= t + 1.5) }'; then
        ok "failover after failover_timeout=$TIMEOUT: setup took $setup s"
    else
        nok "failover_timeout=$TIMEOUT not honoured: setup took $setup s"
    fi
else
    nok "the call did not complete on carrier2 (SIPp rc $r)"
    tail -20 "$LAB_DIR/b2bua.log"
fi
pol_leakcheck "pbx:$P,$B:$d/caller" "external:$C,$C23,$EXT:$d/c21,$d/c23" && ok "leak check" || nok "leak check"
if lab_stop; then ok "the daemon stopped cleanly"; else nok "the daemon did not stop cleanly"; fi
[ $FAIL -eq 0 ] && rm -rf "$LAB_DIR"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
