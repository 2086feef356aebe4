"""Complaints about the ward's staff or service ("cán bộ thái độ quá, hẹn mãi không trả hồ
sơ, tôi rất bức xúc"): no FAQ entry answers one, and close matches offered to it would
brush the resident off; ward staff hear it (wardbot.questions.Questions.complaint).

A complaint says how the resident feels ("bức xúc", "không hài lòng") or how they were
treated ("hách dịch", "hẹn đi hẹn lại"), and asks no procedure: "khiếu nại đất đai nộp ở
đâu" is a question about the complaint procedure, answered from the FAQ; so is "tôi rất
bức xúc, muốn khiếu nại thì làm thế nào".
"""

from __future__ import annotations

import re
import unicodedata

from wardbot.text import fold

_WORD = re.compile(r"[^\W_]+")


def _any_of(phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases.split("|")) + r")\b")


# Folded (typed with accents or without): no other words fold so.
_FOLDED = _any_of(
    "buc xuc|buc minh|buc boi|that vong|(?:khong|ko|k|chua) hai long|qua dang|hach dich"
    "|cua quyen|nhung nhieu|gay kho de|gay kho khan cho dan|lam kho dan|lam kho nguoi dan"
    "|vo trach nhiem|thieu trach nhiem|tac trach|quat thao|thieu ton trong|coi thuong dan"
    "|voi tien|hen di hen lai|hen lan hen lua|day qua day lai"
    # Their manner, faulted: "thái độ quá", "thái độ phục vụ kém" (not "... quá tốt").
    r"|thai do (?:lam viec |phuc vu |cua can bo )?(?:rat |qua |that )?"
    r"(?:kem|te|coc can|coc|khong tot|ko tot|qua(?! (?:tot|nhiet tinh|chu dao|de thuong)))"
)
# As typed, with their accents: "hẹn mãi" (folded, also "hẹn mai": an appointment for
# tomorrow), "quát", "to tiếng", "chờ mãi".
_ACCENTED = re.compile(r"\b(?:hẹn mãi|chờ mãi|đợi mãi|hẹn hoài|quát|to tiếng|hạch sách|làm khó)\b")
# Asking about a procedure ("nộp ở đâu", "làm thế nào", "cần giấy tờ gì"), or saying a
# question comes ("chờ mãi không thấy, cho em hỏi giờ làm việc"), or whether something may
# be done ("nộp lại có được không"): a question, however the resident feels.
_ASKS_PROCEDURE = _any_of(
    "o dau|cho nao|noi nao|the nao|lam sao|bao nhieu|bao lau|can gi|can nhung gi|giay to gi"
    "|ho so gi|thu tuc gi|mau don|duoc khong|dc khong"
    "|(?:cho|xin|muon|can) (?:(?:em|e|toi|tui|minh|chau|con|anh|chi|co|chu|bac) )?hoi"
)


# The bot's own answer, named as what displeases ("không hài lòng với câu trả lời", "bot
# trả lời như vậy"), folded...
_THE_ANSWER = _any_of(
    "cau tra loi|(?:bot|chatbot|ban|ad|admin|tro ly) (?:tra loi|tl)|tra loi (?:nay|do|vua roi)"
)
# ...not staff's, nor the office's ("câu trả lời của cán bộ phường").
_THE_OFFICE = _any_of(
    "can bo|nhan vien|cong chuc|lanh dao|chu tich|phuong|xa|thi tran|ubnd|uy ban|cong an"
    "|mot cua|ho so|giai quyet|tiep dan"
)


def about_the_answer(text: str) -> bool:
    """Whether the complaint `text` is about the bot's own answer ("em không hài lòng với
    câu trả lời"): under an answer, that it missed, not a complaint about the ward."""
    folded = fold(" ".join(_WORD.findall(unicodedata.normalize("NFC", text).casefold())))
    return _THE_ANSWER.search(folded) is not None and _THE_OFFICE.search(folded) is None


def complains(text: str) -> bool:
    """Whether `text` is a complaint about the ward's staff or service (see the module)."""
    typed = " ".join(_WORD.findall(unicodedata.normalize("NFC", text).casefold()))
    folded = fold(typed)
    if _ASKS_PROCEDURE.search(folded):
        return False
    return _FOLDED.search(folded) is not None or _ACCENTED.search(typed) is not None
