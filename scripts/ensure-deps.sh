#!/usr/bin/env bash
# Makes sure the programs that `make run` and `make test` start are installed: redis-server, and
# a font for the benchmark's charts (the tests run the benchmark's short mode, which draws them).
# On Debian or Ubuntu as root it installs them; elsewhere it says exactly what to install.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The benchmark's charts draw text with SkiaSharp, which finds fonts only under /usr/share/fonts.
if [ "$(uname -s)" = Linux ] && ! find /usr/share/fonts -name '*.ttf' -print -quit 2>/dev/null | grep -q .; then
  missing+=(fonts-dejavu-core)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} with apt-get..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "Missing: ${missing[*]}." >&2
echo "Install them first: 'sudo apt-get install ${missing[*]}' on Debian or Ubuntu." >&2
echo "Elsewhere: a redis-server binary on PATH (e.g. 'brew install redis') and any TrueType font." >&2
exit 1
