"""The Zalo Official Account channel (handlers/zalo_oa.py), end to end, against the fake OA
API on 127.0.0.1: signed webhook events in, message/cs out, tokens renewed and kept."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import stat
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from chat_ward import EXAMPLE, WARD_NAME, ward_greeting
from fakes import zalo_oa
from fakes.zalo_oa import FakeZaloOa

from handlers.zalo_oa import ZaloOaChannel, until_morning
from handlers.zalo_oa_api import TOKEN_FILE
from wardbot import channels
from wardbot import messages as msg
from wardbot.app import retention_task
from wardbot.config import ConfigError, Secret, Settings
from wardbot.conversation import Conversation
from wardbot.delivery import PermanentError, RetryLater, TransientError
from wardbot.desk import Desk
from wardbot.engine import Engine
from wardbot.hours import VIETNAM
from wardbot.inbox import Inbox
from wardbot.outbox import Composer, Sender
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store
from wardbot.store.outbox import OutboxItem
from wardbot.supervise import Restarts
from wardbot.tickets import TicketBook
from wardbot.web import AsgiServer, bound_socket, web_app

ALICE = "2512523625412515"
BINH = "7300112233445566"
CAM = "5100998877665544"
PUBLIC_URL = "https://bot.phuong2.example.vn"


def oa_settings(settings: Settings, oa: FakeZaloOa, **changes: Any) -> Settings:
    oa_values: dict[str, Any] = {
        "zalo_oa_app_id": zalo_oa.APP_ID,
        "zalo_oa_app_secret": Secret(zalo_oa.APP_SECRET),
        "zalo_oa_secret_key": Secret(zalo_oa.SECRET_KEY),
        "zalo_oa_refresh_token": Secret(zalo_oa.FIRST_REFRESH),
        "zalo_oa_api_base": oa.base_url,
        "zalo_oa_oauth_base": oa.base_url,
        "public_url": PUBLIC_URL,
    }
    return replace(settings, **(oa_values | changes))


class Running:
    """A started channel behind the bot's web server: its webhook URL, /healthz, its
    store, the notes it gave admins and those it said are over."""

    def __init__(self, channel: ZaloOaChannel, store: Store, base: str) -> None:
        self.channel, self.store, self.base = channel, store, base
        self.webhook = f"{base}/zalo-oa"
        self.told: list[tuple[str, str]] = []
        self.over: list[str] = []  # the notes said to be over (admins told so: wardbot.app)

        async def tell(key: str, text: str) -> None:
            self.told.append((key, text))

        async def untell(key: str) -> None:
            self.over.append(key)

        channel.tell_admins, channel.untell_admins = tell, untell

    async def health(self) -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            body: dict[str, Any] = (await client.get(f"{self.base}/healthz")).json()
        return body


@contextlib.asynccontextmanager
async def running(
    oa: FakeZaloOa,
    engine: Engine,
    settings: Settings,
    now: Callable[[], float] = time.time,
    staffed: bool = False,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    **changes: Any,
) -> AsyncIterator[Running]:
    """`staffed`: with the staff desk (its tickets; no staff group reached); `sleep`: the
    channel's waits before asking Zalo again for a refused token."""
    settings = oa_settings(settings, oa, **changes)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        desk = Desk(TicketBook(store), settings, engine) if staffed else None
        conversation = Conversation(engine, store, settings, desk=desk)
        channel = ZaloOaChannel(settings, conversation, now=now, sleep=sleep)
        await channel.start()
        app = web_app(channel.routes(), {"zalo-oa": channel.is_running})
        server = AsgiServer(app, host="127.0.0.1")
        await server.start(bound_socket())
        try:
            yield Running(channel, store, f"http://127.0.0.1:{server.port}")
        finally:
            await server.stop()
            await channel.stop()


@pytest.fixture
async def oa() -> AsyncIterator[FakeZaloOa]:
    async with FakeZaloOa() as fake:
        yield fake
        for sent in fake.sent:  # no message the bot sent was empty or over Zalo's limit
            assert 1 <= len(sent.text) <= zalo_oa.LIMIT


