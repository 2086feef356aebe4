"""Announcements from the ward's web portal: the feed follower inside `bot.py run`.

`FeedFollower` polls `PORTAL_FEEDS` every `PORTAL_POLL_MINUTES` (conditional requests, only
the feeds' hosts) and writes new notices into content/; the running bot's content watcher
then indexes them and alerts subscribers. Admins hear of each imported notice, of each
notice staff had edited that the portal's version replaced, of each failing source, of
each notice withdrawn or back on the portal, and of each post replaced by its corrected
version of the same day, through callbacks. The importing itself (also `bot.py import`)
is wardbot.portal_import; fetching, wardbot.portal_fetch; reading a page,
wardbot.portal_extract.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import inspect
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from wardbot.config import Settings
from wardbot.datadir import in_thread
from wardbot.hours import vietnam_today
from wardbot.messages import unit
from wardbot.models import Announcement
from wardbot.notice_changes import NoticeRef
from wardbot.portal_fetch import Fetcher, Halted, host_of, shown_address
from wardbot.portal_import import Importer
from wardbot.portal_log import (
    GONE_UNTOLD,
    IMPORT_LOG,
    UNTOLD,
    ImportLog,
    ImportLogError,
    Untold,
    mark_told,
    page_key,
)
from wardbot.portal_outcome import NEW, SKIPPED, UPDATED, WITHDRAWN, Outcome, passing
from wardbot.portal_retry import RETRY_AFTER
from wardbot.portal_withdraw import WITHDRAWN_DIR
from wardbot.supervise import pause

__all__ = [
    "FeedFollower",
    "Importer",
    "Outcome",
    "failed_note",
    "first_read_note",
    "imported_note",
    "links_alone_note",
    "reason_vi",
    "recovered_note",
    "replaced_note",
    "restored_note",
    "retried_reason",
    "superseded_note",
    "withdrawn_note",
]

log = logging.getLogger(__name__)

# Polls in a row a feed must fail (unreachable, an error page, not a feed) before /healthz
# reports the portal down: one failed poll is often a moment of the portal's.
FAILING_POLLS = 3
QUIET_TIMEOUT = 60.0  # seconds to remember a notice as alerted (the database may be busy)


# Short Vietnamese reasons for admins, by the start of the English one.
_REASONS_VI = (
    ("timed out", "trang không trả lời kịp"),
    ("the server answered 404", "không tìm thấy trang (lỗi 404)"),
    ("the server answered 410", "bài viết đã bị gỡ khỏi cổng thông tin (lỗi 410)"),
    ("the server answered 401", "cổng thông tin đòi đăng nhập (lỗi 401)"),
    ("the server answered 403", "cổng thông tin từ chối cho bot đọc trang (lỗi 403)"),
    ("the server answered 429", "cổng thông tin báo đọc quá nhiều lần, tạm từ chối (lỗi 429)"),
    ("the server answered", "máy chủ cổng thông tin báo lỗi"),
    ("too many redirects", "trang chuyển hướng vòng quanh, không dẫn tới bài viết nào"),
    (
        "redirected from https to plain http",
        "trang chuyển từ địa chỉ bảo mật (https) sang địa chỉ không bảo mật (http); bot không "
        "đọc theo, vì nội dung có thể bị sửa trên đường truyền; cần báo bộ phận kỹ thuật của "
        "cổng thông tin",
    ),
    ("could not connect", "không kết nối được với cổng thông tin"),
    (
        "the portal's HTTPS certificate",
        "chứng chỉ bảo mật (HTTPS) của cổng thông tin không hợp lệ (hết hạn, tự cấp hoặc thiếu "
        "chứng chỉ trung gian), dù trình duyệt có thể vẫn mở được; cần báo bộ phận kỹ thuật "
        "của cổng thông tin",
    ),
    (
        "the portal's HTTPS connection",
        "không lập được kết nối bảo mật (HTTPS) với cổng thông tin (máy chủ dùng cấu hình "
        "bảo mật cũ hoặc sai); cần báo bộ phận kỹ thuật của cổng thông tin",
    ),
    ("too large", "trang quá lớn"),
    (
        "compressed",
        "máy chủ cổng thông tin gửi trang nén theo cách bot không đọc được; cần báo bộ phận "
        "kỹ thuật của cổng thông tin",
    ),
    *(
        (
            f"not an HTML page ({media}",
            f"bài đăng chỉ là một {kind}, không có trang bài viết để bot đọc nội dung; nếu cần, "
            "cán bộ tự soạn thông báo trong thư mục content/",
        )
        for media, kind in (
            ("application/pdf", "tệp PDF"),
            ("image/", "tệp ảnh"),
            ("application/msword", "tệp Word"),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml", "tệp Word"),
        )
    ),
    ("not an HTML page", "không phải trang tin (HTML) hay nguồn tin RSS"),
    ("no article found", "không tìm thấy bài viết trên trang"),
    (
        "the news list's articles no longer read",
        "bot không còn đọc được bài viết nào từ trang danh sách tin, kể cả bài đã nhập trước "
        "đây (có thể cổng thông tin đã đổi giao diện trang bài viết), nên tin mới không được "
        "nhập; cần báo người phụ trách kỹ thuật của bot",
    ),
    ("an error, maintenance or login page", "trang báo lỗi, đang bảo trì hoặc đòi đăng nhập"),
    (
        "a bot check",
        "cổng thông tin chặn bot bằng trang kiểm tra chống robot (captcha, tường lửa), không "
        "phải do địa chỉ sai; cần nhờ bộ phận kỹ thuật của cổng thông tin cho phép bot của "
        "phường (User-Agent có chữ wardbot) đọc trang",
    ),
    ("the article has no title", "bài viết không có tiêu đề"),
    ("no publication date", "không tìm thấy ngày đăng bài"),
    ("host", "địa chỉ không thuộc cổng thông tin đã cấu hình"),
    ("not a readable RSS", "nguồn tin RSS/Atom không đọc được"),
    (
        "the news list the bot read before lists no news",
        "trang danh sách tin bot vẫn đọc trước đây nay không còn hiện danh sách tin nào (có "
        "thể cổng thông tin đã đổi giao diện, hoặc trang chỉ hiện tin bằng JavaScript); cần "
        "báo người phụ trách kỹ thuật của bot",
    ),
    (
        "a web page that is neither",
        "địa chỉ này là một trang web nhưng không phải trang danh sách tin tức hay nguồn tin "
        "RSS/Atom: PORTAL_FEEDS cần địa chỉ nguồn tin RSS của cổng thông tin (ở nút hoặc biểu "
        "tượng RSS trên trang tin tức) hoặc địa chỉ trang danh sách tin tức (chuyên mục tin)",
    ),
    ("the feed has no items", "nguồn tin RSS/Atom không có bài nào"),
    ("a feed item has no page link", "một bài trong nguồn tin RSS/Atom không có liên kết"),
    ("a feed item's page link is not", "một bài trong nguồn tin RSS/Atom có liên kết sai"),
    ("could not write", "không ghi được tệp thông báo"),
    (
        "the data folder",
        "thư mục dữ liệu của bot (DATA_DIR) là một tệp, không phải thư mục; cần sửa cấu hình",
    ),
)
# The import log (wardbot.portal_log) broken: the bot's own file, not the portal.
_LOG_BROKEN = re.compile(rf"\S*{re.escape(IMPORT_LOG)}: (?:cannot be read|not an import log)")
_LOG_BROKEN_VI = (
    f"tệp data/{IMPORT_LOG} (bot ghi nhớ các bài đã nhập) bị hỏng, không đọc được; cổng "
    "thông tin không có lỗi. Cần sửa hoặc xóa tệp này"
)
# The loader's own problems (already in Vietnamese, for staff) follow this.
_REFUSED = "the bot would not serve it: "


# A feed or page sending the bot off the portal's hosts: where to, since a portal that moved
# (wards merged in 2025 send their old portal to the new one's) needs PORTAL_FEEDS changed.
_REDIRECTED = re.compile(r"redirected to (\S+), which is not the portal's host")


def reason_vi(why: str) -> str:
    """A failure's reason in a few Vietnamese words, for admins; the loader's problems
    with the notice as written are passed on as they are."""
    if why.startswith(_REFUSED):
        return why[len(_REFUSED) :]
    if _LOG_BROKEN.match(why):
        return _LOG_BROKEN_VI
    redirected = _REDIRECTED.match(why)
    if redirected:
        return (
            f"trang chuyển sang {redirected[1]}, ngoài cổng thông tin đã cấu hình (nếu đó là địa "
            "chỉ mới của cổng thông tin, cần sửa PORTAL_FEEDS)"
        )
    for start, vietnamese in _REASONS_VI:
        if why.startswith(start):
            return vietnamese
    return "không nhập được"


# Failures of the portal's moment (portal_outcome.passing) that staff must have fixed: a
# bot check, a refused HTTPS connection. Admins are not told the bot's retries will do.
_FIXED_BY_STAFF = ("the portal's HTTPS connection", "a bot check")


def retried_reason(why: str, every_minutes: int, *, feed: bool = False) -> str:
    """A failure's reason for admins (see `reason_vi`), saying that the bot tries again by
    itself every `every_minutes` when the failure is the portal's moment that passes by
    itself (no answer, a server error, a maintenance page), lest they act on it; what
    then comes in: a post, or (`feed`) the feed's news."""
    said = reason_vi(why)
    if not passing(why) or why.startswith(_FIXED_BY_STAFF):
        return said
    then = "tin mới sẽ được nhập" if feed else "bài sẽ được nhập"
    return (
        f"{said} (thường chỉ là trục trặc tạm thời của cổng thông tin); bot tự thử lại khoảng "
        f"{every_minutes} phút một lần, cán bộ không cần làm gì, {then} khi cổng thông tin "
        "trả lời bình thường"
    )


