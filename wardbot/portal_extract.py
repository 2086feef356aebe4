"""From a ward portal's news page to an announcement: text encoding, article, title, date.

`extract_article` is here; its parts are wardbot.portal_encoding (the page's bytes as
text), portal_clean (the text without the page's furniture), portal_zone (where on the
page the article, its title and its marked dates are), portal_links (files, scans and
lists of other articles) and portal_dates (dates as the portals write them). What other
modules use of those is re-exported here.

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

import copy
import datetime as dt
import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml.etree import ParserError

from wardbot.hours import vietnam_today
from wardbot.portal_clean import MIN_PROSE_WORDS, clean_paragraphs, raw_paragraphs
from wardbot.portal_dates import (
    DATE_LINE,
    dateline_date,
    opening_date,
    updated_date,
)
from wardbot.portal_dates import META_LINE_WORDS as META_LINE_WORDS
from wardbot.portal_dates import ago_date as ago_date
from wardbot.portal_dates import possible_date as possible_date
from wardbot.portal_dates import posted_date as posted_date
from wardbot.portal_dates import text_date as text_date
from wardbot.portal_encoding import decode_html as decode_html
from wardbot.portal_links import links_a_page as links_a_page
from wardbot.portal_links import (
    name_files,
    only_attached,
    other_news_at_end,
    show_attachments,
    show_images,
    teasers,
)
from wardbot.portal_links import same_site as same_site
from wardbot.portal_zone import (
    article_zone,
    clean_title,
    heading_title,
    marked_date,
    metadata_date,
    without_site_footer_lines,
)
from wardbot.portal_zone import drop_other_news as drop_other_news
from wardbot.staff_read import without_hidden_breaks

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
    title_hint = heading_title(tree)
    drop_other_news(tree)
    attachments = show_attachments(tree, url)
    if images:
        attachments += show_images(tree, url)
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
    title = clean_title(title_hint or document.title or "", document.sitename)
    if not title:
        raise NotAnArticle("the article has no title")
    page_title = page.findtext(".//title")
    error = _error_page(title, page_title and clean_title(page_title, document.sitename))
    if error:
        raise NotAnArticle(error_why(error, "an article"))
    paragraphs = clean_paragraphs(text.splitlines(), title)
    prose = any(len(p.split()) >= MIN_PROSE_WORDS and not p.startswith("- ") for p in paragraphs)
    if not prose and not only_attached(paragraphs, attachments):
        raise NotAnArticle("no article found on the page (only menus, lists or links)")
    if not prose:
        paragraphs = name_files(paragraphs, attachments)
    if teasers(page, paragraphs):
        raise NotAnArticle("no article found on the page (a list of articles)")
    start, end = other_news_at_end(page, paragraphs, url)
    paragraphs = paragraphs[:start] + paragraphs[end:]
    date = metadata_date(page, url, today)
    if date is None:
        zone = article_zone(page, title, paragraphs)
        date = (
            posted_date(zone.lines, today)
            or dateline_date(zone.head, today)
            or marked_date(zone.root, title, today)
            or updated_date(without_site_footer_lines(zone.lines, paragraphs), today)
            or dateline_date(raw_paragraphs(text)[:3], today)
            or fallback_date  # before a date the text cites ("Kế hoạch ... ngày 20/01/2024")
            or ago_date(zone.head, today)  # "2 giờ trước", over the text
            or opening_date(raw_paragraphs(text), today)
        )
    if date is None:
        raise NotAnArticle("no publication date found (metadata, 'Ngày đăng', or the text)")
    paragraphs = [p for p in paragraphs if not DATE_LINE.match(p)]
    own_url = document.url if document.url and document.url != url else None
    return Article(title, date, tuple(paragraphs), own_url or url)
