"""Vietnamese text normalisation for matching what residents type against what staff wrote.

The same pipeline runs over documents and questions, so both sides meet in one form:

1. Unicode NFC and case folding.
2. One tone-mark convention: the tone goes where the traditional rule puts it
   (hòa, thủy, khỏe), whichever way it was typed (hoà, thuỷ, khoẻ).
3. Leftover Telex or VNI keystrokes decoded when they spell a valid syllable
   (hocj boongr -> học bổng, ho5c -> học).
4. In residents' questions only: southern and central words put in standard
   Vietnamese (ở mô -> ở đâu, mần -> làm), matched with their diacritics.
5. Abbreviations and synonyms rewritten to their full form (bhyt -> bảo hiểm y tế,
   đánh rơi -> đánh mất), from a built-in list that staff extend with `synonyms:` in
   faq.yaml.

`fold()` then strips every diacritic, for the accent-insensitive side of the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

# Combining marks: the five tones, and the three vowel shapes (â/ê/ô, ơ/ư, ă).
_TONES = {"\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_TONE_MARK = {tone: mark for mark, tone in _TONES.items()}
_VOWELS = set("aăâeêioôơuưy")
_SHAPED = set("ăâêôơư")
_ONSETS = "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x".split()
# Vowel clusters that may be followed by a final consonant, and those that may not.
_NUCLEI_CLOSED = set("a ă â e ê i o ô ơ u ư y iê yê oa oă oe oo uâ uê uô ươ uy uyê".split())
_NUCLEI_OPEN = set(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uơ uy "
    "ưa ưi ưu iêu yêu oai oay oeo uây uôi uya uyu ươi ươu".split()
)
_CODAS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
# The finals that stop a syllable: it takes the sắc or nặng tone only.
_STOPS = ("c", "ch", "p", "t")

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case and strip every diacritic, with đ -> d: 'Đăng ký' -> 'dang ky'."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text)


def plain_words(text: str) -> str:
    """Text as compared for a notice posted again or renamed: folded, words only (a
    retyped space, accent or capital changes nothing)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


# The syllable parts above with their accents folded (`fold`), for words as `plain_words`
# gives them.
_FOLDED_ONSETS = tuple(dict.fromkeys(o.replace("đ", "d") for o in _ONSETS))
_FOLDED_NUCLEI_CLOSED = frozenset(fold(n) for n in _NUCLEI_CLOSED)
_FOLDED_NUCLEI_OPEN = frozenset(fold(n) for n in _NUCLEI_OPEN)


def spells_a_syllable(word: str) -> bool:
    """Whether the folded `word` is a Vietnamese syllable with its accents left out
    ("loi": lợi, lời; "thang"), not a misspelling ("thag", "chng") or an abbreviation."""
    for onset in ("", *(o for o in _FOLDED_ONSETS if word.startswith(o))):
        rest = word[len(onset) :]
        vowels = len(rest) - len(rest.lstrip("aeiouy"))
        nucleus, coda = rest[:vowels], rest[vowels:]
        nuclei = _FOLDED_NUCLEI_CLOSED if coda else _FOLDED_NUCLEI_OPEN
        if coda in _CODAS and nucleus in nuclei:
            return True
    return False


def accents_retyped(old: str, new: str) -> bool:
    """Whether the word `new` is `old` with its accents typed again rather than another
    word: the same letters, and one of them typed without accents ("Hoa", "Hòa") or the
    same tone placed otherwise ("Hoà", "Hòa"). "Hòa" and "Hóa" are two words."""
    old, new = nfc(old.casefold()), nfc(new.casefold())
    if fold(old) != fold(new):
        return False
    return fold(old) in (old, new) or canonical_tone(old) == canonical_tone(new)


