# Runs one SIPp scenario against the daemon.  Source it after daemon.sh.
# sipp_run SCENARIO TRANSPORT(u1|t1) CALLS RATE TARGET [extra sipp args]
# Fails unless every call succeeded.
sipp_run() {
    _sc=$1 _tp=$2 _calls=$3 _rate=$4 _target=$5
    shift 5
    _dir=$(mktemp -d)
    _rc=0
    (cd "$_dir" && sipp -sf "$TESTS_DIR/sipp/$_sc" -t "$_tp" -i 127.0.0.11 -p 0 \
        -m "$_calls" -r "$_rate" -timeout 60 -timeout_error -max_recv_loops 1000 \
        -trace_err -trace_stat -nostdin "$@" "$_target" >sipp.out 2>&1) || _rc=$?
    if [ "$_rc" -ne 0 ]; then
        echo "sipp $_sc over $_tp failed ($_rc):"
        tail -30 "$_dir/sipp.out"
        cat "$_dir"/*errors.log 2>/dev/null | head -60
    else
        echo "sipp $_sc over $_tp: $_calls calls, all successful"
    fi
    rm -rf "$_dir"
    return $_rc
}