def _bulleted(titles: Sequence[str]) -> str:
    """Notices' titles as an admin note lists them, a line each."""
    return "\n".join(f"• «{title}»" for title in titles)


def imported_note(ward_name: str, titles: Sequence[str]) -> str:
    """The message admins get for the notices one poll imported (one message, however
    many: a feed read for the first time brings up to MAX_FEED_ITEMS)."""
    where = f"từ cổng thông tin của {unit(ward_name)}"
    if len(titles) == 1:
        return f"📥 Đã nhập thông báo mới {where}: «{titles[0]}»."
    listed = _bulleted(titles)
    return f"📥 Đã nhập {len(titles)} thông báo mới {where}:\n{listed}"


def first_read_note(ward_name: str, titles: Sequence[str]) -> str:
    """The message admins get for the notices a feed read for the first time brought (the
    portal's news from before the bot followed it): imported, and no resident alerted."""
    where = f"cổng thông tin của {unit(ward_name)}"
    why = (
        "trước khi bot theo dõi cổng thông tin, nên bot không gửi báo tin cho người dân đã "
        "đăng ký (tránh gửi dồn một lúc nhiều tin cũ); người dân vẫn hỏi bot được về "
        "nội dung {this}. Tin đăng trên cổng từ nay sẽ được báo cho người dân như thường lệ."
    )
    if len(titles) == 1:
        return (
            f"📥 Lần đầu đọc tin từ {where}: đã nhập thông báo «{titles[0]}». Đây là tin đã "
            f"đăng {why.format(this='này')}"
        )
    listed = _bulleted(titles)
    return (
        f"📥 Lần đầu đọc tin từ {where}: đã nhập {len(titles)} thông báo đang có trên cổng:\n"
        f"{listed}\nĐây là các tin đã đăng {why.format(this='các tin này')}"
    )


