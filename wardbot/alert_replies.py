"""Replies pushed to a chat unasked (by wardbot.outbox): a new notice, several at once, a
notice corrected since it was alerted, a staff broadcast."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from wardbot import facts, plaintext
from wardbot import messages as msg
from wardbot.models import Announcement
from wardbot.reply import Button, Link, Reply, button_label, make_action

ALERT_PREVIEW_CHARS = 400  # an alert is a heads-up: the first lines, then "read it all"


def alert_reply(doc: Announcement, topic_names: Sequence[str] = ()) -> Reply:
    """A new notice pushed to its subscribers: title, date, first lines, 'read it all'."""
    text, _ = plaintext.preview(plaintext.blocks(doc.body), ALERT_PREVIEW_CHARS)
    return Reply(
        text,
        title=msg.alert_title(doc.title),
        footer=msg.alert_footer(doc.date, topic_names),
        buttons=(Button(msg.FULL_TEXT_BUTTON, make_action("full", doc.id)),),
        links=(Link(msg.ORIGINAL_DOCUMENT, doc.source),) if doc.source else (),
    )


def broadcast_reply(text: str, ward_name: str) -> Reply:
    """A staff broadcast pushed to followers: who sends it and, as under an alert, how to
    stop (`ward_name` empty: no title)."""
    title = msg.broadcast_title(ward_name) if ward_name else None
    return Reply(text, title=title, footer=msg.ALERT_STOP)


@dataclass(frozen=True)
class Correction:
    """A notice the chat was alerted to, edited since in its numbers: the notice as it
    reads now, the names of the topics the chat follows it by, the numbers the chat read
    (`told`) and its title then (`told_title`; "" when unchanged)."""

    doc: Announcement
    topic_names: Sequence[str]
    told: frozenset[str]
    told_title: str = ""


def _changed_lines(doc: Announcement, told: frozenset[str], chars: int) -> str:
    """The lines of `doc` that write a number (or a word calling it off) the chat did
    not read (`told`), else its first lines: about `chars` characters."""
    body = plaintext.plain(doc.body)
    lines = facts.lines_with(body, facts.unread(facts.facts(body), told, doc.date))
    if lines:
        return plaintext.cut_text("\n".join(lines), chars)
    return plaintext.preview(plaintext.blocks(doc.body), chars)[0]


def correction_reply(correction: Correction, ward_name: str) -> Reply:
    """A notice the chat was alerted to, edited since in its numbers: the lines that
    write a number it did not read (else its first lines), and 'read it all' as in its
    alert."""
    doc = correction.doc
    return replace(
        alert_reply(doc, correction.topic_names),
        text=_changed_lines(doc, correction.told, ALERT_PREVIEW_CHARS),
        title=msg.correction_title(ward_name, doc.title, was=correction.told_title),
    )


ALERT_BURST_LINE_CHARS = 140  # each notice of a burst: its title, and its first line


def alerts_reply(
    notices: Sequence[tuple[Announcement, Sequence[str]]],
    corrections: Sequence[Correction] = (),
    ward_name: str = "",
) -> Reply:
    """Notices published together, pushed to a chat as one message (wardbot.outbox): each
    one's title, date and first line, and a button that opens it whole; then the notices
    alerted before and corrected meanwhile (the night's, in the morning), each with the
    lines that changed. One notice is alerted as `alert_reply` shows it, one correction
    as `correction_reply`. `notices`: each with the names of the topics the chat follows
    it by."""
    if len(notices) == 1 and not corrections:
        return alert_reply(*notices[0])
    if len(corrections) == 1 and not notices:
        return correction_reply(corrections[0], ward_name)
    items = []
    for doc, _ in notices:
        # Its first paragraph, on one line (a heading says less than the text under it).
        first = next((b.text for b in plaintext.blocks(doc.body) if not b.heading), "")
        line = plaintext.cut_text(" ".join(first.split()), ALERT_BURST_LINE_CHARS)
        items.append(msg.alert_burst_item(doc.date, doc.title, line))
    for fixed in corrections:
        changed = _changed_lines(fixed.doc, fixed.told, ALERT_BURST_LINE_CHARS)
        line = " ".join(changed.split())
        items.append(
            msg.correction_burst_item(fixed.doc.date, fixed.doc.title, line, fixed.told_title)
        )
    names = [name for _, topic_names in notices for name in topic_names]
    names += [name for fixed in corrections for name in fixed.topic_names]
    docs = [doc for doc, _ in notices] + [fixed.doc for fixed in corrections]
    return Reply(
        "\n\n".join(items),
        title=msg.alert_burst_title(len(notices), len(corrections), ward_name),
        footer=msg.alert_footer(None, list(dict.fromkeys(names))),
        buttons=tuple(open_button(doc) for doc in docs),
        buttons_title=msg.ALERT_BURST_OPEN,
    )


def open_button(doc: Announcement) -> Button:
    """The button that opens `doc` whole, under its title (one notice among several)."""
    return Button(button_label(doc.title), make_action("full", doc.id), full_label=doc.title)
