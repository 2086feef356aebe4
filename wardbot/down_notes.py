"""Admins told when a part of the bot stays down while it runs.

A part that raises is told by its supervisor at once (wardbot.supervise, through
Alerts.task_failing). One that keeps running without doing its work showed only in
/healthz and the log: a channel whose platform stopped answering its polls (a Telegram
outage, the server's network cut), an alert sender whose every send fails. Once such a
part has been down for TELL_AFTER (at /healthz's looks: wardbot.web.Health), admins are
told, once per outage, on the other channels when it is a channel; and told it is back
once it has stayed well for BACK_AFTER. Both through Alerts.tell_admins_once and untold,
the one place for notes told once (kept across restarts, a flapping part one outage).
An outage the part tells of itself (a Zalo token refused: its own note says what to do)
is not told twice.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wardbot import messages as msg
from wardbot.alerts import Alerts
from wardbot.hours import VIETNAM
from wardbot.web import Health

# How long a part is down before admins hear of it: a poll that fails for a minute or
# two (Telegram's own hiccups) is no news; ten minutes of residents unanswered is.
TELL_AFTER = 600.0


@dataclass(frozen=True)
class Watched:
    """A part whose outage admins are told of."""

    part: str  # its name in /healthz
    # Its task runs (not waiting to restart after raising: the supervisor told that).
    attempting: Callable[[], bool]
    channel: str | None = None  # the channel it is, or sends through: not told there
    # Admins are told of the outage another way (a refused token's own note).
    explained: Callable[[], bool] = lambda: False


class DownNotes:
    """After each look of `health`, tells admins of the `watched` parts down too long."""

    def __init__(
        self,
        health: Health,
        alerts: Alerts,
        watched: Sequence[Watched],
        ward_name: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.health = health
        self.alerts = alerts
        self.watched = list(watched)
        self.ward_name = ward_name
        self.clock = clock

    async def look(self) -> None:
        down = self.health.down_at()
        now = self.clock()
        for part in self.watched:
            key = f"down:{part.part}"
            since = down.get(part.part)
            if since is None:
                back = msg.admin_task_back(self.ward_name, part.part)
                await self.alerts.untold(key, back=back, besides=part.channel)
            elif now - since >= TELL_AFTER and part.attempting() and not part.explained():
                at = dt.datetime.fromtimestamp(since, VIETNAM)
                note = msg.admin_part_down(self.ward_name, part.part, at)
                await self.alerts.tell_admins_once(key, note, besides=part.channel)
