#!/usr/bin/env bash
# Runs the whole test suite, layer by layer, and prints how long each layer took.
# Usage: tools/test.sh            (every layer)
#        tools/test.sh LAYER...   (only the named layers)
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# layer name -> test projects, in the order they run. Projects that spawn processes
# run one at a time (the runner never runs two test assemblies at once here).
LAYERS=(
  "unit:tests/Raftex.Raft.Tests tests/Raftex.Raft.Storage.Tests tests/Raftex.Exchange.Tests tests/Raftex.Node.Tests"
  "simulation:tests/Raftex.Simulation.Tests"
  "cluster:tests/Raftex.Cluster.Tests tests/Raftex.Agents.Tests tests/Raftex.Backup.Tests"
  "operator:tests/Raftex.ApiServer.Tests tests/Raftex.Controllers.Tests tests/Raftex.Local.Tests tests/Raftex.Chaos.Tests tests/Raftex.Operator.Tests"
  "e2e:tests/Raftex.E2E.Tests"
  "chart:tests/Raftex.Chart.Tests"
)

# A test project that no layer names still runs, in a layer of its own, so nothing is silently left out.
listed=" ${LAYERS[*]} "
others=()
for d in tests/*.Tests; do
  [[ "$listed" == *" $d "* || "$listed" == *":$d "* ]] || others+=("$d")
done
[ ${#others[@]} -gt 0 ] && LAYERS+=("other:${others[*]}")

wanted=("$@")
start_all=$(date +%s)
echo "== build (Release)"
t0=$(date +%s)
dotnet build Cluster.sln -c Release -nologo -clp:ErrorsOnly || { echo "build failed"; exit 1; }
echo "layer build: $(( $(date +%s) - t0 ))s"

total_passed=0 total_failed=0 total_skipped=0 status=0 timings=()
for entry in "${LAYERS[@]}"; do
  layer=${entry%%:*}; projects=${entry#*:}
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $layer "* ]]; then continue; fi
  t0=$(date +%s)
  for p in $projects; do
    [ -d "$p" ] || continue
    echo "== $layer: $p"
    log=$(mktemp)
    dotnet test "$p" -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '(Passed|Failed)!' "$log" | tail -1)
    passed=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line"); failed=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line")
    skipped=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
    total_passed=$(( total_passed + ${passed:-0} )); total_failed=$(( total_failed + ${failed:-0} ))
    total_skipped=$(( total_skipped + ${skipped:-0} ))
    if [ "$rc" -ne 0 ]; then status=1; [ -z "$line" ] && total_failed=$(( total_failed + 1 )); fi
    rm -f "$log"
  done
  timings+=("layer $layer: $(( $(date +%s) - t0 ))s")
done

echo
echo "== timings"
printf '%s\n' "${timings[@]}"
echo "total: $(( $(date +%s) - start_all ))s"
echo "tests: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit $status
