"""What a resident's message asks for: a command, its plain-Vietnamese form, or a question.

Matching runs on accent-folded words, so "hủy đăng ký học bổng" and "huy dang ky hoc bong"
are the same request. The patterns are deliberately narrow: anything they do not clearly
recognise is a question for the answer engine ("đăng ký thường trú ở đâu" is a question,
not a subscription; so is "đăng ký cư trú": only "nhận tin", "theo dõi tin" or /subscribe
subscribe, and "theo dõi" before a topic's exact name).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from wardbot.complaints import complains
from wardbot.news import ASKED, WHAT, subject_asked, topic_news_asked
from wardbot.small_talk import ASKING, passes_on, small_talk, spelt_out, without_laughter
from wardbot.text import REGIONAL_PARTICLES, UNITS, fold

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> tuple[list[str], ...]:
    return tuple(phrase.split() for phrase in text.split("|"))


COMMAND_NAMES = frozenset(
    {"start", "help", "topics", "subscribe", "unsubscribe", "mysubs", "latest", "forget"}
    | {"hoicanbo"}
)
# Other bots' names for the same commands.
_COMMAND_ALIASES = {
    "follow": "subscribe",
    "sub": "subscribe",
    "unfollow": "unsubscribe",
    "unsub": "unsubscribe",
}
# How alike a mistyped command must be to the one it is taken for (difflib's ratio):
# "subcribe" 0.94, "topic" 0.91; not "stats" (an admin's, 0.8 to "start").
NEAR_COMMAND = 0.85
# The slash as phones type it too: full-width ("／topics", from a keyboard set to it), or
# with a space after it ("/ topics": then only a command's name makes it one).
_COMMAND = re.compile(r"[/／](\s?)([A-Za-z0-9_]+)(?:@\S*)?(?:\s+(.*))?", re.DOTALL)

_ALL = frozenset(
    {"all", "tat ca", "het", "toan bo", "tat ca chu de", "het tat ca", "ca", "moi chu de"}
    | {"tat ca cac chu de", "cac chu de", "het cac chu de", "toan bo chu de"}
)

# Asking the bot to do it for them: "giúp em", southern "giùm tui", "dùm"; "hộ" only with
# whom ("hộ nghèo", "hộ tịch" are subjects).
_FOR_ME = (
    *(f"{verb} {me}" for verb in ("giup", "gium", "dum") for me in ("toi", "em", "minh", "tui")),
    *("giup", "gium", "dum", "ho toi", "ho em", "ho minh", "ho tui"),
)
# Politeness around a request: "cho em ...", "... giúp em ạ".
_PREFIXES = _phrases(
    "cho toi|cho em|cho minh|cho tui|toi muon|em muon|minh muon|tui muon|toi can|em can|"
    "minh can|muon|xin|vui long|lam on|ad oi|admin oi|bot oi|ad|admin|toi|em|minh|tui|"
    "giup toi|giup em|giup minh|hay|can"
)
# Central and southern particles close a request as "nhé" does ("bạn là ai dzậy", "có ai
# hông nè", "sđt phường nhiêu rứa"); not "đó", which may point ("không phải cái đó").
_SUFFIXES = _phrases(
    "a|nhe|nha|voi|di|ad|nhe ad|cho toi|cho em|cho minh|" + "|".join(_FOR_ME) + "|"
    "duoc khong|dc khong|duoc ko|duoc k|vay|nua|cho tao|cho tau|z|zay|dzay|dzi|rua|"
    + "|".join(sorted({fold(particle) for particle in REGIONAL_PARTICLES} - {"do"}))
)

# The unit the ward office serves, as residents type it ("cán bộ xã", "tin mới của thị trấn").
_UNIT = "(?:" + "|".join(fold(name) for name in UNITS) + ")"

# The ward office as a place: "ubnd phường", "ủy ban xã", "trụ sở phường", "phường".
_OFFICE = (
    rf"(?:tru so )?(?:(?:ubnd|uy ban(?: nhan dan)?)(?: {_UNIT})?|{_UNIT})(?: \d{{1,2}})?"
    r"|tru so|(?:bo phan )?mot cua"
)
_OFFICE = f"(?:{_OFFICE})"
_TAIL = r"(?: (?:vay|the|a|ha|nhi|nhe|nha|khong|ko|k|ah|oi))*"  # particles after a question
# ...and after asking where: "em", "z"/"dzậy" (vậy), "rứa" (central: thế), "hè", "hỉ" (nhỉ).
_WHERE_TAIL = r"(?: (?:vay|the|a|ha|nhi|nhe|nha|khong|ko|k|ah|oi|em|z|zay|dzay|rua|he|hi))*"
# "Chợ" (a market) folds as "chỗ" (the place of) does: "chợ phường ở đâu" asks for the
# ward's market, not for the office.
_MARKET = "chợ"


def _names_a_market(original: list[str]) -> bool:
    return any(unicodedata.normalize("NFC", word).casefold() == _MARKET for word in original)


# Why nothing was sent: "sao", "tại sao", the centre's "răng", "ủa sao".
_WHY = r"(?:ua )?(?:tai sao|vi sao|sao|rang|the sao)(?: ma)?"
# Who sent, or got, nothing: "sao phường không gửi", "sao em không nhận được".
_WHO = rf"(?:ben )?(?:ubnd(?: {_UNIT})?|{_UNIT}|bot|ban|ad|admin|toi|tui|minh|em|con|chau|tao|tau)"
_LATELY = r"(?:lau roi|lau nay|may hom nay|may bua nay|may bua|dao nay|(?:ca )?tuan nay)"
_NEVER = r"(?:khong|ko|k|hong|hem|hok|chua|cha|chang)"
_SENT = r"(?:gui|nhan(?: duoc| dc)?|bao|co)"
# The news not sent, and how its sentence ends: "tin chi cho tui hết rứa", "thông báo
# nào cả tuần nay", "tin gì hết vậy".
_NEWS_SENT = (
    r"(?:tin|tin tuc|tin nhan|thong bao|ban tin)(?: (?:gi|chi|nao)(?: moi)?| moi)?"
    r"(?: (?:cho|toi|den) (?:toi|tui|minh|em|con|chau|tao|tau|nhom))?"
    r"(?: (?:het|ca|nua|luon|roi|het tron|vay|the|rua|ri|z|dzay|ha|a|nhi|ta|he|ne))*"
    r"(?: (?:ca|may|tu) (?:tuan|thang|hom|bua)(?: nay| roi)?| lau (?:roi|nay|qua))?"
    r"(?: (?:vay|the|rua|z|ha|a|nhi|ta))*"
)

_FIXED = (
    (
        # Is anyone there? "alo có ai không", "có ai trực không ạ": answered by the greeting,
        # which says who is.
        "greet",
        r"(?:alo |a lo )*(?:co )?(?:ai|nguoi|can bo)(?: dang)?(?: truc| o day| o do| day)?"
        r" (?:khong|ko|k|hong|hem)(?: vay| the| ha| a)*",
    ),
    (
        # Who answers? "bạn là ai", "em là người thật hay máy": the greeting says.
        "greet",
        r"(?:(?:ban|bot|em|day|may|ad|admin) )?(?:la ai|ten gi|ten la gi)(?: vay| the| a| ha)*"
        r"|(?:ban|bot|em|day|may|ad|admin) la gi(?: vay| the| a| ha)*"
        r"|(?:(?:ban|bot|em|ad|admin) )?(?:co phai )?la (?:nguoi|nguoi that|may|bot|robot)"
        r"(?: hay (?:la )?(?:nguoi|nguoi that|may|bot|robot|ai))?(?: (?:khong|ko|k|vay|the|a|ha))*",
    ),
    (
        "help",
        r"huong dan(?: su dung)?|tro giup|giup do|help|menu|(?:cac |danh sach )?lenh"
        r"|(?:(?:ban|bot|em) )?(?:co the )?lam (?:duoc )?(?:gi|nhung gi)",
    ),
    (
        "topics",
        r"(?:xem )?(?:danh sach |cac |nhung |tat ca )?chu de"
        r"(?: nhan tin| co the (?:nhan tin|dang ky|theo doi))?(?: nao| gi)?"
        r"|co (?:nhung |cac )?chu de (?:nao|gi)",
    ),
    (
        # Why no alert came: "sao không thấy gửi tin gì cho tôi", the centre's "răng không
        # thấy gửi tin chi cho tui hết rứa", the south's "sao hổng thấy gửi tin gì hết":
        # news named ("sao chưa gửi giấy hẹn" is a question).
        "why_no_alerts",
        rf"(?:{_LATELY} )?(?:{_WHY} )?(?:{_WHO} )?{_NEVER} thay(?: {_WHO})?(?: {_SENT})?"
        rf" {_NEWS_SENT}"
        rf"|(?:{_LATELY} )?{_WHY} (?:{_WHO} )?{_NEVER} (?:{_WHO} )?{_SENT} {_NEWS_SENT}",
    ),
    (
        "latest",
        # "Xem tin mới", the south's "coi mấy cái tin mới", "cho xem thông báo mới nhất".
        r"(?:(?:cho )?(?:xem|coi|doc|mo)(?: (?:giup|thu|qua)(?: (?:em|toi|minh|tui))?)? )?"
        r"(?:(?:cac|nhung|may|mot so)(?: cai)? )?(?:tin|tin tuc|thong bao|ban tin)"
        rf"(?: moi nhat| moi| gan day| gan nhat| hom nay)(?: cua (?:ubnd )?{_UNIT}| cua ubnd)?"
        # "(Dạo này bên phường) có gì mới không", "có thông báo gì không", the centre's
        # "có chi mới không": what is new, said of no subject (of one, "thẻ bhyt có gì
        # mới không": wardbot.news).
        rf"|(?:(?:dao nay|gan day|hom nay|tuan nay|ben|o|ubnd|{_UNIT}|oi) )*"
        rf"co (?:(?:tin|tin tuc|thong bao)(?: {WHAT}| nao)?(?: moi)?{ASKED}|{WHAT} moi(?:{ASKED})?)"
        rf"|co (?:tin|tin tuc|thong bao) (?:{WHAT} |nao )?moi(?: nao| {WHAT})?(?:{ASKED})?",
    ),
    (
        "mysubs",
        r"(?:dang|da) (?:dang ky|dang ky nhan tin|dang ky theo doi)(?: nhung)?"
        r" (?:gi|cai gi|chu de gi|chu de nao|nhung gi|nhung chu de nao)(?: roi)?"
        r"|(?:dang |da )?(?:theo doi|nhan tin)(?: nhung)?"
        r" (?:gi|cai gi|chu de gi|chu de nao|nhung gi|nhung chu de nao)(?: roi)?"
        r"|(?:xem )?(?:danh sach |cac )?chu de (?:dang|da) (?:theo doi|dang ky)"
        r"(?: cua (?:toi|minh|em|tui))?"
        r"|(?:xem )?danh sach (?:theo doi|dang ky)(?: cua (?:toi|minh|em|tui))?",
    ),
    (
        # The ward's phone number: "số điện thoại phường là gì", "sđt ubnd phường", "cho
        # xin hotline", "đường dây nóng của xã là số nào" (a number named by whose it is).
        "contact",
        r"(?:so )?(?:dien thoai|dt|sdt|hotline|duong day nong)(?: lien he)?(?: cua)?"
        rf" (?:ubnd(?: {_UNIT})?|uy ban(?: nhan dan)?(?: {_UNIT})?|{_UNIT}|bo phan mot cua"
        r"|mot cua)(?: (?:la gi|la bao nhieu|la so nao|la so may|bao nhieu|so nao|so may"
        r"|the nao|nao|gi))?(?: (?:vay|the|a|ha|nhi|nhe|nha|khong|ko|k))*"
        r"|(?:so )?(?:hotline|duong day nong)(?: (?:la gi|la bao nhieu|la so nao|la so may"
        r"|bao nhieu|so nao|so may|the nao|nao|gi))?(?: (?:vay|the|a|ha|nhi|nhe|nha))*",
    ),
    (
        # Where the ward office is: "địa chỉ ubnd phường ở đâu", "phường ở đâu vậy", "ubnd xã
        # nằm ở đâu", "trụ sở phường ở đường nào", "đường đến ubnd phường" (the office named
        # as a whole: not "công an phường ở đâu", "nộp hồ sơ ở đâu").
        # "Ủy ban phường mình ở mô rứa" (central: "mô", where), "ubnd phuong o dau z".
        "address",
        r"(?:hoi |xin )?(?:dia chi|cho|vi tri)(?: cua)?"
        rf" {_OFFICE}(?: minh)?(?: (?:nam |la )?(?:o )?(?:dau|cho nao|duong nao|so may|so nao"
        rf"|la gi|gi|mo|cho mo))?{_WHERE_TAIL}"
        rf"|(?:hoi )?{_OFFICE}(?: minh)?(?: (?:nam|dat|o))? (?:o )?(?:dau|cho nao|duong nao"
        rf"|mo|cho mo){_WHERE_TAIL}"
        rf"|(?:hoi )?(?:chi )?duong (?:di )?(?:den|toi|ra|len) {_OFFICE}"
        rf"(?: (?:the nao|nhu the nao|sao|ra sao))?{_WHERE_TAIL}",
    ),
    (
        # Asking for a person: "cho em gặp cán bộ", "hỏi cán bộ", "gặp người thật", the
        # south's "kêu cán bộ giùm tui", "nói chuyện với người thiệt"; "có ai là người
        # thật không" (someone there to talk to, not who answers).
        "staff",
        r"(?:gap|hoi|keu|noi chuyen voi|noi chuyen|lien he|lien he voi|ket noi|ket noi voi"
        r"|chat voi|nhan tin cho|nhan tin voi|chuyen cho|chuyen toi|chuyen den"
        r"|chuyen cau hoi cho|chuyen cau hoi toi|chuyen cau hoi den)"
        r" (?:truc tiep )?(?:can bo|nguoi that|nguoi thiet|nhan vien|nguoi truc|nguoi)"
        rf"(?: ubnd(?: {_UNIT})?| {_UNIT}| mot cua| that| thiet)?"
        r"(?: truc tiep| duoc khong| duoc ko| dc khong)?"
        r"(?: (?:giup|gium|dum|ho)(?: (?:toi|em|minh|tui|con|chau))?)?"
        r"|co ai la nguoi (?:that|thiet)(?: (?:khong|ko|k|hong|hem|vay|the|a|ha))*",
    ),
    (
        # The last answer missed: "sai rồi", "không phải", "không đúng ý em", "trả lời sai".
        "wrong",
        # "Bot trả lời không đúng", "câu trả lời chưa đúng ý": the answer, named.
        r"(?:da )?(?:y (?:em|toi|minh|tui|con) )?"
        r"(?:(?:(?:bot|ban|em|ad|admin) )?(?:tra loi|cau tra loi)(?: (?:nay|do))? "
        r"|(?:bot|ban|em) )?"
        # The south's "trật (lất)": wrong, (completely).
        r"(?:sai|trat(?: lat)?|(?:hieu )?nham|(?:khong|ko|k|hong|chua|cha) (?:dung(?: y)?|phai"
        r"|lien quan))"
        r"(?: (?:bet|het|mat|roi|nua))*"
        r"(?: (?:cau|cai|y|thu|dieu|viec) (?:nay|ni|do|no|kia|toi|em|minh|tui|can hoi)"
        r"(?: hoi| can hoi)?)?"
        r"(?: (?:the|vay|roi|ma|dau|ha|a|ah|ak|oi|em oi|ad oi|bot oi|ban oi))*"
        # "Em hỏi cái khác mà": not what was asked.
        r"|(?:da )?(?:(?:em|toi|minh|tui|con) )?hoi (?:cai|cau|viec|chuyen) khac ma"
        r"(?: (?:a|ah|oi|em oi|ad oi|bot oi|ban oi))*"
        # A bare "không" answers "có phải anh/chị muốn hỏi ...?" (a yes opens what was asked).
        r"|(?:da |thoi )?(?:khong|ko|k|hong)(?: (?:a|ah|dau|nha|nhe|roi))*",
    ),
    (
        "forget",
        r"(?:xoa|xoa bo|xoa het|xoa sach|xoa toan bo|xoa tat ca)(?: het| toan bo| tat ca| sach)?"
        r" (?:du lieu|thong tin)(?: ca nhan)?(?: cua (?:toi|minh|em|tui))?"
        # "Xóa lịch sử trò chuyện", "xóa hết tin nhắn của em": the conversation, as the web
        # chat's page shows it again on each visit (a phone others use too).
        r"|(?:xoa|xoa bo|xoa het|xoa sach|xoa toan bo|xoa tat ca)(?: het| toan bo| tat ca| sach)?"
        r" (?:lich su(?: (?:tro chuyen|chat|hoi dap|tin nhan|nhan tin))?|cuoc tro chuyen"
        r"|doan chat|(?:cac |nhung )?tin nhan)(?: (?:nay|cua (?:toi|minh|em|tui)))?"
        # "Quên tôi đi" ("đi", a softening suffix, is gone by now); never "quên" and what
        # was forgotten ("quên mật khẩu VNeID", "quên mang căn cước"): those are questions.
        r"|(?:hay )?quen (?:toi|minh|em|tui)(?: di)?(?: nhe| nha)?|forget(?: me)?"
        # "Đừng lưu gì của tôi", "đừng lưu thông tin của em nữa".
        r"|(?:dung|khong can|xin dung) (?:luu|luu lai)"
        r" (?:(?:gi|bat cu gi|bat ky gi)(?: ca nhan)? (?:cua|ve) (?:toi|minh|em|tui)"
        r"|(?:thong tin|du lieu)(?: ca nhan)?(?: (?:cua|ve) (?:toi|minh|em|tui))?)"
        r"(?: (?:ca|het|nua|nhe|nha))*",
    ),
)
_FIXED_RE = tuple((kind, re.compile(pattern)) for kind, pattern in _FIXED)

# Offices in the ward that are not the ward office, with their own phone numbers: the
# ward's hotline is not theirs.
_OTHER_OFFICE = (
    r"(?:cong an|canh sat khu vuc|tram y te|y te|benh vien|(?:ban chi huy )?quan su"
    r"|buu dien|dien luc|cap nuoc|truong(?: hoc| mam non| mau giao| tieu hoc| thcs| thpt)?"
    r"|to truong(?: to dan pho| khu pho| ap)?|truong (?:khu pho|ap)|mat tran(?: to quoc)?"
    r"|hoi (?:phu nu|cuu chien binh|nong dan)|doan thanh nien)"
    rf"(?: {_UNIT}| khu pho| to dan pho| ap)?(?: \d{{1,2}})?"
)
_ASKING_NUMBER = (
    r"(?: (?:la gi|la bao nhieu|la so nao|la so may|bao nhieu|so nao|so may|the nao|nao|gi))?"
)
_PHONE_NAMED = r"(?:so )?(?:dien thoai|dt|sdt|hotline|duong day nong)"
_OTHER_PHONE = re.compile(
    rf"{_PHONE_NAMED}(?: lien he| truc ban| truc)?(?: cua)? (?P<office>{_OTHER_OFFICE})"
    rf"{_ASKING_NUMBER}{_TAIL}"
    rf"|(?P<named>{_OTHER_OFFICE})(?: co)? {_PHONE_NAMED}{_ASKING_NUMBER}{_TAIL}"
)


def _other_office_phone(said: str, original: list[str]) -> str:
    """The office, as typed, whose phone number `said` asks for when it is another office
    in the ward ("sđt công an phường", "trạm y tế phường số điện thoại bao nhiêu"), or ""."""
    match = _OTHER_PHONE.fullmatch(said)
    if match is None:
        return ""
    group = "office" if match.group("office") is not None else "named"
    start = len(said[: match.start(group)].split())
    return " ".join(original[start : start + len(match.group(group).split())])


_REST = r"(?P<rest>(?: .*)?)"
# "Không" as the south says it too: "hông", "hổng", "hem".
_NOT = r"(?:khong|ko|k|hong|hem|chang)"
# Stopping: "hủy", "bỏ", "thôi", "đừng"/"dừng", "không muốn", "thôi không" ...
_STOP = rf"(?:thoi )?(?:huy|bo|ngung|dung|thoi|tat|ngat|{_NOT}(?: muon| can)?)"
# ...and of what is sent: "khỏi gửi" (no need to send), not a bare "không gửi" ("(phường)
# không gửi tin", a complaint that alerts do not come), nor a bare "thôi gửi" ("thôi gửi
# cho em đi": "well, send it to me then").
_STOP_SENDING = rf"(?:thoi )?(?:ngung|dung|khoi|{_NOT} (?:muon|can))"
# News as residents name it ("tb": thông báo as typed on a phone); the longest first, so
# that "tin tức cư trú" names "cư trú", not "tức cư trú".
_NEWS = r"(?:tin tuc|tin nhan|thong bao|ban tin|tin|tb)"
_ME = r"(?:toi|em|e|minh|tui|tao|tau|con|chau|bac|chu|co|anh|chi|ong|ba)"
_UNSUBSCRIBE = (
    re.compile(_STOP + r" (?P<verb>dang ky|dang ki|dk|theo doi)" + _REST),
    re.compile(rf"(?:{_STOP}|{_STOP_SENDING}) (?P<verb>nhan) {_NEWS}" + _REST),
    # "đừng gửi tin nữa", "không muốn gửi thông báo cho em".
    re.compile(_STOP_SENDING + rf" (?P<verb>gui) {_NEWS}" + _REST),
    re.compile(r"(?:tat|bo|ngung|dung|huy) (?P<verb>tin|thong bao)" + _REST),
    # "Đừng gửi nữa", "khỏi nhắn cho em nữa", "hông nhận nữa đâu": the alerts meant, unnamed
    # ("nữa" is gone by now: a politeness suffix).
    re.compile(
        _STOP_SENDING + rf" (?P<verb>gui|nhan)(?: (?:cho|toi) {_ME})?(?: (?:nua|dau))*(?P<rest>)"
    ),
)
# Said after a request to stop, naming no topic: "... nữa đâu", "... nữa nha".
_NO_MORE = _words("nua dau nha nhe a nghe nghen")
# Stopping everything with no verb of alerts, as residents say it under /mysubs' list:
# "hủy hết", "hủy tất cả", "tắt hết", "thôi hủy hết đăng ký" (the verb after "hết"). Not a
# bare "bỏ hết", "thôi hết", "dừng hết" ("đúng hết", "dùng hết" fold alike): said of
# other things as often.
_UNSUBSCRIBE_ALL = re.compile(
    r"(?:thoi )?(?:huy|ngung|tat)(?: bo)? (?:het|tat ca|toan bo)(?: het| tat ca)?"
    rf"(?: (?:dang ky|dang ki|dk|theo doi|nhan tin|{_NEWS}|cac chu de|chu de))?(?: het)?"
    r"|(?:thoi )?bo (?:het|tat ca|toan bo)(?: het| tat ca)?"
    rf" (?:dang ky|dang ki|dk|theo doi|nhan tin|{_NEWS}|cac chu de|chu de)(?: het)?"
)
# "Hủy 1", "bỏ số 2", "hủy 1, 3": a line of a list of topics stopped by its number (with
# the list on screen, wardbot.render picks it; with none, the topics to stop are shown).
_STOP_PICKED = re.compile(r"(?:huy|bo|tat|ngung|thoi)\s+(?P<rest>.+)")
# Those verbs as typed, accents or none: "bộ" of "cán bộ" folds to "bo" too.
_STOP_TYPED = frozenset("huy hủy huỷ bo bỏ tat tắt ngung ngưng thoi thôi".split())
_SUBSCRIBE_EXPLICIT = (
    re.compile(rf"(?:dang ky|dang ki|dk) (?:nhan|theo doi) {_NEWS}" + _REST),
    re.compile(r"(?:dang ky|dang ki|dk) (?:tin|thong bao|ban tin)" + _REST),
    re.compile(r"(?:dang ky|dang ki|dk) theo doi" + _REST),
    re.compile(r"theo doi (?:tin tuc|tin|thong bao|chu de)" + _REST),
)
# "nhận tin học bổng": to get a topic's news, but unaccented "nhan tin" is also "nhắn tin"
# (to text someone): only a topic named exactly makes it a subscription.
_SUBSCRIBE_RECEIVE = re.compile(rf"(?:xin |muon )?nhan {_NEWS}" + _REST)
# "theo dõi bhyt", as the bot's own "tôi đang theo dõi gì" words it: to follow a topic it
# names exactly ("theo dõi hồ sơ" is no topic, and stays a question).
_SUBSCRIBE_FOLLOW = re.compile(r"theo doi" + _REST)
_SUBSCRIBE_BARE = (re.compile(r"(?:dang ky|dang ki|dk) (?P<rest>.+)"),)
# Asking to be sent or told a topic's news: "gửi tin học bổng cho em" (only a topic named
# exactly: "gửi thông báo cho cán bộ" is no topic), "có tin bhyt thì báo em nhé", "báo cho
# tôi khi có thông báo học bổng", "khi nào có tin cư trú thì nhắn em" (plainly about news:
# a topic's start, "bảo hiểm", asks which).
_TELL = (
    rf"(?:bao|gui|nhan|nhan tin)(?: (?:cho|toi|lai|ngay))?(?: {_ME})?"
    r"(?: (?:biet|voi|ngay|nghen|nhen|nghe|nha|nhe|luon))*"
)
_ANY_NEWS = frozenset({"gi", "nao", "gi moi", "moi", "gi do", "gi nua"})
_SUBSCRIBE_SENT = re.compile(rf"gui {_NEWS}" + _REST)
_SUBSCRIBE_TOLD = (
    re.compile(rf"(?:khi nao |khi |neu |he )?co {_NEWS}(?P<rest> .+?) thi {_TELL}"),
    re.compile(rf"{_TELL} (?:khi nao|khi|neu|moi khi|moi lan) co {_NEWS}" + _REST),
)
# Leading words of a topic phrase that are not part of the topic: "(tin) về (chủ đề) X".
# "theo dõi giùm em bhyt": the asking for them too.
_LEADING = ("nhan", "tin", "thong bao", "tin tuc", "ve", "chu de", "cac", "cua", "moi", *_FOR_ME)
# The ward office itself where a topic would be ("theo dõi tin tức của phường", "nhận tin
# nhắn từ ủy ban"): all its news, no topic.
_WHOLE_OFFICE = re.compile(rf"(?:(?:cua|tu|o|ben) )?{_OFFICE}(?: (?:minh|nay|ta))?")
# Words after a topic's name saying when, and particles ("học bổng năm nay", "bhyt sắp tới
# nha", "cư trú đợt này"): no part of the topic (wardbot.subscriptions drops them).
AROUND_TOPIC = _words(
    "nam thang tuan ngay nay ni toi sap moi nhat hom mai sau gio dot ky ki hien luc luon "
    "a ah vay the z nhe nha ha nhi ne nghe nghen nhen voi nua"
)


# Where one message asks a second question: after "?", ";", a line break or the end of a
# sentence, and before "còn", "với lại", "ngoài ra", "thêm nữa" after a comma (not before
# "con": typed so, it is a child as often as "còn", "án phí bao nhiêu, con nhỏ thì ai
# nuôi"); and before "còn ... thì" turning to another subject with no comma ("mức đóng bhyt
# còn làm lại cccd thì ở đâu"; not "thẻ còn hạn thì...", "còn" of what is still so).
_STILL = "hạn|lại|nữa|được|đang|phải|cần|không|chưa|sống|nhỏ|bé|trẻ|thiếu|dư|trống|mới|ít|nhiều"
# "Không còn", "vẫn còn", "chỉ còn": still so, or no longer.
_NOT_TURNING = ("không", "chưa", "vẫn", "đã", "cũng", "đang", "có", "chỉ", "hết", "mà", "là")
_NEXT_QUESTION = re.compile(
    # A full stop not after a letter alone or capitals ("p. Sông Hàn", "TP. HCM").
    r"(?<=\?)(?!\?)|[;\n]+|(?<!\b\w)(?-i:(?<!\b[A-ZĐ]{2})(?<!\b[A-ZĐ]{3}))[.!]+(?=\s)"
    r"|[,.](?=\s*(?:còn|với lại|voi lai|ngoài ra|ngoai ra|thêm nữa|them nua)\b)"
    + "|"
    + "".join(rf"(?<!\b{word})" for word in _NOT_TURNING)
    + rf"(?<=\w)\s+(?=còn\s(?!(?:{_STILL})\b)[^?.;,!\n]*\sthì\s)",
    re.IGNORECASE,
)
MAX_QUESTIONS = 3  # more parts than this is a story told, not questions listed
# A part that names nothing of its own once its question words are out ("cần giấy tờ gì?",
# "có mất phí không?", "mất bao lâu?", "nộp ở đâu?") asks more about the part before it:
# asked alone it would be answered about whatever procedure it fits best.
_FOLLOW_UP = _words(
    "con thi vay a nhe nha nua them co phai can duoc dc mat phi le tien bao lau thoi gian het "
    "mien giay to ho so nhung cac gom nop lay mang theo la may ngay lam di dau o "
    "em anh chi toi minh tui ban"
)


@dataclass(frozen=True)
class Intent:
    """What the message asks for. `arg`: a topic as typed (or 'all'); for a question, what
    follows a bare "đăng ký"/"theo dõi" ("đăng ký cư trú": "cư trú"), a topic the resident
    may want to follow besides the answer.

    `explicit`: the words clearly ask about alerts ("nhận tin", "theo dõi tin"), so an
    unknown topic deserves an answer about topics; otherwise the topic must be exact. For
    'latest' of a subject, False: news only when the subject names a topic, else a question
    ("bhyt có thông báo chưa", "có lịch tiếp dân chưa").
    """

    kind: str
    arg: str = ""
    explicit: bool = True
    # "hủy bhyt": stopping only a topic the chat follows, named exactly; else a question.
    followed_only: bool = False
    # "theo dõi giá vàng", "nhận tin giá vàng" (typed with its accent): a subscription not
    # `explicit` whose verb still means following; when the message is no question the
    # bot knows anything about, the topic not found is told so (and the topics shown).
    follows: bool = False
    # The command's name as typed, when it was mistyped and guessed ("/nollow all":
    # /unsubscribe all); a guess that would stop alerts is asked about, never done.
    guessed: str = ""


def topic_key(text: str) -> str:
    """How a topic is compared when named exactly: folded words ("hoc-bong": "hoc bong")."""
    return " ".join(_WORD.findall(fold(text)))


# Between the topics of "bhyt, học bổng", "bhyt và cư trú", "bhyt + hộ tịch".
_TOPIC_LIST = re.compile(r"\s*(?:[,;/&+]|\b(?:và|va|với|voi)\b)\s*", re.IGNORECASE)


def topic_list(text: str) -> list[str]:
    """The parts of `text` that may each name a topic (a name with "và" in it is split
    too: whole, it is tried first)."""
    return [part.strip() for part in _TOPIC_LIST.split(text)]


def topic_forms(topic_id: str, name: str) -> set[str]:
    """Keys (topic_key) of the ways to name a topic exactly: its id, its name and each
    part of the name ("Học bổng và khuyến học": "học bổng" too)."""
    return {topic_key(form) for form in topic_form_texts(topic_id, name)}


def topic_form_texts(topic_id: str, name: str) -> set[str]:
    """`topic_forms` as staff wrote them, with their accents."""
    return {topic_id, name} | {part for part in re.split(r",| và | - |/", name) if part.strip()}


@dataclass(frozen=True)
class Part:
    """One of the questions a message asks. `plain`: it plainly asks something of its own
    (a "?" or a question word ends it, and it names something besides them), so that the
    resident is told when nothing answers it; otherwise it is a subject named alone ("mức
    đóng bhyt hộ gia đình."), a question only if the bot has an answer to it."""

    text: str
    plain: bool


def questions_in(text: str) -> list[str]:
    """The questions one message asks, when it plainly asks two or three ("mất thẻ bhyt
    làm sao, còn đăng ký thường trú cần gì?"): its parts that ask something, each of a few
    words. Otherwise [] (one question, however long, or a story around it)."""
    return [part.text for part in question_parts(text)]


def question_parts(text: str) -> list[Part]:
    """`questions_in`, each part with whether it plainly asks (see `Part`). A part asking
    nothing may still be a subject named alone, short and about no one ("mức đóng bhyt hộ
    gia đình. còn làm lại cccd thì ở đâu"); one about the resident ("Nhà em mới chuyển
    về.") is the story around the question, which is then asked whole."""
    typed = [" ".join(part.split()) for part in _NEXT_QUESTION.split(text)]
    typed = [part for part in typed if len(_WORD.findall(part)) >= 3]
    parts = [part.rstrip("?").rstrip() for part in typed]
    if not 2 <= len(parts) <= MAX_QUESTIONS:
        return []
    if not all(_plainly_asks(part) or _names_a_subject(part) for part in typed):
        return []
    if any(_follows_up(part) for part in parts[1:]):
        return []  # one question, with more asked about it
    return [Part(part, _plainly_asks(asked)) for part, asked in zip(parts, typed, strict=True)]


# Said by the resident of themselves and their own: a sentence with them tells the story.
PERSONAL = _words(
    "em anh chị chi cô chú chu bác bac ông bà tôi toi tui mình minh tao con cháu chau "
    "vợ chồng chong bé nhà mẹ me bố ba"
)
# Greeting, thanking or addressing the ward ("Kính gửi UBND phường.", "Cảm ơn nhiều nha."):
# no subject asked about.
_ADDRESSING = _words("chao kinh gui cam on thanks xin ad admin oi")
MAX_SUBJECT_WORDS = 10  # a subject named alone is a few words; more is a sentence


def _names_a_subject(part: str) -> bool:
    """Whether `part`, asking nothing, may name a subject alone ("mức đóng bhyt hộ gia
    đình"): a few words, none about a person ("nhà em", "tôi", "con")."""
    words = [word.casefold() for word in _WORD.findall(part)]
    if len(words) > MAX_SUBJECT_WORDS or PERSONAL & set(words):
        return False
    return not _ADDRESSING & {fold(word) for word in words}


# Particles ending a question after its question word ("ở đâu vậy ạ", "bao nhiêu thế ad").
_TRAILING = _words("a ah vay the z nhe nha ha ad admin oi nhi day ne chi em anh")
ASKED_AT_END = 3  # a question word among the last words (particles aside) asks
# Words around a question that name nothing asked about ("em không biết làm sao"), and
# times ("còn năm ngoái thì sao": more about the part before, at another time).
SAYING = _words(
    "biet hieu hoi muon ro nghe thay noi vay day nam ngoai nay sau truoc toi thang tuan ngay "
    "hom qua mai gio hien luc"
)


def _plainly_asks(typed: str) -> bool:
    """Whether the part (as `typed`, with its "?") asks something plainly and names
    something of its own ("nuôi chó có phải đăng ký không?"): not a sentence with a
    "không" in it ("em ở thuê không có hộ khẩu"), nor "em không biết làm sao"."""
    if not set(own_words(typed)) - SAYING:
        return False
    if typed.endswith("?"):
        return True
    words = _WORD.findall(fold(typed))
    while words and words[-1] in _TRAILING:
        words.pop()
    # "Không" asks last ("có cần chụp hình không"); before more words it says no
    # ("anh ấy không chịu ký").
    end = [word for word in words[-ASKED_AT_END:-1] if word not in ("khong", "ko")]
    return ASKING.search(" ".join([*end, *words[-1:]])) is not None


def _follows_up(part: str) -> bool:
    """Whether `part` names nothing of its own: only question words and words any
    procedure has (its fee, papers, time, place)."""
    return not own_words(part)


# Two papers named in one question ("mất cả cccd và bằng lái xe thì làm sao", "làm lại
# thẻ bhyt với giấy khai sinh ở đâu"): the word joining them, "+" and "&" too.
JOINING = _words("và va với voi lẫn")
_AND_SIGN = re.compile(r"\s*[+&]\s*")
# What ends the papers named: what is done with them, what happens to them, who asks (the
# paper named before the joining word starts after these; the one after it ends before).
_NOT_A_PAPER = _words(
    "thi phai can co o lam nhu duoc dc nop xin de la ra bi mat het khi bao muon chuyen "
    "cap doi mang dung thieu hong rach giu di den ve cho cua ca ma nen dang ky "
    "rot roi quen lac chay uot hu"  # what happened to it: "rớt", "rơi", "quên", "cháy"
)
# Papers' names whose first word, unaccented, is one of those ("can cuoc", "bao hiem").
_PAPER_STARTS = frozenset({("can", "cuoc"), ("bao", "hiem"), ("ca", "vet")})
# What is done with the papers, said after them ("khai sinh và khai tử làm ở đâu").
_DONE_WITH = _words("lam xin nop dang cap doi")
MAX_PAPER_WORDS = 4  # "giấy xác nhận cư trú"; more is a clause, not a paper's name
MAX_PAIRED_WORDS = 20
# What is asked of both, before the first paper named ("lệ phí cccd và khai sinh bao
# nhiêu"): asked of the second too, not taken for a word of the first's name.
_OF_BOTH = re.compile(r"(?:le phi|phi|thu tuc|ho so|muc dong|muc phi|thoi gian|dieu kien) ")
# Two things weighed against each other ("bhyt và bhxh khác nhau thế nào", "... cái nào
# rẻ hơn"): one question about both, not the same one asked of each.
_COMPARING = re.compile(
    r"\b(?:khac|giong|so sanh|so voi|cai nao|loai nao|phan biet|bang nhau|hay la)\b"
)


def paired_parts(text: str) -> list[Part]:
    """The two questions of one asking the same of two papers it names ("em bị mất cả cccd
    và bằng lái xe thì làm sao"): the question asked of each ("em bị mất cả cccd thì làm
    sao", "em bị mất cả bằng lái xe thì làm sao"), as typed. [] for any other: a word
    joining clauses ("em mới chuyển về và muốn đăng ký tạm trú"), or questions ("cần giấy
    tờ gì và lệ phí bao nhiêu"), not papers."""
    typed = _WORD.findall(_AND_SIGN.sub(" và ", text))
    words = [fold(word) for word in typed]
    joins = [at for at, word in enumerate(typed) if word.casefold() in JOINING]
    if len(joins) != 1 or len(words) > MAX_PAIRED_WORDS:
        return []
    if _COMPARING.search(" ".join(words)):
        return []
    join = joins[0]
    end = next((at for at in range(join + 1, len(words)) if ends_paper(words, at)), len(words))
    start = join
    while start > 0 and not ends_paper(words, start - 1) and words[start - 1] not in PERSONAL:
        start -= 1
    while (of_both := _OF_BOTH.match(" ".join(words[start:join]) + " ")) and start < join:
        start += len(of_both.group().split())
    first, second, tail = typed[start:join], typed[join + 1 : end], typed[end:]
    if not (0 < len(first) <= MAX_PAPER_WORDS and 0 < len(second) <= MAX_PAPER_WORDS):
        return []
    if a_name(first) or a_name(second):
        return []  # two people ("Nguyễn Văn A và Trần Thị B"): one question of both
    head = typed[:start]
    if not head and tail and words[end] in _DONE_WITH:
        # "khai sinh và khai tử làm ở đâu": asked of each as it is said of one ("làm
        # khai tử ở đâu"), what is done with it first.
        done = 2 if words[end : end + 2] in (["dang", "ky"], ["lam", "lai"]) else 1
        head, tail = tail[:done], tail[done:]
        if first[0][1:].islower():  # a capital opening the message only ("Khai sinh và")
            first = [first[0].lower(), *first[1:]]
    asks = "?" in text or ASKING.search(" ".join(words[end:])) is not None
    if PERSONAL & {w.casefold() for w in second} or not asks:
        return []
    asked = [" ".join([*head, *paper, *tail]) for paper in (first, second)]
    return [Part(part, True) for part in asked] if all(map(_plainly_asks, asked)) else []


def a_name(typed: list[str]) -> bool:
    """Whether the words `typed` are a person's name, each capitalised ("Trần Thị B"), not
    an abbreviation in capitals ("CCCD")."""
    return len(typed) > 1 and all(w[:1].isupper() and not w[1:].isupper() for w in typed)


def ends_paper(words: list[str], at: int) -> bool:
    """Whether `words[at]` is no word of a paper's name: see _NOT_A_PAPER, question words
    ("ở đâu", "bao nhiêu"), and "lại" after a verb."""
    if words[at] == "lai" and at > 0 and words[at - 1] in _NOT_A_PAPER:
        return True  # "làm lại", "cấp lại" (but "bằng lái")
    if (words[at], *words[at + 1 : at + 2]) in _PAPER_STARTS:
        return False  # "căn cước", "bảo hiểm": not "cần", "báo"
    return words[at] in _NOT_A_PAPER or ASKING.fullmatch(words[at]) is not None


def own_words(text: str) -> list[str]:
    """What `text` names of its own: its words (folded) besides question words and words
    any procedure has (its fee, papers, time, place)."""
    rest = ASKING.sub(" ", " ".join(_WORD.findall(fold(text))))
    return [word for word in rest.split() if word not in _FOLLOW_UP]


def named_words(text: str) -> str:
    """The words of `text` that `own_words` keeps, as typed (with their accents)."""
    own = set(own_words(text))
    return " ".join(word for word in _WORD.findall(text) if fold(word) in own)


# Emoji alone that say the resident is displeased (under an answer: it missed), sad, or
# lost.
_DISPLEASED = frozenset("👎🙁☹😒😑😡😠🤬😤💢👿")
_SAD = frozenset("😢😭😞😔😥😩😫😿💔🥺😪😓😟")
_PUZZLED = frozenset("🤔❓❔⁉🤷😕🤨😵")
# ...and thanks, hands joined; and what clearly says ok or thanks: a thumbs-up, a heart, a
# flower, a smile. Not any emoji: "😂", "😅", "🇻🇳" thank for nothing.
_THANKING = frozenset("🙏")
_FRIENDLY = frozenset("👍👌🆗✅✔🤝👏❤♥🧡💛💚💙💜🤍💖💗💕💞💓😍🥰😘🤗😊☺🙂🌹💐🌷🌸🌺")
EMOJI = "emoji"  # the `arg` of small talk that is an emoji alone ("👍", "🙏", "😂")


def parse_intent(text: str) -> Intent:
    """Classify one message (already stripped). Kinds: the command names, 'greet', 'thanks',
    'ack' (an acknowledgement; an emoji alone: `arg` EMOJI), 'emoji' (an emoji alone
    saying neither thanks nor an ok: "😂"), 'bye', 'wish' ("chúc mừng năm
    mới"), 'praise' ("hay quá"), 'welcome' ("không có chi"), 'upset' (a displeased or sad
    emoji alone: `arg` 'angry' or 'sad'), 'opener' (asking to ask: "cho em hỏi", the
    question still to come), 'yes' ("có", "đúng rồi"), 'huh' ("hả?", "gì vậy": puzzled),
    'staff' (/hoicanbo, "cho em gặp cán bộ"),
    'wrong' (the last answer missed: "sai rồi", "bot ngu quá"), 'contact' (the ward's
    phone number asked: "sđt phường là gì"), 'address' (where the ward office is: "phường
    ở đâu"), 'office_phone' (another office's number: "sđt công an phường", `arg` that
    office as typed), 'why_no_alerts' (why no alert came: "sao không thấy gửi tin gì"),
    'latest' (/latest; what is new about a subject: `arg` it, as typed, see wardbot.news;
    not `explicit` when asked whether it is out yet),
    'empty', 'phone' (a phone
    number sent alone: `arg` it, as typed), 'number' (a bare number: a choice from a list,
    when none is on screen), 'unknown_command', 'complaint'
    (about the ward's staff or service: wardbot.complaints) and 'question'."""
    if text.startswith(("/", "／")):
        command = _command(text)
        if command is not None:
            return command
    original = _WORD.findall(text)
    words = [fold(w) for w in original]
    if not words:
        # "👍", "😊": an emoji alone answers or closes a turn, like "ok" (and is thanked
        # for); "🙏" thanks; another ("😂", "🇻🇳") says neither, and is no yes. But "👎",
        # "😡" say the resident is displeased (under an answer: it missed, as "sai rồi"
        # says; on Zalo, with no button for it), "😢" sad, and "🤔", "❓" that the
        # resident is lost: "Dạ vâng ạ" to them would brush them off.
        if any(ch in _DISPLEASED for ch in text):
            return Intent("upset", "angry")
        if any(ch in _SAD for ch in text):
            return Intent("upset", "sad")
        if any(ch in _PUZZLED for ch in text):
            return Intent("huh")
        if any(ch in _THANKING for ch in text):
            return Intent("thanks", EMOJI)
        if any(ch in _FRIENDLY for ch in text):
            return Intent("ack", EMOJI)
        if any(unicodedata.category(ch) == "So" for ch in text):
            return Intent("emoji", EMOJI)  # "😂", "🇻🇳": neither thanks nor an ok
        return Intent("empty")
    if number := phone_number(words):  # "0909 123 456": to be called back
        return Intent("phone", number)
    # "2", "số 2", "chọn 2 nhé", "cái thứ hai": a choice from a list, when none is on screen
    # ("2/9", "30-4?": a day asked of, a question like any).
    picks = not names_a_date(text)
    if picks and (
        numbers := _chosen_number(words) or counted_choice(" ".join(words)) or spelt_alone(text)
    ):
        return Intent("number", numbers)
    if picks and several_numbers(" ".join(words)) and not {"cau", "muc"} & set(words):
        return Intent("number", text)  # "1 và 2": choices, with no list to pick them from
    words, original = without_laughter(words, original)
    if not words:  # "hihi", "haha": a smile, like an emoji alone
        return Intent("ack")
    if kind := small_talk(words, original) or _courtesies(text):
        return Intent(kind)
    words, original = _strip_politeness(words, original)
    said = " ".join(words)
    for kind, pattern in _FIXED_RE:
        if pattern.fullmatch(said) and not (kind == "address" and _names_a_market(original)):
            return Intent(kind)
    if office := _other_office_phone(said, original):
        return Intent("office_phone", office)
    if subscription := _subscription(said, original, text):
        return subscription
    if (subject := subject_asked(said, original)) is not None:
        return Intent("latest", subject)  # "có gì mới về bhyt không": its notices
    if subject := topic_news_asked(said, original):
        # "bhyt có thông báo chưa": its notices if it names a topic, else a question.
        return Intent("latest", subject, explicit=False)
    return Intent("complaint") if complains(text) else Intent("question")


def asks_nothing(text: str) -> bool:
    """Whether `text` asks nothing: no "?" and no question word ("Nguyễn Văn An", "em ở
    khu phố 3", "sđt 0912 345 678")."""
    return "?" not in text and ASKING.search(" ".join(_WORD.findall(fold(text)))) is None


def accepts_staff_offer(text: str) -> bool:
    """Whether `text`, said right under the offer to pass a question to staff, takes it:
    a yes ("có", "đúng rồi") or agreeing to have it passed on ("đồng ý", "dạ cần ạ",
    "chuyển cho cán bộ giúp em")."""
    original = _WORD.findall(text)
    words, original = without_laughter([fold(w) for w in original], original)
    if not words:
        return False
    return small_talk(words, original) == "yes" or passes_on(words, original)


# An ok that is a yes to a yes/no question ("dạ vâng", "ừ", "ok ạ", "dạ có", "được"):
# one of these words, with what only softens it. Not "hihi", "em hiểu rồi", "ồ": heard,
# but no yes.
_ASSENT = _words("vang u ua ok oke oki okie co duoc dc uh uhm um")
_ASSENT_SOFTENING = _words("da a roi r nha nhe nghen nhen ha em anh chi minh toi tui vay")


def assents(text: str) -> bool:
    """Whether `text` says yes to a yes/no question the reply before asked: "có",
    "đúng rồi" or an ok that is a yes (see _ASSENT)."""
    original = _WORD.findall(unicodedata.normalize("NFC", text.lower()))
    words = [fold(w) for w in original]
    if words and small_talk(words, original) == "yes":
        return True
    return bool(_ASSENT & set(words)) and set(words) <= _ASSENT | _ASSENT_SOFTENING


# Saying no to the offer to pass a question to staff: a no ("không", "thôi", "khỏi"),
# alone or with what only softens it or says the resident will see to it themselves
# ("không cần đâu ạ", "thôi khỏi, em cảm ơn", "thôi em tự lên phường hỏi"). Not "không
# phải" (the answer missed), nor a question that starts with "không".
_NO = _words("khong ko k hong hok thoi khoi")
_SOFTENING = _words(
    "can dau a da vang nhe nha ha ad admin oi em anh chi minh toi tui cam on thanks roi vay "
    "the nua tu len ra phuong xa hoi sau de lai khac ban chu bac co"
)
MAX_NO_WORDS = 8
# Asking with those words, without a "?": "không" closing what it follows ("có cần lên
# phường không ạ", "cần lên phường không chị"), or "à", "hả" after them ("không cần lên
# phường à", "khỏi lên phường hả").
_ASKING_NO = _words("khong ko k hong hok")
_ADDRESS = _words("a da vang nhe nha ha oi ad admin em anh chi minh toi tui ban chu bac vay the")
_ASKING_AFTER = frozenset({"à", "hả", "hở", "nhỉ", "chứ"})


def declines_staff_offer(text: str) -> bool:
    """Whether `text`, said right under the offer to pass a question to staff, says no
    to it (see _NO)."""
    if "?" in text:
        return False
    original = _WORD.findall(unicodedata.normalize("NFC", text.lower()))
    words, original = without_laughter([fold(w) for w in original], original)
    words = spelt_out(words, original)
    if not words or len(words) > MAX_NO_WORDS or words[:2] in (["khong", "co"], ["ko", "co"]):
        return False
    if _ASKING_AFTER & set(original[1:]):
        return False
    said = list(words)
    while len(said) > 1 and said[-1] in _ADDRESS:
        said.pop()
    if said[-1] in _ASKING_NO and not set(said[:-1]) <= _NO | _ADDRESS:
        return False
    return bool(_NO & set(words)) and set(words) <= _NO | _SOFTENING


# Thanks, a goodbye and good wishes in one message ("em cảm ơn, chúc chị sức khỏe", "cảm
# ơn cán bộ. tạm biệt"): its parts, each of which may be small talk closing the turn. A
# dot between a lone letter and a word parts nothing: it shortens ("c.ơn", "làm c.c"); but
# a lone particle ending a sentence ("dạ vâng ạ.còn lệ phí thì sao") is no shortening.
_PARTS = re.compile(
    r"(?:[,;!\n]|(?<![^\W_])\.|(?<=[^\W_]{2})\.|\.(?![^\W\d_])"
    r"|(?<=(?<![^\W_])[aạàừờ])\.)+|\s+(?=(?:chúc|chuc)\s)",
    re.IGNORECASE,
)
# What such a message gets: the first of these it says.
_CLOSING = ("bye", "thanks", "wish", "praise", "welcome")


def _courtesies(text: str) -> str | None:
    """'bye', 'thanks', 'wish', 'praise' or 'welcome' for a message made of such parts
    (and acknowledgements or greetings: "ok, em cảm ơn chị", "chào chị, em cảm ơn ạ",
    "giỏi quá, cảm ơn em"), each small talk alone; else None."""
    kinds = set()
    for part in _PARTS.split(text):
        words, original = without_laughter(
            [fold(w) for w in _WORD.findall(part)], _WORD.findall(part)
        )
        if not words:
            continue
        kind = small_talk(words, original)
        if kind not in (*_CLOSING, "ack", "greet"):
            return None
        kinds.add(kind)
    return next((kind for kind in _CLOSING if kind in kinds), None)


def after_courtesies(text: str) -> str:
    """`text` from its first part that is no courtesy: "ok, còn lệ phí thì sao?" asks "còn
    lệ phí thì sao?" (a follow-up, as alone), "dạ vâng, cần mang gì ạ" "cần mang gì ạ".
    `text` itself when it opens with none, or is nothing else."""
    start = 0
    for separator in [*_PARTS.finditer(text), None]:
        end = len(text) if separator is None else separator.start()
        part = text[start:end]
        words, original = without_laughter(
            [fold(w) for w in _WORD.findall(part)], _WORD.findall(part)
        )
        if words and small_talk(words, original) not in (*_CLOSING, "ack", "greet"):
            return text[start:].strip() or text
        if separator is None:
            return text
        start = separator.end()
    return text


def _command(text: str) -> Intent | None:
    match = _COMMAND.fullmatch(text.strip())
    if match is None:
        return None
    spaced, typed, rest = match.group(1), match.group(2), match.group(3) or ""
    name, arg = typed.lower(), " ".join(rest.split())
    guessed = "" if name in COMMAND_NAMES or name in _COMMAND_ALIASES else "/" + typed
    name = _COMMAND_ALIASES.get(name) or _near_command(name) or name
    if name not in COMMAND_NAMES:
        return None if spaced else Intent("unknown_command", "/" + typed)
    if name in ("subscribe", "unsubscribe") and " ".join(_WORD.findall(fold(arg))) in _ALL:
        arg = "all"
    if name == "hoicanbo":
        return Intent("staff", " ".join(rest.split(" ")).strip())
    if name == "unsubscribe":
        return Intent(name, arg, guessed=guessed)
    return Intent(name, arg if name == "subscribe" else "")


# A Vietnamese phone number: a mobile's 0 and nine digits, a landline's 02 and nine more;
# "+84" or "84" for the 0. Not a year, a fee, an ID card's twelve digits.
_PHONE = re.compile(r"(?:84|0)(?:[35789]\d{8}|2\d{9})")
# What may stand around a phone number sent alone: what names it, whose it is and what it
# is for ("sđt em 0909123456", "gọi lại cho chị số 0909 123 456 nhé"), and particles.
_PHONE_WORDS = _words(
    "sdt dt so dien thoai di dong zalo cua la day goi lai cho giup dum gium lien he qua "
    "em anh chi co chu bac con chau ong ba toi tui minh ad admin a da vang nhe nha oi voi"
)


def phone_number(words: list[str]) -> str:
    """The phone number a message (its words, folded) is, as typed ("0909 123 456"), when
    it says nothing else but whose it is and that it is one; or "". A number inside a
    question ("cho hỏi sđt 0909123456 của ai") is no such number."""
    digits = [at for at, word in enumerate(words) if word.isdigit()]
    if not digits or digits != list(range(digits[0], digits[-1] + 1)):
        return ""  # no number, or two apart
    if any(word not in _PHONE_WORDS for word in words if not word.isdigit()):
        return ""
    typed = words[digits[0] : digits[-1] + 1]
    return " ".join(typed) if _PHONE.fullmatch("".join(typed)) else ""


# Digits as a number is written in a text ("0276 3822 123", "0276.3822.123", "+84 909-123-456").
_WRITTEN_NUMBER = re.compile(r"\+?\d(?:[ .-]?\d)*")
# Numbers to call that are no subscriber's: police, fire, ambulance (113-115), the public
# services' 1022, and 1800/1900 lines.
_SERVICE_NUMBER = re.compile(r"11[1-5]|1022|1[89]00\d{4,6}")


def names_phone_number(text: str) -> bool:
    """Whether `text` (an answer) gives a phone number to call: a subscriber's, with its
    area code or without (seven or eight digits), or a service's ("113", "1900 1234")."""
    for written in _WRITTEN_NUMBER.findall(text):
        digits = re.sub(r"\D", "", written)
        if _PHONE.fullmatch(digits) or _SERVICE_NUMBER.fullmatch(digits):
            return True
        if len(digits) in (7, 8) and not written.count(".") > 1:  # not 1.000.000 (money)
            return True
    return False


# A typed pick's words around its number (folded): "dạ 2", "ok số 2", "em chọn 2", "xem
# câu 2", "cái số 2 nha em", "2 nhen", "2 thôi". A pronoun only before a verb of picking
# or after "cho" ("con 2" may be a child); "câu" only after a verb ("câu 2" alone, with no
# list, is a question like any).
_YES = frozenset("da vang u ok oke okie oki okay uh um".split())  # "ừ 2", "okie 2"
_PICKER = frozenset("em minh toi tui con chau".split())
_PICK = frozenset("chon xem mo doc".split())
_ITEM = frozenset("cai muc y dong".split())
# What closes a pick, in every region's speech ("2 ạ", "2 nha", "2 nhen", "2 hén", "2 nè",
# "2 nghe"), a word to the bot ("2 nha em", "2 em ơi"), "thôi", "luôn"; not "đó", "ta" or
# "nờ", which are other words too ("2 độ", "2 tạ").
_PICK_TAIL = frozenset(
    "a ak ah nhe nha di luon thoi em oi ad bot".split()
    + [fold(particle) for particle in REGIONAL_PARTICLES]
) - {"do", "ta", "no"}
# Whom a pick is said to, after a closing word ("2 nha chị", "2 ạ anh"): alone, "2 chị"
# counts.
_ADDRESSED = frozenset("anh chi ban co chu".split())
# The same words closing a pick, in the patterns below (on folded text).
PICK_TAIL = r"(?:\s+(?:" + "|".join(sorted(_PICK_TAIL)) + r"))*"


def _chosen_number(words: list[str]) -> str:
    """The number of "2", "số 2", "chọn 2", "mục số 1 nhé", "chọn câu 2", "dạ 2", "em chọn
    số 2 nhen" (`words` folded, without punctuation or emoji: "2 🙏", "#2", "2?"), or
    ""."""
    at = 1 if len(words) > 1 and words[0] in _YES else 0
    if len(words) > at + 2 and words[at] == "cho" and words[at + 1] in _PICKER:
        at += 2  # "cho em xem 2", "cho mình số 2"
    elif len(words) > at + 1 and words[at] in _PICKER and words[at + 1] in _PICK:
        at += 1
    picked = at < len(words) - 1 and words[at] in _PICK
    at += picked
    if at < len(words) - 1 and (words[at] in _ITEM or (words[at] == "cau" and picked)):
        at += 1
    if at < len(words) - 1 and words[at] == "so":
        at += 1
    end = len(words)
    while end > at + 1 and (
        words[end - 1] in _PICK_TAIL
        or (words[end - 1] in _ADDRESSED and end > at + 2 and words[end - 2] in _PICK_TAIL)
    ):
        end -= 1
    numbers = words[at:end]
    return " ".join(numbers) if all(w.isdigit() for w in numbers) else ""


def chosen_number(text: str) -> str:
    """The number a message picks read as parse_intent reads it ("2 🙏", "dạ số 2"), as
    typed: "" for none or several (wardbot.render reads several its own way)."""
    number = _chosen_number([fold(word) for word in _WORD.findall(text)])
    return number if number.isdigit() else ""


# "Cái thứ 2", "câu thứ hai", "mục thứ nhất ạ", "cái đầu tiên", "xem cái thứ hai": a line
# counted as people count, after the word for an item ("thứ 2" alone is a Monday).
_ORDINAL = re.compile(
    r"\s*(?:(?:chon|xem|mo)\s+)?(?:cai|cau|muc|y|dong|so)\s+"
    r"(?:thu\s+(\d+|nhat|hai|ba|tu|nam)|(dau tien|dau))" + PICK_TAIL + r"[\s.!]*"
)
_ORDINALS = {"nhat": "1", "hai": "2", "ba": "3", "tu": "4", "nam": "5", "dau tien": "1", "dau": "1"}
# "Số hai", "chọn số một ạ", "xem câu số ba": a line's number said in words, as a phone's
# voice typing writes it, after "số" ("hai" alone may be anything; "ba" is a father).
_SPELT = re.compile(
    r"\s*(?:(?:chon|xem|mo)\s+)?(?:(?:cai|cau|muc|y|dong)\s+)?so\s+"
    r"(mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi)" + PICK_TAIL + r"[\s.!]*"
)
_SPELT_NUMBERS = {
    "mot": "1", "hai": "2", "ba": "3", "bon": "4", "tu": "4", "nam": "5",
    "sau": "6", "bay": "7", "tam": "8", "chin": "9", "muoi": "10",
}  # fmt: skip


# Several choices at once: "1 và 2", "1, 3", "1/3", "số 1 với số 2", "cả 2 và 3 ạ", "2 3".
_CHOICES = re.compile(
    r"\s*(?:chon\s+|xem\s+)?(?:ca\s+)?((?:(?:cau|muc)\s+)?(?:so\s*)?\d+"
    r"(?:\s*(?:[,;&+/]|\s(?:va|voi)\s|\s)\s*(?:(?:cau|muc)\s+)?(?:so\s*)?\d+)+)"
    + PICK_TAIL
    + r"[\s.!]*"
)
# A run of lines ("1-3", "từ 2 đến 5", "1 tới 4 nhé"): each line in it, as "1, 2, 3" picks
# them (read as two numbers, "1-3" would leave line 2 out).
_RUN = re.compile(
    r"\s*(?:chon\s+|xem\s+)?(?:tu\s+)?(?:so\s*)?(\d{1,2})\s*(?:-|–|\sden\s|\stoi\s)\s*"
    r"(?:so\s*)?(\d{1,2})" + PICK_TAIL + r"[\s.!]*"
)
MAX_RUN = 99  # lines in a run: a numbered list has no more (two digits, handlers.zalo)
# Two numbers joined by "/" or "-" that make a day of a month: "2/9", "30-4", "1-3",
# "2/9/2026".
_DAY_MONTH = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/–-]\s*(\d{1,2})(?:[/-]\d{4})?(?![\d/.-])")


