"""Setting up: `make setup` (tools/venv.sh) with a Python too old, a Debian python3 without
python3-venv, a half-made .venv; and .ci/run installing python3-venv and Chromium (with
fonts) when they are missing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"

# What Debian's python3 does when python3.X-venv is not installed: the venv is made up to
# its bin/python, without pip, then it prints this (on stdout) and exits 1.
DEBIAN_PYTHON = f"""#!/bin/sh
if [ "$1" = -m ] && [ "$2" = venv ]; then
    "{sys.executable}" -m venv --without-pip "$3" || exit
    cat <<END
The virtual environment was not created successfully because ensurepip is not
available.  On Debian/Ubuntu systems, you need to install the python3-venv
package using the following command.

    apt install python{VERSION}-venv

You may need to use sudo with that command.  After installing the python3-venv
package, recreate your virtual environment.

Failing command: $3/bin/python3
END
    exit 1
fi
exec "{sys.executable}" "$@"
"""


def _setup(python: str, venv: Path, script: Path = ROOT / "tools" / "venv.sh"):
    return subprocess.run(
        ["sh", str(script), python, str(venv)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def _has_pip(venv: Path) -> bool:
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, check=False
    )
    return pip.returncode == 0


def test_make_setup_without_python3_venv_says_what_to_install_every_time(tmp_path):
    debian_python = tmp_path / "python3"
    debian_python.write_text(DEBIAN_PYTHON)
    debian_python.chmod(0o755)
    venv = tmp_path / "venv"
    for _ in range(2):  # the second run used to fail with "No module named pip"
        result = subprocess.run(
            ["make", "-C", str(ROOT), "setup", f"PYTHON={debian_python}", f"VENV={venv}"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0
        assert f"sudo apt-get install python{VERSION}-venv" in result.stderr
        assert "No module named pip" not in result.stdout + result.stderr
        assert not venv.exists()


def test_a_venv_left_without_pip_is_made_again(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    assert not _has_pip(venv)
    result = _setup(sys.executable, venv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _has_pip(venv)
    assert "does not work here" in result.stdout


def _make_plan(venv: Path) -> str:
    """What `make chat` would run with this .venv (make -n: nothing is run)."""
    plan = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "chat", f"VENV={venv}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return plan.stdout


def test_a_venv_whose_python_is_gone_is_made_again(tmp_path):
    """The project folder copied from another computer, or the system's Python upgraded
    away: .venv's python points nowhere while its stamp says all is installed, and `make
    chat` failed with ".venv/bin/python: No such file or directory"."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (venv / ".installed").touch()
    assert "tools/venv.sh" not in _make_plan(venv)  # a venv that works is left as it is
    for python in (venv / "bin").glob("python*"):
        python.unlink()
        python.symlink_to(tmp_path / "gone" / python.name)
    assert "tools/venv.sh" in _make_plan(venv)
    result = _setup(sys.executable, venv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _has_pip(venv)
    assert "does not work here" in result.stdout


def test_a_python_older_than_requires_python_is_refused(tmp_path):
    # A copy of the script beside a pyproject.toml asking for a Python that does not exist yet.
    (tmp_path / "tools").mkdir()
    script = shutil.copy(ROOT / "tools" / "venv.sh", tmp_path / "tools" / "venv.sh")
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.99"\n')
    venv = tmp_path / "venv"
    result = _setup(sys.executable, venv, Path(script))
    assert result.returncode != 0
    assert f"is Python {VERSION}; this project needs Python 3.99 or newer" in result.stderr
    assert not venv.exists()


def test_a_folder_that_is_not_a_venv_is_left_alone(tmp_path):
    venv = tmp_path / "mine"
    venv.mkdir()
    (venv / "notes.txt").write_text("keep me")
    result = _setup(sys.executable, venv)
    assert result.returncode != 0
    assert "is not a virtual environment" in result.stderr
    assert (venv / "notes.txt").read_text() == "keep me"


def _ci_machine(
    tmp_path: Path,
    has_ensurepip: bool,
    has_chromium: bool,
    *,
    root: bool = True,
    has_fonts: bool | None = None,
    other_python: bool = False,
) -> tuple[dict[str, str], Path]:
    """PATH for tools/system-packages.sh and .ci/run with a python3 (with or without
    ensurepip), Chromium installed or not (at $CHROMIUM), the Vietnamese fonts installed or
    not (as dpkg says; by default as Chromium), root or not, and an apt-get and a make that
    only write down how they were called. `other_python`: python3 has ensurepip, and the
    one without it is `python-other`."""
    has_fonts = has_chromium if has_fonts is None else has_fonts
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    no_ensurepip = "" if has_ensurepip else 'case "$2" in *ensurepip*) exit 1;; esac\n'
    tools = {
        "python3": f'#!/bin/sh\n{"" if other_python else no_ensurepip}exec "{sys.executable}" "$@"\n',
        "python-other": f'#!/bin/sh\n{no_ensurepip}exec "{sys.executable}" "$@"\n',
        "dpkg": f"#!/bin/sh\nexit {0 if has_fonts else 1}\n",
        "apt-get": f'#!/bin/sh\necho "apt-get $* ($DEBIAN_FRONTEND)" >> "{log}"\n',
        "make": f'#!/bin/sh\necho "make $*" >> "{log}"\n',
        "id": f"#!/bin/sh\necho {0 if root else 1000}\n",
    }
    for name, text in tools.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    chromium = tmp_path / "chromium"
    if has_chromium:
        chromium.write_text("#!/bin/sh\n")
        chromium.chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "CHROMIUM": str(chromium)}, log


def _system(
    tmp_path: Path,
    *,
    has_ensurepip: bool,
    has_chromium: bool,
    root: bool = True,
    has_fonts: bool | None = None,
    python: str | None = None,
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run tools/system-packages.sh on such a machine (for `python`, as `make test
    PYTHON=...` does); its result and the commands it ran."""
    env, log = _ci_machine(
        tmp_path,
        has_ensurepip,
        has_chromium,
        root=root,
        has_fonts=has_fonts,
        other_python=python is not None,
    )
    script = ROOT / "tools" / "system-packages.sh"
    command = ["bash", str(script), *([python] if python else [])]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    return result, log.read_text().splitlines() if log.exists() else []


def _apt_get(*packages: str) -> list[str]:
    return [
        "apt-get update -qq (noninteractive)",
        f"apt-get install -y -qq --no-install-recommends {' '.join(packages)} (noninteractive)",
    ]


def test_python3_venv_is_installed_when_missing(tmp_path):
    result, calls = _system(tmp_path, has_ensurepip=False, has_chromium=True)
    assert result.returncode == 0
    assert calls == _apt_get(f"python{VERSION}-venv")


def test_chromium_and_vietnamese_fonts_are_installed_when_missing(tmp_path):
    result, calls = _system(tmp_path, has_ensurepip=True, has_chromium=False)
    assert result.returncode == 0
    assert calls == _apt_get("chromium", "fonts-noto-core")


def test_a_bare_machine_gets_everything_at_once(tmp_path):
    result, calls = _system(tmp_path, has_ensurepip=False, has_chromium=False)
    assert result.returncode == 0
    assert calls == _apt_get(f"python{VERSION}-venv", "chromium", "fonts-noto-core")


def test_vietnamese_fonts_are_installed_when_only_they_are_missing(tmp_path):
    result, calls = _system(tmp_path, has_ensurepip=True, has_chromium=True, has_fonts=False)
    assert result.returncode == 0
    assert calls == _apt_get("fonts-noto-core")


def test_the_venv_package_is_that_of_the_python_make_uses(tmp_path):
    # `make test PYTHON=python-other`: python3 has ensurepip, python-other does not.
    result, calls = _system(tmp_path, has_ensurepip=False, has_chromium=True, python="python-other")
    assert result.returncode == 0
    assert calls == _apt_get(f"python{VERSION}-venv")


def test_nothing_is_installed_when_nothing_is_missing(tmp_path):
    result, calls = _system(tmp_path, has_ensurepip=True, has_chromium=True)
    assert (result.returncode, calls) == (0, [])


def test_without_root_the_command_to_install_is_named(tmp_path):
    result, calls = _system(tmp_path, has_ensurepip=True, has_chromium=False, root=False)
    assert result.returncode == 1 and calls == []
    assert "sudo apt-get install chromium fonts-noto-core" in result.stderr


def test_ci_runs_the_readme_test_command_which_installs_the_system_packages_first(tmp_path):
    env, log = _ci_machine(tmp_path, has_ensurepip=True, has_chromium=True)
    subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, check=True)
    assert log.read_text().splitlines() == ["make test"]
    # As run by hand (this test may itself run under `make test`: no parent make's flags).
    clean = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    planned = subprocess.run(
        ["make", "--no-print-directory", "-n", "test"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert planned[0] == "bash tools/system-packages.sh python3"
    assert planned[-1].endswith("-m pytest -q")


def test_every_make_target_is_in_the_readme():
    """What `make` offers (its .PHONY targets) is what the README tells a ward it may type."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE)
    assert phony is not None
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t for t in phony.group(1).split() if t != "FORCE"]  # FORCE: make's own device
    assert [t for t in targets if not re.search(rf"\bmake {re.escape(t)}\b(?!-)", readme)] == []


@pytest.mark.parametrize("target", ["eval", "fit"])
def test_make_eval_and_fit_without_labelled_wards_say_where_they_are_looked_for(target):
    """A clone without ../shared beside it: `make eval` ran `bot.py eval` with no ward, and
    the reader got argparse's usage instead of where the wards are and how to name others."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-C", str(ROOT), target, "EVAL_WARDS="],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "bot.py" not in result.stdout  # nothing run
    assert f"make {target}: no labelled wards under ../shared/eval/" in result.stderr
    assert "EVAL_WARDS='DIR DIR'" in result.stderr