# What numbers an event among its look-alikes: a session or term ("kỳ họp thứ hai",
# "lần thứ XIV", "đợt thứ 3", "khóa XVI") or a school grade ("lớp 10").
_EVENT_RE = re.compile(r"\b(?:(?:ky hop|lan|dot|phien) thu|khoa|lop) ([a-z0-9]+)\b")
_ORDINALS = {
    "nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5,
    "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
}  # fmt: skip
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman(numeral: str) -> int:
    values = [_ROMAN[ch] for ch in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def event_numbers(text: str) -> frozenset[int]:
    """The numbers of the sessions, terms or school grades `text` names: "Kỳ họp thứ hai
    HĐND" -> {2}, "Đại hội lần thứ XIV" -> {14}, "đại biểu Quốc hội khóa XVI" -> {16},
    "tuyển sinh lớp 1, lớp 6" -> {1, 6}. A "khóa" takes only a numeral ("khóa học" is a
    course), a "lớp" only digits ("lớp học")."""
    found = set()
    for match in _EVENT_RE.finditer(" ".join(_WORD_RE.findall(fold(text)))):
        word, kind = match[1], match[0].split()[0]
        if word.isdigit():
            found.add(int(word))
        elif kind == "lop":
            continue
        elif word in _ORDINALS and kind != "khoa":
            found.add(_ORDINALS[word])
        elif set(word) <= _ROMAN.keys():
            found.add(_roman(word))
    return frozenset(found)


# The administrative units a ward office may serve, as WARD_NAME names them and residents
# write them ("cán bộ xã", "tin mới của thị trấn"); the longer ones first: "thị xã" (a town,
# a tier above) is no "xã".
UNITS = ("thị trấn", "thị xã", "đặc khu", "phường", "xã")


# The tiers of government a people's council or committee (HĐND, UBND: "... nhân dân
# <tier>") sits at, by the folded word that names the tier. Since 1 July 2025 there are
# two: the province or centrally run city, and the commune, ward or special zone; the
# district tier is gone but still named. "thị" is left out: "thị xã" was a district,
# "thị trấn" a commune.
GOVERNMENT_TIERS = {
    "tinh": "province",
    "thanh": "province",  # thành phố
    "huyen": "district",
    "quan": "district",
    "xa": "commune",
    "phuong": "commune",
    "dac": "commune",  # đặc khu
}


def government_tiers(folded_words: Sequence[str]) -> frozenset[str]:
    """The tiers whose people's council or committee the words name ("ủy ban nhân dân
    tỉnh", "hđnd phường" once expanded), from folded words."""
    return frozenset(
        GOVERNMENT_TIERS[third]
        for first, second, third in zip(
            folded_words, folded_words[1:], folded_words[2:], strict=False
        )
        if first == "nhan" and second == "dan" and third in GOVERNMENT_TIERS
    )


def _split_tone(word: str) -> tuple[str, int]:
    """('hoà' -> ('hoa', 2)): the word without its tone mark, and the tone (0 = none)."""
    tone = 0
    kept = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _parse(syllable: str) -> tuple[str, str, str] | None:
    """Split a toneless lower-case syllable into onset, vowel cluster and final, if valid."""
    onset = ""
    for candidate in _ONSETS:
        if syllable.startswith(candidate):
            rest = syllable[len(candidate) :]
            # 'gi' and 'qu' are onsets only when a vowel follows ('gì' is g + i).
            if candidate in ("gi", "qu") and not (rest and rest[0] in _VOWELS):
                continue
            onset = candidate
            break
    rest = syllable[len(onset) :]
    i = 0
    while i < len(rest) and rest[i] in _VOWELS:
        i += 1
    nucleus, coda = rest[:i], rest[i:]
    if not nucleus or coda not in _CODAS:
        return None
    if coda and nucleus not in _NUCLEI_CLOSED:
        return None
    if not coda and nucleus not in _NUCLEI_OPEN:
        return None
    return onset, nucleus, coda


def _place_tone(syllable: str, tone: int) -> str | None:
    """Put `tone` on the vowel the traditional rule picks; None if not a valid syllable."""
    parts = _parse(syllable)
    if parts is None:
        return None
    onset, nucleus, coda = parts
    if tone == 0:
        return syllable
    if coda in _STOPS and tone not in (1, 5):
        return None  # stopped syllables take only the sắc or nặng tone
    shaped = [i for i, ch in enumerate(nucleus) if ch in _SHAPED]
    if shaped:
        pos = shaped[-1]
    elif coda or len(nucleus) == 1:
        pos = len(nucleus) - 1
    elif len(nucleus) == 3:
        pos = 1
    else:
        pos = 0
    marked = unicodedata.normalize("NFC", nucleus[pos] + _TONE_MARK[tone])
    return onset + nucleus[:pos] + marked + nucleus[pos + 1 :] + coda


def canonical_tone(word: str) -> str:
    """One tone placement for every spelling: 'hoà' and 'hòa' both give 'hòa'."""
    toneless, tone = _split_tone(word)
    if tone == 0:
        return word
    placed = _place_tone(toneless, tone)
    return placed if placed is not None else word


def stopped_tones(word: str) -> tuple[str, ...]:
    """The spellings a syllable ending in p, t, c or ch (a stopped one) has with its tone
    typed and lost, besides its own: "kết" may be typed "kêt"; "kêt" has lost its tone,
    since a stopped syllable takes sắc or nặng, never none, so stands for "kết" or "kệt".
    Empty for any other word: "hôn" as typed is a word ("hôn", not "hồn")."""
    toneless, tone = _split_tone(word)
    parts = _parse(toneless)
    if parts is None or parts[2] not in _STOPS:
        return ()
    if tone:
        return (toneless,)
    return tuple(filter(None, (_place_tone(toneless, t) for t in (1, 5))))


_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5}
_TELEX_SHAPES = {"aa": "â", "ee": "ê", "oo": "ô", "aw": "ă", "ow": "ơ", "uw": "ư", "dd": "đ"}
_VNI_TONES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def decode_telex(token: str) -> str | None:
    """'hocj' -> 'học', 'ddinhf' -> 'đình', 'muwowns' -> 'mướn'; None if it is not Telex."""
    if not token.isascii() or not token.isalpha():
        return None
    tone = 0
    letters: list[str] = []
    seen_vowel = False
    for ch in token:
        if seen_vowel and ch in _TELEX_TONES:
            tone = _TELEX_TONES[ch]
            continue
        if ch == "z" and seen_vowel:
            tone = 0
            continue
        letters.append(ch)
        seen_vowel = seen_vowel or ch in "aeiouy"
    word = "".join(letters)
    word = word.replace("uow", "ươ").replace("uwow", "ươ")
    for keys, letter in _TELEX_SHAPES.items():
        word = word.replace(keys, letter)
    word = word.replace("w", "ư")
    if word == token:
        return None
    placed = _place_tone(word, tone)
    if placed is None or placed == token:
        return None
    return placed