@pytest.fixture
async def bot(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> AsyncIterator[Running]:
    async with running(oa, ward_engine, ward_settings) as started:
        yield started


def stored(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((settings.data_dir / TOKEN_FILE).read_text())
    return data


# --- settings -------------------------------------------------------------------------


def test_the_channel_is_on_with_its_settings_and_says_what_is_missing() -> None:
    env = {
        "ZALO_OA_APP_ID": zalo_oa.APP_ID,
        "ZALO_OA_APP_SECRET": zalo_oa.APP_SECRET,
        "ZALO_OA_SECRET_KEY": zalo_oa.SECRET_KEY,
        "ZALO_OA_REFRESH_TOKEN": zalo_oa.FIRST_REFRESH,
        "PUBLIC_URL": PUBLIC_URL,
        "ADMIN_IDS": f"zalo-oa:{ALICE}",
    }
    settings = Settings.from_env(env)

    assert [spec.name for spec in channels.enabled(settings)] == ["zalo-oa"]
    assert settings.is_admin("zalo-oa", ALICE)
    assert "zalo-oa" in channels.pushing(settings)
    for name in ("ZALO_OA_SECRET_KEY", "PUBLIC_URL"):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({k: v for k, v in env.items() if k != name})
    with pytest.raises(ConfigError, match="ZALO_OA_APP_ID") as refused:
        Settings.from_env(env | {"ZALO_OA_APP_ID": "my-app"})
    with pytest.raises(ConfigError, match="mã người dùng Zalo OA phải là một dãy chữ số"):
        Settings.from_env(env | {"ADMIN_IDS": "zalo-oa:abc"})
    assert zalo_oa.APP_SECRET not in str(refused.value)


# --- receiving ------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "wrong-secret-key"], ids=["unsigned", "wrong-key"])
async def test_an_event_without_the_right_signature_is_refused(
    oa: FakeZaloOa, bot: Running, key: str | None
) -> None:
    response = await oa.post(bot.webhook, oa.text(ALICE, "/help"), secret_key=key)
    assert response.status_code == 403
    # A right one afterwards proves the refused one was not handled.
    assert (await oa.post(bot.webhook, oa.text(ALICE, "/start"))).status_code == 200
    (greeting, *_) = await oa.wait_for(ALICE)
    assert greeting.text.startswith(ward_greeting())
    assert not any(sent.text.startswith("Cách hỏi") for sent in oa.sent)


async def test_an_event_changed_after_signing_is_refused(oa: FakeZaloOa, bot: Running) -> None:
    event = oa.text(ALICE, "/help")
    body = json.dumps(event, ensure_ascii=False).encode()
    headers = {"X-ZEvent-Signature": "mac=" + "0" * 64}
    async with httpx.AsyncClient() as client:
        assert (await client.post(bot.webhook, content=body, headers=headers)).status_code == 403


async def test_a_signed_event_replayed_days_later_is_refused(oa: FakeZaloOa, bot: Running) -> None:
    # Someone who got hold of a request Zalo signed (a proxy's log) posts it again once the
    # bot no longer remembers it: an old "unfollow" would drop the resident's topics.
    chat = ChatRef("zalo-oa", ALICE)
    await bot.store.subscribe(chat, "bhyt")
    old = oa.event("unfollow", ALICE)
    old["timestamp"] = str(int((time.time() - 3 * 86400) * 1000))
    assert (await oa.post(bot.webhook, old)).status_code == 403
    question = oa.text(ALICE, "/help")
    question["timestamp"] = str(int((time.time() - 3 * 86400) * 1000))
    assert (await oa.post(bot.webhook, question)).status_code == 403
    # One of today is taken (Zalo's own retries come within hours).
    assert (await oa.post(bot.webhook, oa.text(ALICE, "/start"))).status_code == 200
    (greeting, *_) = await oa.wait_for(ALICE)
    assert greeting.text.startswith(ward_greeting())
    assert await bot.store.subscriptions_of(chat) == ["bhyt"]
    assert len(oa.sent) == len(oa.to(ALICE))


async def test_a_question_is_answered_as_a_reply_to_it(oa: FakeZaloOa, bot: Running) -> None:
    event = oa.text(ALICE, "dang ky tam tru can giay to gi")
    assert (await oa.post(bot.webhook, event)).status_code == 200
    (reply,) = await oa.wait_for(ALICE)
    assert reply.text.startswith("Đăng ký tạm trú cần giấy tờ gì?")
    # Sent as a reply to the resident's message: free within Zalo's window.
    assert reply.reply_to == event["message"]["msg_id"]


async def test_follow_greets_unfollow_drops_topics_and_a_sticker_asks_for_text(
    oa: FakeZaloOa, bot: Running
) -> None:
    assert (await oa.post(bot.webhook, oa.event("follow", ALICE))).status_code == 200
    greeting, topics = await oa.wait_for(ALICE, 2)
    assert greeting.text.startswith(ward_greeting())
    assert "1. 🔔 Nhận tin: Bảo hiểm y tế" in topics.text  # numbered: a typed number picks
    assert (await oa.post(bot.webhook, oa.text(ALICE, "1"))).status_code == 200
    await oa.wait_for(ALICE, 3)
    chat = ChatRef("zalo-oa", ALICE)
    assert await bot.store.subscriptions_of(chat) == ["bhyt"]
    sticker = oa.event("user_send_sticker", ALICE, attachments=[{"type": "sticker"}])
    assert (await oa.post(bot.webhook, sticker)).status_code == 200
    assert (await oa.wait_for(ALICE, 4))[3].text == msg.please_type(EXAMPLE)
    # A voice message: whoever records one may not type well, so the hotline too.
    voice = oa.event("user_send_audio", ALICE, attachments=[{"type": "audio"}])
    assert (await oa.post(bot.webhook, voice)).status_code == 200
    heard = (await oa.wait_for(ALICE, 5))[4].text
    assert heard == msg.voice_unheard(WARD_NAME, "0276 3822 123", relayed=False)
    assert (await oa.post(bot.webhook, oa.event("unfollow", ALICE))).status_code == 200
    for _ in range(200):
        if not await bot.store.subscriptions_of(chat):
            break
        await oa_pause()
    assert await bot.store.subscriptions_of(chat) == []


async def test_a_question_typed_under_a_photo_is_answered(oa: FakeZaloOa, bot: Running) -> None:
    """A photo of a card sent with the question typed under it (the message's text): the
    question is answered, after a line saying the photo itself is not seen, as on the Zalo
    bot; before, the resident was only asked to type, their question unread. A photo
    alone is still asked to type."""
    assert (await oa.post(bot.webhook, oa.text(ALICE, "mất thẻ bhyt"))).status_code == 200
    (answer,) = await oa.wait_for(ALICE)
    photo = {"type": "image", "payload": {"url": "https://photo-stal.zadn.vn/the-bhyt.jpg"}}
    captioned = oa.event("user_send_image", ALICE, attachments=[photo], text="mất thẻ bhyt")
    assert (await oa.post(bot.webhook, captioned)).status_code == 200
    (_, note, reply) = await oa.wait_for(ALICE, 3)
    assert (note.text, reply.text) == (msg.attachment_unread(), answer.text)
    assert reply.reply_to == captioned["message"]["msg_id"]
    alone = oa.event("user_send_image", ALICE, attachments=[photo], text=" ")
    assert (await oa.post(bot.webhook, alone)).status_code == 200
    assert (await oa.wait_for(ALICE, 4))[3].text == msg.please_type(EXAMPLE)


@pytest.mark.parametrize(
    "odd",
    [
        {"sender": {"id": [ALICE]}},
        {"sender": {"id": True}},
        {"message": "cho hỏi làm căn cước"},
        {"message": {"msg_id": ["m1"], "text": "cho hỏi làm căn cước"}},
        {"event_name": ["user_send_text"]},
    ],
    ids=["id-a-list", "id-true", "message-a-string", "msg-id-a-list", "name-a-list"],
)
async def test_a_signed_event_in_a_shape_zalo_does_not_write_is_ignored_in_one_line(
    oa: FakeZaloOa, bot: Running, odd: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Signed with the OA's key but not as Zalo writes an event (a test tool, a change of
    Zalo's): taken (200, so not posted again), left unanswered, said in one log line
    without a traceback; the resident's next question is answered as ever."""
    event = oa.text(ALICE, "cho hỏi làm căn cước") | odd
    assert (await oa.post(bot.webhook, event)).status_code == 200
    question = oa.text(ALICE, "dang ky tam tru can giay to gi")
    assert (await oa.post(bot.webhook, question)).status_code == 200
    (reply,) = await oa.wait_for(ALICE)
    assert reply.reply_to == question["message"]["msg_id"]
    await oa_pause()
    said = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().startswith("zalo-oa: ignored a signed") for r in said] == [True]
    assert not said[0].exc_info and len(oa.sent) == 1


async def test_forget_is_confirmed_as_a_free_reply_and_leaves_nothing_of_the_resident(
    oa: FakeZaloOa, bot: Running
) -> None:
    """/forget deletes the resident's latest message with the rest, before the bot answers:
    the confirmation still answers their own message, so it goes as a free reply to it
    (before, by user id: billed as proactive). Once it is sent, no row about them is left,
    the window used to send it included."""
    chat = ChatRef("zalo-oa", ALICE)
    assert (await oa.post(bot.webhook, oa.text(ALICE, "/subscribe bhyt"))).status_code == 200
    await oa.wait_for(ALICE)
    forget = oa.text(ALICE, "/forget")
    assert (await oa.post(bot.webhook, forget)).status_code == 200
    (_, done) = await oa.wait_for(ALICE, 2)
    assert done.text == msg.forget_done()
    assert done.reply_to == forget["message"]["msg_id"] and done.free
    assert oa.billed == []
    for _ in range(200):  # the inbox takes the handled message off after the answer
        if not bot.channel.intake.tasks:
            break
        await oa_pause()
    assert await bot.store.latest_message(chat) is None
    for table in await bot.store.per_chat_tables():
        async with bot.store.db.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE channel = ? AND chat_id = ?',
            (chat.channel, chat.chat_id),
        ) as cursor:
            assert (await cursor.fetchone()) == (0,), table


async def test_forget_leaves_the_followers_id_in_no_table_not_even_as_a_delivery_seen(
    oa: FakeZaloOa, bot: Running
) -> None:
    """A resident follows the OA and asks; Zalo names each delivery of a follow by the
    follower's id, which the bot keeps a while so that a delivery posted again is not
    handled twice. After their /forget no table holds that id in any column, nor within
    another value (a key of a delivery seen)."""
    assert (await oa.post(bot.webhook, oa.event("follow", ALICE))).status_code == 200
    await oa.wait_for(ALICE, 2)
    assert (await oa.post(bot.webhook, oa.text(ALICE, "/forget"))).status_code == 200
    assert (await oa.wait_for(ALICE, 3))[2].text == msg.forget_done()
    for _ in range(200):  # the inbox takes the handled message off after the answer
        if not bot.channel.intake.tasks:
            break
        await oa_pause()

    async with bot.store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    ) as cursor:
        tables = [row[0] for row in await cursor.fetchall()]
    holding = []
    for table in tables:
        async with bot.store.db.execute(f'SELECT * FROM "{table}"') as cursor:
            if any(ALICE in str(value) for row in await cursor.fetchall() for value in row):
                holding.append(table)
    assert holding == []