def names_a_date(text: str) -> bool:
    """Whether `text` writes a day of a month as numbers ("2/9", "30-4?", "1-3"): a day
    asked of ("2/9?" is National Day) unless a list on screen holds every line of it."""
    return any(
        1 <= int(day) <= 31 and 1 <= int(month) <= 12 for day, month in _DAY_MONTH.findall(text)
    )


# A line's number said alone, in words ("một", "hai ạ"): typed with its accents, or "mot"
# (one word means nothing else alone); not "ba" (a father), "năm" (a year), "tư" (private).
_SPELT_ALONE = {
    "một": "1", "mot": "1", "hai": "2", "bốn": "4", "sáu": "6", "bảy": "7", "tám": "8",
    "chín": "9", "mười": "10",
}  # fmt: skip


def spelt_alone(text: str) -> str:
    """The number a message says in a word alone ("một", "hai ạ"), as digits; or "".
    With a list on screen, its line (wardbot.render); with none, no question."""
    said = [word.lower() for word in _WORD.findall(text)]
    while len(said) > 1 and fold(said[-1]) in _PICK_TAIL:
        said.pop()
    return _SPELT_ALONE.get(said[0], "") if len(said) == 1 else ""


def several_numbers(folded: str) -> list[str] | None:
    """The numbers of several lines picked at once ("1 va 2", "1, 3", "so 1 voi so 2"), in
    `folded` text; None when it names fewer than two."""
    if (run := _RUN.fullmatch(folded)) is not None:
        first, last = sorted(map(int, run.groups()))
        if not 0 < first < last < first + MAX_RUN:
            return None
        return [str(n) for n in range(first, last + 1)]
    match = _CHOICES.fullmatch(folded)
    numbers = re.findall(r"\d+", match.group(1)) if match is not None else []
    # A list's lines are a few: "0912 345 678" is a phone number, "2024 và 2025" years.
    if not numbers or any(len(n) > 2 or n.startswith("0") for n in numbers):
        return None
    return numbers


