"""What identifies a resident, blanked: in the question log, and in what goes into faq.yaml.

`scrub` is the question log's rule (private, in the database): e-mail addresses and numbers
of seven digits or more (phones, ID cards, bank accounts; not office hours, school years
or an amount of money with its unit). `for_faq` is stricter, since faq.yaml is public and
kept in git, where `/forget` cannot reach: it also blanks what follows a resident's
introduction ("tôi tên …", "cháu là …", "Họ tên: …"), a capitalised name after a form of
address ("chị …", "ông …") or starting with a common family name ("Nguyễn Văn …"), the
number after a word of an address ("nhà số …", "hẻm …", "ngõ …", "đường Lê Lợi số …") and
a full date of birth ("sinh ngày …"). A name typed in lower case without an introduction
is not found: the staff who publish are shown the text written, and told what was blanked.
`full_names` gives the search the surest of these names, to leave out of what it reads.

Over-blanking a question costs a little matching; leaving a name in costs a resident's
privacy for good, so the rules err on blanking. But a street, a school or a ward named
after a person ("đường Lê Lợi", "trường THCS Nguyễn Du") is kept: the house number is
what makes it an address, and it is blanked; without the street, a question about its
road works or a school's enrolment would say nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from wardbot.text import UNITS, fold_word, nfc

BLANK = "…"
KINDS = ("number", "email", "name", "address", "birth")

_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+"  # e-mail addresses
    r"|\+?\d(?:[\s.()-]{0,3}\d){6,}"  # phone, ID card, account numbers: 7+ digits
)
_WORD = re.compile(r"[^\W_]+(?:[/.-][^\W_]+)*|[^\w\s]|\n")  # a line's end ends a name too
_CLAUSE_END = frozenset(',.;:!?()[]"“”…\n')
# Words that end a name typed after an introduction ("toi ten an muon hoi ..."), in lower
# case; without diacritics only where that is no given name too ("tam": Tâm, "minh": Minh).
_AFTER_NAME = frozenset(
    "muốn xin hỏi ở sinh nhà có cần đang cho năm hiện nay thì và là số tại địa được bị làm "
    "đã vừa để nhưng không em tôi mình cháu con tui học quê thường tạm nhân viên mà vì nên "
    "giờ mất muon hoi o co can thi va la so dia duoc dc bi da vua de khong ko k e toi tui "
    "hoc que vien ma nen gio mat".split()
)
# Who is introduced or addressed, in lower case: "tôi tên", "cháu là", "chị Lan". Without
# diacritics only where the word is no other one ("co" is "có" as often as "cô").
_PERSON = frozenset(
    "tôi em mình cháu con tui bé anh chị ông bà cô chú bác cụ dì cậu mợ thím vợ chồng mẹ bố "
    "ba cha bạn thầy toi minh chau chi ong bac chong".split()
)
# What a form of address may take before the name: "cô giáo Lan", "bác sĩ Hùng".
_OCCUPATIONS = frozenset({"giáo", "sĩ"})
_INTRO_POSSESSIVE = frozenset({"của", "cua", *_PERSON})  # "tên (của) con tôi là"
_GIVEN = frozenset({"minh", "chi", "chau"})  # forms of address without diacritics, and names
# A title after a form of address is no name: "ông Chủ tịch", "bà Tổ trưởng".
_TITLES = frozenset("chủ phó trưởng tổ bí cán công giám hiệu thầy bác trợ kế".split())
# Family names that are no other word, even without diacritics (folded): a name typed in
# lower case is found by them ("tôi là nguyễn văn an"; not "mai", "cao", "lê": words too).
_SURE_FAMILY = frozenset("nguyen tran pham hoang huynh phan bui trinh ngo".split())
_NAME_WORDS = frozenset("văn thị van thi minh anh bé em chi chau".split())
# Family names most Vietnamese have, as written with and without diacritics ("Hà", "Thái"
# are left out: "Hà Nội", "Thái Bình").
_FAMILY = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Trịnh "
    "Lâm Trương Đào Lương Quách Tạ Châu Lưu Mai Cao Tô Tăng Kiều Triệu Mạc Lục Vương "
    "Nguyen Tran Pham Hoang Huynh Dang Bui Duong Truong Trinh Doan Dinh Luong Ngo".split()
)
# What starts with a family name or a form of address and names no one: places ("Bà Rịa"),
# and words of a ward's business capitalised in a title or typed in capitals ("Đoàn Thanh
# niên", "HỒ SƠ", "LÝ LỊCH").
_NOT_NAMES = frozenset(
    tuple(phrase.split())
    for phrase in (
        "hồ chí minh",
        "ho chi minh",
        "cao bằng",
        "lâm đồng",
        "phan thiết",
        "phan rang",
        "cao lãnh",
        "châu đốc",
        "châu thành",
        "hoàng mai",
        "lê chân",
        "hồ tây",
        "hồ gươm",
        "hồ sơ",
        "lý lịch",
        "lý do",
        "lưu trú",
        "lưu ý",
        "lưu trữ",
        "lương hưu",
        "lương thực",
        "cao tuổi",
        "cao đẳng",
        "cao tốc",
        "đào tạo",
        "mai táng",
        "đoàn viên",
        "đoàn kết",
        "đoàn thanh niên",
        "dương tính",
        "lâm thời",
        "đỗ xe",
        "phạm vi",
        "kiều bào",
        "kiều hối",
        "tăng cường",
        "châu âu",
        "bà rịa",
        "bà chiểu",
        "bà điểm",
        "bà quẹo",
        "bà đen",
        "ông lãnh",
    )
)
# A word of an address (folded) before the number that is the resident's.
# In lower case, with and without diacritics where that is no other word ("ngo" is also
# "Ngọ", a year's name; "nhà 5 người" is a household): "nhà" and "số" only together.
_ADDRESS = frozenset("hẻm hem hxh ngõ ngách ngach kiệt kiet thửa".split())
_ADDRESS_PAIRS = frozenset(
    {("số", "nhà"), ("so", "nha"), ("nhà", "số"), ("nha", "so"), ("căn", "hộ"), ("can", "ho")}
    | {("địa", "chỉ"), ("dia", "chi")}
)
_STREET = frozenset({"đường", "duong", "phố", "pho"})  # "45 đường Lê Lợi": the number before it
# What is named after a person, the name after it no one's: "đường Nguyễn Văn Cừ", "phố
# Lê Lợi", "trường THCS Lê Quý Đôn", "chợ", "cầu", "phường", "bệnh viện", "công viên".
# The units a ward office serves by their last word too: "thị trấn Trần Văn Thời",
# "đặc khu Lý Sơn" (wardbot.text.UNITS).
_NAMED_AFTER = _STREET | frozenset(
    "trường truong thcs thpt tiểu mầm chợ cầu phường phuong xã quận huyện huyen viện viên".split()
    + [name.split()[-1] for name in UNITS]
)
# A number with a unit after a word of an address is a size: "hẻm 3m", "căn hộ 2 phòng".
_SIZE = re.compile(r"\d+(?:[.,]\d+)?\s?(?:m|mét|met|m2|m²)(?!\w)|\d\s?phòng(?!\w)", re.IGNORECASE)
_FULL_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")


# Numbers with as many digits as a phone that identify no one: a school year or a term
# ("2025-2026", "2026 – 2031"), office hours ("7.30 - 11.30"), and an amount of money with
# its unit ("1.500.000 đồng", "2.000.000đ"; without one it may be an ID number).
_YEARS = re.compile(r"(?:19|20)\d\d\s?[-–/]\s?(?:19|20)\d\d")
_HOURS = re.compile(r"\d{1,2}[.:]\d\d\s?-\s?\d{1,2}[.:]\d\d")
_MONEY = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_CURRENCY = re.compile(r"\s?(?:đồng|đ|vnđ|vnd|dong|d)(?!\w)", re.IGNORECASE)


def scrub(text: str) -> str:
    """The question without the numbers and addresses that identify someone."""
    return _CONTACT.sub(lambda m: BLANK if _identifies(m) else m.group(), text)


def _contacts(text: str) -> Iterator[re.Match[str]]:
    return (m for m in _CONTACT.finditer(text) if _identifies(m))


def _identifies(match: re.Match[str]) -> bool:
    """Whether a match of _CONTACT is a contact or an ID number (not a year, hours, money)."""
    found = match.group()
    if _YEARS.fullmatch(found) or _HOURS.fullmatch(found):
        return False
    return not (_MONEY.fullmatch(found) and _CURRENCY.match(match.string, match.end()))


@dataclass(frozen=True)
class Redacted:
    """A resident's text fit for faq.yaml: `text`, the kinds of things blanked (`kinds`:
    KINDS, in the order met) and the strings blanked (`found`, to blank them in a staff
    answer quoting them)."""

    text: str
    kinds: tuple[str, ...]
    found: tuple[str, ...]


@dataclass
class _Token:
    text: str
    start: int
    end: int

    @property
    def folded(self) -> str:
        return fold_word(self.text)

    @property
    def person(self) -> bool:
        return self.text.lower() in _PERSON

    @property
    def addressing(self) -> bool:
        """A form of address before a name ("chị Lan"): not "Minh", "Chi" or "Chau" with
        a capital, which are given names ("anh Minh"), not "mình", "chị", "cháu"."""
        return self.person and not (self.capitalised and self.text.lower() in _GIVEN)

    @property
    def digits(self) -> bool:
        return any(ch.isdigit() for ch in self.text)

    @property
    def capitalised(self) -> bool:
        word = self.text
        return word[:1].isupper() and (len(word) == 1 or not word[1:].isupper())

    @property
    def ends_clause(self) -> bool:
        return self.text in _CLAUSE_END


def for_faq(text: str) -> Redacted:
    """`text` on one line with what identifies its writer blanked (see the module doc)."""
    text = nfc(text)  # the words listed here are composed ("Nguyễn" as one letter "ễ")
    spans: list[tuple[int, int, str]] = []
    for match in _contacts(text):
        kind = "email" if "@" in match.group() else "number"
        spans.append((match.start(), match.end(), kind))
    tokens = _tokens(text)
    spans += _names(tokens)
    spans += _addresses(tokens, text)
    spans += _births(tokens)
    if not spans:
        return Redacted(" ".join(text.split()), (), ())
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start <= merged[-1][1]:  # overlapping: one blank, the first kind
            merged[-1] = (merged[-1][0], max(merged[-1][1], end), merged[-1][2])
        else:
            merged.append((start, end, kind))
    out, last = [], 0
    for start, end, _ in merged:
        out += [text[last:start], BLANK]
        last = end
    out.append(text[last:])
    written = " ".join("".join(out).split())
    written = re.sub(rf"{BLANK}(?:\s*{BLANK})+", BLANK, written)  # "… …" is one blank
    kinds = tuple(dict.fromkeys(kind for _, _, kind in merged))
    found = tuple(text[start:end] for start, end, _ in merged)
    return Redacted(written, kinds, found)


def full_names(text: str) -> list[tuple[int, int]]:
    """Where `text` writes a person's full name (its start and end in nfc(`text`)): the
    names `for_faq` blanks of two words or more, each capitalised ("Trần Thị Hoa"). Not a
    name of one word, which may be a word or a place too ("chú Bảy", "anh Bình"), nor one
    typed in lower case or in capitals, whose run may take the words after it ("tran thi
    binh dang ky"), nor any in a message that capitalises its other words as well ("Cho
    Em Hỏi Làm Căn Cước Ở Đâu", "Mai Em Đi Làm Căn Cước"), whose capitals mark no name:
    the search, which leaves these out, would lose what was asked."""
    tokens = _tokens(nfc(text))
    out: list[tuple[int, int]] = []
    for start, end, _ in sorted(_names(tokens)):
        words = [t for t in tokens if start <= t.start and t.end <= end]
        if len(words) < 2 or not all(t.capitalised for t in words):
            continue
        if out and start < out[-1][1]:  # found twice ("tôi tên Lê Minh Khôi"): once
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out if out and _in_lower_case(tokens, out) else []


def _in_lower_case(tokens: Sequence[_Token], names: list[tuple[int, int]]) -> bool:
    """Whether the words of `tokens` outside `names`, but a sentence's first, are more
    often in lower case than capitalised: a name stands out of them."""
    lower = capitalised = 0
    for at, token in enumerate(tokens):
        if at == 0 or tokens[at - 1].ends_clause or not token.text[:1].isalpha():
            continue  # a sentence's first word, or no word
        if any(start <= token.start < end for start, end in names):
            continue
        lower += token.text.islower()
        capitalised += token.capitalised
    return lower > capitalised


def blank_found(text: str, found: Iterable[str]) -> str:
    """`text` (a staff answer) with the strings `for_faq` blanked in the resident's words
    blanked here too, wherever staff quoted them: a number however it is spaced, an e-mail
    address, a name of several words, a house number or a date of birth (anywhere when it
    cannot be another number, "45/7", "03/04/1990"; else where the answer too says it is
    one: "hẻm 12", not "lớp 12"). A name's one word ("Bình", "Hòa": words and places too,
    "quận Tân Bình", "tổ Hòa giải") only after a form of address: "Chào anh Bình"."""
    written = text
    text = nfc(text)  # pasted from a document, its accents may be separate marks
    contacts: set[str] = set()
    names: set[str] = set()
    single: set[str] = set()
    numbers: set[str] = set()
    for item in map(nfc, found):
        if _CONTACT.fullmatch(item):
            contacts.add(_contact_key(item))
        elif any(ch.isalpha() for ch in item):
            *first, last = item.split()
            if first:
                names.add(item)
            if not first or last[:1].isupper():
                single.add(last)
        else:
            numbers.add(item)
    if numbers:
        tokens = _tokens(text)
        spans = [(s, e) for s, e, _ in [*_addresses(tokens, text), *_births(tokens)]]
        spans += [(t.start, t.end) for t in tokens if len(t.text) >= 3 or not t.text.isdigit()]
        for start, end in sorted({s for s in spans if text[s[0] : s[1]] in numbers}, reverse=True):
            text = text[:start] + BLANK + text[end:]
    if contacts:
        text = _CONTACT.sub(
            lambda m: BLANK if _contact_key(m.group()) in contacts else m.group(), text
        )
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", BLANK, text)
    addressed = [
        token
        for before, token in itertools.pairwise(_tokens(text))
        if before.person and token.text in single
    ]
    for token in reversed(addressed):
        text = text[: token.start] + BLANK + text[token.end :]
    return written if text == nfc(written) else text  # unchanged: nothing was blanked


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _contact_key(text: str) -> str:
    """An e-mail address in lower case; a number's digits, however it is spaced."""
    return text.lower() if "@" in text else re.sub(r"\D", "", text)


