"""A chat with numbered lines (Zalo, the terminal) for tests driving a handlers.base
Answerer: what it was sent, and the buttons it numbered."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.zalo import render_plain
from wardbot.reply import Button, Reply


class Screen:
    """A chat with numbered lines (Zalo, the terminal): what it was sent, and the buttons
    it numbered."""

    def __init__(self) -> None:
        self.shown: list[Reply] = []

    async def send(self, replies: Sequence[Reply]) -> list[Button]:
        self.shown += replies
        return [button for reply in replies for button in reply.buttons]

    def lines(self) -> str:
        """The last message as the resident reads it, numbered lines and all."""
        (text,), _ = render_plain([self.shown[-1]])
        return text
