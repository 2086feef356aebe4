"""A folder the bot cannot write, as a deployment makes it: a read-only bind mount (what
Docker's `-v DIR:/app/ward:ro` is) when the tests run as root, who may write any folder
whatever its permissions; else a folder without write permission (a host folder of
another user's)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class ReadOnly:
    """`path`: the folder as the bot sees it; `lift()` makes it writable again."""

    def __init__(self, source: Path, path: Path) -> None:
        self.source = source
        self.path = path
        self.mounted = source != path

    def lift(self) -> None:
        if self.mounted:
            _run("mount", "-o", "remount,bind,rw", str(self.path))
        else:
            self.path.chmod(0o755)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[ReadOnly]:
    """`folder`, read-only for the bot until the end of the block (or `lift()`)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield ReadOnly(folder, folder)
        finally:
            folder.chmod(0o755)
        return
    mount = folder.with_name(folder.name + "-mounted")
    mount.mkdir()
    try:
        _run("mount", "--bind", str(folder), str(mount))
    except (OSError, subprocess.CalledProcessError):
        mount.rmdir()
        pytest.skip("running as root, but cannot mount (a container without the right)")
    try:
        _run("mount", "-o", "remount,bind,ro", str(mount))
        yield ReadOnly(folder, mount)
    finally:
        _run("umount", str(mount))
        mount.rmdir()


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)
