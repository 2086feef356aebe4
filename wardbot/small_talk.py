"""Small talk around the questions: greetings, thanks, "ok", goodbyes, good wishes, "cho em
hỏi" (asking to ask), a yes ("có", "đúng rồi"), a puzzled "hả?", and scolding the bot.

Each is a message of only its own words and the particles and pronouns around them (as
`wardbot.intents` folds them: without accents), so a question that merely starts with a
greeting is still a question. Words whose meaning changes with their accents ("ngu" and
"ngủ", "thế" and "thẻ") are matched as typed.
"""

from __future__ import annotations

import itertools
import re

from wardbot.text import REGIONAL_PARTICLES, UNITS, fold, nfc


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A greeting is only greeting words and filler; thanks and acknowledgements likewise.
_GREETING_CORE = frozenset({"chao", "alo", "hello", "hi", "helo", "hey", "halo", "hallo"})
# How residents name themselves and the ward's staff: "con" (to "cô chú"), "ông", "bà"...,
# and how older residents name the bot or the young officer: "cháu" ("cảm ơn cháu nhé"),
# the south's "bé", "cưng" ("cảm ơn bé nha").
_PRONOUNS = _words("em anh chi co chu bac con chau ong ba di cau thim mo toi tui minh ban be cung")
# Central and southern sentence particles, folded ("cảm ơn nghen", "chào ad nè", "đúng
# rồi đó", "ok rứa hỉ"): around small talk as "nhé", "ạ" are. "Đó" folds as "dở" (poor:
# "dở hơi" scolds) and closes only a yes or an ok ("đúng rồi đó").
_REGIONAL = frozenset(map(fold, REGIONAL_PARTICLES)) - {"do"}
# The unit the office serves, greeted or thanked as its staff are ("chào xã ạ").
_UNIT_WORDS = _words(fold(" ".join(UNITS)))
_FILLER = (
    _PRONOUNS
    | _UNIT_WORDS
    | _REGIONAL
    | _words(
        "xin ad admin add bot ca nha moi nguoi ubnd oi buoi sang "
        "chieu trua nhe nghe cho hoi muon voi chut xiu da vang d nhieu ah a"
    )
)
_THANKS_CORE = frozenset({"thank", "thanks", "tks", "thx", "camon", "cam"})
# Thanks say "mày", "mi" (rude, or between friends), "kiu" ("thank kiu") and "nhiu" ("cảm
# ơn nhiu": nhiều) too, and are thanked for as politely as any: "cảm ơn mày", "thanks a
# lot", "many thanks"; the centre thanks its elders "mệ" (grandmother), "bọ" (father).
_THANKS_FILLER = _FILLER | _words(
    "on you so much ok oke okay okie vang da duoc dc roi nhieu nhiu rat lam hieu u uh uhm chan "
    "thanh may mi kiu lot many me bo"
)
# What the thanks are for, and whom ("cảm ơn chị đã hỗ trợ", "cảm ơn cán bộ đã trả lời",
# "cảm ơn ad nhiệt tình"): residents thank the officer who answered them so.
_THANKED_FOR = re.compile(
    r"\b(?:(?:da|vi) )?(?:ho tro|tra loi|giup do|giup|tu van|huong dan|giai dap|phan hoi"
    r"|quan tam|thong tin|nhiet tinh|can bo)\b"
)
# Closing a turn: acknowledgements ("vâng", "được rồi", "ok em hiểu rồi", "em nhận được
# rồi ạ", "xong rồi", "tốt quá") and farewells ("tạm biệt", "bye"), around pronouns and
# particles only ("dạ vâng ạ", "chào em nhé").
_ACK_CORE = _words(
    "vang da dza ok oke okay okie oki uh u uhm um uk o roi duoc dc thoi hieu biet ro nhan xong "
    "tot tuyet"
)
# Central "ở mô" (where), typed so or without accents: a question, no "ờ" (ok) to a "mợ"
# ("phường ở mô", "làm ở mô", "ở mô?").
_WHERE = re.compile(r"\b(?:ở|o) (?:mô|mo)\b")
# How much, asked: "nhiêu" typed so ("được nhiêu vậy": southern "bao nhiêu"), or "nhiu",
# "nhieu" without accents closing the message but for particles and whom it is asked of
# ("được nhieu z ad"): "nhiều" before what there is much of ("chuc ad nhieu suc khoe",
# "nhieu nguoi") or after "rất" asks nothing (thanks come first: "cảm ơn nhiều"). No
# acknowledgement, nor "cho em hỏi": the amount is the question.
AMOUNT_TAIL = _words("vay z zay dzay the rua a ah ha he hi nhi ne ta oi em anh chi ad")
# Folded words ending so (wardbot.followup asks the amount line of them).
HOW_MUCH = re.compile(rf"\b(?:nhieu|nhiu)(?: (?:{'|'.join(sorted(AMOUNT_TAIL))}))*$")


