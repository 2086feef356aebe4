"""From a ward portal's news page to an announcement: text encoding, article, title, date.

- Encoding. Vietnamese portals still serve Windows-1258 (tone marks as separate combining
  characters), label pages wrongly (ISO-8859-1 for a Windows-1258 page), or store
  decomposed Unicode. Neither httpx (0.28: the header's charset, else UTF-8) nor trafilatura
  (UTF-8, else charset-normalizer's guess; never the declared charset) settle this, so
  `decode_html` does: valid UTF-8 wins, and so does UTF-8 with a few bad bytes replaced
  when the page is overwhelmingly UTF-8 (a title cut mid-character must not turn the
  whole page into mojibake); otherwise the declared charsets, Windows-1258 and
  charset-normalizer's guess are each tried and the reading with the fewest impossible
  Vietnamese words is kept. Everything comes out NFC.
- The article: trafilatura finds the main text and the title. What it leaves of
  the page's furniture is cleaned here line by line: image file names, "(0)" ratings,
  "Thông tin khác" / "Tin liên quan" lists and what follows them, visit counters (within a
  meta line too: a page fetched again is not an edited notice for its visits), share
  buttons, comment forms, the site's footer when it sits inside the article's block
  (copyright, then the site's name and contact lines above it), the date line itself,
  repeated paragraphs. A link to a file (PDF, Word...) keeps its address in the text; a
  page with no text but its files, or its images (a scanned notice), is that notice.
- The date is the article's, never one from the page around it (the site footer's
  "Cập nhật: ...", a sidebar, the other-news lists): the page's metadata (meta tags,
  JSON-LD, a dated address; htmldate reading the <head> only), else what the article's
  zone (the smallest element holding its title and its text, furniture removed) shows: a
  "Ngày đăng bài: 07/10/2019" line, a dateline over the text ("Thứ Sáu, ngày 15 tháng 3
  năm 2024", "08:30 | Thứ Sáu, 15/03/2024", "Thứ Sáu, 15/03/2024 - 08:30 (GMT+7)"), a
  date its markup marks (<time>, class="date"), a "Cập nhật: ..." line; else a date line
  at the top of the article's text ("08/7/2024"), else a feed item's date, else how long
  ago a line over the text says it was posted ("2 giờ trước"), else the first date in its
  opening ("Chiều ngày 07/7/2022").
"""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.html
import trafilatura
from charset_normalizer import from_bytes
from htmldate import find_date
from lxml.etree import ParserError

from wardbot.hours import vietnam_today
from wardbot.portal_fetch import is_web_address
from wardbot.staff_read import without_hidden_breaks

# ------------------------------------------------------------------------ encodings

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SHAPE_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex, breve, horn
_WORD = re.compile(r"[^\W\d_]+")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its own <meta> tags, if any."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def decode_html(data: bytes, declared: str | None = None) -> str:
    """A page's bytes as NFC text; `declared` is the charset the HTTP header named."""
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    mended = _mostly_utf8(data)
    if mended is not None:
        return unicodedata.normalize("NFC", mended)
    names = [declared, declared_charset(data), "cp1258"]
    guess = from_bytes(data[:20000]).best()
    if guess is not None:
        names.append(guess.encoding)
    names.append("cp1252")
    best: tuple[int, str] | None = None
    tried: set[str] = set()
    for name in names:
        codec = _codec(name)
        if codec is None or codec in tried:
            continue
        tried.add(codec)
        try:
            text = unicodedata.normalize("NFC", data.decode(codec))
        except UnicodeDecodeError:
            continue
        score = implausible_words(text)
        if best is None or score < best[0]:
            best = (score, text)
    if best is None:  # every reading failed: keep what can be kept
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    return best[1]


# A page this much UTF-8 (valid multi-byte characters per invalid byte sequence) is UTF-8
# with a few stray bytes (a title cut mid-character, a pasted Windows-1252 quote).
UTF8_SHARE = 20


