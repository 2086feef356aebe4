#!/bin/sh
# Make the virtual environment that `make` installs the project into, or repair it:
#   sh tools/venv.sh PYTHON VENV
# On Debian/Ubuntu, `python3 -m venv` needs the python3.X-venv package (ensurepip). Without
# it, venv fails after making VENV/bin/python with no pip, and every later `make` would then
# fail with "No module named pip"; so a venv whose pip does not run is made again.
set -u
python=$1
venv=$2

# The oldest Python pyproject.toml accepts (requires-python = ">=3.11").
need=$(sed -n 's/^requires-python *= *">= *\([0-9.]*\)".*/\1/p' "$(dirname "$0")/../pyproject.toml")
version=$("$python" -c 'import sys
print("%d.%d" % sys.version_info[:2])
sys.exit(sys.version_info < tuple(map(int, sys.argv[1].split("."))))' "$need" 2>/dev/null)
status=$?
if [ -z "$version" ]; then
    echo "error: cannot run $python: install Python $need or newer, or give its path with make PYTHON=..." >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "error: $python is Python $version; this project needs Python $need or newer (make PYTHON=python$need, for instance)" >&2
    exit 1
fi

if [ -e "$venv" ] && ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    if [ ! -f "$venv/pyvenv.cfg" ]; then
        echo "error: $venv exists but is not a virtual environment: move it away or choose another with make VENV=..." >&2
        exit 1
    fi
    echo "$venv does not work here (its Python is gone, or it was made without python$version-venv and has no pip): removing it to make it again"
    rm -rf "$venv"
fi

if [ ! -e "$venv" ]; then
    if ! "$python" -m venv "$venv" || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
        rm -rf "$venv"
        echo "error: $python could not make $venv with pip: its venv module needs ensurepip." >&2
        echo "On Debian/Ubuntu: sudo apt-get install python$version-venv (then run make again)." >&2
        exit 1
    fi
fi
