"""Replies that show the ward's entries: an FAQ answer or a notice (in part, or whole),
the close matches to a question, or that the bot has no information.

Shared by the conversation, `bot.py ask` (wardbot.render) and the channels' tests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from wardbot import followup, plaintext
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.language import plainly_foreign
from wardbot.models import Announcement, Answer, Corpus, FaqEntry, Hit
from wardbot.reply import (
    MAX_LABEL_CHARS,
    Button,
    Link,
    Reply,
    button_label,
    digest,
    make_action,
)
from wardbot.text import one_line

ANNOUNCEMENT_PREVIEW_CHARS = 900
# "Read it all" sends at most this much (about three Zalo messages, one or two on
# Telegram), then says where the rest is: a long decree must not become hundreds of messages.
FULL_TEXT_CHARS = 3000


def doc_button(doc: FaqEntry | Announcement, *, dated: bool = False) -> Button:
    """A button that opens `doc`, labelled with its question or title (in full on a
    numbered line); `dated`: a notice's with its date too."""
    kind = "faq" if isinstance(doc, FaqEntry) else "ann"
    label = " ".join(doc.title.split())
    action = make_action(kind, doc.id)
    if dated and isinstance(doc, Announcement):  # the date kept on a button cut short too
        date = " " + msg.dated_notice(doc.date)
        short = one_line(label, MAX_LABEL_CHARS - len(date)) + date
        return Button(short, action, full_label=label + date)
    return Button(button_label(label), action, full_label=label)


def doc_buttons(hits: Sequence[Hit], beside: FaqEntry | Announcement | None = None) -> list[Button]:
    """Buttons opening the entries `hits` hold (under `beside`, the entry shown). A notice
    titled as another of them or as `beside` (a portal article titled in the words of an
    FAQ question, a notice posted again) shows its date: no two lines alike."""
    labels = Counter(_same_label(hit.doc) for hit in hits)
    if beside is not None:
        labels[_same_label(beside)] += 1
    return [doc_button(hit.doc, dated=labels[_same_label(hit.doc)] > 1) for hit in hits]


def _same_label(doc: FaqEntry | Announcement) -> str:
    return " ".join(doc.title.split()).casefold()


def document_reply(
    doc: FaqEntry | Announcement,
    settings: Settings,
    related: Sequence[Hit] = (),
    *,
    today: dt.date,
    full: bool = False,
) -> Reply:
    """An FAQ answer or an announcement, with its source and related entries as buttons.
    A notice past its expiry date (`today` tells) opens with a note saying so."""
    buttons = doc_buttons(related, doc)
    lead = 0
    if isinstance(doc, FaqEntry):
        text = plaintext.plain(doc.answer)
        title, footer = doc.question, msg.faq_source(settings.ward_name)
        links = tuple(Link(msg.READ_MORE, url) for url in doc.links)
    else:
        body = plaintext.blocks(doc.body)
        limit = FULL_TEXT_CHARS if full else ANNOUNCEMENT_PREVIEW_CHARS
        text, trimmed = plaintext.preview(body, limit)
        if trimmed and full:
            text += "\n\n" + msg.rest_elsewhere(settings.ward_name, has_source=bool(doc.source))
        elif trimmed:
            text += f"\n\n{msg.TRIMMED_NOTE}"
            buttons.insert(0, Button(msg.FULL_TEXT_BUTTON, make_action("full", doc.id)))
            lead = 1  # not a related question: before them, apart
        if doc.expires is not None and not doc.is_current(today):
            text = f"{msg.expired_note(doc.expires)}\n\n{text}"
        title, footer = doc.title, msg.announcement_source(doc.date)
        links = (Link(msg.ORIGINAL_DOCUMENT, doc.source),) if doc.source else ()
    return Reply(
        text,
        title=title,
        footer=footer,
        buttons=tuple(buttons),
        links=links,
        buttons_title=_related_title(related),
        lead=lead,
    )