def _mostly_utf8(data: bytes) -> str | None:
    """The page as UTF-8 with its bad bytes replaced (U+FFFD), when it is overwhelmingly
    UTF-8: a Windows-1258 page almost never holds a valid multi-byte UTF-8 sequence, while
    one stray byte in a UTF-8 page would otherwise turn it all into mojibake."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for ch in text if ch > "\x7f") - text.count("\ufffd")
    return text if invalid > 0 and valid >= UTF8_SHARE * invalid else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def implausible_words(text: str) -> int:
    """How many words could not be Vietnamese (nor plain ASCII): two tone marks on one
    word, letters outside the Vietnamese alphabet (ð, Þ, Cyrillic...), C1 controls, U+FFFD.
    A wrong single-byte reading of a Vietnamese page scores high; the right one near zero."""
    bad = sum(1 for ch in text if ch == "\ufffd" or "\x80" <= ch <= "\x9f")
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        tones = 0
        for ch in unicodedata.normalize("NFD", word):
            if ch in _TONE_MARKS:
                tones += 1
            elif ch in _SHAPE_MARKS or ch.isascii() or ch in "đĐ":
                continue
            else:
                bad += 1
                break
        else:
            bad += tones > 1
    return bad


# -------------------------------------------------------------------------- dates

_DMY = r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
# "ngày 15 tháng 3 năm 2024", "15 tháng 03 năm 2024", "Ngày 15 tháng 3, 2024"
_LONG = r"(?:ngày\s+)?(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,?\s+năm\s+|,\s*)(\d{4})(?!\d)"
_DAY = rf"(?:{_DMY}|{_LONG})"
_ANY_DATE = re.compile(_DAY, re.I)
# What may stand beside the date in a dateline: "Thứ Sáu", "08:30", "8h30", "(GMT+7)".
_WEEKDAY = r"(?:thứ\s+(?:[2-7]|[^\W\d_]+)|chủ\s+nhật|cn)"
_TIME = r"(?:\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*(?:am|pm|sa|ch))?)"
_ZONE = r"(?:\(?\s*(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?)"
_SEP = r"\s*[,|–—-]?\s*"
# A date with the weekday and the time around it, in the orders the portals use:
# "Thứ Hai, 08/7/2024 10:15", "08:30 | Thứ Sáu, 15/03/2024", "Thứ Sáu, 15/03/2024 - 08:30
# (GMT+7)", "Thứ Sáu, ngày 15 tháng 3 năm 2024".
_DATELINE = (
    rf"(?:{_TIME}{_SEP})?(?:{_WEEKDAY}{_SEP})?(?:{_TIME}{_SEP})?(?:ngày\s+)?{_DAY}"
    rf"(?:{_SEP}{_TIME})?(?:\s*{_ZONE})?"
)
# ... alone on its line, maybe in brackets: "(15/03/2024)".
_DATE_LINE = re.compile(rf"^\s*[(\[]?\s*{_DATELINE}\s*[)\]]?\s*$", re.I)
# "Ngày đăng bài: 07/10/2019", "Đăng ngày 15/10/2021", "Ngày đăng tin: ..." (not "Ngày đăng
# ký", registration), "Đăng lúc: 08:30 15/03/2024", "Ngày đăng: ngày 15 tháng 3 năm 2024"
_POSTED_LABEL = (
    r"(?:ngày\s+đăng(?:\s+bài|\s+tin)?(?!\s*k[ýí])|đăng\s+ngày|đăng\s+lúc|ngày\s+xuất\s+bản)"
)
_UPDATED_LABEL = r"(?:ngày\s+cập\s+nhật|cập\s+nhật(?:\s+lúc|\s+ngày)?)"
# The label, maybe a few words ("Thứ Sáu, ", "lúc "), maybe the time, then the date.
_AFTER_LABEL = rf"\s*:?\s*(?:[^\d\n]{{0,25}}?)(?:{_TIME}{_SEP})?{_DAY}"
_POSTED = re.compile(_POSTED_LABEL + _AFTER_LABEL, re.I)
_UPDATED = re.compile(_UPDATED_LABEL + _AFTER_LABEL, re.I)
_EARLIEST = dt.date(1990, 1, 1)


def _date(day: str, month: str, year: str, today: dt.date) -> dt.date | None:
    try:
        found = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if possible_date(found, today) else None


def possible_date(day: dt.date, today: dt.date) -> bool:
    """A day the ward could have posted on: not before 1990, not after tomorrow."""
    return _EARLIEST <= day <= today + dt.timedelta(days=1)


def _first(pattern: re.Pattern[str], text: str, today: dt.date) -> dt.date | None:
    for match in pattern.finditer(text):
        day, month, year = [g for g in match.groups() if g is not None][-3:]
        found = _date(day, month, year, today)
        if found is not None:
            return found
    return None


def text_date(text: str, today: dt.date) -> dt.date | None:
    """The first date written the Vietnamese way in `text` ("12/03/2024 06:20")."""
    return _first(_ANY_DATE, text, today)


# A "Ngày đăng ..." line longer than this is prose ("... văn bản đăng ngày 10/01/2024 ..."),
# not the page saying when it posted the article.
META_LINE_WORDS = 16


def posted_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The date the article says it was posted ("Ngày đăng bài: 07/10/2019")."""
    return _labelled(_POSTED, lines, today)


def updated_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The date the article says it was last updated ("Cập nhật: 07/10/2019")."""
    return _labelled(_UPDATED, lines, today)


def _labelled(pattern: re.Pattern[str], lines: Iterable[str], today: dt.date) -> dt.date | None:
    for line in lines:
        if len(line.split()) <= META_LINE_WORDS:
            found = _first(pattern, line, today)
            if found is not None:
                return found
    return None


# How long ago the page says the article was posted ("2 giờ trước", "Đăng 3 ngày trước",
# "cách đây 5 phút"): what some portals show for their newest articles instead of a date.
_AGO_DAYS = {"giây": 0, "phút": 0, "giờ": 0, "ngày": 1, "tuần": 7, "tháng": 30, "năm": 365}
_AGO_UNIT = "(giây|phút|giờ|ngày|tuần|tháng|năm)"
_AGO_LINE = re.compile(
    r"^(?:(?:ngày\s+)?đăng(?:\s+lúc)?\s*:?\s*)?"
    rf"(?:cách\s+đây\s+(\d+)\s+{_AGO_UNIT}(?:\s+trước)?|(\d+)\s+{_AGO_UNIT}\s+trước)$",
    re.I,
)


def ago_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The day a meta line's "2 giờ trước" or "Đăng 3 ngày trước" says (minutes and hours:
    today), its line alone or a part of it ("Tác giả: Minh Tú | 2 giờ trước")."""
    for line in lines:
        if len(line.split()) > META_LINE_WORDS:
            continue
        for part in _META_SEPARATOR.split(line)[::2]:
            found = _AGO_LINE.match(" ".join(part.strip(" ()[]").split()))
            if found is not None:
                count, unit = [g for g in found.groups() if g is not None]
                return today - dt.timedelta(days=int(count) * _AGO_DAYS[unit.lower()])
    return None


def opening_date(paragraphs: list[str], today: dt.date) -> dt.date | None:
    """A date line at the top of the article, else the first date in its first two
    paragraphs ("Chiều ngày 07/7/2022, ...", "Ngày 08/7/2024, ...")."""
    found = dateline_date(paragraphs[:3], today)
    if found is not None:
        return found
    prose = [p for p in paragraphs if not _DATE_LINE.match(p)]
    return _first(_ANY_DATE, "\n".join(prose[:2]), today)


# -------------------------------------------------------------------- the article


