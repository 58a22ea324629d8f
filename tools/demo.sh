#!/usr/bin/env bash
# make demo: the whole mission on one machine, driven by the real kubectl against the local platform.
# Builds, starts `raftex local up`, applies the CRDs and an ExchangeCluster, trades with an AgentFleet, partitions the
# leader with a ChaosExperiment, rolls every pod, delays a follower, backs the exchange up and starts a second cluster from
# the backup, prints a summary from what the clusters report, and stops everything.
#   KEEP=1      leave the platform running at the end (prints the kubectl setup and how to stop it)
#   STATE=DIR   state directory (default .raftex-local)   API_PORT=N  API server port (default 16443)
#   POD_NETWORK=127.X  pod IPs (default 127.77)            CONFIG=Debug|Release (default Release)
#   BUILD=0     skip the build (the caller built operator/Raftex.Local.Cli, which builds the node, agents and operator)
# Deadlines derive from the demo cluster's Raft timings (election timeout 1000 ms) with room for a loaded 2-core machine.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STATE=${STATE:-$ROOT/.raftex-local}
API_PORT=${API_PORT:-16443}
POD_NETWORK=${POD_NETWORK:-127.77}
CONFIG=${CONFIG:-Release}
KEEP=${KEEP:-0}
BUILD=${BUILD:-1}
DEMO=tools/demo
export KUBECONFIG=$STATE/kubeconfig
RAFTEX=(dotnet "$ROOT/operator/Raftex.Local.Cli/bin/$CONFIG/net10.0/raftex.dll")
LOCAL_ARGS=(--state "$STATE" --api-port "$API_PORT" --pod-network "$POD_NETWORK" --configuration "$CONFIG")
ELECTION_S=1
STARTED=$(date +%s)
UP=0

if [[ -t 1 ]]; then BOLD=$'\e[1m'; DIM=$'\e[2m'; RED=$'\e[31m'; GREEN=$'\e[32m'; OFF=$'\e[0m'; else BOLD= DIM= RED= GREEN= OFF=; fi
step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$OFF"; }
run() { printf '%s$ %s%s\n' "$DIM" "$*" "$OFF"; "$@"; }

fail() {
  printf '\n%sdemo FAILED: %s%s\n' "$RED" "$*" "$OFF" >&2
  if [[ $UP == 1 ]]; then
    echo "--- kubectl get xc,af,chaosexperiments,pods" >&2
    kubectl get xc,af,chaosexperiments,pods -o wide >&2 || true
    echo "--- last lines of the operator log ($STATE/logs/operator.log)" >&2
    tail -n 15 "$STATE/logs/operator.log" >&2 || true
  fi
  exit 1
}

cleanup() {
  local rc=$?
  if [[ $UP == 1 && ( $KEEP != 1 || $rc != 0 ) ]]; then
    step "Stopping the local platform"
    "${RAFTEX[@]}" local down "${LOCAL_ARGS[@]}" || rc=1
  fi
  exit $rc
}
trap cleanup EXIT

# wait_until DESCRIPTION TIMEOUT_SECONDS CONDITION_COMMAND STATUS_COMMAND: polls every second, printing the status
# line whenever it changes, until the condition command succeeds; fails with the description on timeout.
wait_until() {
  local what=$1 timeout=$2 condition=$3 status=$4 start last= line
  start=$(date +%s)
  while ! eval "$condition" >/dev/null 2>&1; do
    if (( $(date +%s) - start > timeout )); then
      fail "$what: not reached within ${timeout} s"
    fi
    line=$(eval "$status" 2>/dev/null || true)
    if [[ "$line" != "$last" ]]; then
      printf '  [%3ds] %s\n' "$(( $(date +%s) - start ))" "$line"
      last=$line
    fi
    sleep 1
  done
  printf '  [%3ds] %s%s%s\n' "$(( $(date +%s) - start ))" "$GREEN" "$what" "$OFF"
}

