#!/usr/bin/env bash
# Usage: scripts/conformance-reset.sh PORT
# The --reset hook for ../shared/conformance/run.sh: leaves a fresh, empty service answering on
# http://127.0.0.1:PORT/.
#
#  1. stops the service this script started earlier on PORT (scripts/conformance-stop.sh: its whole
#     setsid session, embedded nats-server included; SIGKILL at once) and wipes its data;
#  2. starts `node --import tsx src/main.ts` (or $PLACEMENT_ENTRY) in a new session with
#     PORT, HOST=127.0.0.1, DATA_DIR=<repo>/.cache/conformance/PORT/data,
#     PLACEMENT_PROFILE=$CONFORMANCE_PROFILE (default "default") and NATS_URL unset, so it runs
#     its own embedded nats-server; output goes to <repo>/.cache/conformance/PORT/service.log;
#  3. waits until GET / answers 200 (CONFORMANCE_START_TIMEOUT seconds, default 30); on failure
#     prints the log tail and exits 1.
# PLACEMENT_ENTRY overrides the entry file (default src/main.ts, relative to the repo); a .ts
# entry runs with `node --import tsx`, a .js/.mjs one (e.g. the bundle scripts/conformance.sh
# builds) with plain node.
set -euo pipefail

port=${1:?usage: conformance-reset.sh PORT}
[[ $port =~ ^[0-9]+$ ]] || { echo "conformance-reset: PORT must be a number, got '$port'" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
dir="$repo/.cache/conformance/$port"
log="$dir/service.log"
entry=${PLACEMENT_ENTRY:-src/main.ts}
case $entry in
    *.js|*.mjs) node_args=() ;;
    *) node_args=(--import tsx) ;;
esac
START_TIMEOUT_S=${CONFORMANCE_START_TIMEOUT:-30}

# Its data is wiped anyway: no grace period for a clean shutdown (saves ~100 ms a reset).
CONFORMANCE_TERM_GRACE_MS=0 bash "$here/conformance-stop.sh" "$port"

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "conformance-reset: 127.0.0.1:$port is in use by a process this script did not start" >&2
    exit 1
fi

mkdir -p "$dir/data"
cd "$repo"
# The session leader records its own pid (= session id) before it becomes the service.
# PLACEMENT_CONFORMANCE_DIR marks the service and its children for conformance-stop.sh.
env -u NATS_URL PORT="$port" HOST=127.0.0.1 DATA_DIR="$dir/data" \
    PLACEMENT_PROFILE="${CONFORMANCE_PROFILE:-default}" PLACEMENT_CONFORMANCE_DIR="$dir" \
    setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$dir/service.pid" \
    node ${node_args[@]+"${node_args[@]}"} "$entry" </dev/null >"$log" 2>&1 &

# GET / on the service; true on a 200.
answers_200() {
    local status
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&3
    IFS= read -r -t 5 status <&3 || status=""
    exec 3<&-
    [[ $status == "HTTP/1."[01]" 200"* ]]
}

fail() {
    echo "conformance-reset: $1; last lines of $log:" >&2
    tail -n 40 "$log" >&2 || true
    exit 1
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
end=$(($(now_ms) + START_TIMEOUT_S * 1000))
launcher=$!
until answers_200 2>/dev/null; do
    # The launcher is the session leader (setsid does not fork: a background job of a
    # non-interactive shell leads no process group), so it lives exactly as long as the service.
    kill -0 "$launcher" 2>/dev/null || fail "the service exited before answering on 127.0.0.1:$port"
    [ "$(now_ms)" -lt "$end" ] || fail "no 200 from GET http://127.0.0.1:$port/ within ${START_TIMEOUT_S}s"
    sleep 0.02
done
