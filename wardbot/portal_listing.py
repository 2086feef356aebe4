"""A ward portal's news list followed as its feed, for portals that publish no RSS.

Many ward portals have no RSS/Atom feed, only a news page ("Tin tức - Sự kiện") listing
their latest articles by title. Such a page in PORTAL_FEEDS is read as a feed whose items
are the articles it links to: links to other pages of its own site (its www. twin too),
not to a file or an image, whose words are a title (five words or more), outside the
site's menus, header, footer and sidebars, in the page's order (newest first, as portals
list them). The importer then follows them as a feed's items (wardbot.portal_import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

from wardbot.portal_extract import drop_other_news, links_a_page, parse_html, same_site

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


def listed_articles(html: str, url: str, *, other_news: bool = True) -> list[Listed]:
    """The articles the news list at `url` links to, in its order, each address once;
    `other_news=False`: not those under a "Tin liên quan" or "Thông tin khác" heading, as
    an article's page lists its site's other articles (one whose text could not be read
    is no news list)."""
    try:
        tree = parse_html(html)
    except (ParserError, ValueError):
        return []
    if not other_news:
        drop_other_news(tree)
    found: dict[str, Listed] = {}
    for link in tree.iter("a"):
        address = _on_site(link, url)
        if address is None or not links_a_page(link) or _around(link):
            continue
        title = " ".join((link.text_content() or link.get("title") or "").split())
        if len(title.split()) < TITLE_WORDS:
            title = " ".join((link.get("title") or "").split())
        if len(title.split()) < TITLE_WORDS:
            continue
        found.setdefault(address, Listed(address, title))
    return list(found.values())


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