def _asks_amount(words: list[str], original: list[str]) -> bool:
    """Whether the message (`words` folded, `original` as typed) asks how much."""
    for at, typed in enumerate(original):
        said = typed.casefold()
        if said == "nhiêu":
            return True
        if said in ("nhieu", "nhiu") and words[at - 1 : at] != ["rat"]:
            return all(word in AMOUNT_TAIL for word in words[at + 1 :])
    return False


# Laughter typed out ("hihi", "haha", "hehe", "hjhj", "kkk") says no more than an emoji.
_LAUGH = re.compile(r"(?:h[aeioj]){2,}|k{2,}")
# Goodbyes: "tạm biệt", "(hẹn) mai gặp lại", "chúc ngủ ngon", and what is said around them
# ("chúc", "mai", "sau": "gặp lại sau nhé").
_BYE = re.compile(r"\b(?:tam biet|bye|bai|goodbye|gap lai|ngu ngon|good night|goodnight)\b")
_BYE_FILLER = _words("hen chuc mai sau")
# Leaving, said of oneself ("thôi em đi đây", "thôi tui đi nghen", "em về nha"): what opens
# it, the leaving, and what closes it. Not "thôi đi" (stop it) nor "đi đâu" (where to).
_LEAVE_OPENS = _words("thoi thui vay the ok oke da vang")
_LEAVES = _words("di ve off nghi")
_LEAVE_CLOSES = _words("day nha nhe nghe a ah ad admin oi ha nhen nghen hen ne roi nhe")
_SMALL_TALK_FILLER = (
    _ACK_CORE
    | _PRONOUNS
    | _UNIT_WORDS
    | _REGIONAL
    | {"do"}
    | _words(
        "r a ah nhe nha nghe ne ad admin bot ca nha moi nguoi oi nhieu lam rat vay the rua dzay "
        "dzi qua voi "
        "chao cam on bye bai tam biet goodbye hen gap lai"
    )
)

# "Ừa", "ờa": "ừ", "ờ" (ok) as the south types them ("ừa", folded, is "ủa": puzzled), and
# the "hả" that makes "ok hả" ask rather than agree ("ok ha", "ờ ha" agree).
_ACK_TYPED = {"ừa": "u", "ờa": "o"}
_ASKING_HA = frozenset({"hả", "hở", "hử"})
# Praise ("hay quá", "giỏi quá", "bot xịn ghê"): a word of praise, as typed ("hãy" is no
# "hay"), whom it praises before it and how much after it, nothing else.
_PRAISE = _words("hay giỏi xịn đỉnh")
_PRAISE_UNACCENTED = _words("hay gioi xin dinh")
_PRAISED = _words("bot ban em ad admin chau be con")
_SO_MUCH = _words(
    "qua the vay lam ghe that thiet troi xa vl z dzay rua ta ne nghen nha nhi hi he a ah oi"
)
# "You're welcome" to the bot's thanks: "không có chi", the south's "hổng có chi", "không
# có gì đâu ạ".
_WELCOME = re.compile(
    r"(?:(?:da|vang|ok) )*(?:khong|hong|ko|k|hok|hem) co (?:chi|gi|j)"
    r"(?: (?:dau|het|ma|a|ah|nha|nhe|nghen|nhen|ne|em|ad|admin|oi|ca))*"
)