def decode_vni(token: str) -> str | None:
    """'ho5c' -> 'học', 'bo6ng3' -> 'bổng', 'd9i' -> 'đi'; None if it is not VNI."""
    if not token.isascii() or token.isdigit() or not any(c.isdigit() for c in token):
        return None
    if not re.fullmatch(r"[a-z][a-z0-9]*", token):
        return None
    tone = 0
    chars: list[str] = []
    for ch in token:
        if ch in _VNI_TONES:
            tone = _VNI_TONES[ch]
            continue
        if ch in "6789":
            targets = {"6": "aeo", "7": "uo", "8": "a", "9": "d"}[ch]
            shape = {"6": "\u0302", "7": "\u031b", "8": "\u0306", "9": ""}[ch]
            hits = [i for i, c in enumerate(chars) if c in targets]
            if not hits:
                return None
            if ch == "7" and len(hits) >= 2 and chars[hits[-2]] == "u" and hits[-1] == hits[-2] + 1:
                hits = hits[-2:]  # 'uo7' is ươ
            else:
                hits = hits[-1:]
            for i in hits:
                chars[i] = "đ" if ch == "9" else unicodedata.normalize("NFC", chars[i] + shape)
            continue
        if ch.isdigit():
            return None
        chars.append(ch)
    placed = _place_tone("".join(chars), tone)
    return placed if placed not in (None, token) else None


