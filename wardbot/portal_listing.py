"""A ward portal's news list followed as its feed, for portals that publish no RSS.

Many ward portals have no RSS/Atom feed, only a news page ("Tin tức - Sự kiện") listing
their latest articles by title. Such a page in PORTAL_FEEDS is read as a feed whose items
are the articles it links to: links to other pages of its own site (its www. twin too),
not to a file or an image, whose words are a title (five words or more), outside the
site's menus, header, footer and sidebars, in the page's order (newest first, as most
portals list them), each with the day the list shows beside it, if any (many portals
date their articles there only). The importer then follows them as a feed's items
(wardbot.portal_import); the list's other pages ("Trang sau", "2", "Trang cuối") are found
here too, for when its first page ends on news (more was posted than it shows).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

from wardbot.portal_extract import (
    META_LINE_WORDS,
    ago_date,
    drop_other_news,
    links_a_page,
    parse_html,
    possible_date,
    same_site,
    text_date,
)

# A link's words that make it an article's title, not a menu's entry ("Giới thiệu", "Tin
# tức - Sự kiện") or the list's pages ("2", "Trang sau").
TITLE_WORDS = 5
# Title links that make a page a list of articles (an article's page is not one, even with
# a "Tin liên quan" list: it is read as an article first).
LISTED_AT_LEAST = 2
# The parts of a site around its content, by their tag or by their id or class.
_AROUND_TAGS = frozenset({"nav", "header", "footer", "aside"})
_AROUND = re.compile(
    r"(?:(?:main|top|bottom|left|right|sub|site|page|mega|dropdown)[-_]?)?"
    r"(?:menu|nav|navbar|navigation|header|footer|breadcrumbs?|sidebar|banner)(?:$|[-_])",
    re.I,
)  # (not "news-header": a list's item may have one)


@dataclass(frozen=True)
class Listed:
    """An article a news list links to."""

    url: str  # absolute, as linked (the importer cleans it)
    title: str
    day: dt.date | None = None  # the day the list shows beside it


def listed_articles(
    html: str, url: str, *, other_news: bool = True, today: dt.date | None = None
) -> list[Listed]:
    """The articles the news list at `url` links to, in its order, each address once;
    `other_news=False`: not those under a "Tin liên quan" or "Thông tin khác" heading, as
    an article's page lists its site's other articles (one whose text could not be read
    is no news list). `today`: each dated by what its entry in the list shows."""
    try:
        tree = parse_html(html)
    except (ParserError, ValueError):
        return []
    if not other_news:
        drop_other_news(tree)
    found = _title_links(tree, url)
    if today is None:
        return list(found.values())
    links = {link: address for link, address in _links(tree, url) if address in found}
    return [
        Listed(item.url, item.title, _entry_day(_entry(links, item.url), today))
        for item in found.values()
    ]


def _links(tree: lxml.html.HtmlElement, url: str) -> list[tuple[lxml.html.HtmlElement, str]]:
    """The page's links to other pages of its site, with their addresses."""
    found = []
    for link in tree.iter("a"):
        address = _on_site(link, url)
        if address is not None:
            found.append((link, address))
    return found


def _title_links(tree: lxml.html.HtmlElement, url: str) -> dict[str, Listed]:
    """The news list's articles by their addresses (see listed_articles)."""
    found: dict[str, Listed] = {}
    for link, address in _links(tree, url):
        if not links_a_page(link) or _around(link):
            continue
        title = " ".join((link.text_content() or link.get("title") or "").split())
        if len(title.split()) < TITLE_WORDS:
            title = " ".join((link.get("title") or "").split())
        if len(title.split()) < TITLE_WORDS:
            continue
        found.setdefault(address, Listed(address, title))
    return found


def _entry(links: dict[lxml.html.HtmlElement, str], address: str) -> lxml.html.HtmlElement:
    """The list's entry for the article at `address`: the largest block around its link(s)
    holding no link to another article of the list (its <li>, its row, its item's <div>)."""
    own = next(link for link, there in links.items() if there == address)
    entry = own
    for ancestor in own.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if any(links.get(link, address) != address for link in ancestor.iter("a")):
            break
        entry = ancestor
    return entry


# An element holding an entry's date, by its class or id ("date", "post-time", "ngay-dang").
_DATE_MARK = re.compile(r"date|time|ngay|publish|posted", re.I)