# Asking to ask, with the question still to come ("cho em hỏi", "ad ơi", "mình hỏi chút
# được không"): only these words, the greeting filler and no greeting word.
_OPENER_FILLER = _FILLER | _words("hoi ti cai e duoc dc khong ko k ne nay ni them nua cam on")
# Good wishes: "chúc mừng năm mới", "chúc ad một ngày tốt lành", "em chúc cả nhà sức khỏe".
_WISHED = (
    _PRONOUNS
    | _UNIT_WORDS
    | _words("mung ad admin bot ca moi cac ngay buoi nam suc tet giang trung mot toan tat can nhau")
)
MAX_WISH_WORDS = 20

# Yes, to "có phải anh/chị muốn hỏi câu dưới đây?": "có", "đúng rồi", "dạ phải ạ".
_YES = _words("có đúng phải chuẩn")
_YES_UNACCENTED = _words("co dung phai chuan")
_YES_FILLER = _SMALL_TALK_FILLER | _words("vay the xac chinh ne")
# Puzzled, nothing asked yet: "hả?", "ủa", "gì vậy", "sao", "thế thì sao", central "mô
# rứa", "chi rứa".
# As typed, as insults are (below): "thẻ", "hộ" alone are no puzzlement.
_HUH = _words("ủa hả hở hử ơ sao gì vậy dzậy dzị thế thì mô rứa chi hmm hm") | REGIONAL_PARTICLES
_HUH_UNACCENTED = _words("ua ha ho hu o sao gi j vay z dzay dzi the thi mo rua chi hmm hm")
_YES_NO = _words("co khong ko k duoc dc")  # alone, a yes or a no: not asking to ask
# Lost, said in words: "không hiểu", "em chưa hiểu lắm", "k hiểu gì cả", "khó hiểu quá",
# "chưa rõ ạ" (once pronouns and particles are out): puzzled, as "hả?" is; asked for no
# ward document ("không hiểu" is no question the bot has no information about). "Không"
# as phones type it ("ko", "k", "kh", "kg", "hk", "hok", southern "hông", "hổng", "hem",
# "khum"), "chẳng", "chả"; "hiểu" said "hỉu" or typed with its letters held ("hiuuu").
_NOT = r"(?:khong|ko|k|kh|kg|khg|hk|hok|hong|hem|khum|chang|chua|cha|kho)"
_LOST = re.compile(
    rf"(?:van |that su |thuc su |cung )?{_NOT} (?:hie?u+|ro)(?: (?:hie?u+|ro))?"
    r"(?: (?:gi|j|chi|lam|luon|lun|het|tron|ca|cho nao|cho mo|y|cau nay|cai nay|doan nay"
    r"|the nao|sao|rang|may|la|lai|vay|the|z))*"
)
# "Là sao", "nghĩa là sao", "vậy là sao", "thế thì là sao", "ý là gì", central "là răng",
# "nghĩa là chi", southern "dị là sao ta": what the answer means, nothing named to ask about.
_MEANS = re.compile(
    r"(?:(?:vay|z|the|di|rua|y|nghia|y nghia|cai do|cai nay|cho nay|cho do|doan nay|vay thi"
    r"|the thi|thi) )*(?:la|nghia la|co nghia la) (?:sao|rang|gi|j|chi|the nao|ri|ntn)"
)
_LOST_FILLER = (
    _PRONOUNS | _REGIONAL | _words("e a ah nhe nha oi ad admin bot qua vay the nua ta z di rua ha")
)

