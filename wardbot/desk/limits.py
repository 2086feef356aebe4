"""How many tickets may be opened: per chat and per address an hour, and at most so many
waiting to be posted."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

# A flood of tickets (one web client making up session ids, say) must not bury the staff
# group: a chat may open TICKETS_PER_HOUR tickets an hour (counted in the database and in
# memory: /forget deletes the tickets, not what they count for), and so may an address
# where the channel's chat ids are the client's own choice (ChatRef.origin); with
# MAX_WAITING tickets not yet posted (the group down, or flooded) no more are opened.
HOUR = 3600.0
TICKETS_PER_HOUR = 3
TICKETS_PER_ORIGIN_HOUR = 10  # an office's or a school's shared connection
MAX_WAITING = 30


class PerHour:
    """At most `limit` events per key in any hour, counted in memory only (a key may be an
    address: personal data, never written down). The `size` latest keys are kept."""

    def __init__(self, limit: int, clock: Callable[[], float], size: int = 10_000) -> None:
        self.limit = limit
        self.clock = clock
        self.size = size
        self._seen: OrderedDict[str, tuple[float, ...]] = OrderedDict()

    def take(self, key: str) -> bool:
        """True, and counted, when `key` is under its limit; False otherwise."""
        now = self.clock()
        recent = tuple(at for at in self._seen.pop(key, ()) if at > now - HOUR)
        allowed = len(recent) < self.limit
        self._seen[key] = (*recent, now) if allowed else recent
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return allowed

    def full(self, key: str) -> bool:
        """Whether `key` has reached its limit (nothing counted)."""
        now = self.clock()
        return sum(at > now - HOUR for at in self._seen.get(key, ())) >= self.limit
