#!/usr/bin/env bash
# Installs what NasPrune needs on a fresh Debian 12 machine and builds it. Idempotent.
# - Debian's dataset-fashion-mnist (the real data, under /usr/share/datasets/fashion-mnist)
# - NuGet packages (dotnet restore) and a Release build
set -euo pipefail
cd "$(dirname "$0")/.."

if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
  echo "setup: installing dataset-fashion-mnist"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

echo "setup: restoring and building (Release)"
dotnet restore NasPrune.sln --verbosity quiet
dotnet build NasPrune.sln -c Release --no-restore --verbosity quiet -nologo