def only_numbers(text: str) -> bool:
    """Whether `text` is only the number of a line or several ("5", "số 5", "1, 3"): what
    picks from a list, and names nothing else."""
    folded = fold(text).strip()
    return re.fullmatch(r"(?:so\s*)?\d{1,2}", folded) is not None or bool(several_numbers(folded))


def counted_choice(folded: str) -> str | None:
    """The number of a line counted as people count it ("cai thu hai": "2", "cai dau
    tien": "1") or said in words ("so hai": "2"), in `folded` text; or None."""
    if (spelt := _SPELT.fullmatch(folded)) is not None:
        return _SPELT_NUMBERS[spelt.group(1)]
    match = _ORDINAL.fullmatch(folded)
    if match is None:
        return None
    said = match.group(1) or match.group(2)
    return _ORDINALS.get(said, said)


def _near_command(name: str) -> str | None:
    """The command `name` misspells by a letter or two ("subcribe", "topic", "lastest").
    Never /forget, which deletes what the chat follows: it must be typed as it is; nor a
    name as near to two commands ("usbscribe": /subscribe or /unsubscribe?), which would
    stop every alert of a resident who meant to follow them all."""
    meant = {command: command for command in COMMAND_NAMES - {"forget"}}
    meant |= {alias: command for alias, command in _COMMAND_ALIASES.items() if len(alias) > 3}
    near = difflib.get_close_matches(name, sorted(meant), n=3, cutoff=NEAR_COMMAND)
    near += [typed for typed in meant if _swapped(name, typed)]
    commands = {meant[typed] for typed in near}
    return commands.pop() if len(commands) == 1 else None