# Abbreviations every ward's residents use. Keys are accent-folded token sequences;
# values are what they stand for. Staff add their own with `synonyms:` in faq.yaml.
# Keys match whatever the diacritics, so a key must not also be a word or a unit:
# 'hong' would turn 'sổ hồng' into 'sổ không', 'kg' a weight into 'không'.
BUILTIN_SYNONYMS: dict[str, str] = {
    "bhyt": "bảo hiểm y tế",
    "bhxh": "bảo hiểm xã hội",
    "bhtn": "bảo hiểm thất nghiệp",
    "bhxh tn": "bảo hiểm xã hội tự nguyện",
    "bhxhtn": "bảo hiểm xã hội tự nguyện",
    "kcb": "khám chữa bệnh",
    "cccd": "căn cước công dân",
    "cmnd": "chứng minh nhân dân",
    "cmt": "chứng minh nhân dân",
    "vneid": "vneid định danh điện tử",
    "vssid": "vssid bảo hiểm xã hội số",
    "dddt": "định danh điện tử",
    "ubnd": "ủy ban nhân dân",
    "hdnd": "hội đồng nhân dân",
    "mttq": "mặt trận tổ quốc",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "ubmttqvn": "ủy ban mặt trận tổ quốc việt nam",
    "nvqs": "nghĩa vụ quân sự",
    "lđtbxh": "lao động thương binh xã hội",
    "ldtbxh": "lao động thương binh xã hội",
    "kp": "khu phố",
    "tdp": "tổ dân phố",
    "tp": "thành phố",
    "tx": "thị xã",
    "gks": "giấy khai sinh",
    "sdt": "số điện thoại",
    "hssv": "học sinh sinh viên",
    "hs": "học sinh",
    # ... but papers one hands in ("nộp hs", "bộ hs") are a file.
    "nop hs": "nộp hồ sơ",
    "lam hs": "làm hồ sơ",
    "bo hs": "bộ hồ sơ",
    "sv": "sinh viên",
    "gplx": "giấy phép lái xe",
    "gpxd": "giấy phép xây dựng",
    "sxh": "sốt xuất huyết",
    "dvc": "dịch vụ công",
    "dk": "đăng ký",
    "đk": "đăng ký",
    "ko": "không",
    "k": "không",
    "kh": "không",
    "khg": "không",
    "hok": "không",
    "dc": "được",
    "đc": "được",
    "j": "gì",
    "ntn": "như thế nào",
    "bn": "bao nhiêu",
    "bnhieu": "bao nhiêu",
    "bh": "bao giờ",
    "vs": "với",
    "mk": "mình",
    "mik": "mình",
    "ng": "người",
    "trc": "trước",
    "r": "rồi",
    "cty": "công ty",
    # The abbreviations of official papers and notices, which residents copy from them.
    # Left out: those that stand as often for something else ("tt": trung tâm, thủ tục,
    # thông tư, tạm trú; "nk": nhiệm kỳ, nhân khẩu; "tb": thông báo, thương binh).
    "gcn": "giấy chứng nhận",
    "qsdd": "quyền sử dụng đất",
    "gcnqsdd": "giấy chứng nhận quyền sử dụng đất",
    "gxn": "giấy xác nhận",
    "tthc": "thủ tục hành chính",
    "hcc": "hành chính công",
    "pvhcc": "phục vụ hành chính công",
    "hkd": "hộ kinh doanh",
    "kd": "kinh doanh",
    "gpkd": "giấy phép kinh doanh",
    "dkkd": "đăng ký kinh doanh",
    "mst": "mã số thuế",
    "stk": "số tài khoản",
    "hgd": "hộ gia đình",
    "nkt": "người khuyết tật",
    "btxh": "bảo trợ xã hội",
    "tcxh": "trợ cấp xã hội",
    "nhcsxh": "ngân hàng chính sách xã hội",
    "ct ubnd": "chủ tịch ủy ban nhân dân",
    "pct ubnd": "phó chủ tịch ủy ban nhân dân",
    "ct hdnd": "chủ tịch hội đồng nhân dân",
    "dbqh": "đại biểu quốc hội",
    "kvbp": "khu vực bỏ phiếu",
    "pccc": "phòng cháy chữa cháy",
    "atgt": "an toàn giao thông",
    "attp": "an toàn thực phẩm",
    "csgt": "cảnh sát giao thông",
    "bchqs": "ban chỉ huy quân sự",
    "tnmt": "tài nguyên môi trường",
    "bvtv": "bảo vệ thực vật",
    "thcs": "trung học cơ sở",
    "thpt": "trung học phổ thông",
    "ccb": "cựu chiến binh",
    "lhpn": "liên hiệp phụ nữ",
    # Everyday words for what official texts say otherwise.
    "online": "trực tuyến",
    "onl": "trực tuyến",
    "xài": "sử dụng",
    "xai": "sử dụng",
    "ly di": "ly hôn",
}

