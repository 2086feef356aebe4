#!/usr/bin/env bash
# The Debian/Ubuntu packages the tests need beside Python's own, installed when missing:
# - python3's venv (ensurepip, in python3.X-venv), so that make can create .venv;
# - Chromium for the browser tests (Playwright drives Debian's build: no browser download),
#   and fonts with Vietnamese glyphs so that its screenshots show diacritics.
# As root (CI, a container) they are installed with apt-get; otherwise the command to run
# is printed and the script fails, before any test does.
# Usage: system-packages.sh [PYTHON] (the interpreter make builds .venv with; python3).
set -euo pipefail
python="${1:-python3}"
packages=()
if command -v "$python" >/dev/null && ! "$python" -c 'import ensurepip' 2>/dev/null; then
    packages+=("python$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv")
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    packages+=(chromium)
fi
if command -v dpkg >/dev/null && ! dpkg -s fonts-noto-core >/dev/null 2>&1; then
    packages+=(fonts-noto-core)
fi
if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    exit 0
fi
echo "The tests need these system packages: ${packages[*]}" >&2
echo "Install them, then run make test again:" >&2
echo "  sudo apt-get install ${packages[*]}" >&2
exit 1