class NotAnArticle(Exception):
    """The page holds no article that can become an announcement; `why` says what lacks."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class Article:
    title: str
    date: dt.date
    paragraphs: tuple[str, ...]  # NFC, furniture removed; a list item starts with '- '
    url: str | None = None  # the page's own address when it names one (canonical, og:url)

    @property
    def body(self) -> str:
        """Markdown: paragraphs apart, list items of one list together."""
        out: list[str] = []
        for paragraph in self.paragraphs:
            if out and paragraph.startswith("- ") and out[-1].startswith("- "):
                out[-1] += "\n" + paragraph
            else:
                out.append(paragraph)
        return "\n\n".join(out)


# A paragraph with this many words makes a page an article; a list of links does not.
MIN_PROSE_WORDS = 12

# What an error, maintenance or login page is titled, though the portal answers it with
# 200 OK ("Không tìm thấy trang", "404 - Page not found", "Hệ thống đang bảo trì", "Đăng
# nhập"). Imported, it would be a notice, and the article, once the portal shows it, would
# never be read again: the feed item is remembered as imported.
_ERROR_TITLE = re.compile(
    r"^(?:(?:lỗi|error|http)\s*)?[45]\d\d(?:\s*[-:–|]?\s*(?:not found|page not found|forbidden|"
    r"error|internal server error|lỗi\b.*|không tìm thấy\b.*))?$|"
    r"^(?:page |file )?not found$|"
    r"^không (?:tìm thấy|tồn tại) (?:trang|bài viết|nội dung|dữ liệu|đường dẫn|kết quả)\b|"
    r"^(?:trang|bài viết|nội dung|đường dẫn)(?: bạn (?:yêu cầu|tìm|truy cập|tìm kiếm))? "
    r"(?:không tồn tại|không tìm thấy|đã bị xóa|đã bị xoá|không còn tồn tại)\b|"
    r"^đã (?:xảy|có) ra lỗi\b|^(?:có )?lỗi(?: hệ thống| xảy ra)?$|^error$|"
    r"^(?:server|runtime|application|internal server|system|database) error\b|"
    r"^(?:hệ thống|website|trang web|trang thông tin|cổng thông tin)(?: điện tử)? (?:đang )?"
    r"(?:bảo trì|nâng cấp)\b|^(?:đang bảo trì|under maintenance)\b|"
    r"^(?:đăng nhập|login|log in|sign in)(?: vào)?(?: hệ thống)?(?: quản trị)?$|"
    r"^(?:truy cập bị từ chối|access denied|forbidden|bạn không có quyền)\b",
    re.I,
)
ERROR_TITLE_WORDS = 12  # an article's title may start so; an error page's is short
# Those of them saying the page asked for is not there (a withdrawn article, at many portals).
_NOT_FOUND_TITLE = re.compile(
    r"^(?:(?:lỗi|error|http)\s*)?(?:404|410)(?:\s*[-:–|]?\s*(?:not found|page not found|"
    r"lỗi\b.*|không tìm thấy\b.*))?$|^(?:page |file )?not found$|"
    r"^không (?:tìm thấy|tồn tại) (?:trang|bài viết|nội dung|dữ liệu|đường dẫn)\b|"
    r"^(?:trang|bài viết|nội dung|đường dẫn)(?: bạn (?:yêu cầu|tìm|truy cập|tìm kiếm))? "
    r"(?:không tồn tại|không tìm thấy|đã bị xóa|đã bị xoá|không còn tồn tại)\b",
    re.I,
)
# What a firewall's or a bot check's page is titled (a captcha, a browser check), answered
# with 200 OK in place of the page asked: the portal keeps the bot out, whatever its address.
_BOT_CHECK_TITLE = re.compile(
    r"^(?:just a moment\b|attention required\b|one more step\b|checking your browser\b|"
    r"ddos[- ]guard\b|ddos protection\b|security check$|request rejected$|captcha\b|"
    r"(?:are you a robot|verify (?:that )?you are (?:a )?human)\b|"
    r"(?:vui lòng )?(?:xác (?:minh|nhận|thực)|chứng minh) (?:rằng )?(?:bạn )?không phải (?:là )?"
    r"(?:người máy|robot)\b|(?:mã )?xác (?:minh|thực|nhận) captcha\b|"
    r"kiểm tra (?:bảo mật|trình duyệt)$)",
    re.I,
)


def _error_page(*titles: str | None) -> str | None:
    """The title that shows the page is an error, maintenance, login or bot check page, if
    one does."""
    for title in titles:
        shown = " ".join((title or "").split())
        if not shown or len(shown.split()) > ERROR_TITLE_WORDS:
            continue
        if _ERROR_TITLE.match(shown) or _BOT_CHECK_TITLE.match(shown):
            return shown
    return None


def not_found_page(html: str) -> str | None:
    """The title (<title> or first <h1>) showing a page answered 200 OK says the page
    asked for is not there ("Bài viết không tồn tại", "404 - Page not found"), if one does."""
    error = error_page(html)
    return error if error and _NOT_FOUND_TITLE.match(error) else None


def error_why(title: str, instead_of: str) -> str:
    """Why a page whose `title` is an error page's (see `_error_page`) is not `instead_of`
    ("an article", "a feed"), as the importer's outcomes say it."""
    if _BOT_CHECK_TITLE.match(title):
        return f"a bot check (captcha) page, not {instead_of} («{title}»)"
    return f"an error, maintenance or login page, not {instead_of} («{title}»)"


def parse_html(html: str) -> lxml.html.HtmlElement:
    """A decoded page's tree (its own <meta charset> is not read again). A control
    character in its text (Word's line break, a vertical tab, pasted into the portal's
    editor; typed or as `&#11;`) is read as a space, as in staff files: the article
    extractor would take a page holding one for a page with no article."""
    tree = lxml.html.document_fromstring(
        html.encode("utf-8", "surrogatepass"),
        parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True),
    )
    for node in tree.iter():
        if node.text and (spaced := without_hidden_breaks(node.text)) != node.text:
            node.text = spaced
        if node.tail and (spaced := without_hidden_breaks(node.tail)) != node.tail:
            node.tail = spaced
    return tree


def error_page(html: str) -> str | None:
    """The title (<title> or first <h1>) showing a page is an error, maintenance or login
    page, if one does: such a page where a feed should be is a moment of the portal's."""
    try:
        tree = parse_html(html)
    except (ParserError, ValueError):
        return None
    return _error_page(tree.findtext(".//title"), tree.findtext(".//h1"))


def extract_article(
    html: str,
    *,
    url: str | None = None,
    today: dt.date | None = None,
    fallback_date: dt.date | None = None,
) -> Article:
    """The news article in a page (already decoded); NotAnArticle when there is none.

    `fallback_date` (a feed item's date) is used when the page shows no date of its own
    (metadata, a dateline, a date line over the text): before the first date its text
    cites, which is often an older plan's or an event's.
    """
    today = today or vietnam_today()
    try:
        return _extract(html, url, today, fallback_date, images=False)
    except NotAnArticle as exc:
        if not exc.why.startswith(_NO_TEXT):
            raise
        # A notice posted as a scanned page (its title, its date, the image): its images.
        try:
            return _extract(html, url, today, fallback_date, images=True)
        except NotAnArticle:
            raise exc from None


_NO_TEXT = "no article found on the page"  # no text, or only menus, lists, links


