"""A chat as the store knows it: its channel and opaque id."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class ChatRef:
    """One conversation on one channel: ('telegram', '12345'), ('terminal', 'local').

    `private` says whether it is one person's chat with the bot rather than a group's, as
    the channel saw it (admin commands and a group's subscriptions depend on it); it is
    not part of the chat's identity. `origin`, where a channel's chat ids are chosen by
    the client (the web chat's sessions), is where the message came from (the client's
    address), for limits a chat id cannot enforce; it is never stored. `thread`, in a
    Telegram group with forum topics, is the topic the message came from (None: General,
    or no topics): where the group's alerts go once it subscribes from there. `message`
    is the platform's id of the message being handled (Telegram's message_id; None where
    a channel has no edits), kept with what it passes to staff so that an edit of it
    later reaches them as a correction.
    """

    channel: str
    chat_id: str
    private: bool = field(default=True, compare=False)
    origin: str | None = field(default=None, compare=False, repr=False)
    thread: int | None = field(default=None, compare=False, repr=False)
    message: str | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}"