def _names(tokens: Sequence[_Token]) -> list[tuple[int, int, str]]:
    spans = []
    n = len(tokens)
    for i, token in enumerate(tokens):
        start = None
        loose = False  # any words (an introduction), not only capitalised ones
        if token.folded == "ten":
            start = _introduced(tokens, i)
            loose = True
            while start is not None and start < n and tokens[start].text == "\n":
                start += 1  # "Họ tên:" and the name on the next line
        elif (
            token.text.isupper() and len(token.text) > 1 and (token.person or token.folded == "la")
        ):
            # In capitals ("TÔI Ở PHƯỜNG NÀO"), a capital letter after it names no one:
            # a name there is found by its family name ("CHỊ TRẦN THỊ HOA") or by "TÊN".
            continue
        elif token.folded == "la" and i > 0 and tokens[i - 1].person:
            start = i + 1
        elif token.addressing and i + 1 < n and not tokens[i + 1].addressing:
            if tokens[i + 1].text.lower() in _TITLES or _place(tokens, i):
                continue
            start = i + 2 if tokens[i + 1].text.lower() in _OCCUPATIONS else i + 1
        elif _family(token) and i + 1 < n and _family_next(token, tokens[i + 1]):
            if _place(tokens, i):
                continue
            start = i
        elif token.folded in _SURE_FAMILY and i + 1 < n and _lower_name(tokens, i):
            start, loose = i, True  # "tôi là nguyễn văn an", "Nguyễn văn an"
        if start is None:
            continue
        # After such a family name, the two words next are a name's even when they are
        # words too ("trần thi hoa", "phạm minh khôi", "trần thị bé").
        sure = loose and start == i and token.folded in _SURE_FAMILY
        end = start
        # Typed in capitals, every word is: a family name's run is taken as 3 words long,
        # an introduction's as far as a word that does not name.
        shouting = tokens[start].text.isupper() and (loose or _family(tokens[start]))
        longest = 3 if shouting and not loose else 4
        while end < n and end - start < longest:
            word = tokens[end]
            if word.ends_clause or word.digits:
                break
            if sure and end - start <= 2 and word.text.lower() in _NAME_WORDS:
                end += 1
                continue
            # A form of address ends a name ("an em muốn hỏi") unless it is written as a
            # part of it: "Anh" is a given name too ("Lan Anh", "NGUYỄN ĐỨC ANH").
            named = shouting or word.capitalised
            if end > start and word.person and not named:
                break
            if shouting:
                stop = not word.text.isupper() or word.text.lower() in _AFTER_NAME
            else:
                stop = (
                    not word.capitalised and not (loose and word.text.lower() not in _AFTER_NAME)
                ) or (
                    word.text.isupper() and len(word.text) > 1  # CCCD, UBND
                )
            if stop:
                break
            end += 1
        if end > start:
            spans.append((tokens[start].start, tokens[end - 1].end, "name"))
    return spans