def _extract(
    html: str, url: str | None, today: dt.date, fallback_date: dt.date | None, *, images: bool
) -> Article:
    """extract_article; `images`: the article's images given as its files are."""
    try:
        tree = parse_html(html)
    except (ParserError, ValueError):
        raise NotAnArticle("not an HTML page") from None
    title_hint = _heading_title(tree)
    drop_other_news(tree)
    attachments = _show_attachments(tree, url)
    if images:
        attachments += _show_images(tree, url)
    page = copy.deepcopy(tree)  # for the date: trafilatura prunes the tree it reads
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False},  # not used: see metadata_date
    )
    text = "" if document is None or isinstance(document, dict) else (document.text or "")
    if document is None or isinstance(document, dict) or not text.strip():
        error = _error_page(page.findtext(".//title"), page.findtext(".//h1"))
        raise NotAnArticle(error_why(error, "an article") if error else _NO_TEXT)
    title = _clean_title(title_hint or document.title or "", document.sitename)
    if not title:
        raise NotAnArticle("the article has no title")
    page_title = page.findtext(".//title")
    error = _error_page(title, page_title and _clean_title(page_title, document.sitename))
    if error:
        raise NotAnArticle(error_why(error, "an article"))
    paragraphs = clean_paragraphs(text.splitlines(), title)
    prose = any(len(p.split()) >= MIN_PROSE_WORDS and not p.startswith("- ") for p in paragraphs)
    if not prose and not _only_attached(paragraphs, attachments):
        raise NotAnArticle("no article found on the page (only menus, lists or links)")
    if _teasers(page, paragraphs):
        raise NotAnArticle("no article found on the page (a list of articles)")
    start, end = _other_news_at_end(page, paragraphs, url)
    paragraphs = paragraphs[:start] + paragraphs[end:]
    date = metadata_date(page, url, today)
    if date is None:
        zone = article_zone(page, title, paragraphs)
        date = (
            posted_date(zone.lines, today)
            or dateline_date(zone.head, today)
            or _marked_date(zone.root, title, today)
            or updated_date(_without_site_footer_lines(zone.lines, paragraphs), today)
            or dateline_date(_raw_paragraphs(text)[:3], today)
            or fallback_date  # before a date the text cites ("Kế hoạch ... ngày 20/01/2024")
            or ago_date(zone.head, today)  # "2 giờ trước", over the text
            or opening_date(_raw_paragraphs(text), today)
        )
    if date is None:
        raise NotAnArticle("no publication date found (metadata, 'Ngày đăng', or the text)")
    paragraphs = [p for p in paragraphs if not _DATE_LINE.match(p)]
    own_url = document.url if document.url and document.url != url else None
    return Article(title, date, tuple(paragraphs), own_url or url)


# A file a notice's details are in ("Chi tiết xem file đính kèm", "Tệp đính kèm: QD-12.pdf"):
# the text keeps only a link's words, and a resident would be sent to a file with no address.
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|zip|rar|7z)$", re.I)
# What stays as it is in an attachment's address (the rest percent-encoded: a space or a
# bracket would end the address in the notice's text).
_ADDRESS_SAFE = "/:?=&%#@+,;~!$"


def _web_address(url: str | None, ref: str) -> tuple[str, str] | None:
    """A link's or an image's `ref` on the page at `url` as an address to give in the text
    (absolute, percent-encoded, without its #fragment), with its path as written; None
    when there is none to give (a saved page's relative link, mailto:, data:)."""
    try:
        target = urljoin(url or "", ref.strip())
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    return quote(target.split("#", 1)[0], safe=_ADDRESS_SAFE), unquote(parts.path)


def _show_attachments(tree: lxml.html.HtmlElement, url: str | None) -> list[str]:
    """Each link to a file (PDF, Word, Excel...) becomes its words and its address, "xem
    file đính kèm (https://.../lich.pdf)", or its address alone when its words are only the
    file's name; a saved page's relative link (no address to give) is left as it was.
    The addresses shown."""
    shown: list[str] = []
    for link in list(tree.iter("a")):
        found = _web_address(url, link.get("href") or "")
        if found is None or not _ATTACHMENT.search(found[1]):
            continue
        address = found[0]
        words = " ".join(link.text_content().split())
        named = not words or _ATTACHMENT.search(words) or is_web_address(words)
        for child in list(link):
            link.remove(child)
        link.text = address if named else f"{words} ({address})"
        link.drop_tag()
        shown.append(address)
    return shown


# Images that are the page's, not an article's: the logo, banners, advertisements, icons.
_SITE_IMAGE = re.compile(r"logo|banner|icon|advert|quang-?cao|button|\bnut|rss|spacer", re.I)
SCAN_SHOWN = "Xem ảnh thông báo"


def _show_images(tree: lxml.html.HtmlElement, url: str | None) -> list[str]:
    """Each image of the page outside its furniture (menus, sidebars, footer, banners)
    becomes a paragraph giving its address, "Xem ảnh thông báo: https://.../tb-12.jpg", for
    a notice posted as a scanned page. The addresses shown."""
    shown: list[str] = []
    for image in list(tree.iter("img")):
        src = image.get("src") or ""
        found = _web_address(url, src)
        marks = f"{src} {image.get('alt', '')} {image.get('class', '')} {image.get('id', '')}"
        parent = image.getparent()
        if (
            parent is None
            or found is None
            or _SITE_IMAGE.search(marks)
            or any(_is_furniture(a) or a.tag == "header" for a in image.iterancestors())
            or any(a.tag == "a" and links_a_page(a) for a in image.iterancestors())
        ):
            continue  # the site's, or a list's thumbnail leading to another article
        # A small image linking to its full size: the link is what is given.
        larger = _web_address(url, parent.get("href") or "") if parent.tag == "a" else None
        if larger is not None and parent.getparent() is not None:
            image, parent, found = parent, parent.getparent(), larger
        paragraph = lxml.html.Element("p")
        paragraph.text = f"{SCAN_SHOWN}: {found[0]}"
        paragraph.tail = image.tail
        parent.replace(image, paragraph)
        shown.append(found[0])
    return shown


def links_a_page(link: lxml.html.HtmlElement) -> bool:
    """Whether a link leads to a page (another article), not to an image or a file."""
    path = urlsplit(link.get("href") or "").path
    return not (_ATTACHMENT.search(path) or _IMAGE_NAME.match(path.rsplit("/", 1)[-1]))


# An article may be its title, its date and the file the notice is in ("Xem file đính kèm"):
# a page of a few such files is one; a list of documents, more, is not.
ATTACHED_AT_MOST = 3