def replaced_note(ward_name: str, title: str, notice: str, kept: str) -> str:
    """The message admins get when the portal edited an article whose notice staff had
    edited: the follower wrote the portal's version over theirs, keeping theirs aside."""
    return (
        f"✏️ Cổng thông tin của {unit(ward_name)} vừa sửa bài «{title}», nên tệp thông báo "
        f"{notice} (cán bộ đã chỉnh sửa trước đó) đã được thay bằng nội dung mới từ cổng "
        "thông tin.\n"
        f"Bản cán bộ đã sửa được lưu tại {kept}; nếu vẫn cần phần đã chỉnh, vui lòng sửa lại "
        "tệp thông báo."
    )


def withdrawn_note(ward_name: str, titles: Sequence[str]) -> str:
    """The message admins get for the notices whose articles the portal withdrew (404 or
    410 when read again): residents are no longer answered with them."""
    where = f"Cổng thông tin của {unit(ward_name)}"
    kept = f"Bản đã nhập được lưu trong thư mục dữ liệu, {WITHDRAWN_DIR}/."
    if len(titles) == 1:
        return (
            f"🗑️ {where} đã gỡ bài «{titles[0]}», nên bot không còn dùng thông báo này để trả "
            f"lời người dân. {kept}"
        )
    listed = _bulleted(titles)
    return (
        f"🗑️ {where} đã gỡ {len(titles)} bài, nên bot không còn dùng các thông báo này để "
        f"trả lời người dân:\n{listed}\n{kept}"
    )


