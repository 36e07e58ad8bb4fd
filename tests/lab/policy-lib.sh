# Helpers shared by the policy lab tests (source after lib.sh): counters
# of passed and failed checks, SIPp runs in the background bounded in time,
# counting what SIPp received or logged, polling, database edits that wait
# for the daemon's reload, and the leak check over several traces per side.

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
