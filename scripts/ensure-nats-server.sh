#!/usr/bin/env bash
# Installs a pinned nats-server for the tests: several replicas share sessions through JetStream
# (a stream over ai.voice.stream.*, a KV bucket for session ownership), and the tests start real
# JetStream servers and clusters. Debian's nats-server (2.9) is too old, so this builds the pinned
# release from the Go module proxy.
#
#   path=$(bash scripts/ensure-nats-server.sh)
#
# Idempotent: skips the build when .cache/go/bin/nats-server already reports the pinned version.
# Everything stays under .cache/go (git-ignored): GOPATH, module and build caches, bin/. The only
# line on stdout is the absolute path of the binary; logs go to stderr.
set -euo pipefail

NATS_SERVER_VERSION=v2.12.15
MODULE=github.com/nats-io/nats-server/v2

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GOROOT_CACHE=$ROOT/.cache/go
NATS_SERVER=$GOROOT_CACHE/bin/nats-server
INSTALL_LOG=$GOROOT_CACHE/nats-server-install.log

log() { printf 'ensure-nats-server: %s\n' "$*" >&2; }
fail() {
  log "ERROR: $*"
  exit 1
}

# go settings as in scripts/interop/run.sh: everything under .cache/go (the go env file is still
# read, so a configured GOPROXY applies; telemetry goes to .cache/go/config)
go_() {
  GOENV=${GOENV:-$(go env GOENV)} GOPATH=$GOROOT_CACHE GOMODCACHE=$GOROOT_CACHE/pkg/mod \
    GOCACHE=$GOROOT_CACHE/build GOBIN=$GOROOT_CACHE/bin GOFLAGS=-modcacherw \
    XDG_CONFIG_HOME=$GOROOT_CACHE/config go "$@"
}

# "nats-server: v2.12.15" -> "v2.12.15"
installed_version() { "$NATS_SERVER" --version 2>/dev/null | awk '{print $2}'; }

if [ -x "$NATS_SERVER" ] && [ "$(installed_version)" = "$NATS_SERVER_VERSION" ]; then
  log "nats-server $NATS_SERVER_VERSION present"
  echo "$NATS_SERVER"
  exit 0
fi

command -v go >/dev/null \
  || fail "go is not installed; it is needed to build nats-server $NATS_SERVER_VERSION (install Go 1.24+ from https://go.dev/dl/ or apt-get install golang-go)"
mkdir -p "$GOROOT_CACHE"
t0=$(date +%s)
log "go install $MODULE@$NATS_SERVER_VERSION ($(go version | cut -d' ' -f3))"
if ! go_ install "$MODULE@$NATS_SERVER_VERSION" 2>"$INSTALL_LOG"; then
  # `go install pkg@version` also asks the proxy for the module's version list (deprecation
  # check); a proxy that refuses that list fails the install. Building the pinned module as the
  # main module needs only that version.
  log "go install pkg@version failed: $(grep -m1 -o 'reading https://[^ ]*: [0-9]* [A-Za-z ]*' "$INSTALL_LOG" || tail -n1 "$INSTALL_LOG")"
  log "building the pinned module in place instead (go mod download + go install .)"
  dir=$(go_ mod download -json "$MODULE@$NATS_SERVER_VERSION" 2>>"$INSTALL_LOG" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])') \
    || fail "go mod download $MODULE@$NATS_SERVER_VERSION failed (log: ${INSTALL_LOG#"$ROOT"/})"
  (cd "$dir" && go_ install .) 2>>"$INSTALL_LOG" || {
    tail -n 40 "$INSTALL_LOG" | sed 's/^/  | /' >&2
    fail "could not build nats-server $NATS_SERVER_VERSION (log: ${INSTALL_LOG#"$ROOT"/})"
  }
fi
[ "$(installed_version)" = "$NATS_SERVER_VERSION" ] \
  || fail "built $NATS_SERVER but it reports '$("$NATS_SERVER" --version 2>&1)', not $NATS_SERVER_VERSION"
log "nats-server $NATS_SERVER_VERSION built in $(($(date +%s) - t0)) s"
echo "$NATS_SERVER"