# Agreeing to have the question passed to staff, said under the offer to ("đồng ý", "dạ
# cần ạ", "chuyển giúp em", "gửi cán bộ giúp em nhé"): a word that passes it on, and
# pronouns, particles and the staff it goes to around it; no "không" ("không cần").
_PASS_ON = re.compile(r"\b(?:dong y|chuyen|gui|nho|can)\b")
_PASS_ON_FILLER = (
    _SMALL_TALK_FILLER
    | _FILLER
    | _YES_UNACCENTED
    | _words("giup dum gium ho cho toi den len luon di di cau hoi nay do vui long lam on")
)

# Scolding the bot ("ngu thế", "bot vô dụng", "trả lời vớ vẩn"): the answer missed, said
# rudely. Matched as typed: with the insult's own accents, or with none at all where no
# other word is typed so ("ngu", but "ngủ" and "ngũ" are no insult; "dot" may be "đợt").
_INSULTS = _words("ngốc dốt đần điên khùng ngáo láo hâm tệ dở xàm đm đmm đcm")
_INSULTS_UNACCENTED = _words("ngu vl vcl vkl dm dmm dcm clgt")
_INSULT_PAIRS = _words("vô_dụng vớ_vẩn dở_hơi óc_chó tào_lao vô_học")
_INSULT_PAIRS_UNACCENTED = _words("vo_dung vo_van tao_lao")
_INSULT_FILLER = (
    _SMALL_TALK_FILLER
    | _FILLER
    | _words("do may mi bot nay qua vai vc that con cai nhu bo tra loi gi cung khong ko k")
    | _words("biet het luon ghe thiet troi ha ak rua ri ne chu hay hoai va sao sai bet")
    # Frustration around it: "hỏi mãi mà chẳng được", "răng cứ..." (răng: central "sao").
    | _words("mai ma chang cu rang")
)

# Words that ask something: a message without any asks nothing.
ASKING = re.compile(
    r"\b(?:o dau|the nao|bao nhieu|bao gio|khi nao|lam sao|ra sao|the sao|gi|khong|ko|sao|nao|ai)\b"
)


def without_laughter(words: list[str], original: list[str]) -> tuple[list[str], list[str]]:
    """The message's words (folded, and as typed) without laughter ("hihi", "haha")."""
    kept = [(w, typed) for w, typed in zip(words, original, strict=True) if not _LAUGH.fullmatch(w)]
    return [w for w, _ in kept], [typed for _, typed in kept]


def small_talk(words: list[str], original: list[str]) -> str | None:
    """The kind of small talk the message is ('greet', 'thanks', 'bye', 'ack', 'wish',
    'praise', 'welcome' ("không có chi"), 'yes', 'opener', 'huh', 'wrong' for scolding), or
    None: `words` folded, `original` as typed."""
    words, original = _joined_alo(words, original)
    words = [
        _ACK_TYPED.get(nfc(typed).casefold(), w)
        for w, typed in zip(spelt_out(words, original), original, strict=True)
    ]
    if _greets(words, original):
        return "greet"
    if _thanks(words, original):
        return "thanks"
    if _asks_amount(words, original):
        return None
    where = _WHERE.search(" ".join(original).casefold()) is not None  # "ở mô", "o mo"
    if _says_bye(words) or _leaves(words):
        return "bye"
    agrees = all(
        w in _SMALL_TALK_FILLER or (w == "ha" and typed.casefold() not in _ASKING_HA)
        for w, typed in zip(words, original, strict=True)
    )
    if agrees and any(w in _ACK_CORE for w in words) and not where:
        return "ack"
    if _wishes(words, original):
        return "wish"
    if _praises(words, original):
        return "praise"
    if _WELCOME.fullmatch(" ".join(words)):
        return "welcome"
    yes = [_typed_as(typed, _YES, _YES_UNACCENTED) for typed in original]
    if any(yes) and all(w in _YES_FILLER or y for w, y in zip(words, yes, strict=True)):
        return "yes"
    if _opens(words):
        return "opener"
    huh = all(_typed_as(w, _HUH, _HUH_UNACCENTED) for w in original)
    if (huh and not where) or _lost(words):
        return "huh"
    if _scolds(words, original):
        return "wrong"
    return None


