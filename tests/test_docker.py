"""The Docker image as the ward's IT person runs it: the Dockerfile's HEALTHCHECK command,
run as Docker runs it, against the bot's real /healthz (no Docker needed)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from wardbot.web import AsgiServer, bound_socket, web_app

ROOT = Path(__file__).resolve().parent.parent


def _healthcheck() -> str:
    """The Python program the Dockerfile's HEALTHCHECK runs (`CMD python -c "..."`)."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = re.search(r'^HEALTHCHECK .*? CMD python -c "(.+?)"( \|\| exit 1)?$', dockerfile, re.M)
    assert found, 'no `HEALTHCHECK ... CMD python -c "..."` in the Dockerfile'
    return found.group(1)


async def _healthcheck_status(healthy: bool, **env: str) -> int:
    """The HEALTHCHECK's exit status against a bot whose parts are `healthy` or not."""
    server = AsgiServer(web_app(checks={"telegram": lambda: healthy}), host="127.0.0.1")
    await server.start(bound_socket())
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _healthcheck(),
            env={"PATH": os.environ["PATH"], "HTTP_PORT": str(server.port), **env},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        return await process.wait()
    finally:
        await server.stop()


async def test_the_healthcheck_passes_while_the_bot_is_healthy_and_fails_when_not():
    assert await _healthcheck_status(True) == 0
    assert await _healthcheck_status(False) != 0


async def test_the_healthcheck_asks_the_bot_itself_behind_an_outgoing_proxy():
    # A ward office behind a proxy (`-e HTTP_PROXY=...`, or Docker's own proxy settings,
    # which set both spellings): the bot's own address is not asked through it.
    proxy = "http://127.0.0.1:9"  # nothing listens there
    assert await _healthcheck_status(True, HTTP_PROXY=proxy, http_proxy=proxy) == 0
