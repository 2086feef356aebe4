"""Bounded per-chat memory: one value for each of the chats written to most recently.

The conversation (what "sai rồi" takes back, what "có" opens, what a follow-up asks more
about) and the channels (the numbered list on screen, what "xem toàn văn" opens) each
keep such a value; a bot with many chats lets the oldest go instead of growing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
D = TypeVar("D")

CHATS_KEPT = 10_000  # chats remembered, by default


class LastPerChat(Generic[T]):
    """Per chat (any hashable key), one value, for the `size` chats set most recently."""

    def __init__(self, size: int = CHATS_KEPT) -> None:
        self.size = size
        self._last: OrderedDict[Hashable, T] = OrderedDict()

    def __contains__(self, chat: Hashable) -> bool:
        return chat in self._last

    def __len__(self) -> int:
        return len(self._last)

    def get(self, chat: Hashable, default: D) -> T | D:
        return self._last.get(chat, default)

    def set(self, chat: Hashable, value: T) -> None:
        self._last.pop(chat, None)
        self._last[chat] = value
        if len(self._last) > self.size:
            self._last.popitem(last=False)

    def pop(self, chat: Hashable) -> T | None:
        """The chat's value, forgotten (None if there was none)."""
        return self._last.pop(chat, None)

    def drop(self, chat: Hashable) -> None:
        self._last.pop(chat, None)

    def drop_where(self, test: Callable[[Hashable], bool]) -> None:
        """Forget every key `test` holds true of (a chat's keys, where a key names more)."""
        for key in [key for key in self._last if test(key)]:
            del self._last[key]
