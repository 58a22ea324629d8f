#!/usr/bin/env bash
# Prints the path of the s3rver command (an S3-compatible server in Node.js, for the backup tests and bench-backup),
# installing it once into .cache/s3rver/ (git-ignored) from the npm registry.
# s3rver and every package under it are pinned by tools/s3-server/package-lock.json, and npm ci checks each tarball
# against the lock file's integrity hash, so every clone runs the same server. The install is keyed by the lock
# file's SHA-256: a changed lock file installs afresh, and an install cut short (no .installed marker) is redone.
# Usage: tools/s3-server.sh            (prints the path)
#        tools/s3-server.sh ARGS...    (runs s3rver ARGS)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

lock="$root/tools/s3-server/package-lock.json"
key=$(sha256sum "$lock" | cut -c1-16)
dir="$root/.cache/s3rver/$key"
s3rver="$dir/node_modules/.bin/s3rver"

install() {
  command -v npm >/dev/null || { echo "tools/s3-server.sh: npm is not installed (Node.js 18 or newer is needed)" >&2; exit 1; }
  echo "tools/s3-server.sh: installing s3rver from $lock" >&2
  tmp=$(mktemp -d "$root/.cache/s3rver/install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  cp "$root/tools/s3-server/package.json" "$lock" "$tmp/"
  # No install scripts run: s3rver is plain JavaScript.
  (cd "$tmp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  touch "$tmp/.installed"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  trap - EXIT
}

if [ ! -f "$dir/.installed" ] || [ ! -x "$s3rver" ]; then
  mkdir -p "$root/.cache/s3rver"
  # Test classes start servers at once: one installs while the others wait on the lock, then find it installed.
  exec 9>"$root/.cache/s3rver/.lock"
  flock 9
  if [ ! -f "$dir/.installed" ] || [ ! -x "$s3rver" ]; then
    install
  fi
  flock -u 9
  exec 9>&-
fi

if [ $# -eq 0 ]; then
  echo "$s3rver"
else
  exec "$s3rver" "$@"
fi
