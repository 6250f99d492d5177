#!/usr/bin/env bash
# Vendors the web demo's JavaScript from the npm registry, exactly as web/package-lock.json pins it
# (versions and sha512 integrity), into .cache/web/node_modules (git-ignored). `stt demo-web`
# serves two of those packages to the browser as they come from npm (plain ES modules, no bundler,
# no CDN): nats.ws (esm/nats.js) and @msgpack/msgpack (dist.esm/). With --dev it also installs
# playwright-core, which scripts/web-test.sh uses to drive Debian's Chromium.
#
#   scripts/web-deps.sh [--dev]      prints the node_modules directory
#
# Idempotent: nothing is fetched while the installed copy matches the lock file.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=$root/.cache/web
mode=prod
case "${1:-}" in
  "") ;;
  --dev) mode=dev ;;
  *) echo "usage: scripts/web-deps.sh [--dev]" >&2; exit 2 ;;
esac

lock_sum=$(sha256sum "$root/web/package-lock.json" "$root/web/package.json" | sha256sum | cut -c1-64)
if [ -f "$dest/.installed" ]; then
  read -r have_sum have_mode <"$dest/.installed" || true
  # a dev install holds everything a prod install does
  if [ "${have_sum:-}" = "$lock_sum" ] && { [ "$mode" = prod ] || [ "${have_mode:-}" = dev ]; }; then
    echo "$dest/node_modules"
    exit 0
  fi
fi

command -v npm >/dev/null 2>&1 || {
  echo "web-deps: npm is not installed (Debian: apt-get install npm); it fetches the page's two JavaScript libraries" >&2
  exit 1
}
omit=(--omit=optional) # nats.ws's optional nkeys.js: its browser bundle already holds what it needs
[ "$mode" = prod ] && omit+=(--omit=dev)
echo "web-deps: npm ci ${omit[*]} -> ${dest#"$root"/}" >&2
rm -rf "$dest"
mkdir -p "$dest"
cp "$root/web/package.json" "$root/web/package-lock.json" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts "${omit[@]}" >&2)
echo "$lock_sum $mode" >"$dest/.installed"
echo "$dest/node_modules"
