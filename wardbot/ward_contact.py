"""Residents asking how to reach an office: the ward office's phone ("sđt phường") and
address ("phường ở đâu"), and another office's phone in the ward ("sđt công an phường").

An FAQ entry that answers the question outright wins over the settings, as staff wrote
it; but one that only says where the number is posted ("được niêm yết tại bảng tin") gets
the hotline (WARD_HOTLINE) in a line under it. The ward's hotline is never given as
another office's number: that office's is answered from the FAQ when an entry gives it,
else the bot says it does not have it, and offers the hotline as the ward's.
"""

from __future__ import annotations

from dataclasses import replace

from wardbot import messages as msg
from wardbot.intents import names_phone_number, parse_intent
from wardbot.models import Announcement, FaqEntry
from wardbot.ports import Typing
from wardbot.questions import Questions
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef
from wardbot.text import plain_words

# When another office is not to be phoned but a national number called at once.
_EMERGENCIES = (
    (("cong an", "canh sat"), ("khẩn cấp về an ninh, trật tự", "113")),
    (("y te", "benh vien"), ("cần cấp cứu", "115")),
)
# Words of an answer that says where a place is ("trụ sở đặt tại số 5 Lê Lợi"); not "địa
# chỉ", "trụ sở" alone ("niêm yết tại trụ sở", "ghi rõ địa chỉ người gửi").
_WHERE = ("dat tai", "nam o", "nam tai", "toa lac")
# Words that name where an office is, not which office: "công an phường 2" is "công an".
_PLACE_WORDS = frozenset({"phuong", "xa", "thi", "tran", "dac", "khu", "pho", "to", "dan", "ap"})


class WardContact:
    """The replies to 'contact', 'address' and 'office_phone' (wardbot.intents)."""

    def __init__(self, questions: Questions) -> None:
        self.questions = questions
        self.settings = questions.settings

    async def phone(
        self,
        chat: ChatRef,
        text: str,
        typing: Typing | None,
        follow: Button | None,
        sender: str | None,
    ) -> list[Reply]:
        """ "Sđt phường là gì": the hotline (with none set, the one-stop desk); an FAQ entry
        answering it outright answers, with the hotline under it when it gives no number."""
        s = self.settings
        if not await self.questions.answered_outright(text):
            await self._moved_on(chat, sender)
            told = msg.ward_phone(s.ward_name, s.ward_hotline, s.ward_address)
            return [Reply(told, keeps_choices=True)]
        replies = await self.questions.answer(
            chat, text, typing, follow, sender=sender, follows=False
        )
        if not s.ward_hotline or any(names_phone_number(reply.text) for reply in replies):
            return replies
        first, *rest = replies
        line = msg.ward_hotline_too(s.ward_name, s.ward_hotline)
        return [replace(first, text=f"{first.text}\n\n{line}"), *rest]

    async def address(
        self,
        chat: ChatRef,
        text: str,
        typing: Typing | None,
        follow: Button | None,
        sender: str | None,
    ) -> list[Reply]:
        """ "Phường ở đâu": an FAQ entry telling where the office is, when one answers it
        outright; else the address (WARD_ADDRESS) and the hotline; with no address set,
        that the bot does not have it, the hotline (or the one-stop desk), and in a private
        chat with ward staff set up, to ask them. Never a follow-up of the answer before
        it: the office's address is no line of a procedure's ("nộp tại UBND phường")."""
        s = self.settings
        answer = await self.questions.engine.ask_async(text)
        best = answer.best if answer.answered else None
        if best is not None and _tells_where(best.doc):
            return await self.questions.answer(
                chat, text, typing, follow, sender=sender, follows=False
            )
        told = msg.ward_address(s.ward_name, s.ward_address, s.ward_hotline)
        if s.ward_address:
            await self._moved_on(chat, sender)
            return [Reply(told, keeps_choices=True)]
        return await self._not_known(chat, text, told, sender)

    async def _moved_on(self, chat: ChatRef, sender: str | None) -> None:
        """Asking how to reach an office is a subject of its own: a bare follow-up after it
        ("còn lệ phí?") is about no answer before it (wardbot.followup)."""
        await self.questions.memory.keep_context(chat, (), sender)

    async def other_office_phone(
        self,
        chat: ChatRef,
        text: str,
        office: str,
        typing: Typing | None,
        follow: Button | None,
        sender: str | None,
    ) -> list[Reply]:
        """ "Sđt công an phường" (`office` as typed): an FAQ entry about that office answers;
        else the bot has no such number (logged unanswered, for staff to add), offers the
        ward's hotline as the ward's, for the police or a clinic the emergency number, and
        in a private chat with ward staff set up, to ask them (they may know it)."""
        s = self.settings
        answer = await self.questions.engine.ask_async(text)
        named = _office_key(office)
        if answer.answered and answer.best is not None and _gives(answer.best.doc, named):
            return await self.questions.answer(
                chat, text, typing, follow, sender=sender, follows=False
            )
        emergency = next(
            (call for keys, call in _EMERGENCIES if any(k in named for k in keys)), None
        )
        told = msg.office_phone_unknown(office.lower(), s.ward_name, s.ward_hotline, emergency)
        return await self._not_known(chat, text, told, sender)

    async def _not_known(
        self, chat: ChatRef, text: str, told: str, sender: str | None
    ) -> list[Reply]:
        """`told` (what the bot does not have, and whom to call) to `text`, logged
        unanswered for staff to add; ward staff may know it: offered as for any question
        nothing answers."""
        await self.questions.record(chat, text, False, sender)
        await self._moved_on(chat, sender)
        staff = await self.questions.staff_offer(chat, text)
        if staff is None:
            return [Reply(told, keeps_choices=True)]
        return [Reply(f"{told}\n\n{staff[0]}", buttons=(staff[1],))]


def _office_key(office: str) -> str:
    """The office without where it is: "công an phường 2" -> "cong an"."""
    words = plain_words(office).split()
    while words and (words[-1] in _PLACE_WORDS or words[-1].isdigit()):
        words.pop()
    return " ".join(words)


def _gives(doc: FaqEntry | Announcement, office: str) -> bool:
    """Whether `doc` is about `office` (folded, as _office_key gives it): its question
    (or a way of asking it) or title names it, or its text names it with a phone number
    ("Công an phường tiếp nhận tin báo qua số 0276 ..."; not "đến Công an cấp xã")."""
    if isinstance(doc, FaqEntry):
        asked, said = (doc.question, *doc.variants), doc.answer
    else:
        asked, said = (doc.title,), doc.body
    if any(_names(line, office) for line in asked):
        return True
    return _names(said, office) and names_phone_number(said)


def _tells_where(doc: FaqEntry | Announcement) -> bool:
    """Whether `doc` tells where the office is: it is asked as that ("Trụ sở UBND phường ở
    đâu?" as its question, a way of asking it or its title), or its text says where a place
    is ("đặt tại", "tọa lạc"). Not an entry that only mentions a place: "nộp hồ sơ ở đâu
    trong phường" asks for the desk, "niêm yết tại trụ sở" names no address."""
    if isinstance(doc, FaqEntry):
        asked, said = (doc.question, *doc.variants), doc.answer
    else:
        asked, said = (doc.title,), doc.body
    if any(parse_intent(line.strip()).kind == "address" for line in asked):
        return True
    words = f" {plain_words(said)} "
    return any(f" {place} " in words for place in _WHERE)


def _names(text: str, office: str) -> bool:
    return f" {office} " in f" {plain_words(text)} "
