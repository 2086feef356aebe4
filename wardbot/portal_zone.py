"""Where on a portal's page the article is: its zone, its title, the dates its markup gives.

The article's zone is the smallest element holding its title and its text, furniture
removed (site footer, sidebars, menus): the date the page shows for the article is read
there, never from the page around it. Also here: the article's title where trafilatura
would take the site's or a section's, the dates the page's metadata or the article's own
markup give (htmldate), and the "Tin liên quan" blocks dropped before anything is read.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import lxml.html
from htmldate import find_date

from wardbot.portal_clean import END_OF_ARTICLE, MIN_PROSE_WORDS, is_site_footer
from wardbot.portal_dates import EARLIEST

# Elements that start a new line of text; the others (a, span, b, td...) run on.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tr ul".split()
)
# The page around an article: never where its date is read.
_FURNITURE_TAGS = frozenset({"footer", "aside", "nav"})
_FURNITURE_MARK = re.compile(r"footer|sidebar|widget|menu|navbar|banner", re.I)
PROBE_CHARS = 60  # how much of the article's first paragraph finds it on the page


@dataclass(frozen=True)
class Zone:
    """The part of the page that is the article: its title, its dateline, its text."""

    root: lxml.html.HtmlElement
    lines: tuple[str, ...]
    head: tuple[str, ...]  # the lines before the article's text: title, dateline, author


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
            element_with_text(root, prose[0][:PROBE_CHARS] if prose else ""),
        )
        if found is not None
    ]
    if anchors:
        root = _common_ancestor(anchors)
    kept = {id(el) for anchor in anchors for el in (anchor, *anchor.iterancestors())}
    for element in list(root.iterdescendants()):
        if id(element) in kept or not is_furniture(element):
            continue
        if any(a.tag == "article" for a in element.iterancestors()):
            continue  # an <article> holds only the article (and its footer, its date)
        element.drop_tree()
    lines = _lines(root)
    probe = _norm(prose[0][:PROBE_CHARS]) if prose else ""
    start = next((i for i, line in enumerate(lines) if probe and probe in _norm(line)), 0)
    return Zone(root, tuple(lines), tuple(lines[:start]))


def without_site_footer_lines(lines: tuple[str, ...], paragraphs: list[str]) -> tuple[str, ...]:
    """The zone's lines up to the article's last paragraph when the site's footer follows
    it inside the zone: its "Cập nhật: <today>" is the site's, not the article's."""
    probe = _norm(paragraphs[-1][:PROBE_CHARS]) if paragraphs else ""
    ends = [i for i, line in enumerate(lines) if probe and probe in _norm(line)]
    if ends and any(is_site_footer(line) for line in lines[ends[-1] + 1 :]):
        return lines[: ends[-1] + 1]
    return lines


def is_furniture(element: lxml.html.HtmlElement) -> bool:
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


def element_with_text(root: lxml.html.HtmlElement, probe: str) -> lxml.html.HtmlElement | None:
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


def marked_date(zone: lxml.html.HtmlElement, title: str, today: dt.date) -> dt.date | None:
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
        min_date=EARLIEST.isoformat(),
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
        and END_OF_ARTICLE.match(" ".join(element.text_content().split()))
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
        if _SITE_HEADING.intersection(words) or is_furniture(at):
            return True
        if at.tag == "header" and not any(a.tag in ("article", "main") for a in at.iterancestors()):
            return True
    return False


def heading_title(tree: lxml.html.HtmlElement) -> str | None:
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


def clean_title(title: str, sitename: str | None) -> str:
    title = " ".join(unicodedata.normalize("NFC", title).split())
    if sitename:
        for separator in (" - ", " – ", " | "):
            suffix = f"{separator}{sitename}"
            if title.endswith(suffix) and len(title) > len(suffix):
                title = title[: -len(suffix)]
    return title.strip()


def _parse_iso(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