def _place(tokens: Sequence[_Token], i: int) -> bool:
    """Whether the words from `i` on name a place or a thing, not a person: "Bà Rịa",
    "Hồ sơ", the "Lê Lợi" of "đường Lê Lợi"."""
    if i > 0 and tokens[i - 1].text.lower() in _NAMED_AFTER:
        return True
    return any(_says(tokens, i, phrase) for phrase in _NOT_NAMES)


def _says(tokens: Sequence[_Token], i: int, phrase: tuple[str, ...]) -> bool:
    """Whether the words from `i` on are `phrase` (lower case), in any case."""
    words = tokens[i : i + len(phrase)]
    return len(words) == len(phrase) and all(
        t.text.lower() == w for t, w in zip(words, phrase, strict=True)
    )


def _lower_name(tokens: Sequence[_Token], i: int) -> bool:
    """Whether the family name at `i` starts a name typed in lower case: one introduced
    ("là nguyễn …") or with a middle name that is no other word ("nguyễn văn …")."""
    introduced = i > 0 and tokens[i - 1].folded == "la"
    return introduced or tokens[i + 1].text.lower() in ("văn", "thị", "van", "thi")


def _family(token: _Token) -> bool:
    """A common family name, as typed or in capitals ("NGUYỄN")."""
    return token.text in _FAMILY or (token.text.isupper() and token.text.title() in _FAMILY)


