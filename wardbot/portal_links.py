"""What a page's links and images make of an article.

A link to a file (PDF, Word...) keeps its address in the text; a page with no text but
its files, or its images (a scanned notice), is that notice. A page whose text is the
teasers of other articles is a list, not an article; a list of the site's other articles
at the end of the text is not part of it.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.html

from wardbot.portal_clean import IMAGE_NAME, MIN_PROSE_WORDS
from wardbot.portal_fetch import is_web_address
from wardbot.portal_zone import PROBE_CHARS, element_with_text, is_furniture

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


def show_attachments(tree: lxml.html.HtmlElement, url: str | None) -> list[str]:
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


def show_images(tree: lxml.html.HtmlElement, url: str | None) -> list[str]:
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
            or any(is_furniture(a) or a.tag == "header" for a in image.iterancestors())
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
    return not (_ATTACHMENT.search(path) or IMAGE_NAME.match(path.rsplit("/", 1)[-1]))


# An article may be its title, its date and the file the notice is in ("Xem file đính kèm"):
# a page of a few such files is one; a list of documents, more, is not.
ATTACHED_AT_MOST = 3


FILE_SHOWN = "Xem file đính kèm"


def name_files(paragraphs: list[str], addresses: list[str]) -> list[str]:
    """A notice posted as its files: each paragraph that is a file's bare address (its
    link's words were only the file's name) says what it is, "Xem file đính kèm: https://
    .../tb-12.pdf", as a scanned page's image does; a resident is not sent a bare link."""
    given = set(addresses)
    return [f"{FILE_SHOWN}: {p}" if p in given else p for p in paragraphs]


def links_alone(body: str) -> bool:
    """Whether an article's text is nothing but the links to its scanned page or its
    files ("Xem ảnh thông báo: https://...", "Xem file đính kèm: https://..."): residents
    get the links, and the bot cannot answer from what they hold."""
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    return bool(paragraphs) and all(p.startswith((SCAN_SHOWN, FILE_SHOWN)) for p in paragraphs)


def only_attached(paragraphs: list[str], addresses: list[str]) -> bool:
    """Whether the text, with no paragraph of prose, is the notice's attached files: a
    paragraph of its own (not a list's item) gives one, and at most ATTACHED_AT_MOST are
    given."""
    given = [a for a in dict.fromkeys(addresses) if any(a in p for p in paragraphs)]
    alone = any(a in p for a in given for p in paragraphs if not p.startswith("- "))
    return alone and len(given) <= ATTACHED_AT_MOST


# Prose paragraphs, each in a block of its own under a link to its article (five words
# or more: a title), make the page a list of articles (a category page), not an article.
TEASERS = 3


def teasers(page: lxml.html.HtmlElement, paragraphs: list[str]) -> bool:
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
        element = element_with_text(root, paragraph[:PROBE_CHARS])
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


def other_news_at_end(
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
        element = element_with_text(root, paragraph[:PROBE_CHARS])
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
