# raftex-operator: the ExchangeCluster operator (the Helm chart runs it with `run` and its options).
# Build from the repository root: docker build -f docker/operator.Dockerfile -t "$RAFTEX_OPERATOR_IMAGE" .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY node/ node/
COPY operator/ operator/
RUN dotnet publish operator/Raftex.Operator/Raftex.Operator.csproj -c Release -o /out -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out ./
# The uid the chart runs the operator as (values runAsUser, default 10001).
USER 10001:10001
# /metrics and /healthz (--metrics-port, chart value metrics.port)
EXPOSE 8080
ENTRYPOINT ["dotnet", "raftex-operator.dll"]
CMD ["run"]