def _family_next(family: _Token, token: _Token) -> bool:
    """Whether `token` can follow a family name in a name: capitalised like it."""
    return token.text.isupper() if family.text.isupper() else token.capitalised


def _introduced(tokens: Sequence[_Token], i: int) -> int | None:
    """Where the name that 'tên' at `i` introduces starts: after "tôi tên (là)", "tên tôi
    là", "tên của con là"; None when it introduces none ("đổi tên cho con")."""
    after = i + 1
    if i > 0 and tokens[i - 1].person:
        if after < len(tokens) and tokens[after].folded == "la":
            after += 1
        return after
    # A form's field ("Họ tên:", "Họ và tên:", "Tên:" first) or "tên tôi: ..." has a colon.
    field = i == 0 or tokens[i - 1].ends_clause or tokens[i - 1].folded in ("ho", "va")
    for j in range(i + 1, min(i + 5, len(tokens))):
        if tokens[j].folded == "la":
            return j + 1 if j > i + 1 else None
        if tokens[j].text == ":" and (field or j > i + 1):
            return j + 1
        if tokens[j].text.lower() not in _INTRO_POSSESSIVE:
            return None
    return None


def _addresses(tokens: Sequence[_Token], text: str) -> list[tuple[int, int, str]]:
    spans = []
    for i, token in enumerate(tokens):
        word = token.text.lower()
        pair = (tokens[i - 1].text.lower(), word) if i > 0 else ("", "")
        if word not in _ADDRESS and pair not in _ADDRESS_PAIRS:
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].folded == "so" and pair[1] != "so":
            j += 1
        if j < len(tokens) and tokens[j].ends_clause:
            j += 1  # "địa chỉ: 12 ..."
        if j < len(tokens) and _SIZE.match(text, tokens[j].start):
            continue  # "hẻm 3m", "hẻm 3,5 mét", "căn hộ 2 phòng ngủ": a size
        while j < len(tokens) and tokens[j].digits:
            spans.append((tokens[j].start, tokens[j].end, "address"))
            j += 1
    for i, token in enumerate(tokens):
        if token.text.lower() not in _STREET or (i > 0 and tokens[i - 1].folded == "khu"):
            continue  # "khu phố 3" is a neighbourhood
        if i > 0 and tokens[i - 1].digits:  # "45 đường Lê Lợi"
            spans.append((tokens[i - 1].start, tokens[i - 1].end, "address"))
        # The street's name is kept: the number after it is the house's ("đường Lê Lợi,
        # số 45"; not "đường số 5", a street's name).
        j = i + 1
        while j < len(tokens) and j - i <= 4 and tokens[j].capitalised:
            j += 1
        if j == i + 1:
            continue
        while j < len(tokens) and (tokens[j].ends_clause or tokens[j].folded == "so"):
            j += 1
        while j < len(tokens) and tokens[j].digits:
            spans.append((tokens[j].start, tokens[j].end, "address"))
            j += 1
    return spans


def _births(tokens: Sequence[_Token]) -> list[tuple[int, int, str]]:
    spans = []
    for i, token in enumerate(tokens):
        if token.folded not in ("sinh", "ns", "sn"):
            continue
        for k in range(i + 1, min(i + 4, len(tokens))):
            if _FULL_DATE.fullmatch(tokens[k].text):
                spans.append((tokens[k].start, tokens[k].end, "birth"))
                break
            written = tokens[k : k + 5]  # "12 tháng 3 năm 1990"
            words = [t.folded for t in written[1::2]]
            if words == ["thang", "nam"] and all(t.text.isdigit() for t in written[::2]):
                spans.append((written[0].start, written[-1].end, "birth"))
                break
    return spans
