#!/usr/bin/env bash
# `make run`: the whole gateway on this machine through the .NET Aspire app host.
set -euo pipefail
cd "$(dirname "$0")/.."

# Plain http for the dashboard and its OTLP endpoint, so no developer certificate is needed.
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://localhost:18888}
export ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=${ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL:-http://localhost:18890}
export ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true
export DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build tools/Gateway.AppHost -c Debug -v quiet -nologo

cat <<MSG

  Event gateway, running locally (Ctrl+C stops everything)
  --------------------------------------------------------
  Dashboard (logs, traces, metrics)  $ASPNETCORE_URLS
  Ingress    POST /webhooks/{source}  http://localhost:5080
  Router     (admin, health)          http://localhost:5081
  Replay     (console, API)           http://localhost:5082
  Demo downstream (CRM/ERP stand-in)  http://localhost:5090/received
  Redis                               127.0.0.1:6390
  Kafka (embedded broker)             printed below as "bootstrap.servers="

MSG
exec dotnet run --project tools/Gateway.AppHost --no-build --no-launch-profile
