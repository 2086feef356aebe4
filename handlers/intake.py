"""What a webhook or poll brings in, kept before it is handled (the Zalo channels').

An update goes into the inbox (wardbot.inbox) before the platform hears it arrived, then
is handled in a task of its own; a repeated delivery is dropped (by the inbox, from the
database or, while the database refuses to keep updates, from memory); what a stopped or
killed bot left in the inbox is handled at the next start, once. One chat's updates are
handled one after another, in the order they came (or, left over, were sent): what a
channel does with one before the chat's turn to be answered (keeping its id, asking
whether it goes to staff) must not let a later one be answered first.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from wardbot.conversation import ChatLocks
from wardbot.inbox import Fate, Inbox

log = logging.getLogger(__name__)

# (key naming the delivery, chat id) of an update to handle; None for one to ignore.
Parse = Callable[[dict[str, Any]], tuple[str, str] | None]
# Handles one update, for its chat.
Handle = Callable[[str, dict[str, Any]], Awaitable[None]]


class Intake:
    """Updates of one channel: kept, handled in the background, each once."""

    def __init__(self, inbox: Inbox, parse: Parse, handle: Handle, name: str) -> None:
        self.inbox = inbox
        self.parse = parse
        self.handle = handle
        self.name = name
        self.tasks: set[asyncio.Task[None]] = set()
        self._replayed = False
        self._order = ChatLocks()  # each chat's updates, one after another

    async def accept(self, update: dict[str, Any]) -> bool:
        """Keep `update` in the inbox, then handle it in the background. False when it
        is ignored or a repeat."""
        found = self.parse(update)
        if found is None:
            return False
        key, chat_id = found
        fate = await self.inbox.keep(key, chat_id, json.dumps(update, ensure_ascii=False))
        if fate is Fate.REPEAT:
            log.debug("%s: a repeated delivery dropped", self.name)
            return False
        self.spawn(self._handled(key, chat_id, update))
        return True

    async def replay(self) -> None:
        """What a stopped bot left in the inbox: handled now, once."""
        if self._replayed:
            return
        for key, payload in await self.inbox.left_over():
            update = json.loads(payload)
            found = self.parse(update)
            if found is not None:
                self.spawn(self._handled(key, found[1], update))
        self._replayed = True

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _handled(self, key: str, chat_id: str, update: dict[str, Any]) -> None:
        async with self._order.hold(chat_id):  # queued as spawned: nothing awaited before
            await self.handle(chat_id, update)
        await self.inbox.done(key)
