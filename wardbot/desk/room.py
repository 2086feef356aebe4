"""The staff group as the desk uses it: the room it posts in (a port: handlers/
telegram_staff.py), what the room raises, and a message staff write there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from wardbot.reply import Reply


class TopicGone(Exception):
    """The ticket's forum topic no longer exists (staff deleted it): post in a new one."""


class AlreadyGone(Exception):
    """What the desk meant to delete in the staff group is not there any more."""


class GroupUnreachable(Exception):
    """The bot cannot act in that group: it is no member of it, the group is gone, or the
    bot lacks the right to do it (its message says what to fix)."""


class GroupMoved(GroupUnreachable):
    """Telegram gave the staff group a new id (a group upgraded to a supergroup, as turning
    on Topics does): the same people, at `new_chat_id`, where the desk follows it."""

    def __init__(self, new_chat_id: int, message: str = "") -> None:
        super().__init__(message or f"the group has a new id, {new_chat_id}")
        self.new_chat_id = new_chat_id


class StaffRoom(Protocol):
    """The staff group, as the desk uses it (handlers.telegram_staff.TelegramStaffRoom).
    `chat_id` is the group it posts in; deleting names the group, since a ticket may have
    been posted in the one the ward used before. `post` raises TopicGone for a topic that
    is no longer there; `delete_topic` and `delete_message` raise AlreadyGone for what is
    no longer there, GroupUnreachable when the bot cannot reach the group; `is_forum`,
    `create_topic` and `post` raise GroupUnreachable when the bot cannot post tickets there
    (removed from the group, or without the right a group with topics needs), GroupMoved
    when Telegram gave the group a new id (the desk then sets `chat_id` to it)."""

    chat_id: int

    async def is_forum(self) -> bool: ...
    async def create_topic(self, name: str) -> int: ...
    async def post(
        self, reply: Reply, *, thread_id: int | None = None, reply_to: int | None = None
    ) -> list[int]: ...
    async def react(self, message_id: int) -> None: ...
    async def close_topic(self, thread_id: int) -> None: ...
    async def reopen_topic(self, thread_id: int) -> None: ...
    async def delete_topic(self, chat_id: int, thread_id: int) -> None: ...
    async def delete_message(self, chat_id: int, message_id: int) -> None: ...


@dataclass(frozen=True)
class StaffMessage:
    """A text message in the staff group, as the channel saw it.

    `reply_to` is the message it explicitly replies to (not a forum topic's opening
    message, which Telegram also presents as "replied to"), `reply_to_bot` whether
    that message is the bot's, and `reply_to_text` its text when it is (a post about a
    ticket names the ticket, even once the ticket is gone). `anonymous`: written as the
    group itself (an administrator's "Remain anonymous") or, `as_channel`, as a channel the
    member runs: no sender id or name (`sender_id` and `sender_name` empty).
    `attachment`: a photo, file or sticker, `text` its caption: residents get text only;
    `album`: the media group it came in, a message per photo or file.
    """

    message_id: int
    text: str
    sender_id: str
    sender_name: str
    thread_id: int | None = None
    reply_to: int | None = None
    reply_to_bot: bool = False
    reply_to_text: str = ""
    anonymous: bool = False
    as_channel: bool = False
    attachment: bool = False
    album: str | None = None