def _swapped(name: str, command: str) -> bool:
    """Whether `name` is `command` with two letters side by side swapped ("hepl", "strat",
    "tpoics": the commonest slip on a phone, which difflib's ratio rates low in a short
    word)."""
    if len(name) != len(command) or len(name) < 4:
        return False
    differ = [at for at, (a, b) in enumerate(zip(name, command, strict=True)) if a != b]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and name[differ[0]] == command[differ[1]]
        and name[differ[1]] == command[differ[0]]
    )


# Interjections opening a message, as typed: surprise or a turn ("ủa", "ơ", "ê", "ủa mà",
# "à mà", "mà"), a call ("ơi"), asking nothing. Without accents, "ua", "oi" and "e" (ê, or
# em) only: "o", "a", "ma" are "ở", "anh", "má" as often.
_INTERJECTIONS = frozenset("ủa ơ ơi à ê mà ua oi e".split())


def _interjected(words: list[str], original: list[str]) -> int:
    """How many words opening a message (`words` folded, `original` as typed) are
    interjections (`_INTERJECTIONS`), and "mà" after one whatever its accents ("ua ma");
    never all of them."""
    at = 0
    while at < len(words) - 1 and (
        unicodedata.normalize("NFC", original[at].casefold()) in _INTERJECTIONS
        or (at and words[at] == "ma")
    ):
        at += 1
    return at


