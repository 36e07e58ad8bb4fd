#!/bin/sh
# Installs what building and running the daemon needs on Debian 12.
# With --test it also installs what the test suite needs (SIPp, clang with
# the libFuzzer and sanitizer runtimes, iproute2 for the network namespace,
# the baresip softphone without its GUI and video recommendations: its
# core package has every module the lab test loads);
# with --bench, the peers the benchmarks measure against as well (Kamailio,
# rtpengine) and tcpdump for the call-core benchmark's response times.
set -eu
runtime="build-essential clang cmake pkg-config libev-dev libssl-dev libsrtp2-dev libsqlite3-dev libbpf-dev check"
testing="libclang-rt-14-dev sip-tester iproute2 util-linux python3 valgrind baresip-core"
bench="kamailio rtpengine-daemon tcpdump"
pkgs="$runtime"
case "${1:-}" in
--test) pkgs="$runtime $testing" ;;
--bench) pkgs="$runtime $testing $bench" ;;
esac
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $pkgs
