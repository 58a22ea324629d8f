# raftex-node: one Raft exchange node per pod (the ExchangeCluster StatefulSet runs it with --config and --symbols).
# Build from the repository root: docker build -f docker/node.Dockerfile -t "$RAFTEX_NODE_IMAGE" .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY node/ node/
RUN dotnet publish node/Raftex.Node/Raftex.Node.csproj -c Release -o /out -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out ./
# The uid the operator's StatefulSet runs the node as (runAsUser 10001); the data volume is mounted at /var/lib/raftex.
USER 10001:10001
# client (Exchange, OrderSession), peer (Raft), admin, http (/healthz, /readyz, /metrics)
EXPOSE 7001 7002 7003 8080
ENTRYPOINT ["dotnet", "raftex-node.dll"]
