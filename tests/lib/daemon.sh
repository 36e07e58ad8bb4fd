# Shell helpers for tests that run the daemon.  Source it; it expects
# B2BUA_BIN (the folder with b2bua) and runs inside a private network
# namespace (tests/netns-run).

# Variables of these functions start with _b2bua_ so that they do not
# clobber the caller's (sh has no locals).

# b2bua_start CONFIG_FILE_OR_EMPTY LOGFILE: starts the daemon in the
# background and sets B2BUA_PID
b2bua_start() {
    if [ -n "$1" ]; then
        "$B2BUA_BIN/b2bua" -c "$1" -l debug >"$2" 2>&1 &
    else
        "$B2BUA_BIN/b2bua" -l debug >"$2" 2>&1 &
    fi
    B2BUA_PID=$!
}

# b2bua_wait ADDR:PORT...: waits until each address answers OPTIONS over UDP
b2bua_wait() {
    python3 "$TESTS_DIR/lib/sipping.py" --wait 10 "$@"
}

# b2bua_stop: SIGTERM, then waits; fails if the daemon did not exit 0
b2bua_stop() {
    [ -n "${B2BUA_PID:-}" ] || return 0
    kill -TERM "$B2BUA_PID" 2>/dev/null || true
    _b2bua_rc=0
    wait "$B2BUA_PID" || _b2bua_rc=$?
    B2BUA_PID=
    if [ "$_b2bua_rc" -ne 0 ]; then
        echo "b2bua exited with status $_b2bua_rc"
        return 1
    fi
}
