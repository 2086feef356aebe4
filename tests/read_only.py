"""A folder the bot cannot write, as a deployment makes it (Docker's `-v DIR:/app/ward:ro`,
a host folder of another user's): as root, who may write any folder whatever its
permissions, the folder is made immutable (`chattr +i`: nothing can be added to it,
renamed or removed); otherwise it loses its write permission."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


class ReadOnly:
    """`path`: the folder as the bot sees it; `lift()` makes it writable again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lifted = False

    def lift(self) -> None:
        if not self.lifted:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(self.path)], check=True)
            else:
                self.path.chmod(0o755)
            self.lifted = True


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[ReadOnly]:
    """`folder`, read-only for the bot until the end of the block (or `lift()`)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    state = ReadOnly(folder)
    try:
        yield state
    finally:
        state.lift()
