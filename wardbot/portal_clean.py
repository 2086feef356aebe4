"""An article's text without what is left of the page around it (`clean_paragraphs`).

Line by line: image file names, "(0)" ratings, "Thông tin khác" / "Tin liên quan" lists and
what follows them, visit counters (within a meta line too: a page fetched again is not an
edited notice for its visits), share buttons, comment forms, the site's footer when it
sits inside the article's block (copyright, then the site's name and contact lines above
it), the date line itself, repeated paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from wardbot.portal_dates import (
    DATELINE,
    META_SEPARATOR,
    POSTED_LABEL,
    TIME,
    TIME_ZONE,
    UPDATED_LABEL,
    WEEKDAY,
)

# A paragraph with this many words makes a page an article; a list of links does not.
MIN_PROSE_WORDS = 12


IMAGE_NAME = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.I)
_RATING = re.compile(r"^\(\d+\)$|xếp hạng và nhận xét|^đánh giá\s*:?\s*$|^\d+(?:[.,]\d+)?/5$", re.I)
# Headings after which the page lists other news, counters or a comment form: the
# article is over.
END_OF_ARTICLE = re.compile(
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
    rf"(?:{POSTED_LABEL}|{UPDATED_LABEL})\s*:?\s*(?:{DATELINE}|{TIME})?)$",
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
    rf"tối|am|pm|{WEEKDAY}|{TIME_ZONE}|[,()])"
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


def _without_page_stamps(line: str) -> str | None:
    """`line` without the parts the page rewrites by itself (`_PAGE_STAMP`); None when it
    is a short meta line with one (dropped whole, as one with a visit counter), `line`
    itself when it has none."""
    parts = META_SEPARATOR.split(line)
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


def is_site_footer(line: str) -> bool:
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


def raw_paragraphs(text: str) -> list[str]:
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
        if kept and END_OF_ARTICLE.match(bare):
            break
        if kept and is_site_footer(bare):
            footer = True
            break
        if (
            END_OF_ARTICLE.match(bare)
            or is_site_footer(bare)
            or IMAGE_NAME.match(bare)
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
