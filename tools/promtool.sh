#!/usr/bin/env bash
# Prints the path of promtool (Prometheus' rule checker and rule unit-test runner), fetching it once into
# .cache/promtool/ (git-ignored) from Debian's prometheus package: the .deb is downloaded with apt (whose signed
# repository metadata vouches for it) and unpacked, never installed, so no Prometheus service is set up.
# Usage: tools/promtool.sh            (prints the path)
#        tools/promtool.sh ARGS...    (runs promtool ARGS)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.cache/promtool"
promtool="$dir/usr/bin/promtool"

if [ ! -x "$promtool" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "tools/promtool.sh: fetching Debian's prometheus package for promtool" >&2
  # apt-get download runs as the unprivileged _apt user where it can; the temp directory must be writable for it.
  chmod 777 "$tmp"
  if ! (cd "$tmp" && apt-get download -qq prometheus >/dev/null 2>&1); then
    # A fresh machine may have no package lists yet.
    apt-get update -qq >/dev/null
    (cd "$tmp" && apt-get download -qq prometheus >/dev/null)
  fi
  mkdir -p "$tmp/x"
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x"
  "$tmp/x/usr/bin/promtool" --version >/dev/null
  rm -rf "$dir"
  mkdir -p "$dir/usr/bin"
  mv "$tmp/x/usr/bin/promtool" "$promtool"
fi

if [ $# -eq 0 ]; then
  echo "$promtool"
else
  exec "$promtool" "$@"
fi