def _a_flat(words: list[str], original: list[str]) -> bool:
    """Whether the "can" opening `words` is "căn" (a flat, an ID card: "căn cước có gì
    mới không", "can cuoc ..."), no "cần" to strip."""
    typed = unicodedata.normalize("NFC", original[0]).casefold()
    return typed == "căn" or words[1:2] == ["cuoc"]


def _strip_politeness(words: list[str], original: list[str]) -> tuple[list[str], list[str]]:
    """`words` (folded) and `original` (as typed) without the politeness, greetings and
    interjections around a request ("ủa cho em ... giúp em nha")."""
    changed = True
    while changed and words:
        changed = False
        if opening := _interjected(words, original):
            words, original = words[opening:], original[opening:]
            changed = True
        for prefix in _PREFIXES:
            if words[: len(prefix)] == prefix and len(words) > len(prefix):
                if prefix == ["can"] and _a_flat(words, original):
                    continue
                words, original = words[len(prefix) :], original[len(prefix) :]
                changed = True
        for suffix in _SUFFIXES:
            if words[-len(suffix) :] == suffix and len(words) > len(suffix):
                words, original = words[: -len(suffix)], original[: -len(suffix)]
                changed = True
    return words, original


def _topic_phrase(
    rest: str, original: list[str], leading: tuple[str, ...] = _LEADING
) -> tuple[str, str]:
    """('hoc bong', 'học bổng') from ' ve chu de hoc bong', keeping the typed accents."""
    words = rest.split()
    changed = True
    while changed and words:
        changed = False
        for lead in leading:
            lead_words = lead.split()
            if words[: len(lead_words)] == lead_words:
                words = words[len(lead_words) :]
                changed = True
    typed = original[len(original) - len(words) :] if words else []
    return " ".join(words), " ".join(typed)


