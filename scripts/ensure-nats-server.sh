#!/usr/bin/env bash
# Print (one line on stdout) the absolute path of a usable nats-server >= 2.10.
#
# Order:
#   1. $NATS_SERVER_BIN, if set and >= 2.10
#   2. nats-server on PATH, if >= 2.10
#   3. <repo>/.cache/nats-server/root/usr/sbin/nats-server, if present and >= 2.10
#   4. otherwise fetch Debian trixie's nats-server package with a private apt state under
#      <repo>/.cache/nats-server/ (nothing outside that folder changes), unpack it with
#      dpkg-deb -x and check its version.
# The mirror URI is read at run time from the machine's own apt configuration.
# Progress goes to stderr. A flock serialises parallel runs of step 4.
set -euo pipefail

MIN_VERSION=2.10.0
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="$repo/.cache/nats-server"
cached_bin="$cache/root/usr/sbin/nats-server"

log() { printf 'ensure-nats-server: %s\n' "$*" >&2; }

# version_ok BIN: true when BIN runs and reports a version >= MIN_VERSION.
# `nats-server --version` prints e.g. "nats-server: v2.10.27".
version_ok() {
    local out v
    [ -x "$1" ] || return 1
    out=$("$1" --version 2>/dev/null) || return 1
    v=${out##*v}
    [[ $v =~ ^[0-9]+\.[0-9]+ ]] || return 1
    [ "$(printf '%s\n%s\n' "$MIN_VERSION" "$v" | sort -V | head -n 1)" = "$MIN_VERSION" ]
}

found() { printf '%s\n' "$1"; exit 0; }

if [ -n "${NATS_SERVER_BIN:-}" ]; then
    bin=$(command -v -- "$NATS_SERVER_BIN" || true)
    if [ -n "$bin" ] && version_ok "$bin"; then
        found "$(readlink -f -- "$bin")"
    fi
    log "NATS_SERVER_BIN=$NATS_SERVER_BIN is missing or older than $MIN_VERSION; looking further"
fi

if bin=$(command -v nats-server 2>/dev/null) && version_ok "$bin"; then
    found "$(readlink -f -- "$bin")"
fi

if version_ok "$cached_bin"; then
    found "$cached_bin"
fi

# The mirror of the first Debian source this machine uses (deb822 first, then one-line format).
mirror_uri() {
    local f=/etc/apt/sources.list.d/debian.sources uri=""
    if [ -r "$f" ]; then
        uri=$(awk 'tolower($1) == "uris:" { print $2; exit }' "$f")
    fi
    if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
        # "deb [opt=v ...] URI suite components": skip the bracketed options, print the URI.
        uri=$(awk '$1 == "deb" { o = 0; for (i = 2; i <= NF; i++) {
                      if ($i ~ /^\[/) o = 1
                      if (!o) { print $i; exit }
                      if ($i ~ /\]$/) o = 0 } }' /etc/apt/sources.list)
    fi
    [ -n "$uri" ] || return 1
    printf '%s\n' "${uri%/}"
}

mkdir -p "$cache"
exec 9>"$cache/.lock"
if ! flock -w 600 9; then
    log "timed out waiting for the lock $cache/.lock"
    exit 1
fi

# Another run may have finished the fetch while we waited for the lock.
if version_ok "$cached_bin"; then
    found "$cached_bin"
fi

mirror=$(mirror_uri) || { log "no Debian mirror URI found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"; exit 1; }
log "fetching Debian trixie's nats-server from $mirror (private apt state in $cache)"

A="$cache"
rm -rf "$A/dl" "$A/root.tmp"
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/sources.list.d" "$A/dl"
printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" >"$A/sources.list.d/trixie.sources"
O=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$A/sources.list.d"
   -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache")
# apt drops to _apt for downloads; give it the folder so it need not warn about an unsandboxed download.
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$A/dl"; fi

apt-get "${O[@]}" -q update >&2
(cd "$A/dl" && apt-get "${O[@]}" -q download nats-server >&2)
deb=$(ls "$A"/dl/nats-server_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { log "apt-get download produced no nats-server .deb"; exit 1; }

# Unpack into a temporary tree and move it in place, so a half-unpacked tree is never "present".
dpkg-deb -x "$deb" "$A/root.tmp"
if ! version_ok "$A/root.tmp/usr/sbin/nats-server"; then
    log "the downloaded $(basename "$deb") is not >= $MIN_VERSION: $("$A/root.tmp/usr/sbin/nats-server" --version 2>&1 || true)"
    exit 1
fi
rm -rf "$A/root"
mv "$A/root.tmp" "$A/root"
log "installed $("$cached_bin" --version) at $cached_bin"
found "$cached_bin"