def _only_attached(paragraphs: list[str], addresses: list[str]) -> bool:
    """Whether the text, with no paragraph of prose, is the notice's attached files: a
    paragraph of its own (not a list's item) gives one, and at most ATTACHED_AT_MOST are
    given."""
    given = [a for a in dict.fromkeys(addresses) if any(a in p for p in paragraphs)]
    alone = any(a in p for a in given for p in paragraphs if not p.startswith("- "))
    return alone and len(given) <= ATTACHED_AT_MOST


# Prose paragraphs, each in a block of its own under a link to its article (five words
# or more: a title), make the page a list of articles (a category page), not an article.
TEASERS = 3


def _teasers(page: lxml.html.HtmlElement, paragraphs: list[str]) -> bool:
    """Whether the page's text is the teasers of a list of articles: its first prose
    paragraph, and most of the others, each in their own block after the link to their
    article. (An article's paragraphs share their block, whatever links the text holds;
    a list of other news after it does not start the text.)"""
    body = page.find("body")
    root = body if body is not None else page
    prose = [p for p in paragraphs if len(p.split()) >= MIN_PROSE_WORDS and p[:2] != "- "]
    # The blocks themselves, not their id(): lxml makes an element's Python object anew
    # once none is held, and a freed object's id is soon another's.
    blocks: list[lxml.html.HtmlElement] = []
    for paragraph in prose:
        element = _element_with_text(root, paragraph[:_PROBE_CHARS])
        parent = element.getparent() if element is not None else None
        if element is None or parent is None or element is root:
            continue
        if _title_links(element):
            if not any(parent is block for block in blocks):
                blocks.append(parent)
        elif not blocks:
            return False  # the text starts with a paragraph of an article
    return len(blocks) >= TEASERS and 2 * len(blocks) > len(prose)