xc() { kubectl get xc demo -o "jsonpath=$1"; }
chaos() { kubectl get chaosexperiment "${EXPERIMENT:-partition-leader}" -o "jsonpath=$1"; }
cluster_line='xc "replicas {.status.replicas}/{.spec.replicas} ready {.status.readyReplicas} leader {.status.leader.pod} term {.status.term} phase {.status.phase}"'
pods_line='kubectl get pods -l raftex.io/cluster=demo --no-headers | awk "{printf \"%s %s %s r%s | \", \$1, \$2, \$3, \$4}"'
agents_line() { kubectl logs deploy/traders-0 --tail=1 2>/dev/null | sed 's/^\[ *[0-9]*s\] *//'; }

command -v kubectl >/dev/null || fail "kubectl is not installed (the demo drives the real kubectl)"

mkdir -p "$STATE"
if [[ $BUILD != 0 ]]; then
step "Building the node, the agents, the operator and the local platform ($CONFIG)"
run dotnet build operator/Raftex.Local.Cli -c "$CONFIG" -nologo >"$STATE/build.log" 2>&1 \
  || { tail -n 30 "$STATE/build.log" >&2; fail "the build failed (full log: $STATE/build.log)"; }
printf '  %s\n' "$(grep -E '^ +[0-9]+ (Warning|Error)' "$STATE/build.log" | tr -s ' ' | paste -sd, -)"
fi

step "Starting the local platform"
run "${RAFTEX[@]}" local up "${LOCAL_ARGS[@]}" || fail "raftex local up failed"
UP=1
run kubectl version 2>/dev/null | sed 's/^/  /'
wait_until "the kubelet's node is Ready" 30 \
  '[[ $(kubectl get nodes -o "jsonpath={.items[0].status.conditions[?(@.type==\"Ready\")].status}") == True ]]' 'echo "waiting for the kubelet to register its node"'
run kubectl get nodes

step "Registering the custom resources"
run kubectl apply -f crds/ || fail "kubectl apply -f crds/ failed"
run kubectl wait --for=condition=Established crd --all --timeout=30s >/dev/null || fail "the CRDs were not established"

step "Creating a 3-node ExchangeCluster"
run kubectl apply -f $DEMO/exchangecluster.yaml || fail "kubectl apply of the ExchangeCluster failed"
wait_until "ExchangeCluster demo is Available" $(( 60 * ELECTION_S + 60 )) \
  '[[ $(xc "{.status.conditions[?(@.type==\"Available\")].status}") == True ]]' "$cluster_line"
run kubectl get xc,statefulsets,pods,pvc
FIRST_LEADER=$(xc '{.status.leader.pod}'); FIRST_TERM=$(xc '{.status.term}')

step "Trading: an AgentFleet of market makers, noise and momentum traders"
run kubectl apply -f $DEMO/agentfleet.yaml || fail "kubectl apply of the AgentFleet failed"
wait_until "agents are trading" 90 \
  '[[ $(agents_line | sed -n "s/.*fills \([0-9]*\).*/\1/p") -gt 0 ]]' 'agents_line'
run kubectl get af traders
for _ in 1 2 3; do sleep 5; printf '  %s\n' "$(agents_line)"; done

step "Chaos: partition the leader from the other nodes for 10 s"
LEADER_BEFORE=$(xc '{.status.leader.pod}')
run kubectl apply -f $DEMO/chaos-partition.yaml || fail "kubectl apply of the ChaosExperiment failed"
wait_until "ChaosExperiment partition-leader has a verdict" $(( 30 * ELECTION_S + 90 )) \
  '[[ -n $(kubectl get chaosexperiment partition-leader -o jsonpath="{.status.verdict}") ]]' \
  'chaos "phase {.status.phase} target {.status.target} verdict {.status.verdict}"; printf " | agents: %s" "$(agents_line)"'
run kubectl get chaosexperiment partition-leader
VERDICT=$(chaos '{.status.verdict}')
[[ $VERDICT == Pass ]] || fail "chaos verdict $VERDICT: $(chaos '{.status.reason}')"