async def test_deliveries_zalo_posts_again_after_forget_are_not_handled_again(
    oa: FakeZaloOa, bot: Running
) -> None:
    """A resident follows the OA and sends /forget; Zalo posts both deliveries again (its
    retry of a webhook it thinks unanswered) after the /forget was done. Neither is
    handled again: no second greeting, no second "forgotten". What they write next is
    answered as usual."""
    follow, forget = oa.event("follow", ALICE), oa.text(ALICE, "/forget")
    assert (await oa.post(bot.webhook, follow)).status_code == 200
    await oa.wait_for(ALICE, 2)
    assert (await oa.post(bot.webhook, forget)).status_code == 200
    assert (await oa.wait_for(ALICE, 3))[2].text == msg.forget_done()
    for _ in range(200):  # the /forget handled to its end
        if not bot.channel.intake.tasks:
            break
        await oa_pause()

    assert (await oa.post(bot.webhook, forget)).status_code == 200
    assert (await oa.post(bot.webhook, follow)).status_code == 200
    assert (await oa.post(bot.webhook, oa.text(ALICE, "/help"))).status_code == 200
    await oa.wait_for(ALICE, 4)
    for _ in range(20):
        await oa_pause()
    assert len(oa.to(ALICE)) == 4 and oa.to(ALICE)[3].text != msg.forget_done()