def _title_links(element: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The links (five words or more: a title) in the elements before `element` in its
    block: a teaser's, when `element` is the first lines of the article they name."""
    return [
        link
        for before in element.itersiblings(preceding=True)
        if isinstance(before.tag, str)
        for link in before.iter("a")
        if len(link.text_content().split()) >= 5
    ]


def same_site(host: str, own: str) -> bool:
    """Whether two host names are one site: the same, or one the other's www. twin."""
    return host.removeprefix("www.") == own.removeprefix("www.")


def _other_article(link: lxml.html.HtmlElement, url: str | None) -> bool:
    """Whether a link leads to another page of the site the page at `url` is on (a saved
    page, of unknown address: a link within its site, without a host)."""
    href = (link.get("href") or "").strip()
    try:
        target, here = urlsplit(urljoin(url or "", href)), urlsplit(url or "")
        host, own = target.hostname or "", here.hostname or ""
    except ValueError:
        return False
    if not href or href.startswith("#") or target.scheme not in ("", "http", "https"):
        return False
    if not same_site(host, own):
        return False
    return bool(target.path.strip("/")) and target.path.rstrip("/") != here.path.rstrip("/")


def _other_news_at_end(
    page: lxml.html.HtmlElement, paragraphs: list[str], url: str | None
) -> tuple[int, int]:
    """Where a list of the site's other articles is at the end of the text (start, end),
    when no heading ("Tin liên quan") announced it (else nowhere: (len, len)): TEASERS or
    more blocks side by side in one container, each a title linking to another page of
    the site and the first lines of that article (its title and date may be lines of the
    text too). Short lines after the list (a byline) are not in it; the article's own
    lines before it end it, whatever they link to (its paragraphs share their block)."""
    body = page.find("body")
    root = body if body is not None else page
    blocks: list[lxml.html.HtmlElement] = []
    start = end = len(paragraphs)
    for index in range(len(paragraphs) - 1, -1, -1):
        paragraph = paragraphs[index]
        element = _element_with_text(root, paragraph[:_PROBE_CHARS])
        parent = element.getparent() if element is not None else None
        if element is None or parent is None or element is root:
            if blocks or len(paragraph.split()) >= MIN_PROSE_WORDS:
                break
            continue
        if any(block in element.iterancestors() for block in blocks):
            start = index  # a teaser's title or date
            continue
        links = _title_links(element)
        listed = not blocks or parent.getparent() is blocks[0].getparent()
        if links and listed and all(_other_article(link, url) for link in links):
            blocks.append(parent)
            start, end = index, end if blocks[1:] else index + 1
            continue
        if blocks or len(paragraph.split()) >= MIN_PROSE_WORDS:
            break
    kept = paragraphs[:start]
    article = any(len(p.split()) >= MIN_PROSE_WORDS and p[:2] != "- " for p in kept)
    if len(blocks) >= TEASERS and article:
        return start, end
    return len(paragraphs), len(paragraphs)


def _parse_iso(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------- where the date is read

# Elements that start a new line of text; the others (a, span, b, td...) run on.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tr ul".split()
)
# The page around an article: never where its date is read.
_FURNITURE_TAGS = frozenset({"footer", "aside", "nav"})
_FURNITURE_MARK = re.compile(r"footer|sidebar|widget|menu|navbar|banner", re.I)
_PROBE_CHARS = 60  # how much of the article's first paragraph finds it on the page


@dataclass(frozen=True)
class Zone:
    """The part of the page that is the article: its title, its dateline, its text."""

    root: lxml.html.HtmlElement
    lines: tuple[str, ...]
    head: tuple[str, ...]  # the lines before the article's text: title, dateline, author


def dateline_date(lines: Iterable[str], today: dt.date) -> dt.date | None:
    """The date of a line that is only a date ("Thứ Sáu, ngày 15 tháng 3 năm 2024")."""
    for line in lines:
        if _DATE_LINE.match(line):
            found = _first(_ANY_DATE, line, today)
            if found is not None:
                return found
    return None


def article_zone(page: lxml.html.HtmlElement, title: str, paragraphs: list[str]) -> Zone:
    """The smallest element holding both the article's title and its text, without the
    page furniture inside it (site footer, sidebars, menus; the other-news lists are gone
    already): where the date the page shows for the article is. A "Cập nhật: ..." in the
    site footer, a sidebar's "Đăng ngày ..." or the date of a related article is not it.
    """
    body = page.find("body")
    root = body if body is not None else page
    prose = [p for p in paragraphs if len(p.split()) >= MIN_PROSE_WORDS and p[:2] != "- "]
    prose = prose or paragraphs[:1]  # a notice that is its attached file or scanned page
    anchors = [
        found
        for found in (
            _element_with_title(root, title),
            _element_with_text(root, prose[0][:_PROBE_CHARS] if prose else ""),
        )
        if found is not None
    ]
    if anchors:
        root = _common_ancestor(anchors)
    kept = {id(el) for anchor in anchors for el in (anchor, *anchor.iterancestors())}
    for element in list(root.iterdescendants()):
        if id(element) in kept or not _is_furniture(element):
            continue
        if any(a.tag == "article" for a in element.iterancestors()):
            continue  # an <article> holds only the article (and its footer, its date)
        element.drop_tree()
    lines = _lines(root)
    probe = _norm(prose[0][:_PROBE_CHARS]) if prose else ""
    start = next((i for i, line in enumerate(lines) if probe and probe in _norm(line)), 0)
    return Zone(root, tuple(lines), tuple(lines[:start]))


def _without_site_footer_lines(lines: tuple[str, ...], paragraphs: list[str]) -> tuple[str, ...]:
    """The zone's lines up to the article's last paragraph when the site's footer follows
    it inside the zone: its "Cập nhật: <today>" is the site's, not the article's."""
    probe = _norm(paragraphs[-1][:_PROBE_CHARS]) if paragraphs else ""
    ends = [i for i, line in enumerate(lines) if probe and probe in _norm(line)]
    if ends and any(_is_site_footer(line) for line in lines[ends[-1] + 1 :]):
        return lines[: ends[-1] + 1]
    return lines


def _is_furniture(element: lxml.html.HtmlElement) -> bool:
    if not isinstance(element.tag, str):
        return False
    marks = f"{element.get('class', '')} {element.get('id', '')}"
    return element.tag in _FURNITURE_TAGS or bool(_FURNITURE_MARK.search(marks))


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _element_with_title(root: lxml.html.HtmlElement, title: str) -> lxml.html.HtmlElement | None:
    """The element showing the title: a heading if one does, else any element (not a
    link: the breadcrumb and the other-news lists link to articles by their titles)."""
    wanted = _norm(title)
    if not wanted:
        return None
    found = [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and element.tag not in ("a", "title", "script", "style")
        and not any(a.tag == "a" for a in element.iterancestors())
        and _norm(element.text_content()) == wanted
    ]
    headings = [
        e
        for e in found
        if e.tag in ("h1", "h2", "h3")
        or _TITLE_CLASS.search(f"{e.get('class', '')} {e.get('id', '')}")
    ]
    return (headings or found or [None])[0]


def _element_with_text(root: lxml.html.HtmlElement, probe: str) -> lxml.html.HtmlElement | None:
    """The innermost element holding the start of the article's text."""
    wanted = _norm(probe)
    if not wanted or wanted not in _norm(root.text_content()):
        return None
    element = root
    while True:
        inner = next(
            (
                child
                for child in element
                if isinstance(child.tag, str) and wanted in _norm(child.text_content())
            ),
            None,
        )
        if inner is None:
            return element
        element = inner


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    first, *others = elements
    for candidate in (first, *first.iterancestors()):
        if all(candidate is other or candidate in other.iterancestors() for other in others):
            return candidate
    return first.getroottree().getroot()


def _lines(root: lxml.html.HtmlElement) -> list[str]:
    """The element's text as the page shows it, a line per block (NFC, spaces squeezed)."""
    parts: list[str] = [root.text or ""]
    for child in root:
        _collect_text(child, parts)
    text = unicodedata.normalize("NFC", "".join(parts))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


def _collect_text(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    # Recursion is fine: libxml2 nests an HTML tree 256 deep at most.
    tag = element.tag if isinstance(element.tag, str) else None  # None: a comment, a PI
    if tag is not None and tag not in ("script", "style", "template"):
        block = tag in _BLOCK_TAGS
        parts.append("\n" if block else " " if tag in ("td", "th") else "")
        parts.append(element.text or "")
        for child in element:
            _collect_text(child, parts)
        parts.append("\n" if block else "")
    parts.append(element.tail or "")


def metadata_date(page: lxml.html.HtmlElement, url: str | None, today: dt.date) -> dt.date | None:
    """The publication date the page's metadata gives (meta tags, JSON-LD, a dated
    address), read by htmldate from the <head> alone: not from the page's text."""
    head = page.find("head")
    document = lxml.html.Element("html")
    if head is not None:
        document.append(copy.deepcopy(head))
        for title in list(document.iter("title")):
            title.drop_tree()  # a date in the title is the event's, not the post's
    scripts = lxml.html.Element("body")
    for script in page.xpath("//body//script[@type='application/ld+json']"):
        scripts.append(copy.deepcopy(script))
    document.append(scripts)
    return _htmldate(document, url, today)


def _marked_date(zone: lxml.html.HtmlElement, title: str, today: dt.date) -> dt.date | None:
    """A date the article's own markup gives: <time>, an element marked class="date"...
    Not a date in its title (htmldate reads headings): "Lịch cắt điện ngày 15/12/2026"
    names the day of the power cut, or, by its month, "12/2026", the 1st of December."""
    document = lxml.html.Element("html")
    body = lxml.html.Element("body")
    article = copy.deepcopy(zone)
    heading = _element_with_title(article, title)
    if heading is article:
        return None
    if heading is not None:
        heading.drop_tree()
    body.append(article)
    document.append(body)
    return _htmldate(document, None, today)


def _htmldate(document: lxml.html.HtmlElement, url: str | None, today: dt.date) -> dt.date | None:
    found = find_date(
        document,
        extensive_search=False,  # marked-up dates only; the text is read here
        original_date=True,  # when it was posted, not last modified
        url=url,
        min_date=_EARLIEST.isoformat(),
        max_date=(today + dt.timedelta(days=1)).isoformat(),
    )
    return _parse_iso(found)


def drop_other_news(tree: lxml.html.HtmlElement) -> None:
    """Remove the "Thông tin khác" / "Tin liên quan" blocks (their heading and what follows
    it in the same container): their dates, often marked class="date", would otherwise
    be taken for the article's by the metadata reader."""
    headings = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag not in ("html", "body")
        and _END_OF_ARTICLE.match(" ".join(element.text_content().split()))
    ]
    removed: set[lxml.html.HtmlElement] = set()
    for heading in headings:
        parent = heading.getparent()
        if parent is None or heading in removed or removed.intersection(heading.iterancestors()):
            continue  # gone already, with an earlier block
        for sibling in [heading, *heading.itersiblings()]:
            removed.add(sibling)
            parent.remove(sibling)


_TITLE_CLASS = re.compile(r"title|tieu-?_?de|heading|headline", re.I)


# Where a page shows the site's own name (in an <h1> on many portals: "ỦY BAN NHÂN DÂN
# PHƯỜNG 5" by the logo), not an article's title: a class or id word of these.
_SITE_HEADING = frozenset(
    "header site-header page-header top topbar top-bar masthead logo banner brand "
    "site-name sitename site-title sitetitle".split()
)


def _site_heading(element: lxml.html.HtmlElement) -> bool:
    """Whether `element` is in the page's own header (the site's name, its logo), not an
    article's (an <article>'s or <main>'s <header> holds the article's title)."""
    for at in (element, *element.iterancestors()):
        words = f"{at.get('class', '')} {at.get('id', '')}".lower().split()
        if _SITE_HEADING.intersection(words) or _is_furniture(at):
            return True
        if at.tag == "header" and not any(a.tag in ("article", "main") for a in at.iterancestors()):
            return True
    return False


def _heading_title(tree: lxml.html.HtmlElement) -> str | None:
    """The article's title where trafilatura would take another: the <title> tag's (a
    section name such as 'Tin tức sự kiện') or the site's name in an <h1> by its logo. A
    page without og:title or an <h1> of its own often marks its title with a class
    ('ArticleTitle', 'tieude-tin'), or gives it in the first <h2> or <h3>."""
    headings = [h for h in tree.iter("h1") if len(h.text_content().split()) >= 3]
    if tree.xpath("//meta[@property='og:title']/@content") or any(
        not _site_heading(h) for h in headings
    ):
        return None  # trafilatura reads those well
    body = tree.find("body")
    root = body if body is not None else tree
    marked = [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and element.tag not in ("a", "script", "style")
        and _TITLE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}")
    ]
    plain = list(root.iter("h2", "h3")) if headings else []
    for element in (*marked, *plain):
        if element.xpath(".//a|ancestor::a") or _site_heading(element):
            continue
        text = " ".join(element.text_content().split())
        if 5 <= len(text.split()) <= 60:
            return text
    return None


