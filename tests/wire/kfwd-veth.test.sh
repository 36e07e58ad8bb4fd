#!/bin/sh
# The kernel forwarder between two zones on real (non-loopback) interfaces,
# as in production: each zone is a veth pair whose far end sits in its own
# private namespace, one playing the pbx and one the carrier.  RTP each
# sends to our port leaves through bpf_redirect_neigh on the other veth,
# from our address and port there, intact and counted; a rule from such an
# interface into loopback is refused (user space relays it).
# Only 127.0.0.0/8: the veths carry 127.1.1.0/24 and 127.1.2.0/24, which
# route_localnet lets through; 127.0.0.0/16 stays on loopback everywhere.
set -eu
pids=""
rules_pid=""
tmp=$(mktemp -d)
cleanup() {
    [ -n "$rules_pid" ] && kill "$rules_pid" 2>/dev/null || true
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
# NAME OURS PEER: a namespace behind veth kNa/kNb, us OURS/24, it PEER/24
localnet='ip route del local 127.0.0.0/8 dev lo table local
ip route add local 127.0.0.0/16 dev lo table local
sysctl -qw net.ipv4.conf.all.route_localnet=1'
zone() {
    unshare -n sleep 300 &
    pid=$!
    pids="$pids $pid"
    sleep 0.2
    ip link add "k$1a" type veth peer name "k$1b"
    ip link set "k$1b" netns "$pid"
    sysctl -qw "net.ipv4.conf.k$1a.route_localnet=1"
    ip addr add "$2/24" dev "k$1a"
    ip link set "k$1a" up
    nsenter -t "$pid" -n sh -c "ip link set lo up
$localnet
sysctl -qw net.ipv4.conf.k$1b.route_localnet=1
ip addr add $3/24 dev k$1b
ip link set k$1b up"
    eval "ns_$1=$pid"
}
sh -c "$localnet"
zone p 127.1.1.1 127.1.1.2
zone c 127.1.2.1 127.1.2.2
# pbx 127.1.1.2:40010 <-> us 127.1.1.1:20000 | us 127.1.2.1:30000 <-> carrier 127.1.2.2:40020
mkfifo "$tmp/in"
"$B2BUA_BIN/kfwd_rule" 127.1.1.1,127.1.2.1 \
    127.1.1.1:20000 127.1.1.2:40010 127.1.2.1:30000 127.1.2.2:40020 \
    127.1.2.1:30000 127.1.2.2:40020 127.1.1.1:20000 127.1.1.2:40010 \
    <"$tmp/in" >"$tmp/rules" 2>&1 &
rules_pid=$!
exec 3>"$tmp/in"
n=0
until grep -q ready "$tmp/rules" 2>/dev/null; do
    if ! kill -0 "$rules_pid" 2>/dev/null; then
        cat "$tmp/rules"
        wait "$rules_pid" && rc=0 || rc=$?
        [ "$rc" -eq 77 ] && { echo "skipped: no eBPF forwarding here"; exit 77; }
        exit 1
    fi
    n=$((n + 1)); [ $n -lt 100 ] || { echo "FAIL kfwd_rule did not start"; exit 1; }
    sleep 0.05
done
cat >"$tmp/carrier.py" <<'PY'
import socket, sys
# what arrives must come from our address and port on this zone; each
# packet goes back where it came from
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.1.2.2", 40020)); s.settimeout(5)
for i in range(20):
    data, src = s.recvfrom(2048)
    if src != ("127.1.2.1", 30000) or len(data) != 172 or data[12] != i:
        print("carrier: packet %d from %r, %d bytes" % (i, src, len(data))); sys.exit(1)
    s.sendto(data, src)
print("carrier: 20 packets from 127.1.2.1:30000, intact")
PY
cat >"$tmp/pbx.py" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.1.1.2", 40010)); s.settimeout(5)
for i in range(20):
    s.sendto(struct.pack("!BBHII", 0x80, 0, 100 + i, 160 * i, 0x1234) + bytes([i]) * 160, ("127.1.1.1", 20000))
    time.sleep(0.005)
for i in range(20):
    data, src = s.recvfrom(2048)
    if src != ("127.1.1.1", 20000) or len(data) != 172 or data[12] != i:
        print("pbx: packet %d from %r" % (i, src)); sys.exit(1)
print("pbx: 20 packets back from 127.1.1.1:20000, intact")
PY
# shellcheck disable=SC2154
nsenter -t "$ns_c" -n python3 "$tmp/carrier.py" >"$tmp/carrier.out" 2>&1 &
carrier=$!
sleep 0.3
rc=0
# shellcheck disable=SC2154
nsenter -t "$ns_p" -n python3 "$tmp/pbx.py" || rc=1
wait "$carrier" || rc=1
cat "$tmp/carrier.out"
exec 3>&-
wait "$rules_pid" || rc=1
rules_pid=""
grep rule "$tmp/rules"
grep -q "rule 1: 20 packets" "$tmp/rules" || { echo "FAIL the kernel did not forward the pbx's 20 packets"; rc=1; }
grep -q "rule 2: 20 packets" "$tmp/rules" || { echo "FAIL the kernel did not forward the carrier's 20 packets"; rc=1; }
# from a veth into loopback: refused, left to user space
if "$B2BUA_BIN/kfwd_rule" 127.1.2.1,127.0.0.1 \
    127.1.2.1:30000 127.1.2.2:40020 127.0.0.1:20000 127.0.0.11:40010 </dev/null >"$tmp/mixed" 2>&1; then
    echo "FAIL a rule from a veth into loopback was taken"; rc=1
elif grep -q "Invalid argument" "$tmp/mixed"; then
    echo "ok   a rule from a veth into loopback is refused"
else
    cat "$tmp/mixed"; rc=1
fi
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