async def oa_pause() -> None:
    await asyncio.sleep(0.01)


# --- tokens ---------------------------------------------------------------------------


async def test_the_renewed_refresh_token_is_stored_privately_and_a_refused_token_renewed(
    oa: FakeZaloOa, bot: Running, ward_settings: Settings
) -> None:
    assert oa.renewals == 1  # at start: the first refresh token for an access token
    path = ward_settings.data_dir / TOKEN_FILE
    assert stored(ward_settings)["refresh_token"] == oa.refresh_token != zalo_oa.FIRST_REFRESH
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    oa.expire_access()  # Zalo refuses the access token early (-216)
    assert (await oa.post(bot.webhook, oa.text(ALICE, "/help"))).status_code == 200
    (reply,) = await oa.wait_for(ALICE)
    assert reply.text.startswith("Cách hỏi")
    assert oa.renewals == 2  # renewed once, and the reply sent again
    assert stored(ward_settings)["refresh_token"] == oa.refresh_token


async def test_the_new_refresh_token_is_stored_before_use_and_a_restart_uses_it(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Zalo voids a refresh token when it renews: a bot killed right after a renewal
    must still hold the new one, and start with it, not with ZALO_OA_REFRESH_TOKEN."""
    seen: list[tuple[str, str]] = []  # each send's access token, and the stored refresh token
    async with running(oa, ward_engine, ward_settings) as bot:
        oa.expire_access()  # renewed while a reply is on its way
        oa.on_send = lambda token: seen.append((token, stored(ward_settings)["refresh_token"]))
        assert (await oa.post(bot.webhook, oa.text(ALICE, "/help"))).status_code == 200
        await oa.wait_for(ALICE)
        # The renewed access token was first used with the new refresh token on disk.
        assert seen[-1][0] in oa.access_tokens
        assert seen[-1][1] == oa.refresh_token
        assert oa.renewals == 2
    # A new process (the old one killed: nothing of it in memory) with the same settings.
    oa.on_send = None
    oa.expire_access()  # the new process must renew, with the stored refresh token
    async with running(oa, ward_engine, ward_settings) as again:
        assert again.channel.is_running()
        assert (await oa.post(again.webhook, oa.text(BINH, "/help"))).status_code == 200
        await oa.wait_for(BINH)
        assert oa.renewals == 3
    # After a new consent, staff set a new refresh token: it wins over the stored one.
    oa.revoke()
    oa.refresh_token = "refresh-after-new-consent"
    async with running(
        oa, ward_engine, ward_settings, zalo_oa_refresh_token=Secret("refresh-after-new-consent")
    ) as renewed:
        assert renewed.channel.is_running()
        assert oa.renewals == 4
        assert stored(ward_settings)["refresh_token"] == oa.refresh_token


async def test_a_refusal_note_standing_from_a_run_before_is_said_over_at_a_start_zalo_takes(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Admins told the refresh token was refused; the bot stopped before its ✅ (or staff
    set a new token and restarted it). A start where Zalo gives an access token says the
    note is over: told back once that lasts, and a later refusal is news again. Before,
    the note stood, so the next refusal was told to nobody."""
    settings = oa_settings(ward_settings, oa)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = ZaloOaChannel(settings, Conversation(ward_engine, store, settings))
        over: list[str] = []

        async def untell(key: str) -> None:
            over.append(key)

        channel.untell_admins = untell
        await channel.start()
        try:
            assert over == ["zalo-oa-refused"]
        finally:
            await channel.stop()


async def test_a_revoked_consent_is_down_in_healthz_and_told_to_admins_once(
    oa: FakeZaloOa, bot: Running
) -> None:
    assert (await bot.health())["checks"]["zalo-oa"] is True
    oa.revoke()
    for user in (ALICE, BINH):
        assert (await oa.post(bot.webhook, oa.text(user, "/help"))).status_code == 200
    for _ in range(300):
        if not bot.channel.is_running():
            break
        await oa_pause()
    health = await bot.health()
    assert health["checks"]["zalo-oa"] is False and health["status"] == "unhealthy"
    with pytest.raises(TransientError):  # alerts wait; no chat loses its topics
        await bot.channel.deliver(ALICE, [Reply("Họp tổ dân phố lúc 19h.")])
    assert bot.told == [("zalo-oa-refused", msg.admin_zalo_oa_refused(WARD_NAME))]


async def test_messages_kept_while_zalo_refuses_the_refresh_token_go_once_it_takes_it_again(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Zalo refuses the OA's refresh token for a while (admins are told), then takes it
    again: the messages residents sent meanwhile are answered then, in order, once, without
    waiting for a restart, as soon as a message comes; /healthz is up again, and admins are
    told it is over."""
    async with running(oa, ward_engine, ward_settings) as bot:
        token = oa.refresh_token
        oa.revoke()
        for text in ("/help", "mất thẻ bhyt"):
            assert (await oa.post(bot.webhook, oa.text(ALICE, text))).status_code == 200
        for _ in range(300):
            if not bot.channel.is_running() and bot.channel.intake.holding:
                break
            await oa_pause()
        assert not bot.channel.is_running() and oa.to(ALICE) == []
        oa.refresh_token = token  # Zalo takes it again
        assert (await oa.post(bot.webhook, oa.text(BINH, "/help"))).status_code == 200
        helped, kept = await oa.wait_for(ALICE, 2)
        assert helped.text.startswith("Cách hỏi")
        assert kept.text.startswith("Mất thẻ bảo hiểm y tế")
        (other,) = await oa.wait_for(BINH)
        assert other.text.startswith("Cách hỏi")
        assert (await bot.health())["checks"]["zalo-oa"] is True
        assert len(bot.told) == 1
        assert bot.over == ["zalo-oa-refused"], "admins hear once that it is over"
    async with running(oa, ward_engine, ward_settings):
        await asyncio.sleep(0.2)
    assert len(oa.to(ALICE)) == 2 and len(oa.to(BINH)) == 1, "each answered once"


class Waits:
    """An injected sleep: each wait is noted, and lasts until the test lets one end."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._ends: asyncio.Queue[None] = asyncio.Queue()

    async def sleep(self, delay: float) -> None:
        self.asked.append(delay)
        await self._ends.get()

    async def end_one(self) -> None:
        """Let the pending wait end, and the check after it run (until the next wait)."""
        waited = len(self.asked)
        self._ends.put_nowait(None)
        for _ in range(300):
            if len(self.asked) > waited:
                return
            await oa_pause()


async def test_kept_messages_go_with_nobody_writing_once_zalo_takes_the_token_again(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Zalo refuses the OA's refresh token, then takes it again while no resident writes
    and no alert goes: the bot asks Zalo again on its own, a minute on, then less and less
    often; the messages kept go out in order, once, /healthz is up, the admins' note is
    over, and a later refusal is told to them anew."""
    waits = Waits()
    async with running(oa, ward_engine, ward_settings, sleep=waits.sleep) as bot:
        token = oa.refresh_token
        oa.revoke()
        for text in ("/help", "mat the bhyt thi lam sao"):
            assert (await oa.post(bot.webhook, oa.text(ALICE, text))).status_code == 200
        for _ in range(300):
            if bot.channel.intake.holding and waits.asked:
                break
            await oa_pause()
        assert not bot.channel.is_running() and oa.to(ALICE) == []
        asks = oa.token_asks
        await waits.end_one()  # a minute on: still refused, asked again later
        assert oa.token_asks == asks + 1 and oa.to(ALICE) == [] and len(bot.told) == 1
        assert waits.asked == [60.0, 120.0]
        oa.refresh_token = token  # Zalo takes it again; nobody writes
        await waits.end_one()
        helped, kept = await oa.wait_for(ALICE, 2)
        assert helped.text.startswith("Cách hỏi")
        assert kept.text.startswith("Mất thẻ bảo hiểm y tế")
        assert (await bot.health())["checks"]["zalo-oa"] is True
        assert bot.over == ["zalo-oa-refused"]
        oa.revoke()  # refused again later: told again, asked again from a minute on
        assert (await oa.post(bot.webhook, oa.text(BINH, "/help"))).status_code == 200
        for _ in range(300):
            if len(bot.told) == 2 and len(waits.asked) == 3:
                break
            await oa_pause()
        assert [key for key, _ in bot.told] == ["zalo-oa-refused"] * 2
        assert waits.asked[-1] == 60.0
    assert len(oa.to(ALICE)) == 2, "each answered once"


async def test_a_message_sent_while_consent_is_revoked_is_answered_after_the_new_token(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """The OA's admin withdrew the app's access while a resident wrote: the answer cannot
    go, and the message is not dropped with it. Staff give a new consent and restart with
    its refresh token: the resident gets the answer, once."""
    async with running(oa, ward_engine, ward_settings) as bot:
        oa.revoke()
        assert (await oa.post(bot.webhook, oa.text(ALICE, "/help"))).status_code == 200
        for _ in range(300):
            if not bot.channel.is_running():
                break
            await oa_pause()
        assert not bot.channel.is_running()
    assert oa.to(ALICE) == []
    oa.refresh_token = "refresh-after-new-consent"
    renewed = Secret("refresh-after-new-consent")
    async with running(oa, ward_engine, ward_settings, zalo_oa_refresh_token=renewed):
        (answer,) = await oa.wait_for(ALICE)
        assert answer.text.startswith("Cách hỏi")
    async with running(oa, ward_engine, ward_settings, zalo_oa_refresh_token=renewed):
        await asyncio.sleep(0.2)
    assert len(oa.to(ALICE)) == 1, "answered once"


async def test_a_refused_refresh_token_at_start_stops_only_this_channel(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    oa.revoke()
    settings = oa_settings(ward_settings, oa)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = ZaloOaChannel(settings, Conversation(ward_engine, store, settings))
        with pytest.raises(ConfigError, match="ZALO_OA_REFRESH_TOKEN"):
            await channel.start()
        assert not channel.is_running()


# --- alerts ---------------------------------------------------------------------------


async def test_an_alert_reaches_a_follower(oa: FakeZaloOa, bot: Running) -> None:
    await bot.channel.deliver(ALICE, [Reply("Họp tổ dân phố lúc 19h.", footer=msg.ALERT_STOP)])
    (alert,) = oa.to(ALICE)
    assert alert.text == f"Họp tổ dân phố lúc 19h.\n\n{msg.ALERT_STOP}"
    assert alert.reply_to is None  # pushed to the user, not a reply


async def alert_through_outbox(
    oa: FakeZaloOa, bot: Running, engine: Engine, code: int
) -> tuple[Sender, ChatRef]:
    chat = ChatRef("zalo-oa", ALICE)
    await bot.store.subscribe(chat, "bhyt")
    oa.refused[ALICE] = code
    sender = Sender(bot.store, bot.channel, Composer(lambda: engine.corpus, bot.store))
    await bot.store.queue_message("Họp tổ dân phố lúc 19h.", [chat], time.time())
    await sender.drain()
    return sender, chat


@pytest.mark.parametrize("code", [-230, -232])
async def test_an_alert_to_a_resident_silent_for_days_is_dropped_and_topics_kept(
    oa: FakeZaloOa, bot: Running, ward_engine: Engine, code: int
) -> None:
    sender, chat = await alert_through_outbox(oa, bot, ward_engine, code)
    assert sender.stats.failed == 1 and sender.stats.retried == 0
    assert await bot.store.subscriptions_of(chat) == ["bhyt"]
    # The resident writes again: alerts reach them again.
    del oa.refused[ALICE]
    await bot.channel.deliver(ALICE, [Reply("Lịch tiêm chủng tháng 8.")])
    assert [sent.text for sent in oa.to(ALICE)] == ["Lịch tiêm chủng tháng 8."]


async def test_a_note_to_someone_silent_for_days_waits_until_they_write_again(
    oa: FakeZaloOa, bot: Running, ward_engine: Engine
) -> None:
    """Not news: a note to an admin (as a staff answer to a resident) is kept and tried
    again, and reaches them once Zalo takes messages for them again."""
    chat = ChatRef("zalo-oa", ALICE)
    oa.refused[ALICE] = -230
    sender = Sender(bot.store, bot.channel, Composer(lambda: ward_engine.corpus, bot.store))
    await bot.store.queue_message("Báo cáo tuần của bot.", [chat], time.time(), kind="note")
    await sender.drain()
    assert sender.stats.failed == 0 and sender.stats.retried == 1
    del oa.refused[ALICE]  # they wrote to the OA
    [item] = await bot.store.due("zalo-oa", time.time() + 3600)
    await bot.store.mark_retry(item, time.time(), "due now", item.attempts)
    await sender.drain()
    assert [sent.text for sent in oa.to(ALICE)] == ["Báo cáo tuần của bot."]


async def test_an_alert_to_a_resident_who_unfollowed_drops_their_topics(
    oa: FakeZaloOa, bot: Running, ward_engine: Engine
) -> None:
    sender, chat = await alert_through_outbox(oa, bot, ward_engine, -213)
    assert sender.stats.unreachable == 1
    assert await bot.store.subscriptions_of(chat) == []


async def test_night_time_and_quota_refusals_are_tried_again_later(
    oa: FakeZaloOa, bot: Running
) -> None:
    oa.refused[ALICE] = -234
    with pytest.raises(RetryLater) as night:
        await bot.channel.deliver(ALICE, [Reply("Họp tổ dân phố lúc 19h.")])
    assert night.value.seconds == pytest.approx(until_morning(time.time()), abs=5)
    for code in (-211, -32):
        oa.refused[ALICE] = code
        with pytest.raises(TransientError):
            await bot.channel.deliver(ALICE, [Reply("Họp tổ dân phố lúc 19h.")])
    oa.refused[ALICE] = -201
    with pytest.raises(PermanentError):
        await bot.channel.deliver(ALICE, [Reply("Họp tổ dân phố lúc 19h.")])


def test_night_time_waits_until_six_in_the_morning_vietnam_time() -> None:
    at_23h = 1_722_528_000.0  # 2024-08-01 23:00 in Vietnam (16:00 UTC)
    assert until_morning(at_23h) == 7 * 3600
    assert until_morning(at_23h + 6 * 3600) == 3600  # 05:00


async def test_an_event_kept_by_a_bot_killed_before_answering_is_answered_at_start(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Zalo heard 200 for it (it was in the inbox), then the bot died (kill -9): the next
    start answers it, once."""
    settings = oa_settings(ward_settings, oa)
    event = oa.text(ALICE, "dang ky tam tru can giay to gi")
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        await Inbox(store, "zalo-oa").keep(
            f"user_send_text:{event['message']['msg_id']}", ALICE, json.dumps(event)
        )
    async with running(oa, ward_engine, ward_settings) as bot:
        (reply,) = await oa.wait_for(ALICE)
        assert reply.text.startswith("Đăng ký tạm trú cần giấy tờ gì?")
        assert (await oa.post(bot.webhook, event)).status_code == 200  # Zalo posts it again
        await oa_pause()
    assert len(oa.to(ALICE)) == 1


async def test_the_access_token_is_renewed_before_it_expires(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """25 hours on, the bot renews before sending rather than be refused first."""
    now = [time.time()]
    settings = oa_settings(ward_settings, oa)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        channel = ZaloOaChannel(
            settings, Conversation(ward_engine, store, settings), now=lambda: now[0]
        )
        await channel.start()
        try:
            await channel.deliver(ALICE, [Reply("Họp tổ dân phố lúc 19h.")])
            assert oa.renewals == 1 and len(oa.cs_calls) == 1
            now[0] += 25 * 3600 - 60  # a minute before Zalo would call it expired
            await channel.deliver(ALICE, [Reply("Lịch tiêm chủng tháng 8.")])
            assert oa.renewals == 2
            assert len(oa.cs_calls) == 2  # sent once: never refused
        finally:
            await channel.stop()


# --- Zalo's window: free replies and proactive messages ---------------------------------


def staff_answers(
    bot: Running, engine: Engine, clock: Callable[[], float]
) -> tuple[TicketBook, Sender]:
    """The tickets, and an outbox sender composing staff answers as the desk does."""
    book = TicketBook(bot.store)

    async def compose(item: OutboxItem) -> list[Reply] | None:
        message = await book.message(int(item.ref))
        return None if message is None else [Reply(message.text, ends_choices=True)]

    composer = Composer(lambda: engine.corpus, bot.store, kinds={"reply": compose})
    return book, Sender(bot.store, bot.channel, composer, clock=clock)


async def test_a_staff_answer_is_a_free_reply_while_zalo_allows_then_goes_by_user_id(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    now = [time.time()]
    oa.clock = lambda: now[0]
    async with running(oa, ward_engine, ward_settings, now=lambda: now[0]) as bot:
        question = oa.text(ALICE, "muốn nộp tiếp tiền thẻ khám bệnh cho cả nhà thì đi đâu")
        assert (await oa.post(bot.webhook, question)).status_code == 200
        answered = len(await oa.wait_for(ALICE))
        book, sender = staff_answers(bot, ward_engine, lambda: now[0])
        ticket = await book.open(ChatRef("zalo-oa", ALICE), "thẻ khám bệnh", now[0])

        async def staff_answer(text: str) -> Any:
            await book.add_staff_reply(ticket, text, "Lan", None, now[0])
            sent = len(oa.sent)
            await sender.drain()
            assert len(oa.sent) == sent + 1
            return oa.to(ALICE)[-1]

        # A day later: a reply to the resident's message, free.
        now[0] += 24 * 3600
        first = await staff_answer("Dạ, anh/chị nộp tại đại lý thu BHYT khu phố 2.")
        assert first.reply_to == question["message"]["msg_id"] and first.free
        # An alert is news for many: pushed by user id, whatever the window.
        await bot.channel.deliver(ALICE, [Reply("Họp tổ dân phố lúc 19h.")])
        assert oa.to(ALICE)[-1].reply_to is None
        # Eight free replies to one message: the answers past them go by user id.
        for number in range(10):
            await staff_answer(f"Dạ, bổ sung ý số {number + 2} ạ.")
        free = [sent for sent in oa.to(ALICE) if sent.free]
        assert len(free) == zalo_oa.FREE_REPLIES
        assert all(sent.free for sent in oa.sent if sent.reply_to is not None)
        # The resident writes again: free again, until two days after their message.
        again = oa.text(ALICE, "cảm ơn cán bộ")
        assert (await oa.post(bot.webhook, again)).status_code == 200
        await oa.wait_for(ALICE, answered + 13)
        later = await staff_answer("Dạ, không có gì ạ.")
        assert later.reply_to == again["message"]["msg_id"] and later.free
        now[0] += 49 * 3600
        last = await staff_answer("Dạ, đại lý đã chuyển sang nhà văn hóa khu phố 3.")
        assert last.reply_to is None and last.text.startswith("Dạ, đại lý đã chuyển")
        assert sender.stats.failed == 0 and oa.refusals == []


async def retention_pass(store: Store, settings: Settings, at: float) -> None:
    """One pass of the retention job `bot.py run` starts (wardbot.app), at `at`."""
    stop = asyncio.Event()

    def clock() -> float:
        stop.set()  # this pass is the last
        return at

    await asyncio.wait_for(retention_task(store, settings, Restarts(), clock=clock).run(stop), 30)


@pytest.mark.parametrize("days", [0, 1, 90])
async def test_the_free_reply_window_outlives_a_short_question_log_and_no_more(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings, days: int
) -> None:
    """QUESTION_LOG_DAYS=1 (or 0): a staff answer the second day, 36 hours after the
    resident wrote, is still one of Zalo's free replies (before, retention had deleted the
    resident's latest message after a day, and the answer was billed). Whatever the
    question log's retention, that message is deleted once no reply to it can be free."""
    now = [time.time()]
    oa.clock = lambda: now[0]
    async with running(
        oa, ward_engine, ward_settings, lambda: now[0], question_log_days=days
    ) as bot:
        question = oa.text(ALICE, "muốn nộp tiếp tiền thẻ khám bệnh cho cả nhà thì đi đâu")
        assert (await oa.post(bot.webhook, question)).status_code == 200
        await oa.wait_for(ALICE)
        book, sender = staff_answers(bot, ward_engine, lambda: now[0])
        chat = ChatRef("zalo-oa", ALICE)
        ticket = await book.open(chat, "thẻ khám bệnh", now[0])
        now[0] += 36 * 3600
        await retention_pass(bot.store, bot.channel.settings, now[0])
        await book.add_staff_reply(
            ticket, "Dạ, anh/chị nộp tại đại lý khu phố 2.", "Lan", None, now[0]
        )
        await sender.drain()
        answer = oa.to(ALICE)[-1]
        assert answer.text == "Dạ, anh/chị nộp tại đại lý khu phố 2."
        assert answer.reply_to == question["message"]["msg_id"] and answer.free
        assert oa.billed == [] and sender.stats.failed == 0
        now[0] += 13 * 3600  # 49 hours after the message: no reply to it is free
        await retention_pass(bot.store, bot.channel.settings, now[0])
        assert await bot.store.latest_message(chat) is None


async def test_a_note_to_an_admin_who_wrote_lately_is_a_free_reply(
    oa: FakeZaloOa, bot: Running, ward_engine: Engine
) -> None:
    question = oa.text(ALICE, "/help")
    assert (await oa.post(bot.webhook, question)).status_code == 200
    await oa.wait_for(ALICE)
    sender = Sender(bot.store, bot.channel, Composer(lambda: ward_engine.corpus, bot.store))
    await bot.store.queue_message(
        "Báo cáo tuần của bot.", [ChatRef("zalo-oa", ALICE)], time.time(), kind="note"
    )
    await bot.store.queue_message(
        "Tin phát thanh: họp tổ dân phố.", [ChatRef("zalo-oa", ALICE)], time.time()
    )
    await sender.drain()
    note, broadcast = oa.to(ALICE)[-2:]
    assert note.text == "Báo cáo tuần của bot." and note.free
    assert "họp tổ dân phố" in broadcast.text and broadcast.reply_to is None


async def test_messages_kept_through_a_long_stop_are_answered_late_saying_so_or_not_at_all(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot was down for days; what its inbox kept is answered at the start: a question
    of three days ago after an apology naming when it was sent, by user id (past Zalo's
    free window), and the two its writer sent next without a second apology (one billed
    message each, not two); one of eight days ago not at all (Zalo takes nothing for its
    writer); one of a few minutes ago as any, a free reply."""
    now = time.time()
    settings = oa_settings(ward_settings, oa)
    days_old = oa.text(ALICE, "dang ky tam tru can giay to gi", at=now - 3 * 86400)
    more = [
        oa.text(ALICE, question, at=now - 3 * 86400 + 60 * minutes)
        for minutes, question in ((1, "mất thẻ bhyt"), (2, "/help"))
    ]
    too_old = oa.text(BINH, "dang ky tam tru can giay to gi", at=now - 8 * 86400)
    fresh = oa.text(CAM, "dang ky tam tru can giay to gi", at=now - 300)
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        kept_events = (
            (ALICE, days_old),
            *((ALICE, m) for m in more),
            (BINH, too_old),
            (CAM, fresh),
        )
        for user, event in kept_events:
            await Inbox(store, "zalo-oa").keep(
                f"user_send_text:{event['message']['msg_id']}", user, json.dumps(event)
            )
    async with running(oa, ward_engine, ward_settings):
        apology, *answers = await oa.wait_for(ALICE, 4)
        kept = [float(event["timestamp"]) / 1000 for event in (days_old, *more)]
        told = [dt.datetime.fromtimestamp(at, VIETNAM).replace(tzinfo=None) for at in kept]
        assert apology.text in [msg.late_answer(sent_at) for sent_at in told]
        assert [answer.text[:8] for answer in answers] == ["Đăng ký ", "Mất thẻ ", "Cách hỏi"]
        assert apology.text == msg.late_answer(told[0])
        assert all(sent.reply_to is None for sent in oa.to(ALICE))
        (on_time,) = await oa.wait_for(CAM)
        assert on_time.text.startswith("Đăng ký tạm trú cần giấy tờ gì?")
        assert on_time.reply_to == fresh["message"]["msg_id"] and on_time.free
        for _ in range(100):
            await oa_pause()
    assert oa.to(BINH) == [] and oa.refusals == [] and len(oa.to(ALICE)) == 4
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_backlog_of_one_resident_is_answered_in_the_order_asked(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """Five messages a resident sent while the bot was stopped, a sticker among them (on a
    bot with a staff desk, which a sticker's answer asks about first), are
    answered at the start in the order they were sent (before, each message's own database work came before its turn in the chat,
    and a later message could be answered first)."""
    now = time.time()
    settings = oa_settings(ward_settings, oa)
    asked = ["dang ky tam tru can giay to gi", "mất thẻ bhyt", None, "/help", "mất thẻ bhyt"]
    events = [
        oa.text(ALICE, question, at=now - 600 + 10 * n)
        if question is not None
        else oa.event(
            "user_send_sticker", ALICE, at=now - 600 + 10 * n, attachments=[{"type": "sticker"}]
        )
        for n, question in enumerate(asked)
    ]
    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        for event in events:
            await Inbox(store, "zalo-oa").keep(
                f"{event['event_name']}:{event['message']['msg_id']}", ALICE, json.dumps(event)
            )
    async with running(oa, ward_engine, ward_settings, staffed=True):
        answers = await oa.wait_for(ALICE, len(events))
    assert [answer.text[:8] for answer in answers] == [
        "Đăng ký ",
        "Mất thẻ ",
        msg.liked()[:8],  # a sticker under an answer: thanks
        "Cách hỏi",
        "Mất thẻ ",
    ]


async def test_tokens_restored_readable_by_everyone_are_made_the_bots_own_at_start(
    oa: FakeZaloOa, ward_engine: Engine, ward_settings: Settings
) -> None:
    """A data folder restored from a backup with `cp -r`, or copied into a volume, leaves
    the OA's tokens readable by every user of the server (0o644): with them anyone sends
    as the ward to its followers. The bot makes them its user's alone as it starts, as it
    does its database, not only at the next renewal (up to 25 hours later)."""
    path = ward_settings.data_dir / TOKEN_FILE
    async with running(oa, ward_engine, ward_settings):
        pass
    path.chmod(0o644)
    async with running(oa, ward_engine, ward_settings) as again:
        assert again.channel.is_running()
        assert oa.renewals == 1, "the stored access token still served: nothing rewritten"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