def _joined_alo(words: list[str], original: list[str]) -> tuple[list[str], list[str]]:
    """`words` and `original` with "a lô", "a lo" (as a phone is answered, typed apart)
    as the one word "alo"."""
    at = next((n for n in range(len(words) - 1) if words[n : n + 2] == ["a", "lo"]), None)
    if at is None:
        return words, original
    joined = [*words[:at], "alo", *words[at + 2 :]]
    return joined, [*original[:at], original[at] + original[at + 1], *original[at + 2 :]]


# "c ơn", "c.ơn", "c.on": "cảm ơn" as typed in a hurry ("c" before "ơn", or "on" typed
# without accents; not "ổn", "ôn": "c ổn không" asks "chị ổn không").
_SHORT_THANKS = frozenset({"ơn", "on"})


def spelt_out(words: list[str], original: list[str]) -> list[str]:
    """`words` (folded; `original` as typed) with "cảm ơn" typed short ("c ơn", "c.ơn") as
    "cam on": thanks, whatever an abbreviation "c" may stand for before other words."""
    return [
        "cam"
        if word == "c" and at + 1 < len(words) and original[at + 1].casefold() in _SHORT_THANKS
        else word
        for at, word in enumerate(words)
    ]


def passes_on(words: list[str], original: list[str]) -> bool:
    """Whether the message (`words` folded, `original` as typed) only agrees to have the
    question passed to staff: "đồng ý", "cần ạ", "chuyển cho cán bộ giúp em" (a message
    asking more, or saying "không", is not; nor "chuyển nhà": a house, not "nha")."""
    if any(typed.casefold() == "nhà" for typed in original):
        return False
    said = re.sub(r"\bcan bo\b", " ", " ".join(words))  # "cán bộ": staff, no "cần"
    if not _PASS_ON.search(said):
        return False
    return all(word in _PASS_ON_FILLER for word in _PASS_ON.sub(" ", said).split())


def _greets(words: list[str], original: list[str]) -> bool:
    """Whether the message only greets: a greeting word ("chào", "alô", "hi"; not the
    centre's particle "hỉ", which folds as "hi") among filler."""
    greeting = [
        w in _GREETING_CORE and typed.casefold() not in REGIONAL_PARTICLES
        for w, typed in zip(words, original, strict=True)
    ]
    return any(greeting) and all(g or w in _FILLER for w, g in zip(words, greeting, strict=True))


def _only(words: list[str], core: frozenset[str], filler: frozenset[str]) -> bool:
    return any(w in core for w in words) and all(w in core or w in filler for w in words)


def _thanks(words: list[str], original: list[str]) -> bool:
    """Whether the message only thanks: the thanks, whom (a pronoun, "cán bộ", a name after
    a pronoun: "chị Lan") and what for ("đã hỗ trợ"), and filler."""
    joined = " ".join(words)
    if "cam on" not in joined and not any(w in _THANKS_CORE - {"cam"} for w in words):
        return False
    said = " ".join(
        w for w, typed in zip(words, _without_names(words, original), strict=True) if typed
    )
    rest = _THANKED_FOR.sub(" ", said).split()
    return all(w in _THANKS_CORE or w in _THANKS_FILLER for w in rest)


MAX_NAME_WORDS = 3  # "chị Lan", "anh Minh Tuấn", "cô Nguyễn Thị Hà" (after its pronoun)


def _without_names(words: list[str], original: list[str]) -> list[str]:
    """`original` with a person's name after its pronoun ("chị Thu Hà") blanked: the words
    typed capitalised right after a pronoun, a few at most."""
    kept = list(original)
    for at in range(1, len(words)):
        if words[at - 1] in _PRONOUNS:
            after = range(at, min(at + MAX_NAME_WORDS, len(words)))
            for name in itertools.takewhile(lambda n: original[n][:1].isupper(), after):
                kept[name] = ""
    return kept