step "Rolling restart: every pod, followers first, the leader last after a leadership transfer"
OLD_REVISION=$(xc '{.status.currentRevision}'); LEADER_BEFORE_ROLL=$(xc '{.status.leader.pod}')
run kubectl annotate xc demo "raftex.io/restartedAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)" --overwrite
wait_until "rollout complete: every pod restarted at the new revision" $(( 3 * (60 * ELECTION_S + 30) )) \
  '[[ $(xc "{.status.currentRevision}") != "$OLD_REVISION" && $(xc "{.status.conditions[?(@.type==\"Progressing\")].status}") == False && $(xc "{.status.conditions[?(@.type==\"Available\")].status}") == True ]]' \
  "$pods_line"' ; xc "{.status.conditions[?(@.type==\"Progressing\")].message}"'
run kubectl get pods -l raftex.io/cluster=demo
ROLL_EVENTS=$(kubectl get events --field-selector involvedObject.name=demo -o jsonpath='{range .items[*]}{.reason} {.message}{"\n"}{end}' | grep -E '^(PodEvicted|TransferLeadership)' || true)

step "Chaos again: delay a follower for 5 s; its probe starts from the balance the rollout left"
run kubectl apply -f $DEMO/chaos-delay-after-rollout.yaml || fail "kubectl apply of the second ChaosExperiment failed"
wait_until "ChaosExperiment delay-follower has a verdict" $(( 30 * ELECTION_S + 90 )) \
  '[[ -n $(EXPERIMENT=delay-follower chaos "{.status.verdict}") ]]' \
  'EXPERIMENT=delay-follower chaos "phase {.status.phase} target {.status.target} verdict {.status.verdict}"'
run kubectl get chaosexperiments
SECOND_VERDICT=$(EXPERIMENT=delay-follower chaos '{.status.verdict}')
[[ $SECOND_VERDICT == Pass ]] || fail "chaos verdict $SECOND_VERDICT: $(EXPERIMENT=delay-follower chaos '{.status.reason}')"
AFTER_ROLLOUT=$(EXPERIMENT=delay-follower chaos '{.status.probe.baseline}')

step "Backup and restore: back the exchange up, then start a new cluster from the backup"
BACKUPS=$(cd "$STATE" && pwd)/backups
backup() { kubectl get xb demo-backup -o "jsonpath=$1"; }
restored() { kubectl get xc demo-restored -o "jsonpath=$1"; }
printf '%s$ kubectl apply -f - <<< ExchangeBackup demo-backup (store %s)%s\n' "$DIM" "$BACKUPS" "$OFF"
kubectl apply -f - <<YAML || fail "kubectl apply of the ExchangeBackup failed"
apiVersion: raftex.io/v1alpha1
kind: ExchangeBackup
metadata: {name: demo-backup}
spec:
  clusterRef: demo
  store: {filesystem: {path: $BACKUPS}}
YAML
wait_until "ExchangeBackup demo-backup is done" 120 \
  '[[ $(backup "{.status.phase}") == Completed || $(backup "{.status.phase}") == Failed ]]' 'backup "phase {.status.phase} node {.status.nodeId} index {.status.index}"'
run kubectl get xb
[[ $(backup '{.status.phase}') == Completed ]] || fail "backup failed: $(backup '{.status.conditions[*].message}')"
ls -l "$BACKUPS/demo-backup"
sed "s/name: demo$/name: demo-restored/" $DEMO/exchangecluster.yaml > "$STATE/exchangecluster-restored.yaml"
printf '  bootstrap:\n    fromBackup: {backup: demo-backup}\n' >> "$STATE/exchangecluster-restored.yaml"
run kubectl apply -f "$STATE/exchangecluster-restored.yaml" || fail "kubectl apply of the restored ExchangeCluster failed"
wait_until "ExchangeCluster demo-restored is Available, started from the backup" $(( 60 * ELECTION_S + 60 )) \
  '[[ $(restored "{.status.conditions[?(@.type==\"Restored\")].status}") == True ]]' \
  'restored "replicas {.status.replicas} ready {.status.readyReplicas} leader {.status.leader.pod} restored {.status.conditions[?(@.type==\"Restored\")].reason}"'
