"""What every part of the desk shares: its tickets, settings and clock, the staff group's
room, and waking the poster."""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from wardbot.config import Settings
from wardbot.desk.limits import TICKETS_PER_HOUR, TICKETS_PER_ORIGIN_HOUR, PerHour
from wardbot.desk.room import StaffRoom
from wardbot.faq_edit import FaqEditor
from wardbot.tickets import Ticket, TicketBook

if TYPE_CHECKING:
    from wardbot.ports import Searcher

log = logging.getLogger(__name__)

ANSWERERS_KEPT = 1000  # staff messages relayed lately whose sender the desk remembers
K = TypeVar("K")
V = TypeVar("V")


def remember(memory: OrderedDict[K, V], key: K, value: V) -> None:
    """`key` noted in `memory` as the latest, the oldest forgotten past ANSWERERS_KEPT."""
    memory.pop(key, None)
    memory[key] = value
    while len(memory) > ANSWERERS_KEPT:
        memory.popitem(last=False)


class DeskBase:
    """The desk's state; its parts (wardbot.desk) build on it."""

    def __init__(
        self,
        tickets: TicketBook,
        settings: Settings,
        engine: Searcher,
        *,
        clock: Callable[[], float] = time.time,
        wake_outbox: Callable[[], None] = lambda: None,
        editor: FaqEditor | None = None,
        serving: Callable[[str], bool] | None = None,
    ) -> None:
        self.tickets = tickets
        # Whether a channel's messages can go out now (None: every channel's). Answers to
        # a ticket from another (Zalo's, when the bot runs without ZALO_*, or Zalo cannot
        # be reached since the start) wait until they can.
        self.serving = serving
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.wake_outbox = wake_outbox
        self.editor = editor  # None: turning tickets into FAQ entries is off
        self.room: StaffRoom | None = None
        self.forum: bool | None = None  # asked of the room at the poster's start
        self._wake = asyncio.Event()
        self._running = False
        # Albums whose staff were told they did not reach the resident: one note for all
        # their photos (a few, the latest: its messages arrive together).
        self._albums_told: collections.deque[str] = collections.deque(maxlen=20)
        self._per_origin = PerHour(TICKETS_PER_ORIGIN_HOUR, clock)
        self._per_chat = PerHour(TICKETS_PER_HOUR, clock)
        self._withdrawing: set[int] = set()  # withdrawals on their way to Telegram
        # Who wrote the staff messages relayed lately (id -> sender id, first name), in
        # memory: after a restart an answer just before is no one's, and nothing is held.
        self._answerers: OrderedDict[int, tuple[str, str]] = OrderedDict()
        # (ticket, officer, the answer theirs was held after): told once, their next goes.
        # Only clashes of the last ANSWER_CLASH matter: the latest few are kept.
        self._clash_told: collections.deque[tuple[int, str, int]] = collections.deque(
            maxlen=ANSWERERS_KEPT
        )
        # Held answers (staff message id -> ticket), in memory: an edit of one is told it
        # sends nothing either, rather than met with silence.
        self._held: OrderedDict[int, int] = OrderedDict()
        # Bare acknowledgements ("ok", "👍") replying to a ticket's post, not sent (staff
        # message id -> ticket), in memory: edited into a real answer, it goes, once; its
        # later edits correct that answer as any answer's do (wardbot.desk.staff).
        self._acks: OrderedDict[int, int] = OrderedDict()
        self._claimed = False  # tickets posted before their group was recorded: claimed
        # Why the bot cannot post in the staff group now (None: it can, as far as it knows):
        # residents are told their question waits, /healthz reports the desk down.
        self.unreachable: str | None = None
        self._told_lost = False  # the log and admins heard why
        self._losses = 0  # how many times the group was lost: a look begun before is stale
        # Admins told `text` once (key, text: wardbot.alerts.Alerts.tell_admins_once): the
        # staff group moved to a new id, which STAFF_CHAT_ID should name.
        self.tell_admins: Callable[[str, str], Awaitable[object]] | None = None
        # Admins are told once when the group is lost, and that is undone once it is back
        # (wardbot.app: Alerts.task_failing and task_recovered, as for a failing task).
        self.tell_lost: Callable[[], Awaitable[object]] | None = None
        self.tell_back: Callable[[], Awaitable[object]] | None = None
        # Staff answers waiting for a channel the bot does not run, per channel (/healthz).
        self.stranded: dict[str, int] = {}

    name = "staff-desk"

    def wake(self) -> None:
        self._wake.set()

    async def _group(self) -> int | None:
        """The staff group the room posts in. At the first call, tickets posted before
        their group was recorded are taken to be there (`TicketBook.claim`)."""
        if self.room is None:
            return None
        if not self._claimed:
            self._claimed = True
            claimed = await self.tickets.claim(self.room.chat_id)
            if claimed:
                log.info("%d ticket(s) posted before now recorded as in the staff group", claimed)
        return self.room.chat_id

    @staticmethod
    def _in_room(ticket: Ticket, room: StaffRoom) -> bool:
        """Whether the ticket is in the group the room posts in (or in none yet): ids of
        its topic and messages name something there."""
        return ticket.staff_chat_id in (None, room.chat_id)
