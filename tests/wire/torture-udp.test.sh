#!/bin/sh
# The corpus's malformed requests sent to the running daemon over UDP get
# the statuses the manifest names, and the daemon keeps serving.
exec "$TESTS_DIR/wire/torture-run.sh" udp
