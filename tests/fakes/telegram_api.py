"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real bot.

It speaks enough of the Bot API for python-telegram-bot's Application: getMe,
deleteWebhook/setWebhook, long-polled getUpdates with offsets, sendMessage,
sendChatAction, answerCallbackQuery, editMessageText, setMyCommands. It checks what
Telegram checks (message length after HTML parsing, HTML well-formedness, callback_data
size, the token), records every call, and can be told to answer 429, 403 or 404 (for
a number of calls or until told to recover), or late.

Optionally (`rate_limit=30`) it enforces Telegram's overall limit as a sliding one-second
window: a sendMessage beyond `rate_limit` in the last second gets 429 with retry_after.
`delivered` counts the messages each chat received, `throttled` the 429s that limit gave.

Staff groups with forum topics (`staff_group`): getChat, createForumTopic, editForumTopic,
closeForumTopic, reopenForumTopic, deleteForumTopic, deleteMessage and setMessageReaction,
with the errors the real Bot API gives (its source, tdlib/telegram-bot-api and tdlib, is
where the texts come from):

- createForumTopic works only in a forum supergroup ("Bad Request: the chat is not a
  forum"; an unknown chat: "chat not found"). The name is cleaned as tdlib does: control
  characters become spaces, it is trimmed and cut to 128 characters (not refused); an empty
  name is "Bad Request: title must be non-empty". The topic's id is the id of its service
  message (forum_topic_created, from the bot), which is stored like any message.
- The topic methods answer "Bad Request: TOPIC_ID_INVALID" for a thread that does not exist
  (never did, or was deleted) and "Bad Request: TOPIC_NOT_MODIFIED" for closing a closed
  topic, reopening an open one, or renaming to the same name.
- sendMessage with message_thread_id into a forum: the message carries message_thread_id,
  is_topic_message and, as Telegram's implicit reply, reply_to_message = the topic's
  creation message; an unknown or deleted thread (or 1, the General topic) is "Bad Request:
  message thread not found". A reply (reply_parameters) to a message in a topic lands in
  that topic without message_thread_id. The bot is taken to be an admin with
  can_manage_topics, so it may still post in closed topics; made a plain member
  (`demote_bot`) it may not: "Bad Request: TOPIC_CLOSED". So it is for the General topic
  (a message without a thread, or replying to one in General) once staff closed it
  (`staff_close_general`, or closeGeneralForumTopic; reopenGeneralForumTopic opens it).
  In a group that is not a forum the thread is ignored.
- Every message is stored in `messages[(chat_id, message_id)]`: what the bot sent, the
  topics' service messages, and whatever users wrote (queued or not), so that replies,
  deleteMessage ("message to delete not found") and setMessageReaction ("message to react
  not found"; one reaction at most, from Telegram's emoji list, else REACTION_INVALID /
  REACTIONS_TOO_MANY) see the chat's real history. deleteForumTopic deletes the topic's
  messages too; so does deleting its creation message (what clients report; not in the
  Bot API's documentation).

Privacy mode. A bot in privacy mode (BotFather's default) is not sent every group
message. For a group registered with `staff_group(..., privacy=True)` (the default), or any
group message given `privacy=True`, the fake delivers a user's message to getUpdates only if
it is a command (a bare `/cmd`, or `/cmd@this_bot`; not `/cmd@other_bot`), mentions
`@this_bot`, replies to a message from the bot -- which includes every message in a topic
the bot created, since Telegram makes those implicit replies to the topic's creation
message -- or is a service message. Anything else is stored but never queued: `send_text`
returns the update with an extra key `"undelivered"` (the reason) and keeps it in
`undelivered`. Groups not registered with `staff_group` get every message, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse
from telegram.constants import ReactionEmoji

from fakes.server import FakeApiServer

BOT_ID = 7000000001
# The stand-in sender of what an anonymous administrator sends "as the group".
ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
# ...and of what a member sends "as a channel" they own, or a linked channel's post
# Telegram forwards into its discussion group by itself.
CHANNEL_SENDER = {
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}
TOKEN = "7000000001:AAFakeTokenForTests_x9"
JSON_PARAMS = {
    "reply_markup",
    "entities",
    "allowed_updates",
    "commands",
    "reply_parameters",
    "link_preview_options",
    "scope",
    "reaction",
}
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
HTML_TAGS |= {"tg-spoiler", "span", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
# The colours Telegram gives topic icons, in RGB.
TOPIC_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
TOPIC_NAME_MAX = 128  # characters; tdlib cuts longer names to this
GENERAL_TOPIC = 1  # the General topic's thread id, which sendMessage refuses
# Service messages: a bot in privacy mode receives all of them.
SERVICE_KEYS = frozenset(
    {
        "forum_topic_created",
        "forum_topic_edited",
        "forum_topic_closed",
        "forum_topic_reopened",
        "new_chat_members",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "left_chat_member",
        "pinned_message",
    }
)
REACTIONS = frozenset(emoji.value for emoji in ReactionEmoji)  # what a bot may react with


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, the status we answered."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        chat = self.params.get("chat_id")
        return int(chat) if chat is not None else None

    @property
    def thread_id(self) -> int | None:
        """The forum topic the message went to (from the result when sent, else asked for)."""
        if isinstance(self.result, dict) and "message_thread_id" in self.result:
            return int(self.result["message_thread_id"])
        return _thread_param(self.params)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button, in order."""
        markup = self.params.get("reply_markup") or {}
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    times: int | None  # None: until recover()
    after: int = 0  # calls still let through before it starts


def visible_text(text: str) -> str:
    """The text a user sees for an HTML-formatted message; ApiError where Telegram fails."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            tag = _TAG.match(text, i)
            if tag is None or tag.group(2).lower() not in HTML_TAGS:
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported tag at {i}")
            name = tag.group(2).lower()
            if tag.group(1):
                if not stack or stack.pop() != name:
                    raise ApiError(400, f"Bad Request: can't parse entities: unexpected </{name}>")
            else:
                stack.append(name)
            i = tag.end()
        elif ch == "&":
            entity = _ENTITY.match(text, i)
            if entity is None:
                raise ApiError(400, f"Bad Request: can't parse entities: bare & at {i}")
            out.append(unescape(entity.group(0)))
            i = entity.end()
        elif ch == ">":
            raise ApiError(400, f"Bad Request: can't parse entities: bare > at {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: <{stack[-1]}> not closed")
    return "".join(out)


def _is_id(chat: Any) -> bool:
    """Whether a chat_id parameter is a number (not an @username, not missing)."""
    return chat is not None and str(chat).lstrip("-").isdigit()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram finds in a typed text: a command at its start, @mentions."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]+(?:@\w+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))})
    for mention in re.finditer(r"@\w+", text):
        if command and mention.start() < command.end():
            continue
        offset = utf16_len(text[: mention.start()])
        entities.append(
            {"type": "mention", "offset": offset, "length": utf16_len(mention.group(0))}
        )
    return entities


def _thread_param(params: dict[str, Any]) -> int | None:
    raw = params.get("message_thread_id")
    return int(raw) if raw not in (None, "") else None


def _as_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A message as it appears in reply_to_message: without a reply_to_message of its own."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def topic_name(name: str) -> str:
    """A topic name as tdlib keeps it: control characters as spaces, trimmed, cut to 128."""
    cleaned = "".join(" " if ord(ch) < 32 or ch == "\x7f" else ch for ch in name).strip()
    return cleaned[:TOPIC_NAME_MAX].rstrip()


class FakeBotApi(FakeApiServer):
    """Start with `async with FakeBotApi() as api:`; point the bot at `api.base_url`."""

    def __init__(
        self,
        token: str = TOKEN,
        username: str = "phuong2_test_bot",
        *,
        rate_limit: int | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.username = username
        # sendMessage calls let through per rolling second overall; None: no limit (default).
        self.rate_limit = rate_limit
        self.delivered: Counter[int] = Counter()  # chat id -> messages sent to it (200)
        self.throttled = 0  # 429s answered because of rate_limit
        self._recent_sends: deque[float] = deque()  # monotonic times, within the last second
        self.commands: list[dict[str, str]] = []
        self.webhook: dict[str, Any] = {}
        # Telegram failing to post updates to the webhook: (unix time, why), and how many
        # updates wait meanwhile (getWebhookInfo's last_error_date/_message, pending count).
        self.webhook_error: tuple[int, str] | None = None
        self.webhook_pending = 0
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}  # a group's old id -> its supergroup's id
        self._migrate_after: dict[int, int] = {}  # sends to an old id let through first
        # group id -> the bot's status there when it is no administrator any more: "kicked"
        # (removed: every call about the group is refused) or "member" (demoted: no topic
        # may be made, closed or deleted).
        self.bot_status: dict[int, str] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, float] = {}
        # (method, chat id) whose requests wait, unanswered, in `held` until `drop_held()`
        # (the bot was killed meanwhile: they are answered 502 and never done), and how
        # many of them still go through first.
        self._holds: dict[tuple[str, int], int] = {}
        self.held: list[Call] = []
        # (method, chat id) whose requests wait in `paused` until the event is set, then
        # are done as usual (a slow network the test ends when it likes).
        self._pauses: dict[tuple[str, int], asyncio.Event] = {}
        self.paused: list[Call] = []
        self._dropped = asyncio.Event()
        # Every update below this id is confirmed: the offset of the last getUpdates.
        self.confirmed = 0
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(555000)
        self._chats: dict[int, dict[str, Any]] = {}
        # Every message known to exist, by (chat id, message id): sent by the bot, service
        # messages, users' messages. Deleted ones are removed.
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        # chat id -> thread id -> {"name", "closed", "icon_color", "created_by"}: live topics.
        self.topics: dict[int, dict[int, dict[str, Any]]] = {}
        self.deleted_topics: dict[int, dict[int, dict[str, Any]]] = {}
        self.general_closed: set[int] = set()  # forums whose General topic is closed
        self.deleted_messages: list[tuple[int, int]] = []  # (chat id, message id), in order
        self.reactions: dict[tuple[int, int], list[dict[str, Any]]] = {}  # the bot's, current
        self.undelivered: list[dict[str, Any]] = []  # updates privacy mode kept from the bot
        self._privacy: dict[int, bool] = {}  # chat id -> privacy mode (registered groups)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Trợ lý Phường 2",
            "username": self.username,
        }

    # --- what residents do ------------------------------------------------------------

    def chat(self, chat_id: int, *, group: bool = False) -> dict[str, Any]:
        if group:
            chat = {"id": chat_id, "type": "supergroup", "title": "Tổ dân phố 3"}
        else:
            chat = {"id": chat_id, "type": "private", "first_name": "Dân"}
        return self._chats.setdefault(chat_id, chat)

    def staff_group(
        self,
        chat_id: int,
        *,
        forum: bool = True,
        title: str = "Cán bộ Phường 2",
        privacy: bool = True,
    ) -> dict[str, Any]:
        """Register a supergroup (with topics when `forum`); the bot is an admin there.

        getChat returns it; users' messages in it are filtered by privacy mode when `privacy`
        (see the module docstring). Returns its Chat object."""
        chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": title}
        if forum:
            chat["is_forum"] = True
        self._chats[chat_id] = chat
        self._privacy[chat_id] = privacy
        return chat

    def staff_topic(
        self, chat_id: int, name: str, *, user_id: int, first_name: str = "Cán bộ"
    ) -> int:
        """A staff member (not the bot) creates a topic; the bot gets its service message.

        Returns the topic's thread id. Messages in it reach a bot in privacy mode only when
        they are addressed to it, since the topic's creation message is not the bot's."""
        chat = self._chats.get(chat_id)
        if chat is None or not chat.get("is_forum"):
            raise ValueError(f"chat {chat_id} is not a registered forum (staff_group)")
        icon_color = self._next_color(chat_id)
        message = self._message(
            chat_id,
            user_id,
            True,
            first_name=first_name,
            forum_topic_created={"name": topic_name(name), "icon_color": icon_color},
        )
        thread = message["message_id"]
        message.update(message_thread_id=thread, is_topic_message=True)
        self.topics.setdefault(chat_id, {})[thread] = {
            "name": topic_name(name),
            "closed": False,
            "icon_color": icon_color,
            "created_by": user_id,
        }
        self._deliver({"message": message}, None)
        return thread

    def staff_close_topic(
        self, chat_id: int, thread: int, *, user_id: int, closed: bool = True
    ) -> dict[str, Any]:
        """A staff member closes the topic (or opens it again) from its menu, not through
        the bot; the bot gets the service message, as privacy mode lets it."""
        topic = self.topics[chat_id][thread]
        topic["closed"] = closed
        kind = f"forum_topic_{'closed' if closed else 'reopened'}"
        message = self._message(
            chat_id, user_id, True, message_thread_id=thread, is_topic_message=True, **{kind: {}}
        )
        return self._deliver({"message": message}, None)

    def staff_close_general(
        self, chat_id: int, *, user_id: int, closed: bool = True
    ) -> dict[str, Any]:
        """A staff member closes the General topic (or opens it again) from its menu; the
        bot gets the service message, in General."""
        if not self._chats.get(chat_id, {}).get("is_forum"):
            raise ValueError(f"chat {chat_id} is not a registered forum (staff_group)")
        (self.general_closed.add if closed else self.general_closed.discard)(chat_id)
        kind = f"forum_topic_{'closed' if closed else 'reopened'}"
        message = self._message(chat_id, user_id, True, **{kind: {}})
        return self._deliver({"message": message}, None)

    def _message(
        self,
        chat_id: int,
        user_id: int | None,
        group: bool,
        *,
        first_name: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        user = user_id if user_id is not None else abs(chat_id)
        sender = {"id": user, "is_bot": False, "first_name": first_name or "Dân"}
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, group=group),
            "from": {**sender, "language_code": "vi"},
            **fields,
        }

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        group: bool = False,
        user_id: int | None = None,
        first_name: str | None = None,
        reply_to_bot: bool = False,
        reply_to: Call | dict[str, Any] | int | None = None,
        thread_id: int | None = None,
        privacy: bool | None = None,
        as_group: bool = False,
        as_channel: int | None = None,
        automatic_forward: bool = False,
        entities: list[dict[str, Any]] | None = None,
        forwarded_from: str | None = None,
    ) -> dict[str, Any]:
        """Queue a text message; commands and @mentions get their entities, as Telegram does.
        `entities`: more of them, as the sender's app adds (a link hidden under words:
        {"type": "text_link", "offset": …, "length": …, "url": …}, offsets in UTF-16).

        `reply_to`: the message replied to -- a bot's sendMessage Call, a message (or update)
        dict, or a message id in this chat; it must exist in `messages`, and the update's
        reply_to_message is that stored message. `thread_id`: the forum topic written in
        (a reply to a topic message is in its topic anyway); without `reply_to` the message
        replies implicitly to the topic's creation message, as in Telegram. `reply_to_bot`:
        a reply to a stand-in message from the bot. `user_id`/`first_name`: the sender.
        `privacy`: filter by privacy mode (default: the group's `staff_group` setting); an
        update the bot would not get is returned with an "undelivered" key, not queued.
        `as_group`: sent by an anonymous administrator "as the group": Telegram names the
        group as `sender_chat` and a stand-in bot, GroupAnonymousBot, as `from`.
        `as_channel`: sent by a member "as" the channel with that id (a channel they run,
        chosen in the group's "send as" menu): Telegram names the channel as `sender_chat`
        and a stand-in bot, Channel_Bot, as `from`. With `automatic_forward`, the channel's
        own post that Telegram copies into its linked discussion group (no person's).
        `forwarded_from`: the message is one the user forwarded, first sent by a person of
        that name who hides their account (Bot API 7's `forward_origin`, "hidden_user")."""
        if reply_to_bot and reply_to is not None:
            raise ValueError("give reply_to or reply_to_bot, not both")
        replied = self._replied(chat_id, reply_to) if reply_to is not None else None
        if replied is not None:
            in_thread = replied.get("message_thread_id")
            if thread_id is None:
                thread_id = in_thread
            elif in_thread != thread_id:
                raise ValueError(f"message {replied['message_id']} is not in thread {thread_id}")
        if thread_id is not None and thread_id not in self.topics.get(chat_id, {}):
            raise ValueError(f"no topic {thread_id} in chat {chat_id}")
        entities = sorted(_entities(text) + (entities or []), key=lambda e: e["offset"])
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        topic: dict[str, Any] = {}
        if thread_id is not None:
            topic = {"message_thread_id": thread_id, "is_topic_message": True}
            if replied is None and not reply_to_bot:
                replied = self.messages.get((chat_id, thread_id))
        if reply_to_bot:
            earlier = self._message(chat_id, None, group, text="(tin nhắn trước của bot)")
            earlier["from"] = self.bot_user
            earlier.update(topic)
            replied = earlier
        if replied is not None:
            fields["reply_to_message"] = _as_reply(replied)
        fields.update(topic)
        message = self._message(chat_id, user_id, group, first_name=first_name, **fields)
        if as_group:
            message["from"] = dict(ANONYMOUS_ADMIN)
            message["sender_chat"] = self.chat(chat_id, group=True)
        if as_channel is not None:
            message["from"] = dict(CHANNEL_SENDER)
            message["sender_chat"] = {"id": as_channel, "type": "channel", "title": "Tin phường"}
            if automatic_forward:
                message["is_automatic_forward"] = True
        if forwarded_from is not None:
            message["forward_origin"] = {
                "type": "hidden_user",
                "date": int(time.time()) - 3600,
                "sender_user_name": forwarded_from,
            }
        return self._deliver({"message": message}, privacy)

    def _replied(self, chat_id: int, reply_to: Call | dict[str, Any] | int) -> dict[str, Any]:
        """The stored message `reply_to` names (see send_text)."""
        if isinstance(reply_to, Call):
            if not isinstance(reply_to.result, dict) or reply_to.chat_id != chat_id:
                raise ValueError(f"{reply_to.method} call did not send a message to {chat_id}")
            message_id = int(reply_to.result["message_id"])
        elif isinstance(reply_to, dict):
            message = reply_to if "message_id" in reply_to else reply_to["message"]
            message_id = int(message["message_id"])
        else:
            message_id = int(reply_to)
        stored = self.messages.get((chat_id, message_id))
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {chat_id} to reply to")
        return stored

    def _deliver(self, update: dict[str, Any], privacy: bool | None) -> dict[str, Any]:
        """Queue a user's update, unless privacy mode keeps it from the bot."""
        message = update["message"]
        chat = message["chat"]
        if privacy is None:
            privacy = self._privacy.get(chat["id"], False)
        if chat["type"] != "private" and privacy and not self._addressed(message):
            self._remember(message)
            self.undelivered.append(update)
            return {**update, "undelivered": "privacy mode: not addressed to the bot"}
        return self.push(update)

    def _addressed(self, message: dict[str, Any]) -> bool:
        """Whether a bot in privacy mode receives this group message."""
        if SERVICE_KEYS & message.keys():
            return True
        me = f"@{self.username}".lower()
        text = message.get("text", "").encode("utf-16-le")
        for entity in message.get("entities", []):
            start, end = entity["offset"] * 2, (entity["offset"] + entity["length"]) * 2
            shown = text[start:end].decode("utf-16-le")
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                _, at, target = shown.partition("@")
                if not at or f"@{target}".lower() == me:
                    return True
            if entity["type"] == "mention" and shown.lower() == me:
                return True
        replied = message.get("reply_to_message")
        return bool(replied and replied.get("from", {}).get("id") == BOT_ID)

    def send_sticker(
        self, chat_id: int, *, group: bool = False, emoji: str | None = "👍"
    ) -> dict[str, Any]:
        """A sticker; `emoji`: the emoji Telegram says it stands for (optional)."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAEBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        if emoji is not None:
            sticker["emoji"] = emoji
        return self._deliver(
            {"message": self._message(chat_id, None, group, sticker=sticker)}, None
        )

    def send_voice(self, chat_id: int) -> dict[str, Any]:
        """A voice message recorded in the chat (an .ogg file), with no text."""
        voice = {
            "file_id": "AwACAgIAAxkBAAEBvoice",
            "file_unique_id": "AgADvoice",
            "duration": 7,
            "mime_type": "audio/ogg",
        }
        return self._deliver({"message": self._message(chat_id, None, False, voice=voice)}, None)

    def send_content(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        """A message of any other kind, its fields as Telegram sends them (a dice:
        `dice={...}`, a shared story: `story={...}`)."""
        return self._deliver({"message": self._message(chat_id, None, False, **fields)}, None)

    def edit_text(self, sent: dict[str, Any], text: str) -> dict[str, Any]:
        """The resident edits a message they sent (`sent`: the update send_text returned):
        an edited_message update with the new text and its entities."""
        message = {**sent["message"], "text": text, "edit_date": int(time.time())}
        message.pop("entities", None)
        if entities := _entities(text):
            message["entities"] = entities
        self.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message
        return self.push({"edited_message": message})

    def send_photo(
        self,
        chat_id: int,
        caption: str | None = None,
        *,
        group: bool = False,
        reply_to: Call | dict[str, Any] | int | None = None,
        album: str | None = None,
    ) -> dict[str, Any]:
        """A photo, with the text typed under it (its caption, @mentions found) if given.
        `reply_to`: the message it replies to (see send_text), in whose topic it is.
        `album`: the media group it was sent in, one message per photo."""
        size = {"file_id": "AgACAgphoto", "file_unique_id": "AQADphoto", "width": 1280}
        fields: dict[str, Any] = {"photo": [{**size, "height": 960}]}
        if album is not None:
            fields["media_group_id"] = album
        if caption is not None:
            fields["caption"] = caption
            if entities := _entities(caption):
                fields["caption_entities"] = entities
        if reply_to is not None:
            replied = self._replied(chat_id, reply_to)
            fields["reply_to_message"] = _as_reply(replied)
            if "message_thread_id" in replied:
                fields.update(message_thread_id=replied["message_thread_id"])
                fields.update(is_topic_message=True)
        return self._deliver({"message": self._message(chat_id, None, group, **fields)}, None)

    def press(
        self,
        chat_id: int,
        data: str,
        message: Call | None = None,
        *,
        group: bool = False,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Press a button with `data` under a message the bot sent (by default a stand-in)."""
        shown = self._message(chat_id, None, group, text=message.text if message else "…")
        shown["from"] = self.bot_user
        if message is not None and isinstance(message.result, dict):
            shown["message_id"] = message.result["message_id"]
            stored = self.messages.get((chat_id, int(shown["message_id"])), {})
            for key in ("message_thread_id", "is_topic_message"):
                if key in stored:
                    shown[key] = stored[key]
        user = user_id if user_id is not None else abs(chat_id)
        query = {
            "id": str(next(self._query_ids)),
            "from": {"id": user, "is_bot": False, "first_name": "Dân"},
            "chat_instance": f"ci{chat_id}",
            "message": shown,
            "data": data,
        }
        return self.push({"callback_query": query})

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        for message in (update.get("message"), update.get("callback_query", {}).get("message")):
            if message is not None:
                self._remember(message)
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    # --- test controls ----------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int | None = 1,
        retry_after: int | None = None,
        description: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next `times` calls of `method` with an error (429 takes retry_after);
        `times=None`: every call, until `recover(method)`. `after`: let that many calls
        through first (the second part of a long message fails, say)."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                403: "Forbidden: bot was blocked by the user",
                401: "Unauthorized",
                404: "Not Found",
            }.get(status, "Bad Request")
        self._failures.setdefault(method.lower(), []).append(
            _Failure(status, description, retry_after, times, after)
        )

    def recover(self, method: str) -> None:
        """Answer `method` normally again (drop the failures still pending)."""
        self._failures.pop(method.lower(), None)

    def slow(self, method: str, seconds: float) -> None:
        """Answer `method` only after `seconds` (what it does is done, and recorded, then)."""
        self._delays[method.lower()] = seconds

    def hold(self, method: str, chat_id: int, *, after: int = 0) -> None:
        """Keep every `method` request about `chat_id` waiting, undone, in `held`: the
        bot is stuck there (a slow network) when the test kills it. `after`: let that many
        through first (killed between the parts of a long message, say)."""
        self._holds[(method.lower(), chat_id)] = after

    def pause(self, method: str, chat_id: int) -> asyncio.Event:
        """Keep `method`'s requests about `chat_id` (0: those about no chat, getMe say)
        waiting (in `paused`) until the returned event is set; then they are done as usual."""
        return self._pauses.setdefault((method.lower(), chat_id), asyncio.Event())

    def drop_held(self) -> None:
        """The requests held are answered 502, undone (their bot is gone); no more holds."""
        self._holds.clear()
        self._dropped.set()

    def _on_close(self) -> None:
        self._dropped.set()

    def block(self, chat_id: int) -> None:
        """The resident blocked the bot: every send to the chat gets 403."""
        self.blocked.add(chat_id)

    def migrate(self, chat_id: int, new_chat_id: int, *, after: int = 0) -> None:
        """The group was upgraded to a supergroup: sends to its old id get 400 with
        `migrate_to_chat_id`, as Telegram answers, and so does counting its members; getChat
        still describes it (a basic group). `after`: that many sends go through first
        (upgraded between the parts of a long message, say)."""
        self.migrated[chat_id] = new_chat_id
        self._migrate_after[chat_id] = after
        if chat_id in self._chats:  # only a basic group is ever upgraded
            self._chats[chat_id]["type"] = "group"
            self._chats[chat_id].pop("is_forum", None)

    def upgrade(self, chat_id: int, new_chat_id: int, *, user_id: int) -> None:
        """A member upgrades the group to a supergroup: sends to the old id are refused
        (`migrate`), and the bot gets Telegram's two service messages, in the old group
        (migrate_to_chat_id) and in the supergroup (migrate_from_chat_id)."""
        self.migrate(chat_id, new_chat_id)
        old = self._message(chat_id, user_id, True, migrate_to_chat_id=new_chat_id)
        self._deliver({"message": old}, None)
        new = self._message(new_chat_id, user_id, True, migrate_from_chat_id=chat_id)
        self._deliver({"message": new}, None)

    def remove_bot(self, chat_id: int, *, by: int) -> None:
        """A member (`by`) removes the bot from the group: Telegram refuses every call
        about it, and tells the bot (a my_chat_member update)."""
        self._bot_status(chat_id, "kicked", by)

    def demote_bot(self, chat_id: int, *, by: int) -> None:
        """The bot is made a plain member again: it may still post, not manage topics."""
        self._bot_status(chat_id, "member", by)

    def restore_bot(self, chat_id: int, *, by: int) -> None:
        """The bot is an administrator of the group again, with every right."""
        self._bot_status(chat_id, "administrator", by)

    def _bot_status(self, chat_id: int, status: str, by: int) -> None:
        old = self.bot_status.get(chat_id, "administrator")
        if status == "administrator":
            self.bot_status.pop(chat_id, None)
        else:
            self.bot_status[chat_id] = status
        change = {
            "chat": self.chat(chat_id, group=True),
            "from": {"id": by, "is_bot": False, "first_name": "Cán bộ"},
            "date": int(time.time()),
            "old_chat_member": self._member(old),
            "new_chat_member": self._member(status),
        }
        self.push({"my_chat_member": change})

    def _member(self, status: str) -> dict[str, Any]:
        """The bot as a ChatMember of a group in `status`."""
        member: dict[str, Any] = {"status": status, "user": self.bot_user}
        if status == "kicked":
            member["until_date"] = 0
        if status == "administrator":
            rights = (
                "can_manage_chat can_delete_messages can_manage_video_chats "
                "can_restrict_members can_promote_members can_change_info can_invite_users "
                "can_post_stories can_edit_stories can_delete_stories can_pin_messages "
                "can_manage_topics"
            ).split()
            member |= dict.fromkeys(rights, True)
            member |= {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False}
        return member

    # --- inspection -------------------------------------------------------------------

    def sent(self, chat_id: int | None = None, *, since: int = 0) -> list[Call]:
        """Messages the bot sent successfully (sendMessage), optionally to one chat."""
        return [
            c
            for c in self.calls[since:]
            if c.method == "sendMessage" and c.status == 200 and chat_id in (None, c.chat_id)
        ]

    def sent_in_thread(self, chat_id: int, thread_id: int, *, since: int = 0) -> list[Call]:
        """Messages the bot sent successfully into one forum topic."""
        return [c for c in self.sent(chat_id, since=since) if c.thread_id == thread_id]

    def topic_named(self, chat_id: int, text: str) -> int:
        """The thread id of the one live topic whose name contains `text` (any case)."""
        live = self.topics.get(chat_id, {})
        found = [t for t, topic in live.items() if text.casefold() in topic["name"].casefold()]
        if len(found) != 1:
            names = [topic["name"] for topic in live.values()]
            raise AssertionError(f"{len(found)} topics match {text!r} in {chat_id}: {names}")
        return found[0]

    async def say(
        self, chat_id: int, text: str, count: int = 1, *, within: float = 30.0, **kwargs: Any
    ) -> list[Call]:
        """A resident sends `text`; returns the bot's `count` replies."""
        mark = len(self.calls)
        self.send_text(chat_id, text, **kwargs)
        return await self.replies(chat_id, count, since=mark, within=within)

    # --- the API ----------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = await self._params(request)
        call = Call(method, params)
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if method.lower() in self._delays:
                await asyncio.sleep(self._delays[method.lower()])
            chat = params.get("chat_id")
            held = (method.lower(), int(chat) if _is_id(chat) else 0)
            if self._holds.get(held, 0) > 0:
                self._holds[held] -= 1
            elif held in self._holds:
                self.held.append(call)
                await self._notify()
                await self._dropped.wait()
                return JSONResponse({"ok": False, "error_code": 502}, status_code=502)
            gate = self._pauses.get(held)
            if gate is not None and not gate.is_set():
                self.paused.append(call)
                await self._notify()
                await gate.wait()
            self._maybe_fail(method, params)
            self._throttle(method)
            result = await self._handle(method, params)
        except ApiError as exc:
            call.status = exc.status
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            if exc.migrate_to_chat_id is not None:
                body["parameters"] = {"migrate_to_chat_id": exc.migrate_to_chat_id}
            await self._record(call)
            return JSONResponse(body, status_code=exc.status)
        call.result = result
        await self._record(call)
        return JSONResponse({"ok": True, "result": result})

    async def _record(self, call: Call) -> None:
        if call.status == 200 and call.method.lower() == "sendmessage":
            self.delivered[int(call.params["chat_id"])] += 1
        await super()._record(call)

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        body = await request.body()
        params: dict[str, Any] = dict(request.query_params)
        if request.headers.get("content-type", "").startswith("application/json"):
            params.update(json.loads(body or b"{}"))
            return params
        for key, value in parse_qsl(body.decode(), keep_blank_values=True):
            params[key] = json.loads(value) if key in JSON_PARAMS else value
        return params

    def _maybe_fail(self, method: str, params: dict[str, Any]) -> None:
        chat = params.get("chat_id")
        sends = ("sendMessage", "sendChatAction", "editMessageText")
        if method in sends and chat is not None and int(chat) in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        # Telegram still describes a group upgraded to a supergroup (getChat, the bot's own
        # getChatMember) but refuses what writes there or lists its members.
        refused = (*sends, "getChatMemberCount", "getChatAdministrators")
        if method in sends and chat is not None and self._migrate_after.get(int(chat), 0) > 0:
            self._migrate_after[int(chat)] -= 1
        elif method in refused and chat is not None and int(chat) in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[int(chat)],
            )
        status = self.bot_status.get(int(chat)) if _is_id(chat) else None
        if status == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if status == "member" and method.lower() == "createforumtopic":
            raise ApiError(400, "Bad Request: not enough rights to create a topic")
        if status == "member" and method.lower() in ("closeforumtopic", "deleteforumtopic"):
            raise ApiError(400, "Bad Request: not enough rights to manage topics")
        pending = self._failures.get(method.lower())
        if pending:
            failure = pending[0]
            if failure.after > 0:
                failure.after -= 1
                return
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    pending.pop(0)
            raise ApiError(failure.status, failure.description, failure.retry_after)

    def _throttle(self, method: str) -> None:
        """With `rate_limit`: a sendMessage over the limit of the last second gets 429."""
        if self.rate_limit is None or method.lower() != "sendmessage":
            return
        now = time.monotonic()
        recent = self._recent_sends
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.rate_limit:
            self.throttled += 1
            wait = max(1, math.ceil(recent[0] + 1.0 - now))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        recent.append(now)

    async def _handle(self, method: str, params: dict[str, Any]) -> Any:
        match method.lower():
            case "getme":
                return {
                    **self.bot_user,
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                }
            case "deletewebhook":
                self.webhook = {}
                return True
            case "setwebhook":
                self.webhook = dict(params)
                return True
            case "getwebhookinfo":
                info = {"url": self.webhook.get("url", ""), "has_custom_certificate": False}
                info["pending_update_count"] = self.webhook_pending
                if self.webhook_error is not None:
                    info["last_error_date"], info["last_error_message"] = self.webhook_error
                return info
            case "getupdates":
                return await self._get_updates(params)
            case "sendmessage":
                return self._send_message(params)
            case "editmessagetext":
                return self._edit_message_text(params)
            case "sendchataction" | "answercallbackquery":
                return True
            case "getchat":
                return self._get_chat(params)
            case "getchatmember":
                return self._get_chat_member(params)
            case "getchatmembercount":
                self._known_chat(params)
                return 5
            case "createforumtopic":
                return self._create_topic(params)
            case "editforumtopic":
                return self._edit_topic(params)
            case "closeforumtopic" | "reopenforumtopic":
                return self._close_topic(params, closed=method.lower() == "closeforumtopic")
            case "closegeneralforumtopic" | "reopengeneralforumtopic":
                return self._close_general(params, closed=method.lower().startswith("close"))
            case "deleteforumtopic":
                return self._delete_topic(params)
            case "deletemessage":
                return self._delete_message(params)
            case "setmessagereaction":
                return self._set_reaction(params)
            case "setmycommands":
                for command in params.get("commands", []):
                    if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                        raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
                    if not 1 <= len(command["description"]) <= 256:
                        raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
                self.commands = list(params.get("commands", []))
                return True
            case "close" | "logout":
                return True
        raise ApiError(404, "Not Found")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.confirmed = max(self.confirmed, offset)
        await self._notify()
        timeout = min(float(params.get("timeout") or 0), 30.0)
        limit = int(params.get("limit") or 100)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        allowed = params.get("allowed_updates")
        if allowed:  # Telegram never sends the bot updates of the other kinds
            self._updates = [u for u in self._updates if u.keys() & set(allowed)]
        if not self._updates and timeout > 0 and not self._closing:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                        timeout,
                    )
        return self._updates[:limit]

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        shown = self._shown_text(params)
        chat_id = int(params["chat_id"])
        thread, replied = self._placement(chat_id, params)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
            "from": self.bot_user,
            "text": shown,
        }
        if thread is not None:
            message.update(message_thread_id=thread, is_topic_message=True)
        if replied is not None:
            message["reply_to_message"] = _as_reply(replied)
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        shown = self._shown_text(params)
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        stored = self.messages.get((chat_id, message_id))
        if stored is None:  # a message the fake never saw: answer as before
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
                "from": self.bot_user,
                "text": shown,
            }
        stored.update(text=shown, edit_date=int(time.time()))
        return dict(stored)

    def _placement(
        self, chat_id: int, params: dict[str, Any]
    ) -> tuple[int | None, dict[str, Any] | None]:
        """The topic a new bot message goes to, and the message it replies to (if stored)."""
        replied = None
        wanted = params.get("reply_parameters") or {}
        reply_id = wanted.get("message_id", params.get("reply_to_message_id"))
        if reply_id is not None and int(wanted.get("chat_id", chat_id)) == chat_id:
            replied = self.messages.get((chat_id, int(reply_id)))
        thread = _thread_param(params)
        chat = self._chats.get(chat_id, {"type": "private"})
        if not chat.get("is_forum"):
            if thread is not None and chat["type"] == "private":
                raise ApiError(400, "Bad Request: message thread not found")
            return None, replied
        if thread is None and replied is not None:
            thread = replied.get("message_thread_id")
        if thread is None:
            if chat_id in self.general_closed and self.bot_status.get(chat_id) == "member":
                raise ApiError(400, "Bad Request: TOPIC_CLOSED")
            return None, replied
        if thread == GENERAL_TOPIC or thread not in self.topics.get(chat_id, {}):
            raise ApiError(400, "Bad Request: message thread not found")
        if self.topics[chat_id][thread]["closed"] and self.bot_status.get(chat_id) == "member":
            raise ApiError(400, "Bad Request: TOPIC_CLOSED")
        if replied is None:
            replied = self.messages.get((chat_id, thread))
        return thread, replied

    def _remember(self, message: dict[str, Any]) -> None:
        """Store a message users wrote (and what it replies to) unless already known."""
        chat_id = int(message["chat"]["id"])
        replied = message.get("reply_to_message")
        if replied is not None:
            self.messages.setdefault((chat_id, int(replied["message_id"])), dict(replied))
        self.messages.setdefault((chat_id, int(message["message_id"])), dict(message))

    # --- forum topics, chats, deleting, reactions ---------------------------------------

    def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        # ChatFullInfo: the Chat plus the fields the Bot API always sends.
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        """The bot as a member of a known group (others: plain members)."""
        chat_id = int(self._known_chat(params)["id"])
        if int(params.get("user_id", 0)) != BOT_ID:
            user = {"id": int(params.get("user_id", 0)), "is_bot": False, "first_name": "Dân"}
            return {"status": "member", "user": user}
        return self._member(self.bot_status.get(chat_id, "administrator"))

    def _known_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            chat = self._chats.get(int(params.get("chat_id", "")))
        except ValueError:  # @username: no such chats here
            chat = None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _forum(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._known_chat(params)
        if not chat.get("is_forum"):
            raise ApiError(400, "Bad Request: the chat is not a forum")
        return int(chat["id"]), chat

    def _topic(self, params: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
        chat_id, _ = self._forum(params)
        thread = _thread_param(params) or 0
        if thread <= 0:
            raise ApiError(400, "Bad Request: invalid message thread identifier specified")
        topic = self.topics.get(chat_id, {}).get(thread)
        if topic is None:
            raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        return chat_id, thread, topic

    def _next_color(self, chat_id: int) -> int:
        made = len(self.topics.get(chat_id, {})) + len(self.deleted_topics.get(chat_id, {}))
        return TOPIC_COLORS[made % len(TOPIC_COLORS)]

    def _service(self, chat_id: int, thread: int, **content: Any) -> dict[str, Any]:
        """A service message from the bot in a topic (stored; bots get no updates of theirs)."""
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats[chat_id],
            "from": self.bot_user,
            "message_thread_id": thread,
            "is_topic_message": True,
            **content,
        }
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _create_topic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, chat = self._forum(params)
        name = topic_name(str(params.get("name", "")))
        if not name:
            raise ApiError(400, "Bad Request: title must be non-empty")
        icon_color = int(params.get("icon_color") or 0) or self._next_color(chat_id)
        if not 0 <= icon_color <= 0xFFFFFF:
            raise ApiError(400, "Bad Request: invalid icon color specified")
        topic: dict[str, Any] = {"name": name, "icon_color": icon_color}
        if params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = str(params["icon_custom_emoji_id"])
        thread = next(self._message_ids)
        self.messages[(chat_id, thread)] = {
            "message_id": thread,
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            "message_thread_id": thread,
            "is_topic_message": True,
            "forum_topic_created": dict(topic),
        }
        self.topics.setdefault(chat_id, {})[thread] = {
            **topic,
            "closed": False,
            "created_by": BOT_ID,
        }
        return {"message_thread_id": thread, **topic}

    def _edit_topic(self, params: dict[str, Any]) -> bool:
        chat_id, thread, topic = self._topic(params)
        edited: dict[str, Any] = {}
        if params.get("name"):
            name = topic_name(str(params["name"]))
            if not name:
                raise ApiError(400, "Bad Request: title must be non-empty")
            if name != topic["name"]:
                edited["name"] = name
        if "icon_custom_emoji_id" in params:
            emoji = str(params["icon_custom_emoji_id"] or "")
            if emoji != topic.get("icon_custom_emoji_id", ""):
                edited["icon_custom_emoji_id"] = emoji
        if not params.get("name") and "icon_custom_emoji_id" not in params:
            return True  # nothing asked for: tdlib answers without asking Telegram
        if not edited:
            raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        topic.update(edited)
        self._service(chat_id, thread, forum_topic_edited=edited)
        return True

    def _close_topic(self, params: dict[str, Any], *, closed: bool) -> bool:
        chat_id, thread, topic = self._topic(params)
        if topic["closed"] == closed:
            raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        topic["closed"] = closed
        self._service(chat_id, thread, **{f"forum_topic_{'closed' if closed else 'reopened'}": {}})
        return True

    def _close_general(self, params: dict[str, Any], *, closed: bool) -> bool:
        chat_id, chat = self._forum(params)
        if (chat_id in self.general_closed) == closed:
            raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        (self.general_closed.add if closed else self.general_closed.discard)(chat_id)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            f"forum_topic_{'closed' if closed else 'reopened'}": {},
        }
        self.messages[(chat_id, message["message_id"])] = message
        return True

    def _delete_topic(self, params: dict[str, Any]) -> bool:
        chat_id, thread, _ = self._topic(params)
        self._drop_topic(chat_id, thread)
        return True

    def _drop_topic(self, chat_id: int, thread: int) -> None:
        """A topic is deleted, with all its messages."""
        topic = self.topics[chat_id].pop(thread)
        self.deleted_topics.setdefault(chat_id, {})[thread] = topic
        for key, message in list(self.messages.items()):
            if key[0] == chat_id and message.get("message_thread_id") == thread:
                del self.messages[key]

    def _delete_message(self, params: dict[str, Any]) -> bool:
        self._known_chat(params)
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted_messages.append(key)
        if key[1] in self.topics.get(key[0], {}):  # a topic's creation message: the topic
            self._drop_topic(*key)
        else:
            del self.messages[key]
        return True

    def _set_reaction(self, params: dict[str, Any]) -> bool:
        key = (int(params["chat_id"]), int(params["message_id"]))
        reactions = params.get("reaction") or []
        if isinstance(reactions, str):
            reactions = json.loads(reactions)
        for reaction in reactions:
            if reaction.get("type") != "emoji" or reaction.get("emoji") not in REACTIONS:
                raise ApiError(400, "Bad Request: REACTION_INVALID")
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to react not found")
        if len(reactions) > 1:  # bots, like users without Premium, set one at most
            raise ApiError(400, "Bad Request: REACTIONS_TOO_MANY")
        self.reactions[key] = list(reactions)
        return True

    def _shown_text(self, params: dict[str, Any]) -> str:
        """The message's visible text; ApiError where Telegram refuses the message."""
        text = str(params.get("text", ""))
        shown = visible_text(text) if str(params.get("parse_mode", "")).upper() == "HTML" else text
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(shown) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return shown
