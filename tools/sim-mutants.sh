#!/usr/bin/env bash
# The simulator's mutation suite: plants each bug of tests/Raftex.Simulation/Mutants/*.patch, one at a time, into a
# scratch copy of Raftex.Raft and the simulator (outside the repository, so the worktree's own build is untouched),
# builds it, runs the simulator with its watchdog and prints one line per mutant, then the kill rate.
#
# Usage: tools/sim-mutants.sh [--seeds N] [--only NAME,NAME] [--scratch DIR]
#   --seeds N     seeds per mutant (default 2000); a mutant is caught at its first failing seed (--fail-fast)
#   --only        run only the named mutants (file names without .patch, or their number prefix)
#   --scratch DIR where the scratch copy goes (default: a fresh directory under ${TMPDIR:-/tmp}, removed at the end)
# Exit code: 0 when every mutant was caught, 1 when one was missed or could not be built, 2 for bad arguments.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

seeds=2000 only="" scratch=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds=${2:-}; shift 2 ;;
    --only) only=${2:-}; shift 2 ;;
    --scratch) scratch=${2:-}; shift 2 ;;
    *) echo "sim-mutants: unknown argument '$1'" >&2; sed -n '6,9p' "$0" >&2; exit 2 ;;
  esac
done
[[ "$seeds" =~ ^[1-9][0-9]*$ ]] || { echo "sim-mutants: --seeds needs a positive integer, got '$seeds'" >&2; exit 2; }

patches=()
for p in "$root"/tests/Raftex.Simulation/Mutants/*.patch; do
  name=$(basename "$p" .patch)
  if [ -n "$only" ] && [[ ! ",$only," == *",$name,"* && ! ",$only," == *",${name%%-*},"* ]]; then continue; fi
  patches+=("$p")
done
[ ${#patches[@]} -gt 0 ] || { echo "sim-mutants: no mutant matches '$only'" >&2; exit 2; }

if [ -z "$scratch" ]; then
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/raftex-sim-mutants.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
fi
case "$(realpath -m "$scratch")/" in "$root"/*) echo "sim-mutants: the scratch copy must live outside the repository" >&2; exit 2 ;; esac

# The scratch copy: the build settings and the two projects, sources only (never the worktree's bin/ or obj/).
mkdir -p "$scratch/src"
for f in Directory.Build.props Directory.Packages.props global.json .editorconfig; do
  [ -f "$root/$f" ] && cp "$root/$f" "$scratch/src/"
done
copy_sources() { # $1 = project path relative to the repository
  rm -rf "${scratch:?}/src/$1"; mkdir -p "$scratch/src/$1"
  (cd "$root/$1" && tar --exclude=./bin --exclude=./obj --exclude=./Mutants -cf - .) | (cd "$scratch/src/$1" && tar -xf -)
}
copy_sources tests/Raftex.Simulation
sim="$scratch/src/tests/Raftex.Simulation/bin/Release/net10.0/Raftex.Simulation.dll"

caught=0 total=0 start_all=$(date +%s)
printf '%-36s %-7s %-22s %7s  %s\n' "mutant" "result" "caught by" "time" "first failing seed"
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  total=$(( total + 1 ))
  t0=$(date +%s)
  # Fresh Raft sources for every mutant; the obj/ of the scratch copy stays, so rebuilds are incremental.
  find "$scratch/src/node/Raftex.Raft" -name '*.cs' -not -path '*/obj/*' -delete 2>/dev/null
  mkdir -p "$scratch/src/node/Raftex.Raft"
  (cd "$root/node/Raftex.Raft" && tar --exclude=./bin --exclude=./obj -cf - .) | (cd "$scratch/src/node/Raftex.Raft" && tar -xf -)
  if ! (cd "$scratch/src" && patch -p1 --quiet --forward --no-backup-if-mismatch < "$p" > "$scratch/patch.log" 2>&1); then
    printf '%-36s %-7s %-22s %6ss  %s\n' "$name" "ERROR" "-" "$(( $(date +%s) - t0 ))" "the patch no longer applies: $(head -1 "$scratch/patch.log")"
    continue
  fi
  if ! dotnet build "$scratch/src/tests/Raftex.Simulation" -c Release -nologo -clp:ErrorsOnly > "$scratch/build.log" 2>&1; then
    printf '%-36s %-7s %-22s %6ss  %s\n' "$name" "ERROR" "-" "$(( $(date +%s) - t0 ))" "build failed: $(grep -m1 -E 'error' "$scratch/build.log")"
    continue
  fi
  dotnet "$sim" --seeds "$seeds" --fail-fast > "$scratch/run.log" 2>&1
  rc=$?
  first=$(grep -m1 '^FAILED seed' "$scratch/run.log")
  elapsed=$(( $(date +%s) - t0 ))
  if [ "$rc" -eq 1 ] && [ -n "$first" ]; then
    caught=$(( caught + 1 ))
    property=$(sed -nE 's/^FAILED seed [^:]*: \[([^]]+)\].*/\1/p' <<<"$first")
    seed=$(sed -nE 's/^FAILED (seed [-0-9]+ \([^)]*\)).*/\1/p' <<<"$first")
    printf '%-36s %-7s %-22s %6ss  %s\n' "$name" "caught" "$property" "$elapsed" "$seed"
  elif [ "$rc" -eq 0 ]; then
    printf '%-36s %-7s %-22s %6ss  %s\n' "$name" "MISSED" "-" "$elapsed" "$(tail -1 "$scratch/run.log")"
  else
    printf '%-36s %-7s %-22s %6ss  %s\n' "$name" "ERROR" "-" "$elapsed" "simulator exited with $rc: $(tail -1 "$scratch/run.log")"
  fi
done

echo "sim-mutants: killed $caught of $total mutants ($(( 100 * caught / total )) %) with $seeds seeds each, in $(( $(date +%s) - start_all ))s"
[ "$caught" -eq "$total" ]
