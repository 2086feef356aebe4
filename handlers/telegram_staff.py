"""The staff group on Telegram (`STAFF_CHAT_ID`): where ward staff answer residents' tickets.

`TelegramStaffRoom` is the desk's view of the group (wardbot.desk.room.StaffRoom): forum topics
when the group has them, messages, a 👍 on a relayed answer. `StaffHandlers` sit in front
of the resident handlers of handlers.telegram and take every update from the staff group,
so nothing said there is ever answered or relayed as a resident's message.

Privacy mode can stay on: the bot receives replies to its own messages and commands, which
is all the desk acts on. Messages in a topic that do not reply to the bot (staff talking
among themselves) are never relayed.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Iterator

from telegram import (
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberRestricted,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReactionTypeEmoji,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from handlers.telegram import (
    command_addressee,
    delivery_error,
    keyboard,
    render_html,
    stop_spinner,
    topic_refused,
)
from wardbot import messages as msg
from wardbot.delivery import REPLY_RETRY, ReplyRetry
from wardbot.desk import Desk
from wardbot.desk.room import (
    AlreadyGone,
    GroupMoved,
    GroupUnreachable,
    StaffMessage,
    StaffRoom,
    TopicGone,
)
from wardbot.reply import Reply

log = logging.getLogger(__name__)

# What Telegram says when a message the desk deletes is gone already (staff deleted it first).
_DELETED_ALREADY = (
    "message thread not found",
    "topic_id_invalid",
    "topic_deleted",
    "message to delete not found",
)
# ...and when the bot cannot reach the group at all (not a member, the group gone)...
_NO_GROUP = ("chat not found", "not a member", "kicked")
# ...or lacks the administrator right to do what it does there.
_NO_RIGHT = ("not enough rights", "chat_admin_required", "need administrator rights")
_RIGHTS = "an administrator with the Manage topics and Delete messages rights"
_STAFF_GROUP = -1  # handler group: before the resident handlers (group 0)


class TelegramStaffRoom:
    """The staff group, for wardbot.desk; errors other than a deleted topic propagate
    (the desk's poster is supervised and tries again). It posts in `chat_id`; it deletes
    in the group it is told, which may be the one the ward used before."""

    def __init__(self, application: Application, chat_id: int) -> None:  # type: ignore[type-arg]
        self.application = application
        self.chat_id = chat_id

    @property
    def bot(self):  # type: ignore[no-untyped-def]
        return self.application.bot

    async def is_forum(self) -> bool:
        """Whether the group has topics; GroupUnreachable when the bot cannot post tickets
        there (not in it, or, in a group with topics, without the Manage topics right);
        GroupMoved when it was upgraded to a supergroup while the bot was stopped."""
        with _reaching():
            chat = await self.bot.get_chat(self.chat_id)
            if chat.type == ChatType.GROUP:
                # Telegram still describes a group upgraded to a supergroup under its old
                # id, but refuses to count its members, naming the new id (ChatMigrated):
                # followed at the start, not at the next ticket, while staff already work
                # in the supergroup.
                await self.bot.get_chat_member_count(self.chat_id)
            member = await self.bot.get_chat_member(self.chat_id, self.bot.id)
        why = missing_right(member, forum=bool(chat.is_forum))
        if why is not None:
            raise GroupUnreachable(why)
        return bool(chat.is_forum)

    async def create_topic(self, name: str) -> int:
        with _reaching():
            topic = await self.bot.create_forum_topic(self.chat_id, name)
        return int(topic.message_thread_id)

    async def post(
        self, reply: Reply, *, thread_id: int | None = None, reply_to: int | None = None
    ) -> list[int]:
        parts = render_html(reply)
        posted = []
        for number, part in enumerate(parts, 1):
            with _reaching():
                try:
                    message = await self.bot.send_message(
                        self.chat_id,
                        part,
                        parse_mode=ParseMode.HTML,
                        message_thread_id=thread_id,
                        reply_markup=keyboard(reply) if number == len(parts) else None,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                        reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                        if reply_to and number == 1
                        else None,
                    )
                except BadRequest as exc:
                    if thread_id is not None and topic_refused(exc):
                        raise TopicGone(str(exc)) from exc
                    raise
            posted.append(message.message_id)
        return posted

    async def react(self, message_id: int) -> None:
        await self.bot.set_message_reaction(
            self.chat_id, message_id, reaction=[ReactionTypeEmoji("👍")]
        )

    async def close_topic(self, thread_id: int) -> None:
        await self.bot.close_forum_topic(self.chat_id, thread_id)

    async def reopen_topic(self, thread_id: int) -> None:
        await self.bot.reopen_forum_topic(self.chat_id, thread_id)

    async def delete_topic(self, chat_id: int, thread_id: int) -> None:
        with _gone_already():
            await self.bot.delete_forum_topic(chat_id, thread_id)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        with _gone_already():
            await self.bot.delete_message(chat_id, message_id)


class _StaffGroup(filters.MessageFilter):
    """A message in the staff group: the one the room posts in now (it follows the group
    to the new id Telegram gives it)."""

    def __init__(self, room: StaffRoom) -> None:
        super().__init__()
        self.room = room

    def filter(self, message: Message) -> bool:
        return message.chat.id == self.room.chat_id


class _MovedFrom(filters.MessageFilter):
    """Telegram's word, in the new supergroup, that the staff group became it."""

    def __init__(self, room: StaffRoom) -> None:
        super().__init__()
        self.room = room

    def filter(self, message: Message) -> bool:
        return message.migrate_from_chat_id == self.room.chat_id


def _unreachable(exc: TelegramError) -> GroupUnreachable | None:
    """Telegram's refusal as GroupUnreachable saying what to fix, when it means the bot
    cannot act in the group (not in it, the group gone or moved, a right taken away)."""
    text = str(exc).lower()
    if isinstance(exc, ChatMigrated):
        return GroupMoved(int(exc.new_chat_id))
    if "chat not found" in text:  # a wrong id, or a group the bot was never added to
        return GroupUnreachable(
            f"Telegram knows no such group for the bot ({exc}): check STAFF_CHAT_ID (a "
            f"group with topics has an id starting with -100) and make the bot {_RIGHTS}"
        )
    if isinstance(exc, Forbidden) or any(t in text for t in _NO_GROUP):
        return GroupUnreachable(f"the bot is not in the group ({exc}): add it back as {_RIGHTS}")
    if any(t in text for t in _NO_RIGHT):
        return GroupUnreachable(f"the bot lacks a right there ({exc}): make it {_RIGHTS}")
    return None


@contextlib.contextmanager
def _reaching() -> Iterator[None]:
    """Telegram refusing because the bot cannot act in the group: GroupUnreachable."""
    try:
        yield
    except TelegramError as exc:
        found = _unreachable(exc)
        if found is None:
            raise
        raise found from exc


@contextlib.contextmanager
def _gone_already() -> Iterator[None]:
    """Telegram refusing to delete what is not there: AlreadyGone (nothing to try again);
    refusing because the bot cannot reach the group: GroupUnreachable."""
    try:
        yield
    except (Forbidden, ChatMigrated) as exc:
        raise GroupUnreachable(str(exc)) from exc
    except BadRequest as exc:
        text = str(exc).lower()
        if any(gone in text for gone in _DELETED_ALREADY):
            raise AlreadyGone(str(exc)) from exc
        if any(gone in text for gone in _NO_GROUP):
            raise GroupUnreachable(str(exc)) from exc
        raise


def missing_right(member: ChatMember, *, forum: bool) -> str | None:
    """What keeps the bot, as `member` of the staff group, from posting tickets there (and
    what to do), or None. A group with topics needs it to be an administrator with the
    Manage topics right: a topic per ticket."""
    if member.status in (ChatMember.LEFT, ChatMember.BANNED):
        return f"the bot was removed from the group: add it back as {_RIGHTS}"
    if isinstance(member, ChatMemberRestricted) and not member.can_send_messages:
        return f"the bot may not send messages there: make it {_RIGHTS}"
    if forum and not (isinstance(member, ChatMemberAdministrator) and member.can_manage_topics):
        return (
            "the bot has no Manage topics right, which a group with topics needs (a topic "
            f"per ticket): make it {_RIGHTS}"
        )
    return None


def with_links(message: Message) -> str | None:
    """The message's text (or caption) with the address of each link hidden under words
    written after them, 'tải tại đây (https://…)': residents get plain text. A link that
    shows its own address ('dichvucong.gov.vn') is left as it is."""
    text = message.text if message.text is not None else message.caption
    if text is None:
        return None
    kinds: list[str | None] = [MessageEntity.TEXT_LINK]
    typed = message.text is not None
    found = message.parse_entities(kinds) if typed else message.parse_caption_entities(kinds)
    encoded, done = text.encode("utf-16-le"), 0
    parts: list[str] = []
    for entity, words in sorted(found.items(), key=lambda item: item[0].offset):
        end = (entity.offset + entity.length) * 2
        if entity.url is None or end < done or _bare(entity.url) == _bare(words):
            continue
        parts += [encoded[done:end].decode("utf-16-le"), f" ({entity.url})"]
        done = end
    return "".join([*parts, encoded[done:].decode("utf-16-le")])


def _bare(address: str) -> str:
    """An address without what people leave out when they write it: 'dichvucong.gov.vn'."""
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", address.strip().lower())
    return bare.rstrip("/")


def staff_message(message: Message) -> StaffMessage | None:
    """The desk's view of a text message in the staff group (None: not a person's text).
    An administrator of the group with "Remain anonymous" on writes as the group itself,
    and a member may write as a channel they run ("send as"): `sender_chat`, with a
    stand-in bot as `from_user`: staff, though no one in particular. A linked channel's
    post that Telegram forwards into the group by itself is no one's."""
    user = message.from_user
    on_behalf = message.sender_chat
    anonymous = on_behalf is not None and not message.is_automatic_forward
    as_channel = on_behalf is not None and anonymous and on_behalf.id != message.chat.id
    # A photo, a file or a sticker (its caption as the text): never relayed, but not
    # ignored either (staff are told).
    attachment = message.text is None and message.effective_attachment is not None
    text = with_links(message)
    if user is None or (user.is_bot and not anonymous) or (text is None and not attachment):
        return None
    addressee = command_addressee(message)
    if addressee is not None and addressee != (message.get_bot().username or "").lower():
        return None  # another bot's command ('/close@lich_truc_bot'), seen without privacy
    replied = message.reply_to_message
    # In a topic, a message that replies to nothing in particular still "replies" to the
    # topic's opening message: only an explicit reply counts.
    explicit = replied is not None and replied.forum_topic_created is None
    to_bot = bool(
        explicit
        and replied is not None
        and replied.from_user is not None
        and replied.from_user.id == message.get_bot().id
    )
    return StaffMessage(
        message_id=message.message_id,
        text=text or "",
        sender_id="" if anonymous else str(user.id),
        sender_name="" if anonymous else user.first_name,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=replied.message_id if explicit and replied is not None else None,
        reply_to_bot=to_bot,
        reply_to_text=(replied.text or "") if to_bot and replied is not None else "",
        anonymous=anonymous,
        as_channel=as_channel,
        attachment=attachment,
        album=message.media_group_id if attachment else None,
    )


class StaffHandlers:
    """Every update from the staff group (the one `room` posts in) goes to the desk, and
    no further."""

    def __init__(
        self, desk: Desk, room: StaffRoom, *, reply_retry: ReplyRetry = REPLY_RETRY
    ) -> None:
        self.desk = desk
        self.room = room
        # What the bot tells staff is retried as a resident's reply is: a note lost to a
        # moment of outage ("your answer was held") left the officer taking it as sent.
        self.reply_retry = reply_retry

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        in_group = _StaffGroup(self.room)
        migrated = (in_group & filters.StatusUpdate.MIGRATE) | _MovedFrom(self.room)
        application.add_handler(MessageHandler(migrated, self._on_migrate), _STAFF_GROUP)
        closed = filters.StatusUpdate.FORUM_TOPIC_CLOSED
        reopened = filters.StatusUpdate.FORUM_TOPIC_REOPENED
        application.add_handler(
            MessageHandler(in_group & (closed | reopened), self._on_topic),
            _STAFF_GROUP,
        )
        application.add_handler(
            MessageHandler(in_group & filters.UpdateType.MESSAGE, self._on_message), _STAFF_GROUP
        )
        application.add_handler(
            MessageHandler(in_group & filters.UpdateType.EDITED_MESSAGE, self._on_edit),
            _STAFF_GROUP,
        )
        application.add_handler(CallbackQueryHandler(self._on_button), _STAFF_GROUP)
        application.add_handler(
            ChatMemberHandler(self._on_status, ChatMemberHandler.MY_CHAT_MEMBER), _STAFF_GROUP
        )

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._handle(update, self.desk.on_staff_message)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The staff group upgraded to a supergroup (Telegram says so in both): posts to
        its old id are refused from now on. The desk follows it to the new id at once,
        staff told there and admins asked to set STAFF_CHAT_ID (wardbot.desk.Desk.follow)."""
        message = update.effective_message
        if message is not None:
            new = message.migrate_to_chat_id or (
                message.chat.id if message.migrate_from_chat_id else None
            )
            if new:
                await self.desk.follow(int(new))
        raise ApplicationHandlerStop

    async def _on_topic(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A topic closed or opened again by staff, from its menu (the bot's own doing
        it after /close or /reopen changes nothing more)."""
        message = update.effective_message
        if message is not None and message.message_thread_id is not None:
            try:
                await self.desk.on_topic_closed(
                    message.message_thread_id, closed=message.forum_topic_closed is not None
                )
            except Exception:
                log.exception("staff group: failed to follow a topic closed or reopened")
        raise ApplicationHandlerStop

    async def _on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message edited in the group: an answer relayed before is corrected."""
        await self._handle(update, self.desk.on_staff_edit)

    async def _handle(
        self, update: Update, handle: Callable[[StaffMessage], Awaitable[list[str]]]
    ) -> None:
        message = update.effective_message
        said = staff_message(message) if message is not None else None
        if message is not None and said is not None:
            try:
                await self._say(message, await handle(said))
            except Exception:
                log.exception("staff group: failed to handle a staff message")
                await self._say(message, [msg.staff_error()])
        raise ApplicationHandlerStop  # never a resident's question

    async def _on_status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Telegram says the bot's place in the staff group changed: removed, demoted, or
        made an administrator again."""
        change = update.my_chat_member
        if change is None or change.chat.id != self.room.chat_id:
            return  # another group's: the resident handlers' (none take it)
        # The group as Telegram shows it now: the desk may not have seen it yet (the bot
        # was removed before it started).
        forum = bool(change.chat.is_forum or self.desk.forum)
        why = missing_right(change.new_chat_member, forum=forum)
        if why is None:
            await self.desk.group_back()
        else:
            await self.desk.group_lost(why)
        raise ApplicationHandlerStop

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None or chat.id != self.room.chat_id:
            return  # a resident's button: the resident handlers take it
        await stop_spinner(query, "staff group")
        try:
            notes = await self.desk.on_staff_action(str(query.from_user.id), query.data or "")
        except Exception:
            log.exception("staff group: failed to handle a button")
            notes = [msg.staff_error()]
        if isinstance(query.message, Message):
            await self._say(query.message, notes)
        raise ApplicationHandlerStop

    async def _say(self, message: Message, notes: list[str]) -> None:
        for note in notes:
            reply = functools.partial(
                message.reply_text,
                note,
                do_quote=True,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
            try:
                await self.reply_retry.run(reply, delivery_error)
            except TelegramError as exc:
                log.warning("staff group: could not answer a staff member: %s", exc)