def restored_note(ward_name: str, titles: Sequence[str]) -> str:
    """The message admins get for the notices whose articles, withdrawn before, the portal
    shows again: residents are answered with them again, and nobody already alerted of
    them is alerted twice (their files keep their names, so their ids)."""
    where = f"Cổng thông tin của {unit(ward_name)}"
    again = "không bị báo lại lần nữa"
    if len(titles) == 1:
        return (
            f"↩️ {where} đã đăng lại bài «{titles[0]}» (trước đó đã gỡ), nên bot lại dùng "
            f"thông báo này để trả lời người dân. Người dân đã nhận tin về bài này {again}."
        )
    listed = _bulleted(titles)
    return (
        f"↩️ {where} đã đăng lại {len(titles)} bài đã gỡ trước đó, nên bot lại dùng các "
        f"thông báo này để trả lời người dân:\n{listed}\nNgười dân đã nhận tin về các bài "
        f"này {again}."
    )


def superseded_note(ward_name: str, title: str, old: str, shown: bool = False) -> str:
    """The message admins get when the portal took a post down whose corrected version,
    posted the same day under its title, stays, or (`shown`) put that version up beside
    it: the notice now reads as the corrected one (its id kept: no second alert; an
    edit's changed numbers go out as a correction)."""
    where = f"Cổng thông tin của {unit(ward_name)}"
    if shown:
        done = (
            f"🔁 {where} đã đăng bản sửa «{title}» của một bài cùng ngày ({old}); bài cũ vẫn "
            "còn trên cổng, nên cán bộ nên gỡ bài cũ để người dân khỏi nhầm."
        )
    else:
        done = f"🔁 {where} đã gỡ một bài đăng cùng ngày ({old}) và giữ bản đã sửa «{title}»."
    return (
        f"{done} Bot trả lời người dân theo bản đã sửa; người dân đã nhận tin về bài cũ "
        "không nhận lại cả thông báo, nếu ngày, giờ hay con số thay đổi thì được gửi tin "
        "đính chính."
    )


def links_alone_note(ward_name: str, notices: Sequence[tuple[str, str]]) -> str:
    """The message admins get for the notices (title, file name) imported from posts that
    are only a scanned page or attached files: residents get the links, but the bot reads
    no words in an image or a file, so it answers no question from them until staff type
    the notice's main lines into its file."""
    where = f"cổng thông tin của {unit(ward_name)}"
    listed = "\n".join(f"• «{title}»: content/{name}" for title, name in notices)
    return (
        f"🖼️ Bài đăng trên {where} chỉ có ảnh chụp hoặc tệp đính kèm, không có chữ:\n"
        f"{listed}\nBot đã nhập và gửi người dân đường dẫn tới ảnh, tệp, nhưng không đọc "
        "được chữ trong đó nên chưa trả lời được câu hỏi về nội dung. Nếu cần, vui lòng gõ "
        "nội dung chính vào tệp thông báo trên."
    )


