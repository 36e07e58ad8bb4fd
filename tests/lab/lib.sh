# Helpers for lab tests (source it; runs inside a private network namespace).
#   lab_start: builds a fresh lab (tests/lab/up) and sets LAB_DIR and LAB_PID
#   lab_stop:  SIGTERM and wait; fails if the daemon did not exit 0
#   lab_pair UAC UAS CALLS RATE CALLER B2BUA CALLEE: one SIPp run of
#       CALLS calls, the callee scenario at CALLEE:5060 and the caller at
#       CALLER:5060 towards B2BUA:5060, with message traces kept in
#       $LAB_DIR/run-N for the leak check; fails unless every call passed
#   lab_leakcheck: the leak check over every trace of the runs so far
# LAB_SIPP_TIMEOUT (seconds, 30) bounds each SIPp; LAB_SIPP_ARGS are added
# to both SIPp command lines (e.g. -key NAME VALUE for a scenario).

LAB_SIPP="$TESTS_DIR/lab/sipp"
LAB_RUN=0

lab_start() {
    LAB_DIR=$(mktemp -d)
    LAB_PID=$("$TESTS_DIR/lab/up" "$LAB_DIR")
}

lab_stop() {
    [ -n "${LAB_PID:-}" ] || return 0
    kill -TERM "$LAB_PID" 2>/dev/null || true
    _lab_rc=0
    # not our child (started by up): wait for it to go away
    _lab_n=0
    while kill -0 "$LAB_PID" 2>/dev/null && [ $_lab_n -lt 100 ]; do
        sleep 0.1
        _lab_n=$((_lab_n + 1))
    done
    if kill -0 "$LAB_PID" 2>/dev/null; then
        echo "b2bua did not stop on SIGTERM"
        kill -KILL "$LAB_PID" 2>/dev/null || true
        _lab_rc=1
    fi
    grep -q 'b2bua stopped' "$LAB_DIR/b2bua.log" || { echo "no clean stop in the log"; _lab_rc=1; }
    LAB_PID=
    return $_lab_rc
}

# a peer's address and the B2BUA's address on the peer's zone (the lab)
lab_zone_addr() {
    case "$1" in
    127.0.0.11) echo "127.0.0.11,127.0.0.1" ;;
    127.0.0.21) echo "127.0.0.21,127.0.0.2" ;;
    *) echo "$1" ;;
    esac
}

lab_pair() {
    _uac=$1 _uas=$2 _calls=$3 _rate=$4 _caller=$5 _b2bua=$6 _callee=$7
    LAB_RUN=$((LAB_RUN + 1))
    _d="$LAB_DIR/run-$LAB_RUN"
    mkdir -p "$_d/uac" "$_d/uas"
    # what each side may not see of the other: its address and ours on its zone
    lab_zone_addr "$_caller" >"$_d/caller-addrs"
    lab_zone_addr "$_callee" >"$_d/callee-addrs"
    (cd "$_d/uas" && exec sipp -sf "$LAB_SIPP/$_uas" -i "$_callee" -p 5060 -m "$_calls" \
        -timeout "${LAB_SIPP_TIMEOUT:-30}" -timeout_error -trace_msg -trace_err -nostdin \
        ${LAB_SIPP_ARGS:-} >sipp.out 2>&1) &
    _uas_pid=$!
    sleep 0.3
    _rc=0
    (cd "$_d/uac" && exec sipp -sf "$LAB_SIPP/$_uac" -i "$_caller" -p 5060 -s 15551234567 \
        -m "$_calls" -r "$_rate" -timeout "${LAB_SIPP_TIMEOUT:-30}" -timeout_error -trace_msg -trace_err -nostdin \
        ${LAB_SIPP_ARGS:-} \
        "$_b2bua:5060" >sipp.out 2>&1) || _rc=1
    wait "$_uas_pid" || _rc=1
    if [ $_rc -ne 0 ]; then
        echo "FAIL $_uac -> $_uas ($_calls calls)"
        for s in uac uas; do
            echo "--- $s"
            tail -25 "$_d/$s/sipp.out"
            cat "$_d/$s"/*errors.log 2>/dev/null | head -40
        done
        echo "--- b2bua log (tail)"
        tail -40 "$LAB_DIR/b2bua.log"
    else
        echo "ok   $_uac -> $_uas: $_calls calls, all successful"
    fi
    return $_rc
}

lab_leakcheck() {
    _lrc=0
    _i=1
    while [ $_i -le $LAB_RUN ]; do
        _d="$LAB_DIR/run-$_i"
        _args=""
        for f in "$_d"/uac/*_messages.log; do
            [ -f "$f" ] && _args="$_args --side caller:$f:$(cat "$_d/caller-addrs")"
        done
        for f in "$_d"/uas/*_messages.log; do
            [ -f "$f" ] && _args="$_args --side callee:$f:$(cat "$_d/callee-addrs")"
        done
        printf 'run %d: ' $_i
        # shellcheck disable=SC2086
        python3 "$TESTS_DIR/lab/leakcheck.py" $_args || _lrc=1
        _i=$((_i + 1))
    done
    return $_lrc
}
