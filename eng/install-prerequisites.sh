#!/usr/bin/env bash
# Installs, on Debian, the servers Fluo runs against and its browser tests drive:
#   nats-server  - the NATS server (JetStream, WebSocket) the services and tests talk to
#   postgresql   - PostgreSQL server binaries (/usr/lib/postgresql/*/bin); fixtures and the AppHost
#                  run initdb/postgres themselves, the distribution's own cluster is not used
#   chromium     - headless browser for the Playwright tests (only once browser tests exist)
# Idempotent: does nothing when everything is present; runs apt-get update at most once.
set -euo pipefail

need=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ -n "$(find "$(dirname "$0")/../Tests" -name '*.csproj' -exec grep -l 'Microsoft.Playwright' {} + 2>/dev/null)" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
