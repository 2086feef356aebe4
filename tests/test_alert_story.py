"""A ward's month of notices in one story: staff publish, edit, reword, rename, delete
and put back notices while the bot is killed now and then mid-send. Whatever the order,
every follower reads each new notice's alert once, and a correction only of a notice it
was alerted to, never more than once per edit of its numbers."""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from test_alerts import Ward, close_ward, follow, open_ward, write_notice

from wardbot.outbox import WITHDRAWN_GRACE

TOPICS = ("bhyt", "hoc-bong", "cu-tru")
TITLE = re.compile(r"Thông báo số (\d+) về")


async def drain_or_die(ward: Ward, rng: random.Random) -> bool:
    """Send what is due; four times in ten the bot is killed while a message is leaving
    (it never arrives). Whether it died."""
    if rng.random() >= 0.4:
        await ward.sender.drain()
        return False
    ward.channel.hold_at = ward.channel.attempts + rng.randint(1, 4)
    ward.channel.holding.clear()
    sending = asyncio.create_task(ward.sender.drain())
    held = asyncio.create_task(ward.channel.holding.wait())
    await asyncio.wait({sending, held}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    held.cancel()
    if sending.done():  # fewer messages than that were due
        ward.channel.hold_at = None
        return False
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sending
    return True


async def restarted(ward: Ward, sent: list[tuple[str, str]]) -> Ward:
    """The bot started again after being killed: same files, same database, same clock."""
    sent.extend(read(ward))
    await close_ward(ward)
    again = await open_ward(ward.root)
    again.now[0] = ward.now[0]
    await again.store.recover_outbox(again.channel.name)
    await again.watcher.refresh()
    await again.alerts.sync()
    return again


def read(ward: Ward) -> list[tuple[str, str]]:
    """(chat, "alert n" or "correction n") for each notice named in what went out."""
    out = []
    for chat, replies, _ in ward.channel.sent:
        text = "\n".join(f"{reply.title or ''}\n{reply.text}" for reply in replies)
        kind = "correction" if "vừa sửa" in text else "alert"
        out += [(chat, f"{kind} {n}") for n in sorted(set(TITLE.findall(text)))]
    return out


@pytest.mark.parametrize("seed", range(6))
async def test_every_follower_reads_each_notice_once_through_edits_and_crashes(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    ward = await open_ward(tmp_path)
    await ward.alerts.sync()
    chats = {str(chat): rng.sample(TOPICS, rng.randint(1, 2)) for chat in range(1, 7)}
    for chat, topics in chats.items():
        await follow(ward, chat, *topics)
    files: dict[int, Path] = {}
    expected: Counter[tuple[str, str]] = Counter()
    edits: Counter[int] = Counter()
    sent: list[tuple[str, str]] = []
    for _ in range(14):
        step = rng.choice(["new", "new", "time", "reword", "rename", "away"]) if files else "new"
        n = rng.choice(list(files)) if step != "new" else len(files) + 1
        if step == "new":
            topic = rng.choice(TOPICS)
            notice = write_notice(
                ward.content,
                f"tin-{n}",
                f"Thông báo số {n} về việc {n * 7}",
                topics=topic,
                body=f"Họp lúc {8 + n % 5}h ngày {n}/12 tại nhà văn hóa.\n\nMang giấy tờ số {n}.",
            )
            files[n] = ward.content / f"{notice}.md"
            expected.update((chat, f"alert {n}") for chat, ts in chats.items() if topic in ts)
        elif step == "time":
            edits[n] += 1
            text = files[n].read_text(encoding="utf-8")
            later = re.sub(r"lúc (\d+)h", lambda hour: f"lúc {int(hour[1]) + 1}h", text)
            files[n].write_text(later, encoding="utf-8")
        elif step == "reword":
            text = files[n].read_text(encoding="utf-8")
            files[n].write_text(text.replace("Mang giấy", "Nhớ mang giấy"), encoding="utf-8")
        elif step == "rename":
            files[n] = files[n].rename(files[n].with_name(f"{files[n].stem}-moi.md"))
        else:  # deleted, then written back (as some editors save), seen away or not
            text = files[n].read_text(encoding="utf-8")
            files[n].unlink()
            if rng.random() < 0.5:
                await ward.watcher.refresh()
                ward.now[0] += 10
                await ward.sender.drain()
            files[n].write_text(text, encoding="utf-8")
        await ward.watcher.refresh()
        ward.now[0] += rng.choice([5, 40, 200, WITHDRAWN_GRACE + 5])
        if await drain_or_die(ward, rng):
            ward = await restarted(ward, sent)
        ward.now[0] += 700  # past any burst's or correction's wait
        await ward.sender.drain()
    ward.now[0] += 700
    await ward.watcher.refresh()
    await ward.alerts.sync()
    await ward.sender.drain()
    sent.extend(read(ward))
    await close_ward(ward)

    alerts = Counter(one for one in sent if one[1].startswith("alert"))
    assert alerts == expected, "each follower reads each new notice once"
    for (chat, what), count in Counter(one for one in sent if "correction" in one[1]).items():
        n = int(what.split()[1])
        assert (chat, f"alert {n}") in expected and count <= edits[n], (chat, what, count)