# Losing one's papers, however it is said ("đánh rơi", the south's "làm rớt"): what the
# ward's texts call "mất" ("mất thẻ", "bị mất giấy khai sinh"), so a resident who dropped
# their ID card finds the entry on a lost one. Matched whatever the diacritics, as the
# abbreviations above, except those whose unaccented form is as often another phrase
# (`_LOST_AS_TYPED`): "lam roi" is also "làm rồi" (done), "bi roi" "bị rồi". Not "bị
# rớt": failing an exam ("thi bị rớt"); nor "đánh rớt", also a file turned down ("hồ sơ bị
# đánh rớt"). Nor "thất lạc", which matching by meaning already
# reads as lost (rewritten, it moved the answer threshold `bot.py fit` chose and cost a
# left-out ward 2 questions).
_LOST = {
    "đánh rơi": "đánh mất",
    "làm rớt": "làm mất",
    "làm rơi": "làm mất",
    "bị rơi": "bị mất",
}
_LOST_AS_TYPED = frozenset({"làm rơi", "bị rơi"})
BUILTIN_SYNONYMS.update({said: lost for said, lost in _LOST.items() if said not in _LOST_AS_TYPED})
# Everyday words rewritten only when typed with these diacritics (a key typed otherwise,
# or without any, is another phrase).
BUILTIN_AS_TYPED: dict[str, str] = {said: _LOST[said] for said in sorted(_LOST_AS_TYPED)}


@dataclass(frozen=True)
class _Regional:
    """A word of regional speech, the standard word(s) for it, and the neighbours that
    make it a standard word instead (the 'mô' of 'quy mô', the 'răng' of 'khám răng')."""

    standard: tuple[str, ...]
    kept_after: frozenset[str] = frozenset()
    kept_before: frozenset[str] = frozenset()


def _regional(standard: str, after: str = "", before: str = "") -> _Regional:
    return _Regional(tuple(standard.split()), frozenset(after.split()), frozenset(before.split()))


# Southern and central speech: function and everyday words that have a standard
# equivalent the ward's texts would use. Keys are written with their diacritics and
# only match so ('mô' is never 'mở'); words with a second, standard meaning that
# matters at a ward office are left out ('vô' is also 'vô hiệu', 'chi' also 'chi trả',
# 'mạ' also rice seedlings). Applied to residents' questions only.
REGIONAL_WORDS: dict[str, _Regional] = {
    "mô": _regional("đâu", after="quy", before="hình tả tô phỏng đun men"),
    "răng": _regional(
        "sao",
        after="khám đau nhổ sâu trồng niềng hàm mọc trám chải chân",
        before="miệng hàm sữa khôn giả cửa sâu khểnh nanh",
    ),
    "rứa": _regional("vậy"),
    "chừ": _regional("giờ"),
    "nớ": _regional("đó"),
    "ni": _regional("này"),
    "mệ": _regional("bà"),
    "hổng": _regional("không"),
    "hông": _regional("không", after="bên cạnh đau sườn thắt", before="nhà"),
    "nhiêu": _regional("bao nhiêu", after="bao bấy bây", before="khê"),
    "mần": _regional("làm"),
    "dìa": _regional("về"),
    "mướn": _regional("thuê"),
    "tui": _regional("tôi"),
    "tụi": _regional("chúng"),
}


