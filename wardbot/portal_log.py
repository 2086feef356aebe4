"""What `bot.py import` and the feed follower remember: `data/portal-imports.json`.

Articles by URL (their file, date, a digest and a simhash of their text, a digest of the
file as written, the validators to ask "changed since?"), and each feed's validators. One
writer at a time per data folder (a lock file), and every save is atomic.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from trafilatura.deduplication import Simhash

from wardbot.process import partial_file
from wardbot.text import fold, plain_words

IMPORT_LOG = "portal-imports.json"
# 2: each article's record names the feed it came from ("feed"; None: a page of its own).
# A log of version 1, as older versions left it, names none.
LOG_VERSION = 2
SIMILAR = 0.95  # simhash similarity above which same-titled texts are one article
# The share of their words (of both texts') two posts of one day, title and places share
# at least for the second to be the first corrected (see ImportLog.corrected_of).
CORRECTED = 0.85


# An article's record, while the feed follower's admins have not heard of its notice:
# {"title": as shown, "first_read": whether it came with its feed's first read}.
UNTOLD = "untold"


# An article's record, while the portal has it withdrawn again after it came back once
# ("returned"), and admins have not heard so: {"title": its notice's}. Told once it held
# a poll (see wardbot.portal_withdraw), so that a post taken down and put back again and
# again does not tell admins twice a cycle.
GONE_UNTOLD = "gone_untold"


@dataclass(frozen=True)
class Untold:
    """A notice the feed follower imported, not told to admins yet (see ImportLog.untold)."""

    key: str  # its article's address, as in the log
    file: str  # its notice file's name
    title: str
    first_read: bool


class ImportLogError(RuntimeError):
    """data/portal-imports.json cannot be read; importing stops rather than duplicate."""


@dataclass
class ImportLog:
    """What was imported: articles by URL, feeds' validators. JSON in the data folder."""

    path: Path
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: int = LOG_VERSION  # as found on disk (saved as LOG_VERSION)

    @classmethod
    def load(cls, path: Path) -> ImportLog:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except NotADirectoryError:  # nothing to fix in the log: it is not there
            raise ImportLogError(
                f"the data folder {path.parent} is a file, not a folder: name a folder as "
                "DATA_DIR (or --data)"
            ) from None
        except (OSError, ValueError) as exc:
            raise ImportLogError(
                f"{path}: cannot be read ({exc}); fix or remove it (it lists what was imported)"
            ) from None
        if not isinstance(raw, dict):
            raise ImportLogError(f"{path}: not an import log; fix or remove it")
        version = raw.get("version")
        return cls(
            path,
            dict(raw.get("articles", {})),
            dict(raw.get("feeds", {})),
            version if isinstance(version, int) else 1,
        )

    def save(self) -> None:
        payload = {"version": LOG_VERSION, "articles": self.articles, "feeds": self.feeds}
        write_atomically(
            self.path, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
        )

    def find(self, keys: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
        """The record of the article at one of `keys`: at that very address, else at
        another form of it the site treats as the same page (see `page_key`)."""
        for key in keys:
            if key in self.articles:
                return key, self.articles[key]
        wanted = {page_key(key) for key in keys}
        for key, record in self.articles.items():
            if page_key(key) in wanted:
                return key, record
        return None

    def untold(self) -> list[Untold]:
        """The notices the feed follower imported that admins have not heard of yet (a
        stop cut their poll short), oldest first."""
        found = []
        for key, record in self.articles.items():
            mark = record.get(UNTOLD)
            if isinstance(mark, dict) and record.get("file"):
                title = str(mark.get("title") or record["file"])
                found.append(Untold(key, str(record["file"]), title, bool(mark.get("first_read"))))
        return sorted(found, key=lambda notice: (notice.file, notice.key))

    def gone_untold(self) -> list[tuple[str, str]]:
        """The withdrawn notices admins have not heard of yet (see GONE_UNTOLD): (the
        article's address, as in the log; its notice's title)."""
        return [
            (key, str(record[GONE_UNTOLD].get("title") or record.get("file") or key))
            for key, record in self.articles.items()
            if record.get("withdrawn") and isinstance(record.get(GONE_UNTOLD), dict)
        ]

    def dates_written(self) -> dict[str, str]:
        """The notice files the importer wrote in content/, by name, with the date (ISO) it
        last wrote on their date: line: an article the portal re-dated keeps its file's name
        (its id: no second alert), so that name is no sign of a notice copied."""
        return {
            str(record["file"]): record_date(record)
            for record in self.articles.values()
            if record.get("file") and not record.get("same_as")
        }

    def same_article(self, simhash: Simhash, date: str, text: str, title: str) -> str | None:
        """The URL of an imported article with nearly this text and this date (ISO), or
        with this very text (`text`: its digest) under a title alike of another date: the
        portal's staff re-dated it as they corrected its title."""
        for url, record in self.articles.items():
            # (One the portal withdrew too: its old address gone, the article moved.)
            if record.get("same_as") or not record.get("file") or not record.get("simhash"):
                continue
            if record.get("text") == text and titles_alike(record.get("title"), title):
                return url
            if record_date(record) != date:
                continue
            other = Simhash(existing_hash=record["simhash"])
            if simhash.similarity(other) >= SIMILAR:
                return url
        return None

    def corrected_of(
        self,
        title: str,
        date: str,
        words: frozenset[str],
        words_of_record: Callable[[dict[str, Any]], frozenset[str] | None],
    ) -> str | None:
        """The URL of an imported article this one may be the corrected version of,
        posted the same day (ISO `date`) under the same title, its words (`words`;
        `words_of_record`: a record's file's) nearly all the same: a day or an hour
        changed ("thứ Bảy 05/12" to "Chủ nhật 06/12"), which the simhash of a short notice
        may not see as "nearly the same text" (`same_article`). Whether it is one is for
        the first one's address to say: gone, or still showing the first version."""
        for url, record in self.articles.items():
            if record.get("same_as") or not record.get("file") or record.get("title") != title:
                continue
            if record_date(record) != date:
                continue
            kept = words_of_record(record)
            if kept and len(kept & words) >= CORRECTED * len(kept | words):
                return url
        return None

    def same_text(
        self,
        text: str,
        simhash: Simhash,
        title: str,
        date: str,
        specifics: dict[str, Any],
        words: frozenset[str],
        words_of_record: Callable[[dict[str, Any]], frozenset[str] | None],
    ) -> str | None:
        """The URL of an imported article with this text (or nearly, under the same title,
        of the same date (ISO) and with the same `specifics`, its numbers and names (see
        specifics_of, names_agree; `words`: this text's in lower case, `words_of_record`: a
        record's file's): a notice the portal posts again each week, the same text but for
        its days, is a new notice each time, and so is one of the same day for other
        streets, at other hours)."""
        for url, record in self.articles.items():
            if record.get("same_as") or record.get("withdrawn"):
                continue  # (a withdrawn article's text posted again is a notice again)
            if record.get("text") == text and titles_alike(record.get("title"), title):
                return url
            if record.get("title") != title or record_date(record) != date:
                continue
            # (none in the record: remembered by a version that did not compare them)
            numbers = specifics["numbers"]
            if record.get("numbers", numbers) != numbers:
                continue
            kept = functools.partial(words_of_record, record)
            if not names_agree(record.get("names"), specifics["names"], words, kept):
                continue
            other = Simhash(existing_hash=record.get("simhash"))
            if simhash.similarity(other) >= SIMILAR:
                return url
        return None


# What a share adds to an address (?utm_source=zalo, &fbclid=...): one article, one address.
TRACKING = re.compile(r"(?:utm_\w+|fbclid|gclid|zarsrc|zaloid|_hsenc|_hsmi|mc_[ce]id)(?:=|$)", re.I)
_ESCAPE = re.compile(r"%[0-9a-f]{2}", re.I)


@lru_cache(maxsize=65536)
def page_key(url: str) -> str:
    """An article's address as compared: the forms of it one site treats as one page are
    one key (http:// or https://, the host's case, a default port, a trailing slash, the
    order of the query's parameters, a #fragment, what a share adds). Not an address to
    fetch (the site may serve http:// only); a saved page's file name is left as it is."""
    try:
        parts = urlsplit(str(httpx.URL(url)))  # the host in lower case, no default port
    except (httpx.InvalidURL, ValueError):
        return url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return url
    user, at, host = parts.netloc.rpartition("@")
    netloc = f"{user}{at}{host.lower()}"
    path = _ESCAPE.sub(lambda m: m.group().upper(), parts.path).rstrip("/") or "/"
    pairs = (pair for pair in parts.query.split("&") if pair and not TRACKING.match(pair))
    query = "&".join(sorted(_ESCAPE.sub(lambda m: m.group().upper(), p) for p in pairs))
    return urlunsplit(("https", netloc, path, query, ""))


def titles_alike(recorded: str | None, title: str) -> bool:
    """Whether two titles (as `plain_words` gives them) may be one article's: most words of
    the shorter in the other (a re-post retitled "Thông báo: ..."), and no number of each
    missing in the other; not two notices that share a short text ("contact the ward
    office") under titles saying what each is about, nor one template's notices under one
    title but for its number ("Lịch tiêm chủng tháng 11", "... tháng 12"). A record without
    its title (an older version's) is given the benefit of the doubt."""
    if recorded is None:
        return True
    old, new = set(recorded.split()), set(title.split())
    numbers = [{word for word in words if word.isdigit()} for words in (old, new)]
    if not (numbers[0] <= numbers[1] or numbers[1] <= numbers[0]):
        return False  # a number replaced by another: another month's, street's notice
    return len(old & new) * 2 >= min(len(old), len(new))


def record_date(record: dict[str, Any]) -> str:
    """An imported article's date (ISO): remembered, or its file's name begins with it
    (records written before the date was remembered)."""
    return str(record.get("date") or str(record.get("file", ""))[:10])


@contextlib.contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """One importer at a time per data folder (`bot.py import` beside a running bot)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / f"{IMPORT_LOG}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def mark_told(data_dir: Path, keys: Sequence[str], mark: str = UNTOLD) -> None:
    """Admins heard of the notices of the articles at `keys`: imported (UNTOLD), or
    withdrawn (GONE_UNTOLD)."""
    if not keys:
        return
    with locked(data_dir):
        book = ImportLog.load(data_dir / IMPORT_LOG)
        for key in keys:
            book.articles.get(key, {}).pop(mark, None)
        book.save()


def write_atomically(path: Path, text: str) -> None:
    """`text` in place of `path`, whole or not at all; the owner's only (a feed's address
    may hold a password)."""
    with partial_file(path, mode=0o600) as out:
        out.write(text.encode("utf-8"))


def digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:32]


# A sentence's or a line's start, where any word has a capital letter.
_SENTENCE = re.compile(r"[.!?:;\n]+")
# A credit line (folded): "Tin, ảnh: Ngọc Hân", "(Ảnh: Minh Tuấn)", "Nguồn: ...": who wrote
# the article or took its photos, which a re-post in another section may credit otherwise.
_CREDIT = re.compile(
    r"\W*(?:(?:tin|bai|anh|video|clip)(?:\W+(?:va\W+)?(?:tin|bai|anh|video|clip))*"
    r"|nguon|tac gia|thuc hien|phong vien|pv|ctv|nhom pv)\s*:"
)


def specifics_of(body: str) -> dict[str, Any]:
    """What tells apart two notices of one template (as an import log record keeps them):
    a digest of the numbers of a text, its dates, hours, house numbers, quantities, in
    order; and its names, the words written with a capital letter inside a sentence
    (streets, hamlets, buildings: "tại nhà văn hóa khu phố Tân Lập"), in lower case, in
    any order, not those of a credit line ("Tin, ảnh: Ngọc Hân")."""
    numbers = " ".join(word for word in plain_words(body).split() if word.isdigit())
    said = "\n".join(line for line in body.splitlines() if not _CREDIT.match(fold(line)))
    names = {
        word.lower()
        for sentence in _SENTENCE.split(unicodedata.normalize("NFC", said))
        for word in re.findall(r"\w+", sentence)[1:]
        if word[0].isupper()
    }
    return {"numbers": digest(numbers), "names": sorted(names)}


def words_of(body: str) -> frozenset[str]:
    """The words of a text in lower case, to look for another notice's names in it."""
    return frozenset(re.findall(r"\w+", unicodedata.normalize("NFC", body).lower()))


