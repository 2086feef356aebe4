"""What the fake Telegram and Zalo Bot API servers share: serving `/bot{token}/{method}`
on 127.0.0.1 in the test's event loop, recording calls, and waiting for the bot's replies.

A subclass implements `_endpoint` (one API request), `sent` (the messages the bot sent)
and `send_text` (a resident writes), and may override `_calls_so_far` and `_on_close`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Self

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wardbot.web import AsgiServer, bound_socket


class FakeApiServer:
    def __init__(self) -> None:
        self.calls: list[Any] = []
        self._changed = asyncio.Condition()
        self._closing = False
        app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )
        self._server = AsgiServer(app, host="127.0.0.1")

    async def __aenter__(self) -> Self:
        await self._server.start(bound_socket())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing = True
        self._on_close()
        await self._notify()  # long polls waiting for updates give up
        await self._server.stop()

    @property
    def port(self) -> int:
        return self._server.port

    # --- for subclasses -------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        raise NotImplementedError

    def sent(self, chat_id: Any = None, *, since: int = 0) -> list[Any]:
        raise NotImplementedError

    def _on_close(self) -> None:
        """Release whatever the fake holds back when it shuts down."""

    def _calls_so_far(self) -> list[Any]:
        return [c.method for c in self.calls]

    # --- recording and waiting --------------------------------------------------------

    async def _record(self, call: Any) -> None:
        self.calls.append(call)
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def of(self, method: str, *, since: int = 0) -> list[Any]:
        return [c for c in self.calls[since:] if c.method == method]

    async def wait_until(self, condition: Callable[[], bool], within: float = 30.0) -> None:
        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(condition)

        try:
            await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise AssertionError(f"timed out; calls so far: {self._calls_so_far()}") from None

    async def replies(
        self, chat_id: Any, count: int = 1, *, since: int = 0, within: float = 30.0
    ) -> list[Any]:
        """Wait for `count` messages to `chat_id` after call number `since`; return them."""
        await self.wait_until(lambda: len(self.sent(chat_id, since=since)) >= count, within)
        return self.sent(chat_id, since=since)
