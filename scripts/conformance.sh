#!/usr/bin/env bash
# Usage: scripts/conformance.sh [--update] [--port PORT] [run.sh options...]
#
# Runs upstream Placement's gabbi suite (../shared/conformance/run.sh beside the repo, or
# $CONFORMANCE_RUNNER) against the service, resetting it before each YAML file with
# scripts/conformance-reset.sh, and checks the result against the ratchet
# test/conformance/expected-pass.txt (one line per test: "<file.yaml> :: <test name>"):
#   - exits 1, listing them, when a test of the list did not pass;
#   - reports how many tests pass that are not in the list yet;
#   - with --update, rewrites the list to the tests that pass now.
# Other options (e.g. --only 'allocation*', -v) go to run.sh; with a filter, only the tests that
# ran are checked and --update is refused. The service runs from a bundle of src/main.ts
# (scripts/conformance-bundle.mjs) unless CONFORMANCE_BUNDLE=0. The port is $CONFORMANCE_PORT
# or 18778, or the next free one when that is taken. The JSON summary is kept in
# .cache/conformance-result.json.
# The service is always stopped at the end.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runner=${CONFORMANCE_RUNNER:-$repo/../shared/conformance/run.sh}
ratchet="$repo/test/conformance/expected-pass.txt"
json="$repo/.cache/conformance-result.json"

log() { printf 'conformance: %s\n' "$*" >&2; }

update=0
port=""
run_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --update) update=1 ;;
        --port) port=${2:?--port needs a value}; shift ;;
        --port=*) port=${1#--port=} ;;
        --json|--url|--reset) log "$1 is set by this script"; exit 2 ;;
        *) run_args+=("$1") ;;
    esac
    shift
done
if [ "$update" = 1 ] && [ ${#run_args[@]} -gt 0 ]; then
    log "--update rewrites the whole list: run it without run.sh options (${run_args[*]})"
    exit 2
fi
[ -f "$runner" ] || { log "no conformance runner at $runner (set CONFORMANCE_RUNNER)"; exit 1; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "$port" ]; then
    port=${CONFORMANCE_PORT:-18778}
    first=$port
    while port_busy "$port"; do
        port=$((port + 1))
        [ "$port" -lt $((first + 100)) ] || { log "no free port in $first..$port"; exit 1; }
    done
elif port_busy "$port"; then
    log "127.0.0.1:$port is in use"
    exit 1
fi

# gabbi for /usr/bin/python3 (run.sh would also try, but without refreshing stale apt lists first).
if ! /usr/bin/python3 -c 'import gabbi' >/dev/null 2>&1; then
    log "installing python3-gabbi"
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -o DPkg::Lock::Timeout=600 >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -o DPkg::Lock::Timeout=600 python3-gabbi >&2
fi

# Resolve nats-server once (a first run downloads it) and hand it to every service start.
NATS_SERVER_BIN=$(bash "$repo/scripts/ensure-nats-server.sh")
export NATS_SERVER_BIN

# One bundle of src/ for all service starts of this run (about twice as fast to start as tsx);
# CONFORMANCE_BUNDLE=0, a PLACEMENT_ENTRY of your own, or a failed build keep tsx on src/main.ts.
if [ -z "${PLACEMENT_ENTRY:-}" ] && [ "${CONFORMANCE_BUNDLE:-1}" != 0 ]; then
    bundle="$repo/.cache/conformance-build/$port/main.mjs"   # per port: runs side by side
    if node "$repo/scripts/conformance-bundle.mjs" "$bundle"; then
        export PLACEMENT_ENTRY="$bundle"
    else
        log "could not bundle src/main.ts; the service runs with tsx"
    fi
fi

trap 'bash "$repo/scripts/conformance-stop.sh" "$port" || true' EXIT
trap 'exit 130' INT TERM

mkdir -p "$(dirname "$json")"
rm -f "$json"
log "running $runner against http://127.0.0.1:$port"
rc=0
sh "$runner" --url "http://127.0.0.1:$port" \
    --reset "bash '$repo/scripts/conformance-reset.sh' $port" \
    --json "$json" ${run_args[@]+"${run_args[@]}"} || rc=$?
if [ "$rc" != 0 ] || [ ! -s "$json" ]; then
    log "run.sh failed (exit $rc) or wrote no $json"
    exit 1
fi

filtered=0
[ ${#run_args[@]} -eq 0 ] || filtered=1
/usr/bin/python3 - "$json" "$ratchet" "$update" "$filtered" <<'PY'
import json, os, sys

json_path, ratchet, update, filtered = sys.argv[1], sys.argv[2], sys.argv[3] == '1', sys.argv[4] == '1'
with open(json_path) as fh:
    summary = json.load(fh)

ran, passing = set(), []
for f in sorted(summary['files'], key=lambda f: f['file']):
    for t in f['tests']:
        key = '%s :: %s' % (f['file'], t['name'])
        ran.add(key)
        if t['outcome'] == 'passed':
            passing.append(key)

expected = []
if os.path.exists(ratchet):
    with open(ratchet) as fh:
        expected = [l.rstrip('\n') for l in fh if l.strip() and not l.startswith('#')]

passing_set = set(passing)
# A filtered run (--only, -k, ...) checks only the tests it ran.
checked = [e for e in expected if e in ran] if filtered else expected
lost = [e for e in checked if e not in passing_set]
new = [p for p in passing if p not in set(expected)]
t = summary['totals']
print('conformance: %d passed, %d failed, %d skipped in %d files (%.0fs); ratchet: %d expected'
      % (t['passed'], t['failed'], t['skipped'], t['files'], summary['duration_s'], len(expected)))

if update:
    os.makedirs(os.path.dirname(ratchet), exist_ok=True)
    with open(ratchet, 'w') as fh:
        fh.write(''.join(p + '\n' for p in passing))
    print('conformance: wrote %d passing tests to %s (%d new, %d no longer passing)'
          % (len(passing), os.path.relpath(ratchet), len(new), len(lost)))
    for e in lost:
        print('  no longer passing: ' + e)
    sys.exit(0)

print('conformance: %d passing tests are not in %s yet%s'
      % (len(new), os.path.relpath(ratchet), ' (scripts/conformance.sh --update adds them)' if new else ''))
if lost:
    print('conformance: FAIL: %d expected test(s) did not pass:' % len(lost))
    for e in lost:
        print('  ' + e)
    sys.exit(1)
print('conformance: OK: every expected test passed')
PY