def _says_bye(words: list[str]) -> bool:
    """Whether the message only says goodbye ("tạm biệt", "mai gặp lại nghen", "chúc ngủ
    ngon"): a goodbye among filler."""
    said = " ".join(words)
    rest = _BYE.sub(" ", said).split()
    return rest != words and all(w in _SMALL_TALK_FILLER or w in _BYE_FILLER for w in rest)


def _leaves(words: list[str]) -> bool:
    """Whether the message says the resident is leaving ("thôi em đi đây", "tui về nghen"):
    openers, who leaves, the leaving, and particles; someone leaving named, or "đây"."""
    at = 0
    while at < len(words) and words[at] in _LEAVE_OPENS:
        at += 1
    who = at
    while at < len(words) and words[at] in _PRONOUNS - _LEAVES:  # "dì" folds as "đi"
        at += 1
    if at == len(words) or words[at] not in _LEAVES:
        return False
    rest = words[at + 1 :]
    if not all(w in _LEAVE_CLOSES or w in _PRONOUNS for w in rest):
        return False
    return at > who or "day" in rest


def _praises(words: list[str], original: list[str]) -> bool:
    """Whether the message only praises the bot ("hay quá", "em giỏi ghê", "bot xịn
    thiệt"): whom, a word of praise, and how much (one word at least)."""
    at = 0
    while at < len(words) and words[at] in _PRAISED:
        at += 1
    if at == len(words) or not _typed_as(original[at], _PRAISE, _PRAISE_UNACCENTED):
        return False
    rest = words[at + 1 :]
    return bool(rest) and all(w in _SO_MUCH for w in rest)


def _typed_as(typed: str, accented: frozenset[str], unaccented: frozenset[str]) -> bool:
    """Whether `typed` is one of `accented`, or typed without accents one of `unaccented`."""
    said = typed.casefold()
    return said in accented or (said == fold(said) and said in unaccented)


def _lost(words: list[str]) -> bool:
    """Whether the message only says the resident did not understand ("em chưa hiểu lắm",
    "ko hỉu", "vậy là sao")."""
    # After "là", "chi" is central "gì" ("nghĩa là chi"), not "chị": kept.
    said = " ".join(
        w for at, w in enumerate(words) if w not in _LOST_FILLER or words[at - 1 : at] == ["la"]
    )
    return _LOST.fullmatch(said) is not None or _MEANS.fullmatch(said) is not None


def _opens(words: list[str]) -> bool:
    """Whether the message only asks to ask ("cho em hỏi được không", "ad ơi"): not a yes
    or a no alone ("có", "dạ không ạ")."""
    if not all(w in _OPENER_FILLER for w in words) or all(w in _YES_NO for w in words):
        return False
    return "hoi" in words or not any(w in ("khong", "ko", "k") for w in words)


def _wishes(words: list[str], original: list[str]) -> bool:
    """Whether the message wishes the ward well ("chúc mừng năm mới"), asking nothing."""
    if len(words) > MAX_WISH_WORDS or ASKING.search(" ".join(words)):
        return False
    for at, typed in enumerate(original[:3]):
        if _typed_as(typed, frozenset({"chúc"}), frozenset({"chuc"})):
            return at + 1 < len(words) and words[at + 1] in _WISHED
        if words[at] not in _FILLER:
            return False
    return False


def _scolds(words: list[str], original: list[str]) -> bool:
    """Whether the message only scolds the bot: an insult, and pronouns, particles and
    intensifiers around it ("bot ngu quá", "đồ vô dụng", "mày ngu vl")."""
    insulted = False
    at = 0
    while at < len(words):
        pair = "_".join(original[at : at + 2])
        if at + 1 < len(words) and _typed_as(pair, _INSULT_PAIRS, _INSULT_PAIRS_UNACCENTED):
            insulted, at = True, at + 2
        elif _typed_as(original[at], _INSULTS, _INSULTS_UNACCENTED):
            insulted, at = True, at + 1
        elif words[at] in _INSULT_FILLER:
            at += 1
        else:
            return False
    return insulted