def _clean_title(title: str, sitename: str | None) -> str:
    title = " ".join(unicodedata.normalize("NFC", title).split())
    if sitename:
        for separator in (" - ", " – ", " | "):
            suffix = f"{separator}{sitename}"
            if title.endswith(suffix) and len(title) > len(suffix):
                title = title[: -len(suffix)]
    return title.strip()


# ---------------------------------------------------------------- furniture clean-up

_IMAGE_NAME = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.I)
_RATING = re.compile(r"^\(\d+\)$|xếp hạng và nhận xét|^đánh giá\s*:?\s*$|^\d+(?:[.,]\d+)?/5$", re.I)
# Headings after which the page lists other news, counters or a comment form: the
# article is over.
_END_OF_ARTICLE = re.compile(
    r"^(?:thông tin khác|tin liên quan|tin khác|các tin khác|các tin đã đưa|bài viết liên quan|"
    r"tin cùng chuyên mục|tin mới(?: nhất)?|tin đọc nhiều|xem thêm|bài viết mới|"
    r"thống kê truy cập|thư viện ảnh|liên kết website|ý kiến bạn đọc|"
    r"gửi bình luận|để lại bình luận|viết bình luận)\s*:?$",
    re.I,
)
_FURNITURE = re.compile(
    r"^(?:[-_=*~.•]{3,}|image(?: banner| advertisement)?|"
    r"in bài(?: viết)?|in trang|gửi email|gửi bài viết|"
    r"chia sẻ(?:\s+(?:bài viết|bài|lên|qua|trên)\b.{0,30})?\s*:?|"
    r"(?:tags?|từ khóa|từ khoá)\s*:.{0,200}|facebook|zalo|twitter|"
    r"quay lại|quay về|về đầu trang|trở về|lượt xem\s*:?\s*[\d.,]*|số lượt xem\s*:?\s*[\d.,]*|"
    r"(?:đang online|hôm nay|trong tháng|tất cả|tổng truy cập)\s*:\s*[\d.,]+|"
    r"email của bạn sẽ không được hiển thị công khai.*|"
    rf"(?:{_POSTED_LABEL}|{_UPDATED_LABEL})\s*:?\s*(?:{_DATELINE}|{_TIME})?)$",
    re.I,
)

# A visit counter within a line, as a page's meta line shows it ("Ngày đăng: 01/08/2024 |
# Lượt xem: 157", "10:30 | 157 lượt xem", "Đã xem: 157"): it changes at every fetch, and
# is no part of the article (its file rewritten for it would be a correction to residents).
_COUNTER_WITHIN = re.compile(
    r"(?:(?:số\s+)?lượt\s+(?:xem|đọc)|đã\s+xem\s*:)\s*:?\s*\d[\d.,]*|\d[\d.,]*\s+lượt\s+(?:xem|đọc)",
    re.I,
)
# A line as short as a meta line (author, date, counter): dropped whole when it counts
# visits; a longer one loses the counter only.
COUNTER_LINE_WORDS = 12
# One part of a meta line ("Tác giả: ... | Cập nhật: 05/08/2024 10:32 | Đã xem 157 lần") that
# the page rewrites by itself: when it was updated (at what time, or how long ago), how
# long ago it was posted, how many have read, liked, shared or commented on it. A meta
# line with one is dropped whole when short, else loses it.
_STAMP_PART = (
    r"(?:\d+(?:\s*[:/.h-]\s*\d+)*h?|ngày|lúc|vào|tháng|năm|giờ|phút|giây|sáng|trưa|chiều|"
    rf"tối|am|pm|{_WEEKDAY}|{_ZONE}|[,()])"
)
_AGO = (
    r"(?:\d+\s+(?:giây|phút|giờ|ngày|tuần|tháng|năm)\s+trước|cách\s+đây\s+\d+\s+\w+(?:\s+trước)?)"
)
_REACTIONS = r"(?:lượt\s+(?:thích|chia\s+sẻ|bình\s+luận)|bình\s+luận|chia\s+sẻ|thích)"
_PAGE_STAMP = re.compile(
    r"(?:(?:(?:tin|bài(?:\s+viết)?)\s+(?:được\s+)?|(?:thời\s+gian|ngày(?:\s+giờ)?|lần)\s+)?"
    r"cập\s+nhật(?:\s+(?:lần\s+)?cuối)?\s*:?\s*"
    rf"(?:(?=[^\d]{{0,30}}\d)(?:{_STAMP_PART}\s*)+|{_AGO})"
    rf"|(?:(?:ngày\s+)?đăng(?:\s+lúc)?\s*:?\s*)?{_AGO}"
    r"|số\s+lần\s+(?:xem|đọc)\s*:?\s*\d[\d.,]*"
    r"|đã\s+(?:xem|đọc)\s*:?\s*\d[\d.,]*\s+lần|\d[\d.,]*\s+lần\s+(?:xem|đọc)"
    rf"|{_REACTIONS}\s*:?\s*\(?\d[\d.,]*\)?|\d[\d.,]*\s+{_REACTIONS})",
    re.I,
)
# Where a meta line's parts meet: " | ", " - ", " • ".
_META_SEPARATOR = re.compile(r"(\s+[|•–—-]\s+)")