def names_agree(
    kept: object,
    names: Sequence[str],
    words: frozenset[str],
    kept_words: Callable[[], frozenset[str] | None],
) -> bool:
    """Whether two texts name the same places: each has the other's names, in any case
    (an import log record's `kept`; a new text's `names` and `words`; `kept_words`, those
    of the record's file, None when it is gone). One notice for another place does not
    (the template's "Tân Lập" became "Hòa Bình", or "và Hòa Bình" was added), while a
    re-post writing a capital otherwise does. A record without names (kept by a version
    that did not keep the words) tells nothing."""
    if not isinstance(kept, list):
        return True
    if not all(name in words for name in kept):
        return False
    added = set(names).difference(kept)
    return not added or added <= (kept_words() or frozenset())


# A place a notice is for, after the name of its kind: a neighbourhood, a street, an alley
# ("khu phố 3", "tổ dân phố 12", "ấp Tân Lập", "đường Lê Lợi", "hẻm 42"), by its number or
# by its name written with capitals (not "tổ chức", "đường dây nóng", "xã hội").
_PLACE_KIND = re.compile(
    r"\b(khu phố|kp|tổ dân phố|tdp|tổ|ấp|thôn|xóm|khóm|khu vực|kv|khu dân cư|buôn|bản|làng|"
    r"phường|xã|đường số|đường|hẻm|ngõ|ngách|kiệt)\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"\s*(\w+)")
PLACE_WORDS = 4  # the words of a place's name, at most


def places_of(body: str) -> frozenset[str]:
    """The places a text names by their kind and their number or name ("khu phố 3",
    "ấp tân lập", "ấp bình thạnh 2", "đường lê lợi"), in lower case."""
    text = unicodedata.normalize("NFC", body)
    found = set()
    for kind in _PLACE_KIND.finditer(text):
        named: list[str] = []
        at = kind.end()
        while len(named) < PLACE_WORDS and (word := _WORD.match(text, at)):
            said = word.group(1)
            if said.isdigit():
                named.append(said)  # "khu phố 3", "ấp Bình Thạnh 2": its number ends it
                break
            if not said[0].isupper():
                break
            named.append(said)
            at = word.end()
        if named:
            found.add(f"{kind.group(1)} {' '.join(named)}".lower())
    return frozenset(found)


def same_places(body: str, kept: str | None) -> bool:
    """Whether a text (`body`) names the places an imported article's notice (`kept`: its
    text, None when gone: nothing to tell) names: the same template's notice for another
    hamlet, street or alley is another notice, however few words differ, while a post
    corrected for its day, its hour or where to go ("tại nhà văn hóa khu phố") is not."""
    return kept is None or places_of(body) == places_of(kept)
