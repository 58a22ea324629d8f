# Raftex entry points. `make test` is the one command that runs the whole suite from a fresh clone.
SHELL := /bin/bash
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

SEEDS ?= 1000
CONFIG ?= Release

.PHONY: all build test sim bench bench-raft bench-engine bench-cluster crds demo clean
.PHONY: bench-agents
.PHONY: chart
.PHONY: bench-sessions
.PHONY: bench-backup
.PHONY: sim-mutants
.PHONY: local-up local-down

all: build

build:
	dotnet build Cluster.sln -c $(CONFIG) -nologo

test:
	tools/test.sh

sim:
	dotnet run --project tests/Raftex.Simulation -c $(CONFIG) -- --seeds $(SEEDS)

# The simulator's mutation suite: every planted bug of tests/Raftex.Simulation/Mutants must be caught.
MUTANT_SEEDS ?= 2000
sim-mutants:
	tools/sim-mutants.sh --seeds $(MUTANT_SEEDS)

bench: bench-raft bench-engine bench-cluster

bench-raft:
	dotnet run --project bench/Raftex.Bench.Raft -c Release
	dotnet run --project bench/Raftex.Bench.Wal -c Release

bench-engine:
	dotnet run --project bench/Raftex.Bench.Engine -c Release

bench-cluster:
	dotnet run --project bench/Raftex.Bench.Cluster -c Release

bench-agents:
	dotnet run --project bench/Raftex.Bench.Agents -c Release
bench-sessions:
	dotnet run --project bench/Raftex.Bench.Sessions -c Release

# Backup and restore throughput on a loaded 3-node cluster (BENCH_ORDERS, BENCH_ACCOUNTS, BENCH_SECONDS), to a filesystem store and to s3rver.
bench-backup:
	dotnet run --project bench/Raftex.Bench.Backup -c Release

crds:
	dotnet run --project operator/Raftex.Operator -c $(CONFIG) -- crds --output crds
	rm -f charts/raftex-operator/crds/*.yaml && cp crds/*.yaml charts/raftex-operator/crds/

# The Helm chart as dist/raftex-operator-<version>.tgz (helm comes from tools/helm.sh).
chart:
	tools/helm.sh lint charts/raftex-operator --strict
	tools/helm.sh package charts/raftex-operator --destination dist

# The whole mission on the local platform with the real kubectl (KEEP=1 leaves it running); see README "make demo".
demo:
	tools/demo.sh

# The local platform alone: API server, controllers, process kubelet and operator (kubeconfig in .raftex-local/).
local-up:
	dotnet build operator/Raftex.Local.Cli -c $(CONFIG) -nologo -v quiet
	for p in node/Raftex.Node node/Raftex.Agents operator/Raftex.Operator; do dotnet build $$p -c $(CONFIG) -nologo -v quiet || exit 1; done
	dotnet operator/Raftex.Local.Cli/bin/$(CONFIG)/net10.0/raftex.dll local up --configuration $(CONFIG)

local-down:
	dotnet operator/Raftex.Local.Cli/bin/$(CONFIG)/net10.0/raftex.dll local down

clean:
	dotnet clean Cluster.sln -nologo
