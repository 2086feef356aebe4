"""A portal page's bytes as text: its encoding settled (`decode_html`), NFC.

Vietnamese portals still serve Windows-1258 (tone marks as separate combining characters),
label pages wrongly (ISO-8859-1 for a Windows-1258 page), or store decomposed Unicode.
Neither httpx (0.28: the header's charset, else UTF-8) nor trafilatura (UTF-8, else
charset-normalizer's guess; never the declared charset) settle this, so `decode_html` does:
valid UTF-8 wins, and so does UTF-8 with a few bad bytes replaced when the page is
overwhelmingly UTF-8 (a title cut mid-character must not turn the whole page into
mojibake); otherwise the declared charsets, Windows-1258 and charset-normalizer's guess
are each tried and the reading with the fewest impossible Vietnamese words is kept.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

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
