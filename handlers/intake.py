"""What a webhook or poll brings in, kept before it is handled (the Zalo channels').

An update goes into the inbox (wardbot.inbox) before the platform hears it arrived, then
is handled in a task of its own; a repeated delivery is dropped (by the inbox, from the
database or, while the database refuses to keep updates, from memory); what a stopped or
killed bot left in the inbox is handled at the next start, once. One chat's updates are
handled one after another, in the order they came (or, left over, were sent): what a
channel does with one before the chat's turn to be answered (keeping its id, asking
whether it goes to staff) must not let a later one be answered first.

While the platform refuses the bot's own sending (`held`: its token refused, expired or
revoked) a message is not given up: its handling raises one of `held`, and it waits, kept
in the inbox, with every update after it, until the channel says sending works again
(`resume`: a call the token got through, or `probe`, asked when a new message comes), then
is handled anew, in order; a stop leaves what waits in the inbox for the next start. A
channel with no loop of its own that would find sending works again (the Zalo OA's, which
asks Zalo only to send) gives a `recheck`: while messages wait, `probe` is asked on its own
too, so that they go out with nobody writing (the Zalo Bot channel's poll loop and webhook
check do that for it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from wardbot.conversation import ChatLocks
from wardbot.inbox import Fate, Inbox
from wardbot.reply import Reply, replies_data, replies_of

log = logging.getLogger(__name__)

# (key naming the delivery, chat id) of an update to handle; None for one to ignore.
Parse = Callable[[dict[str, Any]], tuple[str, str] | None]
# Handles one update, for its chat.
Handle = Callable[[str, dict[str, Any]], Awaitable[None]]
# Where an update kept in the inbox carries the answer decided for it (`Decision`), and
# the texts of that answer's messages that went out before its sending was refused.
DECIDED = "wardbot.decided"
SAID = "wardbot.said"


@dataclass
class Decision:
    """The answer decided for the update being handled (None: not yet). The answerer
    (handlers.base.Answerer) notes it before sending, and sends it, rather than deciding
    again, when the update is handled anew after its sending was refused. `said`: the
    texts of its messages that went out before (an answer cut off partway), not sent again
    (handlers.base.answer_parts)."""

    replies: list[Reply] | None = None
    said: list[str] = field(default_factory=list)

    def noted(self) -> tuple[bool, int]:
        """What there is to keep of it (compared before and after a try)."""
        return self.replies is not None, len(self.said)


@dataclass(frozen=True)
class Recheck:
    """How often `probe` is asked while messages wait with nobody writing: `first` seconds
    after sending is refused, the wait doubling up to `most`."""

    first: float
    most: float

    def after(self, delay: float) -> float:
        """The wait after one of `delay` that found sending still refused."""
        return min(delay * 2, self.most)


# The decision of the update this task handles (set by `Intake`; None elsewhere).
DECISION: ContextVar[Decision | None] = ContextVar("decision", default=None)


class Intake:
    """Updates of one channel: kept, handled in the background, each once."""

    def __init__(
        self,
        inbox: Inbox,
        parse: Parse,
        handle: Handle,
        name: str,
        *,
        held: tuple[type[BaseException], ...] = (),
        probe: Callable[[], Awaitable[object]] | None = None,
        recheck: Recheck | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.inbox = inbox
        self.parse = parse
        self.handle = handle
        self.name = name
        self.held = held  # what `handle` raises while the bot cannot send to anyone
        self.probe = probe  # asks the platform whether sending works (it calls `resume`)
        self.recheck = recheck  # asks `probe` on its own while messages wait (None: never)
        self.sleep = sleep  # the recheck's waits: injectable so tests need not wait
        self.tasks: set[asyncio.Task[None]] = set()
        self._replayed = False
        self._order = ChatLocks()  # each chat's updates, one after another
        self._sending = asyncio.Event()  # clear while sending is refused
        self._sending.set()
        self._probing: asyncio.Task[None] | None = None
        self._rechecking: asyncio.Task[None] | None = None
        self._leaving = False  # stopping: what waits for sending stays for the next start

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
        if not self._sending.is_set():
            self._ask_whether_sending_works()
        return True

    @property
    def holding(self) -> bool:
        """Whether messages wait for sending to work again."""
        return not self._sending.is_set()

    def hold(self) -> None:
        """Sending is refused: messages wait (in the inbox) until `resume`."""
        if self._sending.is_set():
            log.warning(
                "%s: residents' messages are kept, unanswered, until the platform takes the "
                "bot's replies again; then they are answered in order",
                self.name,
            )
        self._sending.clear()
        if self.recheck is not None and (self._rechecking is None or self._rechecking.done()):
            self._rechecking = asyncio.create_task(self._recheck(self.recheck))

    def resume(self) -> None:
        """Sending works again: what waits is answered, in order."""
        if not self._sending.is_set():
            log.info("%s: sending works again; answering the messages kept meanwhile", self.name)
        self._sending.set()
        if self._rechecking is not None:
            self._rechecking.cancel()  # asked again only after a new refusal

    def leave(self) -> None:
        """A stop: what waits for sending is left in the inbox, for the next start."""
        if self.holding:
            self._leaving = True
            self._sending.set()  # woken, each sees `_leaving` and goes
        for task in (self._probing, self._rechecking):
            if task is not None:
                task.cancel()

    def _ask_whether_sending_works(self) -> None:
        """One `probe` at a time (it calls `resume` when sending works)."""
        if self.probe is None or (self._probing is not None and not self._probing.done()):
            return
        probe = self.probe

        async def asked() -> None:
            with contextlib.suppress(Exception):  # the channel logs what it must
                await probe()

        self._probing = asyncio.create_task(asked())

    async def _recheck(self, recheck: Recheck) -> None:
        """While messages wait: `probe`, now and then (`recheck`), until sending works."""
        delay = recheck.first
        while True:
            await self.sleep(delay)
            if not self.holding or self._leaving:
                return
            self._ask_whether_sending_works()
            if self._probing is not None:
                await asyncio.wait({self._probing})
            if not self.holding:
                return
            delay = recheck.after(delay)

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
        decided = update.pop(DECIDED, None)  # kept by a run before, its sending refused
        said = update.pop(SAID, None)
        decision = Decision(
            replies_of(decided) if isinstance(decided, list) else None,
            [str(text) for text in said] if isinstance(said, list) else [],
        )
        async with self._order.hold(chat_id):  # queued as spawned: nothing awaited before
            while True:
                await self._sending.wait()
                if self._leaving:  # not done: handled at the next start, as never taken up
                    await self.inbox.waiting(key)
                    return
                kept = decision.noted()
                deciding = DECISION.set(decision)
                try:
                    await self.handle(chat_id, update)
                except self.held:
                    self.hold()  # tried again, before the chat's later ones, once it works
                    if decision.replies is not None and decision.noted() != kept:
                        held = {  # the next start sends it (what is not out yet)
                            **update,
                            DECIDED: replies_data(decision.replies),
                            SAID: decision.said,
                        }
                        await self.inbox.decided(key, json.dumps(held, ensure_ascii=False))
                    else:
                        await self.inbox.waiting(key)
                    continue
                finally:
                    DECISION.reset(deciding)
                break
        await self.inbox.done(key)
