"""Print constraints.txt: every package `bot.py run` needs (pyproject.toml's dependencies,
theirs, and so on, with the extras asked for), pinned at the version installed here, the
one the tests passed with. The Dockerfile installs exactly these, so that an image built
next month or next year, for an upgrade or to go back to an older version, runs what was
tested, not whatever each range allows that day.

`make setup` installs at these versions too, so the tests run what the image runs. To take
newer versions, or after changing pyproject.toml's dependencies:
    make constraints
(the newest each range allows, then this tool), then run the tests, and commit both files
together.
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# The versions the Docker image installs (pip install -c): what the tests passed with.
# `make setup` installs them too. Made by `make constraints` (tools/constraints.py).
"""


def runtime_requirements() -> list[Requirement]:
    """pyproject.toml's dependencies: what `bot.py run` needs."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    return [Requirement(line) for line in project["dependencies"]]


def installed_closure() -> dict[str, tuple[str, list[Requirement]]]:
    """Each package the runtime requirements need here, transitively: its name -> its
    installed version and every requirement on it met along the way."""
    found: dict[str, tuple[str, list[Requirement]]] = {}
    extras_seen: dict[str, set[str]] = {}
    todo = runtime_requirements()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        dist = distribution(requirement.name)
        if name not in found:
            found[name] = (dist.version, [])
        found[name][1].append(requirement)
        extras = set(requirement.extras)
        new = extras - extras_seen.get(name, set()) if name in extras_seen else extras | {""}
        if not new:
            continue
        extras_seen.setdefault(name, set()).update(extras | {""})
        for line in dist.requires or []:
            needed = Requirement(line)
            marker = needed.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in new):
                todo.append(needed)
    return found


def main() -> int:
    pins = installed_closure()
    sys.stdout.write(HEADER)
    for name in sorted(pins):
        sys.stdout.write(f"{name}=={pins[name][0]}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