def excerpt_reply(part: followup.Excerpt, settings: Settings, today: dt.date) -> Reply:
    """The lines of an entry that answer a follow-up about it ("Lệ phí: 70.000 đồng"),
    under its question or title, with a button that opens it whole; when they are all its
    lines, the entry as any answer shows it (no button opening the same lines again)."""
    whole = document_reply(part.doc, settings, today=today)
    if part.whole:
        return whole
    kind = "faq" if isinstance(part.doc, FaqEntry) else "ann"
    text = "\n".join(part.lines)
    doc = part.doc
    if isinstance(doc, Announcement) and doc.expires is not None and not doc.is_current(today):
        text = f"{msg.expired_note(doc.expires)}\n\n{text}"
    button = Button(msg.WHOLE_ANSWER_BUTTON, make_action(kind, part.doc.id))
    return replace(whole, text=text, buttons=(button,), buttons_title=None, lead=1)


def _related_title(related: Sequence[Hit]) -> str | None:
    """ "Câu hỏi liên quan:", or "Nội dung liên quan:" when notices are among them."""
    if not related:
        return None
    return msg.related(notices=any_notice(related))


def any_notice(hits: Sequence[Hit]) -> bool:
    """Whether notices are among `hits`: a notice's title is no question ("câu hỏi")."""
    return any(isinstance(hit.doc, Announcement) for hit in hits)


def foreign_line(text: str, settings: Settings) -> str:
    """Under a reply in Vietnamese to a message plainly in another language: a line in
    English saying that the bot reads Vietnamese only, and whom to call ("" otherwise).
    Asking such a resident to reword in Vietnamese, in Vietnamese, reaches nobody."""
    if not plainly_foreign(text):
        return ""
    return "\n\n" + msg.in_vietnamese_only(settings.ward_name, settings.ward_hotline)


def no_answer_reply(
    answer: Answer, settings: Settings, staff: tuple[str, Button] | None = None
) -> Reply:
    """Not sure: 'Có phải anh/chị muốn hỏi một trong các câu dưới đây?' with the close
    matches the engine offers (the text asks it: no title above them); nothing plausible:
    'no information yet' and whom to call. `staff`: the offer to pass the question to
    ward staff (what it means, and its button); last, to a question plainly in another
    language, a line in English saying that the bot reads Vietnamese only."""
    extra, ask = ((f"\n\n{staff[0]}",), (staff[1],)) if staff else ((), ())
    extra = (*extra, foreign_line(answer.question, settings))
    if answer.offers:
        return Reply(
            "".join(
                (
                    msg.offer(
                        settings.ward_name,
                        settings.ward_hotline,
                        len(answer.offers),
                        notices=any_notice(answer.offers),
                    ),
                    *extra,
                )
            ),
            buttons=(*doc_buttons(answer.offers), *ask),
        )
    return Reply(
        "".join(
            (
                msg.no_answer(settings.ward_name, settings.ward_hotline, settings.ward_address),
                *extra,
            )
        ),
        buttons=ask,
        keeps_choices=not ask,
    )


def not_stated_reply(
    title: str, aspects: Sequence[str], settings: Settings, staff: tuple[str, Button] | None
) -> Reply:
    """A follow-up asking only what the entry `title` just given does not say (its fee,
    time...): that it does not, whom to call, and `staff` (as `no_answer_reply`)."""
    text = msg.not_stated(title, aspects, settings.ward_name, settings.ward_hotline)
    return _offered(text, staff)


def not_said_reply(
    title: str, what: str | None, settings: Settings, staff: tuple[str, Button] | None
) -> Reply:
    """ "Thế còn X thì sao" after the entry `title`, which names nothing of X (`what`, or
    None not to quote it): that it does not, whom to call, and `staff` (as
    `no_answer_reply`)."""
    text = msg.not_said_of(title, what, settings.ward_name, settings.ward_hotline)
    return _offered(text, staff)


def _offered(text: str, staff: tuple[str, Button] | None) -> Reply:
    if staff is None:
        return Reply(text, keeps_choices=True)
    return Reply(f"{text}\n\n{staff[0]}", buttons=(staff[1],))


def find_document(corpus: Corpus, ref: str) -> FaqEntry | Announcement | None:
    """The entry a button's `ref` names: its id, or '#' and the `digest` of one too long."""
    if not ref.startswith("#"):
        return corpus.document(ref)
    docs: Sequence[FaqEntry | Announcement] = [*corpus.faq, *corpus.announcements]
    return next((d for d in docs if digest(d.id) == ref[1:]), None)