run kubectl get xc
[[ $(restored '{.status.restoredFrom.stateHash}') == $(backup '{.status.stateHash}') ]] || fail "the restored cluster's state hash differs from the backup's"
[[ $(restored '{.status.clusterId}') != $(xc '{.status.clusterId}') ]] || fail "the restored cluster has the source's cluster id"

step "Summary"
AGENTS=$(agents_line)
ACK=$(chaos '{.status.probe.acknowledged}'); ACK_SUM=$(chaos '{.status.probe.acknowledgedSum}')
BASELINE=$(chaos '{.status.probe.baseline}'); BALANCE=$(chaos '{.status.probe.balance}')
FAILED=$(chaos '{.status.probe.failed}'); UNKNOWN=$(chaos '{.status.probe.unknown}')
# Only the probe writes to its account: the partition's deposits must all be there after the partition (its verdict),
# after the rollout (the second experiment's starting balance) and after the second experiment (its verdict).
LOST=$(( BASELINE + ACK_SUM - BALANCE )); (( LOST < 0 )) && LOST=0
LOST_ROLLOUT=$(( BALANCE - AFTER_ROLLOUT )); (( LOST_ROLLOUT < 0 )) && LOST_ROLLOUT=0
cat <<SUMMARY
  cluster          $(eval "$cluster_line"), commit index $(xc '{.status.commitIndex}')
  leaders          $FIRST_LEADER (term $FIRST_TERM) -> $(xc '{.status.leader.pod}') (term $(xc '{.status.term}'))
  trading          ${AGENTS:-no agent progress line}
  chaos            $(chaos '{.spec.action}') of leader $LEADER_BEFORE: verdict $VERDICT, recovery $(chaos '{.status.recoverySeconds}') s, unavailable $(chaos '{.status.unavailabilitySeconds}') s, leader changes $(chaos '{.status.leaderChanges}') ($(chaos '{.status.leaderBefore.pod}') -> $(chaos '{.status.leaderAfter.pod}'))
                   $(chaos '{.status.reason}')
  rollout          revision $OLD_REVISION -> $(xc '{.status.currentRevision}'), leader before $LEADER_BEFORE_ROLL; steps:
$(sed 's/^/                     /' <<<"$ROLL_EVENTS")
  second chaos     $(EXPERIMENT=delay-follower chaos '{.spec.action}') of follower $(EXPERIMENT=delay-follower chaos '{.status.target}'): verdict $SECOND_VERDICT, recovery $(EXPERIMENT=delay-follower chaos '{.status.recoverySeconds}') s
  lost acknowledged writes (chaos probe): $LOST   ($ACK acknowledged deposits summing to $ACK_SUM; balance $BALANCE over baseline $BASELINE; $FAILED refused, unknown ${UNKNOWN:-[]})
  lost in the rollout (chaos probe): $LOST_ROLLOUT   (balance $BALANCE after the partition, $AFTER_ROLLOUT after the rollout)
  backup           demo-backup from node $(backup '{.status.nodeId}') at index $(backup '{.status.index}') term $(backup '{.status.term}'), $(backup '{.status.size}') bytes, state hash $(backup '{.status.stateHash}')
  restore          demo-restored ($(restored '{.status.readyReplicas}') ready, cluster id $(restored '{.status.clusterId}'), not $(xc '{.status.clusterId}')) started at index $(restored '{.status.restoredFrom.index}') with state hash $(restored '{.status.restoredFrom.stateHash}')
  elapsed          $(( $(date +%s) - STARTED )) s
SUMMARY
(( LOST == 0 )) || fail "$LOST units of acknowledged deposits are missing from the probe balance"
(( LOST_ROLLOUT == 0 )) || fail "$LOST_ROLLOUT units of acknowledged deposits went missing during the rollout"

if [[ $KEEP == 1 ]]; then
  step "The platform keeps running (KEEP=1)"
  cat <<KEEPING
  export KUBECONFIG=$KUBECONFIG
  kubectl get xc,af,chaosexperiments,pods
  kubectl logs deploy/traders-0 -f
  stop it: ${RAFTEX[*]} local down ${LOCAL_ARGS[*]}
KEEPING
fi
