# raftex-agents: the trading agents of an AgentFleet (the operator's Deployment passes the fleet's options).
# Build from the repository root: docker build -f docker/agents.Dockerfile -t "$RAFTEX_AGENTS_IMAGE" .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY node/ node/
RUN dotnet publish node/Raftex.Agents/Raftex.Agents.csproj -c Release -o /out -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out ./
USER 10001:10001
# /metrics (--metrics-port, default 9464)
EXPOSE 9464
ENTRYPOINT ["dotnet", "raftex-agents.dll"]