# Sentence particles of central and southern speech, as typed, that only soften what they
# close ("cảm ơn nghen", "nộp ở đâu nè", "ok hỉ", "đúng rồi đó", "là sao ta"): they name
# nothing. Folded, some are other words too ("nè": "né", to dodge; "hen": "hẹn").
REGIONAL_PARTICLES = frozenset("nghen nhen hen hén nè nghe hỉ hè ta nờ đó".split())


# Asking to ask, typed without accents: "cho toi hoi", "em muon hoi" are nothing but
# "cho tôi hỏi", "em muốn hỏi" (no ward office's subject is "tới hội" or "muôn hội"), and
# "hỏi ve" is "hỏi về". Put back, they are the stopwords they are with accents, not
# "tối", "hội" weighing on the search and read so by the meaning model.
_ASKERS = {"toi": "tôi", "tui": "tôi", "em": "em", "minh": "mình", "chau": "cháu", "con": "con"}
_WANTS = {"muon": "muốn", "can": "cần", "xin": "xin"}
# Words "hội" opens, where "hoi" is that (a council, a meeting, a union): "co can hoi dong
# xet duyet khong" asks about a council, not about asking.
_HOI_COMPOUNDS = frozenset(
    "dong nghi vien phu nong cuu thao dien quan lang truong tu nhap hop".split()
)


def _asking_said(words: list[str]) -> list[str]:
    """`words` with an unaccented "cho <someone> hoi", "<someone> muon hoi", "muon hoi"
    (and the "ve" after it) written with their diacritics."""
    out = list(words)
    for at, word in enumerate(out):
        if word != "hoi" or at == 0 or (at + 1 < len(out) and out[at + 1] in _HOI_COMPOUNDS):
            continue
        before = out[at - 1]
        if before in _WANTS:  # "(em) muon hoi"
            out[at - 1] = _WANTS[before]
            if at > 1 and out[at - 2] in _ASKERS:
                out[at - 2] = _ASKERS[out[at - 2]]
        elif before in _ASKERS and at > 1 and out[at - 2] == "cho":  # "cho toi hoi"
            out[at - 1] = _ASKERS[before]
        else:
            continue
        out[at] = "hỏi"
        if at + 1 < len(out) and out[at + 1] == "ve":
            out[at + 1] = "về"
    return out


def standard_words(words: list[str]) -> list[str]:
    """`words` (normalised) with regional words in their standard form, and asking to
    ask typed without accents with its diacritics (`_asking_said`)."""
    if "hoi" in words:
        words = _asking_said(words)
    if REGIONAL_WORDS.keys().isdisjoint(words):
        return words
    out: list[str] = []
    for i, word in enumerate(words):
        rule = REGIONAL_WORDS.get(word)
        if (
            rule is None
            or (i > 0 and words[i - 1] in rule.kept_after)
            or (i + 1 < len(words) and words[i + 1] in rule.kept_before)
        ):
            out.append(word)
        else:
            out.extend(rule.standard)
    return out


@dataclass
class Synonyms:
    """Longest-match rewriting of token sequences (matched accent-folded; those of
    `as_typed` only with their diacritics)."""

    table: dict[tuple[str, ...], tuple[str, ...]]
    longest: int
    starts: frozenset[str] = frozenset()  # first words of the keys, folded, to skip the rest fast
    as_typed: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, *maps: Mapping[str, str | Iterable[str]], as_typed: Mapping[str, str] | None = None
    ) -> Synonyms:
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for mapping in maps:
            table.update(_rewrites(mapping, folded=True))
        typed = _rewrites(as_typed or {}, folded=False)
        keys = [*table, *typed]
        longest = max((len(k) for k in keys), default=0)
        return cls(table, longest, frozenset(fold(k[0]) for k in keys), typed)

    def rewrite(self, tokens: list[str]) -> list[str]:
        if not self.table:
            return tokens
        folded = list(map(fold_word, tokens))
        if self.starts.isdisjoint(folded):  # most sentences: nothing to rewrite
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if folded[i] not in self.starts:
                out.append(tokens[i])
                i += 1
                continue
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                expansion = self.as_typed.get(tuple(tokens[i : i + size]))
                if expansion is None:
                    expansion = self.table.get(tuple(folded[i : i + size]))
                # An expansion that repeats the key ('vneid' -> 'vneid ...') must not loop.
                if expansion is not None:
                    out.extend(expansion)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