def failed_note(sources: Sequence[str], why: str) -> str:
    """The message admins get when portal pages or feeds cannot be imported, for one
    reason (one message for the items of a feed failing alike: a portal refusing the bot
    refuses every page)."""
    listed = "\n".join(sources)
    if len(sources) == 1:
        return f"⚠️ Không nhập được tin từ cổng thông tin: {why}.\n{listed}"
    return f"⚠️ Không nhập được {len(sources)} bài từ cổng thông tin: {why}.\n{listed}"


def failed_line(title: str | None, shown: str) -> str:
    """A page or feed in `failed_note`: its address, after the post's title when its feed
    or news list shows one (an address alone does not say which post it is)."""
    return f"«{title}»: {shown}" if title else shown


def recovered_note(ward_name: str, feeds: Sequence[str]) -> str:
    """The message admins get when feeds they were told had failed are read again."""
    listed = "\n".join(feeds)
    return (
        f"✅ Cổng thông tin của {unit(ward_name)} đã đọc được trở lại; tin mới sẽ được nhập "
        f"như bình thường.\n{listed}"
    )


Callback = Callable[..., Awaitable[object] | object]


class FeedFollower:
    """Polls PORTAL_FEEDS every PORTAL_POLL_MINUTES inside `bot.py run`.

    `on_imported(titles)` is called once a poll for the new notices it brought,
    `on_replaced(title, notice, kept)` for each notice staff had edited that the portal's
    edited article replaced (`kept`: where the staff version is), `on_failed(sources, why)`
    (why: a short Vietnamese reason, see `retried_reason`) once a poll for each reason,
    with the sources newly failing so (each is told once per reason until it works
    again), `on_recovered(feeds)`
    once a poll for the feeds admins were told had failed that were read again,
    `on_withdrawn(titles)` once a poll for the notices whose articles the portal withdrew
    (taken out of content/: residents are not sent to a withdrawn notice; one back once
    already, when still withdrawn a poll later: see portal_withdraw.withdraw),
    `on_restored(titles)` once a poll for those of them the portal shows again (notices
    again, under their names; not one whose withdrawal was not told),
    `on_superseded(title, old, shown)` for each post the portal took down whose corrected
    version of the same day stays, or (`shown`) that still shows beside its corrected
    version (`old`: its address, as shown),
    `on_links_alone(notices)` once a poll for its new notices (title, file name) that are
    only a scanned page or files (the bot reads no words in them),
    `on_first_read(titles)` once a poll for the notices of feeds read for the first time,
    remembered as alerted (`note_quietly`: no resident hears of them; without
    `on_first_read`, they are told to `on_imported` with the others); each may
    be a coroutine function. `wait(seconds, stop)` is how it waits between
    polls (injectable: tests trigger polls themselves); `clock` (the epoch's seconds) when
    a feed's failing items are due to be tried again. `note_quietly(refs, now)` (the
    store's) remembers the notices of a feed read for the first time as alerted.
    """

    name = "portal"

    def __init__(
        self,
        settings: Settings,
        *,
        on_imported: Callback | None = None,
        on_failed: Callback | None = None,
        on_replaced: Callback | None = None,
        on_recovered: Callback | None = None,
        on_withdrawn: Callback | None = None,
        on_restored: Callback | None = None,
        on_superseded: Callback | None = None,
        on_links_alone: Callback | None = None,
        on_first_read: Callback | None = None,
        wait: Callable[[float, asyncio.Event], Awaitable[None]] = pause,
        today: Callable[[], dt.date] = vietnam_today,
        fetcher: Callable[[Sequence[str]], Fetcher] = Fetcher,
        note_quietly: Callable[[Sequence[NoticeRef], float], Coroutine[Any, Any, None]]
        | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.feeds = tuple(settings.portal_feeds)
        self.hosts = sorted({host_of(feed) for feed in self.feeds})
        self.interval = settings.portal_poll_minutes * 60.0
        self.on_imported = on_imported
        self.on_failed = on_failed
        self.on_replaced = on_replaced
        self.on_recovered = on_recovered
        self.on_withdrawn = on_withdrawn
        self.on_restored = on_restored
        self.on_superseded = on_superseded
        self.on_links_alone = on_links_alone
        self.on_first_read = on_first_read
        self._quiet: set[str] = set()  # the poll's notices remembered as alerted, by id
        self._withdrawn = 0  # notices withdrawn, as the import log remembers them
        self.wait = wait
        self.today = today
        self.fetcher = fetcher
        self.note_quietly = note_quietly
        self._loop: asyncio.AbstractEventLoop | None = None
        # source -> the reason admins were told; from the first poll on, with what failed
        # before the bot (re)started, as the import log remembers it: they were told then.
        self._failing: dict[str, str] = {}
        self._polled = False
        self._failed_polls = dict.fromkeys(self.feeds, 0)  # feed -> its polls failed in a row
        # feed -> whether the items of it last read were all refused as the portal refuses
        # every page (its feed read all the same): a poll reading none leaves it so.
        self._items_down = dict.fromkeys(self.feeds, False)
        self._running = False
        self._polling = asyncio.Lock()  # the interval's poll and /reload's take turns
        self._telling: set[str] = set()  # the notices (Untold.key) a poll is telling of
        # Set once `run`'s stop is: a poll's thread then makes no new request.
        self._halt = threading.Event()

    def is_running(self) -> bool:
        return self._running

    def failing_feeds(self) -> int:
        """How many feeds failed their last FAILING_POLLS polls."""
        return sum(count >= FAILING_POLLS for count in self._failed_polls.values())

    def healthy(self) -> bool:
        """For /healthz: polling, and no feed failing poll after poll."""
        return self._running and not self.failing_feeds()

    def status(self) -> dict[str, int]:
        """For /healthz: counts only (a feed's address may hold a password or a key)."""
        return {
            "feeds": len(self.feeds),
            "failing": self.failing_feeds(),
            "withdrawn": self._withdrawn,
        }

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set (an error propagates: the supervisor restarts it)."""
        self._running = True
        stopping = asyncio.ensure_future(stop.wait())
        stopping.add_done_callback(self._halted)
        try:
            while not stop.is_set():
                await self.poll()
                await self.wait(self.interval, stop)
        finally:
            self._running = False
            stopping.cancel()

    @property
    def halted(self) -> bool:
        """Whether `run`'s stop came: a poll under way asks the portal nothing more."""
        return self._halt.is_set()

    def _halted(self, stopping: asyncio.Future[Any]) -> None:
        """`stop` is set: a poll under way (this one's, or /reload's) asks nothing more."""
        if not stopping.cancelled():
            self._halt.set()

    async def poll(self, *, every_item: bool = False) -> list[Outcome]:
        """Read every feed once; import what is new; tell admins. `every_item`: the items
        failing are all tried again, not only those due (an admin's /reload)."""
        if not self.feeds:
            return []
        async with self._polling:
            self._loop = asyncio.get_running_loop()
            self._quiet = set()
            # In a thread of its own, not asyncio's: a stop does not wait for a read under
            # way (each request a minute at most, a news list's pages and its articles
            # read one after the other), which would hold the bot past the minute its stop
            # is given. The stop halts it at its next request: what it did not read is
            # read at the next start, nothing of it taken for the portal failing.
            try:
                told, outcomes, items_down, untold, held = await in_thread(
                    functools.partial(self._poll, every_item, not self._polled)
                )
            except Halted:
                log.info("portal: the bot is stopping; the rest of this read waits for its start")
                return []
            if not self._polled:
                self._failing.update(
                    {source: self._reason(source, why) for source, why in told.items()}
                )
                # A feed failing when the bot stopped (a restart, a deployment) is down again
                # at its first poll failing: /healthz does not call a portal down for a day
                # well for the FAILING_POLLS polls after each restart.
                for feed in self.feeds:
                    if feed in told:
                        self._failed_polls[feed] = FAILING_POLLS - 1
                self._polled = True
            # Those another poll is telling admins of now (/reload's beside the interval's)
            # are its to tell: its marks go once they are told.
            untold = [notice for notice in untold if notice.key not in self._telling]
            held = [(key, title) for key, title in held if key not in self._telling]
            telling = {notice.key for notice in untold} | {key for key, _ in held}
            self._telling |= telling
        try:
            failed: dict[str, list[str]] = {}  # why -> the sources newly failing so
            # What earlier polls imported that admins did not hear of (a stop cut them short),
            # first; then this poll's.
            now_new = {o.path.name for o in outcomes if o.action == NEW and o.path is not None}
            earlier = [notice for notice in untold if notice.file not in now_new]
            imported = [n.title for n in earlier if not self._first_read_note(n.first_read)]
            # A feed's news from before it was followed.
            first_read = [n.title for n in earlier if self._first_read_note(n.first_read)]
            withdrawn: list[str] = []
            restored: list[str] = []  # withdrawn before, back on the portal
            unread: list[tuple[str, str]] = []  # new notices of only an image or files
            for outcome in outcomes:
                if outcome.failed:
                    # A feed's address may hold a password or a key: never in logs or chats.
                    shown = shown_address(outcome.source)
                    log.warning("portal: %s: %s", shown, outcome.why)
                    why = self._reason(outcome.source, outcome.why or "")
                    if self._failing.get(outcome.source) != why:
                        self._failing[outcome.source] = why
                        failed.setdefault(why, []).append(failed_line(outcome.title, shown))
                    continue
                self._failing.pop(outcome.source, None)
                if outcome.written or outcome.action == SKIPPED:
                    log.info("portal: %s", outcome.describe())
                if outcome.action == NEW:
                    quiet = outcome.path is not None and outcome.path.stem in self._quiet
                    heard_in = first_read if self._first_read_note(quiet) else imported
                    heard_in.append(outcome.title or str(outcome.path))
                    if outcome.links_alone and outcome.path is not None:
                        unread.append((outcome.title or outcome.path.stem, outcome.path.name))
                elif outcome.action == WITHDRAWN:
                    shown = shown_address(outcome.source)
                    log.warning("portal: %s, at %s", outcome.describe(), shown)
                    if not outcome.quiet:  # (told once it holds a poll)
                        withdrawn.append(outcome.title or str(outcome.path))
                elif outcome.action == UPDATED:
                    title = outcome.title or str(outcome.path)
                    if outcome.back and not outcome.quiet:
                        restored.append(title)
                    if outcome.replaces:
                        old = shown_address(outcome.replaces)
                        beside = outcome.replaces_shown
                        await self._call(self.on_superseded, title, old, beside)
                    if outcome.kept is not None:
                        path, kept = str(outcome.path), str(outcome.kept)
                        await self._call(self.on_replaced, title, path, kept)
            heard = {True: True, False: True}  # first-read note or not -> admins were told
            if imported:
                heard[False] = await self._call(self.on_imported, imported)
            if first_read:
                heard[True] = await self._call(self.on_first_read, first_read)
            # (Not heard: told at the next poll. The notice's alert is the content watcher's.)
            keys = [n.key for n in untold if heard[self._first_read_note(n.first_read)]]
            # (Between another poll's read of the marks and its look at `_telling`: never.)
            async with self._polling:
                await self._noted(keys, UNTOLD, "imported")
                self._telling -= {notice.key for notice in untold}
            # Withdrawn again at an earlier poll, and still: told now (see GONE_UNTOLD).
            withdrawn += [title for _, title in held]
            if withdrawn and await self._call(self.on_withdrawn, withdrawn) and held:
                async with self._polling:  # (as the imported's marks)
                    await self._noted([key for key, _ in held], GONE_UNTOLD, "withdrawn")
            if restored:
                await self._call(self.on_restored, restored)
            if unread:
                await self._call(self.on_links_alone, unread)
            for why, sources in failed.items():
                await self._call(self.on_failed, sources, why)
            # A feed that answered again (even "not modified") is no longer failing. A feed's
            # own failure counts against the portal, not one of its items' pages; but every
            # item read refused as the portal refuses every page (401, 403, a bot check, a
            # server error) does: the feed is read, and nothing can be imported.
            feeds_failed = {o.source for o in outcomes if o.failed}
            self._items_down.update(items_down)
            recovered = []  # the feeds admins were told had failed, read again
            for feed in self.feeds:
                # (Not while every article it lists is refused, behind a captcha say: its news
                # is not "imported as usual", and admins were just told why.)
                up = feed not in feeds_failed and not self._items_down[feed]
                if up and self._failing.pop(feed, None) is not None:
                    recovered.append(shown_address(feed))
                if feed in feeds_failed or self._items_down[feed]:
                    self._failed_polls[feed] += 1
                else:
                    self._failed_polls[feed] = 0
            if recovered:
                await self._call(self.on_recovered, recovered)
            return outcomes
        finally:
            self._telling -= telling

    async def _noted(self, keys: list[str], mark: str, what: str) -> None:
        """Admins heard of the notices of the articles at `keys`: their `mark` goes from
        the import log (see portal_log.mark_told; `what`: they were, for the log)."""
        try:
            await in_thread(functools.partial(mark_told, self.settings.data_dir, keys, mark))
        except (ImportLogError, OSError) as exc:
            log.warning("portal: could not note that admins heard of the %s: %s", what, exc)

    def _reason(self, source: str, why: str) -> str:
        """A failure of `source` as admins are told of it (see `retried_reason`): a feed is
        read again at each poll, an item failing again every RETRY_AFTER at most (at a
        poll: not more often than they come)."""
        feed = source in self.feeds
        every = self.interval if feed else max(self.interval, RETRY_AFTER)
        return retried_reason(why, round(every / 60), feed=feed)

    def _first_read_note(self, first_read: bool) -> bool:
        """Whether a notice imported is told in the first read's note (else as imported)."""
        return first_read and self.on_first_read is not None and self.note_quietly is not None

    def _poll(
        self, every_item: bool, first: bool
    ) -> tuple[dict[str, str], list[Outcome], dict[str, bool], list[Untold], list[tuple[str, str]]]:
        """(In a thread.) What failed before the poll (`first`: else nothing), what this
        poll brought, Importer.items_down, the notices imported admins have not heard of
        (this poll's, and those of a poll a stop cut short: see portal_log.UNTOLD), and
        those withdrawn again at an earlier poll, still withdrawn, admins have not heard
        of ((address, title): see portal_log.GONE_UNTOLD)."""
        fetcher = self.fetcher(self.hosts)
        fetcher.halted = self._halt.is_set
        importer = Importer(
            self.settings,
            today=self.today,
            fetcher=fetcher,
            on_backlog=self._quietly if self.note_quietly else None,
            clock=self.clock,
            untold=True,
        )
        with importer:
            failing = importer.failing(self.feeds) if first else {}
            outcomes = importer.follow(self.feeds, every_item=every_item)
            self._withdrawn = importer.withdrawn()
            try:
                book = ImportLog.load(self.settings.data_dir / IMPORT_LOG)
            except ImportLogError:
                return failing, outcomes, importer.items_down, [], []  # (each poll says so)
            now_gone = {page_key(o.source) for o in outcomes if o.action == WITHDRAWN}
            held = [
                (key, title) for key, title in book.gone_untold() if page_key(key) not in now_gone
            ]
            return failing, outcomes, importer.items_down, book.untold(), held

    def _quietly(self, notice: Announcement) -> None:
        """(In the poll's thread, before the notice's file is written.) A feed read for the
        first time: what it lists is no news to subscribers, however recent (one alert per
        item at once, weeks of them), as the notices there when the bot is installed."""
        assert self.note_quietly is not None and self._loop is not None
        if self._halt.is_set():  # the database may be closing: the notice waits, unwritten
            raise Halted
        ref = NoticeRef(notice.id, notice.topics, False, notice.title, notice.date.isoformat())
        remembered = asyncio.run_coroutine_threadsafe(
            self.note_quietly([ref], time.time()), self._loop
        )
        remembered.result(timeout=QUIET_TIMEOUT)
        self._quiet.add(notice.id)

    @staticmethod
    async def _call(callback: Callback | None, *args: object) -> bool:
        """Whether admins were told (or there is nobody to tell)."""
        if callback is None:
            return True
        try:
            result = callback(*args)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("portal: telling admins failed")
            return False
        return True