def _subscription(said: str, original: list[str], text: str) -> Intent | None:
    looks_like_question = "?" in text or ASKING.search(said) is not None
    if _UNSUBSCRIBE_ALL.fullmatch(said) and not looks_like_question:
        return Intent("unsubscribe", "all")
    if (picked := _STOP_PICKED.fullmatch(said)) and only_numbers(picked.group("rest")):
        return Intent("unsubscribe", _topic_phrase(picked.group("rest"), original, ())[1])
    for pattern in _UNSUBSCRIBE:
        match = pattern.fullmatch(said)
        if match:
            rest = match.group("rest").split()
            while rest and rest[-1] in _NO_MORE:
                rest.pop()
            kept = original[: len(original) - (len(match.group("rest").split()) - len(rest))]
            folded, typed = _topic_phrase(" ".join(rest), kept)
            explicit = match.group("verb") not in ("dang ky", "dang ki", "dk")
            explicit = explicit or match.group("rest").split()[:1] in (["nhan"], ["tin"])
            if folded in _ALL:
                return Intent("unsubscribe", "all")
            # A question ("hủy đăng ký kết hôn thế nào?") keeps only an exactly named topic;
            # "không" of "không muốn nhận tin" is no question word there.
            asks = "?" in text or ASKING.search(match.group("rest")) is not None
            return Intent("unsubscribe", typed, explicit and not asks)
    if (
        picked
        and original[0].lower() in _STOP_TYPED
        and not any(c.isdigit() for c in picked.group("rest"))  # "hủy 2026": no topic
        and not looks_like_question
        and not complains(text)
    ):
        # "hủy bhyt", "bỏ cư trú" under /mysubs, with no verb of alerts: a topic the chat
        # follows, named exactly, stops; anything else ("hủy kết hôn") is a question.
        typed = _topic_phrase(picked.group("rest"), original)[1]
        return Intent("unsubscribe", typed, explicit=False, followed_only=True)
    if "?" not in text and (told := _told_news_of(said, original)) is not None:
        return told
    for pattern in _SUBSCRIBE_EXPLICIT:
        match = pattern.fullmatch(said)
        if match:
            folded, typed = _topic_phrase(match.group("rest"), original)
            if folded in _ALL and not looks_like_question:
                return Intent("subscribe", "all")
            if _WHOLE_OFFICE.fullmatch(folded) and not looks_like_question:
                return Intent("subscribe", "")  # the topics there are, to pick
            if folded and looks_like_question:
                # "đăng ký nhận tin ở đâu?": a question, unless it names a topic exactly.
                return Intent("subscribe", typed, explicit=False)
            return Intent("subscribe", typed, explicit=True)
    match = _SUBSCRIBE_RECEIVE.fullmatch(said) or _SUBSCRIBE_FOLLOW.fullmatch(said)
    if match and not looks_like_question:
        folded, typed = _topic_phrase(match.group("rest"), original)
        if folded in _ALL:  # "theo dõi tất cả", as "bỏ theo dõi tất cả" stops them all
            return Intent("subscribe", "all")
        # "nhan tin" unaccented may be "nhắn tin" (to text someone): only "nhận" follows
        # (`said` and `original` hold the same words, folded and as typed).
        before = said[: match.start("rest")].split()
        receives = match.re is _SUBSCRIBE_RECEIVE
        verb = original[before.index("nhan")] if receives else ""
        follows = not receives or unicodedata.normalize("NFC", verb.lower()) == "nhận"
        if _WHOLE_OFFICE.fullmatch(folded):
            return Intent("subscribe", "") if follows else None
        if folded:
            return Intent("subscribe", typed, explicit=False, follows=follows)
    for pattern in _SUBSCRIBE_BARE:
        match = pattern.fullmatch(said)
        if match and not looks_like_question:
            # "đăng ký cư trú", "đăng ký nghĩa vụ quân sự": "đăng ký" is the verb of most
            # ward procedures, so this asks about the procedure. It stays a question; the
            # phrase is kept so that a topic it names exactly can be offered to follow.
            folded, typed = _topic_phrase(match.group("rest"), original, ("chu de",))
            if folded:
                return Intent("question", typed, explicit=False)
    return None


def _told_news_of(said: str, original: list[str]) -> Intent | None:
    """A topic to follow when the resident asks to be sent or told its news (see
    _SUBSCRIBE_TOLD); None when `said` asks no such thing."""
    asked = [(_SUBSCRIBE_SENT, False), *((told, True) for told in _SUBSCRIBE_TOLD)]
    for pattern, explicit in asked:
        match = pattern.fullmatch(said)
        if match is None:
            continue
        rest = match.group("rest")
        # The topic's words as typed: those of `rest`, wherever it stands in the message.
        start = len(said[: match.start("rest")].split())
        typed = original[start : start + len(rest.split())]
        folded, named = _topic_phrase(rest, typed)
        if folded in _ALL:
            return Intent("subscribe", "all")
        # "có tin gì thì báo em", "báo em khi có thông báo": the topics, to pick.
        if explicit and (not folded or folded in _ANY_NEWS):
            return Intent("subscribe")
        # Asking more ("... học bổng năm nay cần những gì"): a question, unless it names a
        # topic exactly.
        explicit = explicit and ASKING.search(rest) is None
        return Intent("subscribe", named, explicit=explicit) if folded else None
    return None