def _entry_day(entry: lxml.html.HtmlElement, today: dt.date) -> dt.date | None:
    """The day a news list's entry shows for its article: a <time datetime>, an element
    marked as its date, else a short line of its own ("(12/03/2024)", "2 giờ trước"); never
    the article's title (a power cut's day in it) nor its teaser's prose."""
    if entry.tag == "a":  # entries not wrapped one by one: what follows its link
        tail = " ".join((entry.tail or "").split())
        return (text_date(tail, today) or ago_date([tail], today)) if tail else None
    entry = copy.deepcopy(entry)
    for link in list(entry.iter("a")):
        if link is not entry:
            link.drop_tree()  # (its tail, the date beside it, stays)
    for element in entry.iter("time"):
        with_zone = (element.get("datetime") or "")[:10]
        try:
            day = dt.date.fromisoformat(with_zone)
        except ValueError:
            continue
        if possible_date(day, today):
            return day
    marked = [
        element.text_content()
        for element in entry.iter()
        if isinstance(element.tag, str)
        and _DATE_MARK.search(f"{element.get('class') or ''} {element.get('id') or ''}")
    ]
    pieces = [" ".join(text.split()) for text in entry.itertext()]
    short = [piece for piece in pieces if piece and len(piece.split()) <= META_LINE_WORDS]
    for lines in (marked, short):
        for line in lines:
            shown = text_date(line, today) or ago_date([line], today)
            if shown is not None:
                return shown
    return None


def _on_site(link: lxml.html.HtmlElement, url: str) -> str | None:
    """The address a link leads to on the list's site (its www. twin too), without its
    #fragment; None for another site, the site's root, or the list itself. (An article
    may be at the list's path with another query: "tin-tuc.aspx?ItemID=12".)"""
    href = (link.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        address = urljoin(url, href).split("#", 1)[0]
        there, here = urlsplit(address), urlsplit(url)
        host, own = there.hostname or "", here.hostname or ""
    except ValueError:
        return None
    if there.scheme not in ("http", "https") or not same_site(host, own):
        return None
    path = there.path.rstrip("/")
    if not path and not there.query:
        return None
    if path == here.path.rstrip("/") and there.query == here.query:
        return None
    return address


def _around(link: lxml.html.HtmlElement) -> bool:
    """Whether a link is in the site's menus, header, footer or sidebars."""
    for element in link.iterancestors():
        if element.tag in _AROUND_TAGS:
            return True
        names = f"{element.get('id') or ''} {element.get('class') or ''}".split()
        if any(_AROUND.match(name) for name in names):
            return True
    return False


# The links to a list's other pages: its next one ("Trang sau", "Tiếp", "»", "›"), its last
# one ("Trang cuối", "Cuối"); by their words, else by rel="next".
_NEXT_WORDS = frozenset(
    {"trang sau", "sau", "tiếp", "trang tiếp", "tiếp theo", "»", "›", ">", ">>", "next"}
)
_LAST_WORDS = frozenset({"trang cuối", "cuối", "»»", ">>|", "»|", "last"})
_PREVIOUS_WORDS = frozenset({"trang trước", "trước", "«", "‹", "<", "<<", "prev", "previous"})


@dataclass(frozen=True)
class Pages:
    """Where a news list's page links to its next, previous and last pages (None: no link)."""

    next: str | None = None
    previous: str | None = None
    last: str | None = None


def page_links(html: str, url: str) -> Pages:
    """The list's links to its other pages, on its own site: by their words or rel, else by
    their numbers (the page after this one's, the highest)."""
    try:
        tree = parse_html(html)
    except (ParserError, ValueError):
        return Pages()
    found: dict[str, str] = {}
    numbered: dict[int, str] = {}
    current = None
    for link in tree.iter("a"):
        words = " ".join(link.text_content().split()).lower()
        if not words and link.get("title"):
            words = " ".join(link.get("title", "").split()).lower()
        address = _page_address(link, url)
        if address is None:
            if words.isdigit() and len(words) < 5:
                current = int(words)  # this page, linked to itself
            continue
        rel = (link.get("rel") or "").lower().split()
        for name, words_of in (
            ("next", _NEXT_WORDS),
            ("previous", _PREVIOUS_WORDS),
            ("last", _LAST_WORDS),
        ):
            if name in rel or (name == "previous" and "prev" in rel) or words in words_of:
                found.setdefault(name, address)
        if words.isdigit() and len(words) < 5:
            numbered.setdefault(int(words), address)
    if numbered:
        here = current or (min(numbered) - 1 if 1 not in numbered else 1)
        found.setdefault("next", numbered.get(here + 1, ""))
        found.setdefault("previous", numbered.get(here - 1, ""))
        found.setdefault("last", numbered[max(numbered)] if max(numbered) > here else "")
    return Pages(
        found.get("next") or None, found.get("previous") or None, found.get("last") or None
    )


def _page_address(link: lxml.html.HtmlElement, url: str) -> str | None:
    """A link's address when it leads to another page of the list (same site, not the page
    itself): ?page=2, /tin-tuc/trang-2, /tin-tuc/page/2/."""
    href = (link.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:")):
        return None
    try:
        address = urljoin(url, href).split("#", 1)[0]
        there, here = urlsplit(address), urlsplit(url)
    except ValueError:
        return None
    if there.scheme not in ("http", "https"):
        return None
    if not same_site(there.hostname or "", here.hostname or ""):
        return None
    if there.path.rstrip("/") == here.path.rstrip("/") and there.query == here.query:
        return None
    return address