def _rewrites(
    mapping: Mapping[str, str | Iterable[str]], *, folded: bool
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """`mapping`'s keys and what they stand for, as token sequences; the keys folded."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, value in mapping.items():
        values = [value] if isinstance(value, str) else list(value)
        expansion = [token for item in values for token in _basic_tokens(item)]
        key_tokens = tuple(fold(t) if folded else t for t in _basic_tokens(key))
        if key_tokens and expansion:
            table[key_tokens] = tuple(expansion)
    return table


@lru_cache(maxsize=200_000)
def _word(word: str) -> str:
    return canonical_tone(word)


@lru_cache(maxsize=100_000)
def _decoded(word: str) -> str | None:
    return decode_telex(word) or decode_vni(word)


# How like an id (or a topic's name) a mistyped one must be to be offered for it.
NEAR_ID = 70  # rapidfuzz ratio, 0-100


def nearest_ids(typed: str, names: Mapping[str, Iterable[str]], *, limit: int = 3) -> list[str]:
    """The ids `typed` most likely stands for, the likeliest first: an admin's typo in an
    entry's or a topic's id ('bhty', 'gio lam viec', 'Hộ-Tịch'). `names`: each id and the
    other names it goes by (a topic's name); compared by their words without accents or
    capitals (`plain_words`), a typo or two forgiven."""
    key = plain_words(typed)
    if not key:
        return []
    scores: dict[str, float] = {}
    for ident, others in names.items():
        score = max(fuzz.ratio(key, plain_words(name)) for name in (ident, *others))
        if score >= NEAR_ID:
            scores[ident] = score
    return sorted(scores, key=lambda ident: -scores[ident])[:limit]


# Sounds a region says alike and may spell as it says them, each spelt one way: initials
# (tr/ch, s/x; d/gi/v in the south, d/gi/r in the north) and finals (n/ng/nh, t/c/ch), so
# "cư chú" is "cư trú" and "hộ tịt" "hộ tịch". "đ" is said alike with none of them, and
# the tones only hỏi/ngã (3/4) are: "đạo đức" is no "giáo dục".
_INITIAL_SAID = {"tr": "ch", "s": "x", "gi": "d", "r": "d", "v": "d", "k": "c", "gh": "g"}
_INITIAL_SAID |= {"ngh": "ng"}
_FINAL_SAID = {"ng": "n", "nh": "n", "c": "t", "ch": "t"}
_TONE_SAID = {4: 3}


@dataclass(frozen=True)
class _Sound:
    """A word as said: its initial, vowels, final and tone (for a word that is no
    syllable, "bhyt", the word as its initial); `bare` when typed without any accent, so
    its vowels and tone are not known."""

    initial: str
    vowels: str
    final: str
    tone: int
    bare: bool


def _sounds(text: str) -> list[_Sound]:
    said = []
    for word in _WORD_RE.findall(nfc(text).casefold()):
        toneless, tone = _split_tone(word)
        parts = _parse(toneless) if toneless.isalpha() else None
        bare = word == fold(word)
        if parts is None:
            said.append(_Sound(fold(word), "", "", 0, True))
        else:
            initial, vowels, final = parts
            said.append(_Sound(initial, vowels, final, tone, bare))
    return said


def _initial_alike(said: _Sound, written: _Sound, *, bare: bool) -> bool:
    """`bare`: `said` comes from a text typed without any accent, where a "d" may stand
    for "đ": it is then only "d" or "đ", in no region's likeness."""
    if bare and said.initial == "d":
        return written.initial in ("d", "đ")
    return _INITIAL_SAID.get(said.initial, said.initial) == _INITIAL_SAID.get(
        written.initial, written.initial
    )


def _syllables_alike(said: _Sound, written: _Sound, *, said_bare: bool, written_bare: bool) -> bool:
    if not _initial_alike(said, written, bare=said_bare):
        return False
    if not _initial_alike(written, said, bare=written_bare):
        return False
    if _FINAL_SAID.get(said.final, said.final) != _FINAL_SAID.get(written.final, written.final):
        return False
    if said.bare or written.bare:  # the accents left out: the letters only
        return fold(said.vowels) == fold(written.vowels)
    tones = (_TONE_SAID.get(t, t) for t in (said.tone, written.tone))
    return said.vowels == written.vowels and len(set(tones)) == 1


def sounds_alike(said: str, written: str) -> bool:
    """Whether `said` is `written` spelt as a region says it ("cư chú" for "Cư trú", "hộ
    tịt" for "Hộ tịch"), syllable by syllable: each initial, final and (where both are
    typed with accents) vowel and tone alike. Accents and capitals as typed, or left out."""
    ours, theirs = _sounds(said), _sounds(written)
    if not ours or len(ours) != len(theirs):
        return False
    said_bare, written_bare = (fold(text) == nfc(text).casefold() for text in (said, written))
    return all(
        _syllables_alike(a, b, said_bare=said_bare, written_bare=written_bare)
        for a, b in zip(ours, theirs, strict=True)
    )


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """`fold` for one word, cached: the hot path of indexing and asking."""
    return fold(word)


def forget_words() -> None:
    """Empty the caches of single words above: they hold the words residents typed too (a
    name, a phone number), with nothing of who typed them; a resident's /forget empties
    them (refilled as questions and notices are read)."""
    for cached in (_word, _decoded, fold_word):
        cached.cache_clear()


def diacritics_share(text: str) -> float:
    """The share of `text`'s words (letters only) typed with diacritics, as typed: before
    abbreviations are expanded ('lam cccd o dau' is typed without any, though 'cccd'
    stands for 'căn cước công dân') and Telex is decoded. 0 when it has no such word."""
    letters = [w for w in _basic_tokens(text) if w.isalpha()]
    return sum(w != fold_word(w) for w in letters) / len(letters) if letters else 0.0


def tones_placed(text: str) -> str:
    """`text` with each word's tone mark placed one way (`canonical_tone`): "sức khoẻ",
    "hoà giải" as "sức khỏe", "hòa giải"; the rest kept as typed."""
    return _WORD_RE.sub(lambda word: _word(word.group()), text)


def _basic_tokens(text: str) -> list[str]:
    """NFC, case-fold, split into words and put tones in one place. No decoding."""
    return list(map(_word, _WORD_RE.findall(nfc(text).casefold())))


def tokens(
    text: str,
    synonyms: Synonyms | None = None,
    known: frozenset[str] | set[str] = frozenset(),
    *,
    decode: bool = True,
    regional: bool = True,
) -> list[str]:
    """Normalised syllables of `text`, ready to match: see the module docstring.

    `known` holds accent-folded words the corpus uses; a word in it is never read as
    Telex ('boong' stays 'boong' when a notice talks about a ship's deck). Staff texts
    are analysed with `decode=False`: what they wrote is what they meant. `regional`:
    regional words in their standard form (not in a resident's words quoted back).
    """
    words = _basic_tokens(text)
    if not decode:
        return synonyms.rewrite(words) if synonyms else words
    decoded: list[str] = []
    for word in words:
        if word.isascii() and word not in known:
            better = _decoded(word)
            if better is not None:
                decoded.append(better)
                continue
        decoded.append(word)
    if regional:
        decoded = standard_words(decoded)
    return synonyms.rewrite(decoded) if synonyms else decoded


def normalize(text: str, synonyms: Synonyms | None = None) -> str:
    """The normalised text as one string: 'Hoà BHYT' -> 'hòa bảo hiểm y tế'."""
    return " ".join(tokens(text, synonyms))


def one_line(text: str, limit: int) -> str:
    """`text` on one line, within `limit` characters: cut between words ("…" marks the
    cut), inside a word only when a single word is that long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    if text[len(kept)] != " " and " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,;:-–—") + "…"
