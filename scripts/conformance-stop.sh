#!/usr/bin/env bash
# Usage: scripts/conformance-stop.sh PORT
# Stops the service scripts/conformance-reset.sh started on PORT and removes its folder
# (<repo>/.cache/conformance/PORT/: pid file, log, data). Does nothing when there is none.
#
# Which processes: the reset script starts the service with setsid and records the session
# leader's pid (= session id), and marks the service's environment with
# PLACEMENT_CONFORMANCE_DIR=<that folder>. Every live process of that session, and every process
# carrying that mark (a child that left the session, e.g. one spawned with `detached: true`), is
# stopped: SIGTERM, then SIGKILL after CONFORMANCE_TERM_GRACE_MS (default 2000). Nothing else is
# touched. Then it waits (CONFORMANCE_STOP_TIMEOUT seconds, default 10) until PORT is free.
set -euo pipefail

port=${1:?usage: conformance-stop.sh PORT}
[[ $port =~ ^[0-9]+$ ]] || { echo "conformance-stop: PORT must be a number, got '$port'" >&2; exit 2; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$repo/.cache/conformance/$port"
pidfile="$dir/service.pid"
grace_ms=${CONFORMANCE_TERM_GRACE_MS:-2000}
timeout_ms=$((${CONFORMANCE_STOP_TIMEOUT:-10} * 1000))

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

sid=""
if [ -f "$pidfile" ]; then
    sid=$(cat "$pidfile")
    [[ $sid =~ ^[0-9]+$ ]] || sid=""
fi

# Live processes of the service: its session (zombies excluded: PID 1 here need not reap
# orphans) plus those carrying the environment mark (a zombie's environ reads empty).
service_pids() {
    {
        [ -z "$sid" ] || ps -e -o pid=,sid=,stat= | awk -v sid="$sid" '$2 == sid && $3 !~ /^Z/ { print $1 }'
        # (grep fails on processes that vanish meanwhile, and when nothing matches)
        grep -lzxF "PLACEMENT_CONFORMANCE_DIR=$dir" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
    } | sort -un
}

# Waits until service_pids is empty or $1 ms have passed; false on timeout.
wait_gone() {
    local end=$(($(now_ms) + $1))
    while [ -n "$(service_pids)" ]; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.02
    done
}

pids=$(service_pids)
if [ -n "$pids" ]; then
    if [ -n "$sid" ]; then
        outside=$(ps -o pid=,sid= -p "$(echo $pids | tr ' ' ,)" | awk -v sid="$sid" '$2 != sid { printf "%s ", $1 }')
        [ -z "$outside" ] || echo "conformance-stop: note: pid(s) ${outside}left the service's session (setsid/detached); stopping them too" >&2
    fi
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    if ! wait_gone "$grace_ms"; then
        # shellcheck disable=SC2046
        kill -KILL $(service_pids) 2>/dev/null || true
        wait_gone "$timeout_ms" || {
            echo "conformance-stop: still alive after SIGKILL: $(service_pids | tr '\n' ' ')" >&2
            exit 1
        }
    fi
fi

# The port must be free again (bounded) so that the next start can bind it.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
if [ -f "$pidfile" ]; then
    end=$(($(now_ms) + timeout_ms))
    while port_busy; do
        if [ "$(now_ms)" -ge "$end" ]; then
            echo "conformance-stop: 127.0.0.1:$port still answers after the service stopped" >&2
            exit 1
        fi
        sleep 0.02
    done
fi

rm -rf "$dir"