def _without_page_stamps(line: str) -> str | None:
    """`line` without the parts the page rewrites by itself (`_PAGE_STAMP`); None when it
    is a short meta line with one (dropped whole, as one with a visit counter), `line`
    itself when it has none."""
    parts = _META_SEPARATOR.split(line)
    kept = [part for part in parts[::2] if not _PAGE_STAMP.fullmatch(part.strip(" ()[]"))]
    if len(kept) == len(parts[::2]):
        return line
    if len(line.split()) <= COUNTER_LINE_WORDS or not kept:
        return None
    return " | ".join(kept)


# The site's own footer, which some portals put inside the article's block: its copyright,
# its publisher, its licence, its visit counters. The article is over; the site's name,
# address, telephone and e-mail lines just above it are the footer's too.
# Each as footers write it, not as a sentence of the article would start ("Bản quyền tác
# giả là ...", "Cơ quan chủ quản của dự án ...").
_SITE_FOOTER = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|bản quyền\s*(?:thuộc|©|:|\(c\)|\d{4})|"
    r"(?:người\s+)?chịu trách nhiệm(?:\s+(?:chính|nội dung|xuất bản|quản lý))?\s*:|"
    r"cơ quan chủ quản\s*:|giấy phép\b.{0,60}\d+\s*/\s*gp|ghi rõ nguồn|"
    r"(?:thiết kế|phát triển)(?:\s+và\s+phát triển)?\s+bởi|"
    r"(?:(?:tổng|số)\s+)?(?:lượt|người) truy cập\s*:?\s*[\d.,]+$|đang truy cập\s*:?\s*[\d.,]+$)",
    re.I,
)
# Within a line: "CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG 5 - Bản quyền thuộc ... - Địa chỉ: ...".
_SITE_FOOTER_WITHIN = re.compile(r"bản quyền thuộc|ghi rõ nguồn", re.I)
_CONTACT_WITHIN = re.compile(r"(?:địa chỉ|điện thoại|đt|fax|e-?mail|website)\s*:", re.I)
_SITE_NAME = re.compile(r"^(?:cổng|trang) thông tin(?: điện tử)?\b", re.I)
_SITE_CONTACT = re.compile(
    r"^(?:địa chỉ|trụ sở|điện thoại|đt|tel|fax|e-?mail|website|hotline|đường dây nóng)\b"
    r"\s*(?:liên hệ\s*)?:",
    re.I,
)
# A footer line is short; prose that cites a copyright or a hotline is not one.
FOOTER_LINE_WORDS = 60


def _is_site_footer(line: str) -> bool:
    if len(line.split()) > FOOTER_LINE_WORDS:
        return False
    within = bool(_SITE_FOOTER_WITHIN.search(line) and _CONTACT_WITHIN.search(line))
    return bool(_SITE_FOOTER.match(line)) or "©" in line or within


def _without_site_footer(kept: list[str], cut: bool) -> list[str]:
    """The article without the site's name and contact lines at its end: always when the
    site's footer (copyright...) was cut off after them, else only when they start with the
    site's name ("CỔNG THÔNG TIN ĐIỆN TỬ PHƯỜNG 5", then "Địa chỉ: ...")."""
    end = len(kept)
    while end > 1 and len(kept[end - 1].split()) <= FOOTER_LINE_WORDS:
        line = kept[end - 1]
        if not (_SITE_CONTACT.match(line) or _SITE_NAME.match(line)):
            break
        end -= 1
    tail = kept[end:]
    if cut or (len(tail) >= 2 and _SITE_NAME.match(tail[0])):
        return kept[:end]
    return kept


def _raw_paragraphs(text: str) -> list[str]:
    lines = (" ".join(unicodedata.normalize("NFC", line).split()) for line in text.splitlines())
    return [line for line in lines if line]


def clean_paragraphs(lines: Iterable[str], title: str = "") -> list[str]:
    """The article's paragraphs without what is left of the page around it."""
    kept: list[str] = []
    seen: set[str] = set()
    folded_title = title.casefold()
    footer = False
    for raw in lines:
        line = " ".join(unicodedata.normalize("NFC", raw).split())
        if not line:
            continue
        bare = line.removeprefix("- ").strip()
        if kept and _END_OF_ARTICLE.match(bare):
            break
        if kept and _is_site_footer(bare):
            footer = True
            break
        if (
            _END_OF_ARTICLE.match(bare)
            or _is_site_footer(bare)
            or _IMAGE_NAME.match(bare)
            or _RATING.search(bare)
            or _FURNITURE.match(bare)
        ):
            continue
        stamped = _without_page_stamps(line)
        if stamped is None:
            continue
        line = stamped
        if _COUNTER_WITHIN.search(line):
            if len(line.split()) <= COUNTER_LINE_WORDS:
                continue
            line = " ".join(_COUNTER_WITHIN.sub("", line).split())
        if not kept and line.casefold() == folded_title:
            continue  # the title again, at the top of the text
        key = line.casefold()
        if key in seen and len(line.split()) >= 5:
            continue  # a paragraph the page repeats
        seen.add(key)
        kept.append(line)
    kept = _without_site_footer(kept, footer)
    # A lead the page repeats as the start of the next paragraph.
    return [
        line
        for line, after in zip(kept, [*kept[1:], ""][: len(kept)], strict=True)
        if not (after.startswith(line) and len(line.split()) >= 8)
    ]
