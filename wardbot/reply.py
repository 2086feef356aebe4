"""What the conversation hands a channel: a reply, its buttons and links, in plain text.

Channels render a `Reply` as their platform shows one; a pressed `Button` comes back as its
`action` (`make_action`: a kind and an id, within Telegram's 64 bytes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from wardbot.text import one_line

MAX_LABEL_CHARS = 60
# The kinds of action that open an entry or a notice (offered as close matches, related).
DOC_KINDS = ("faq", "ann", "doc")
MAX_ACTION_BYTES = 64  # Telegram's callback_data limit


@dataclass(frozen=True)
class Button:
    """A choice offered under a reply; `action` goes back to `handle_action` when chosen.

    `full_label`: the label uncut, for numbered lines (Zalo, the terminal), which have room
    for it where a button does not (`label` is cut to fit one). `tap_only`: shown only
    where it is a real button (Telegram, the web chat); as a numbered line it would be
    clutter (what it does, the resident may as well type: "sai rồi")."""

    label: str
    action: str
    full_label: str | None = None
    tap_only: bool = False


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Reply:
    """One message to the resident, in plain text: the channel escapes and decorates it.

    `title` is shown emphasised above `text`, `footer` (the source) below it, then `links`,
    then `buttons_title` introducing the buttons. The first `lead` buttons act on this reply
    itself ("📄 Xem toàn văn"): they come first, apart, and `buttons_title` introduces only
    the others. `numbered_text`, when `text` lists the buttons' items itself (/topics,
    /latest), replaces it where the buttons are numbered lines (Zalo, the terminal) or
    labelled in full (the web chat), so that each item shows once. `replace` asks the
    channel to update the message whose button was pressed, if it can. `keeps_choices`:
    the reply answers nothing and offers no choice of its own ("no information", "please
    type"): numbers typed next still pick from the list shown before it. `ends_choices`:
    pushed to the chat (a staff answer), numbers typed next no longer pick from the list
    shown before it: "2" then answers staff.
    `silent`: pushed in quiet hours (a staff answer at 23:40): where the platform can, it
    arrives without a sound (Telegram's disable_notification; Zalo has no such flag).
    `personal`: pushed to one person for them alone (a staff answer, a note to an admin),
    not news pushed to many: where the platform bills a reply to the person's latest
    message less than a pushed message (a Zalo Official Account), it goes as such a reply
    while that is allowed.
    """

    text: str
    title: str | None = None
    footer: str | None = None
    buttons: tuple[Button, ...] = ()
    links: tuple[Link, ...] = ()
    buttons_title: str | None = None
    replace: bool = False
    lead: int = 0
    numbered_text: str | None = None
    keeps_choices: bool = False
    ends_choices: bool = False
    silent: bool = False
    personal: bool = False


def make_action(kind: str, ident: str) -> str:
    """'faq:<id>', or 'faq:#<digest>' when the id would not fit in 64 bytes."""
    action = f"{kind}:{ident}"
    if len(action.encode()) <= MAX_ACTION_BYTES:
        return action
    return f"{kind}:#{digest(ident)}"


def digest(ident: str) -> str:
    """A short stand-in for an id or a text in a button's action (64 bytes at most)."""
    return hashlib.blake2b(ident.encode(), digest_size=10).hexdigest()


def button_label(text: str) -> str:
    """`text` on one line, within MAX_LABEL_CHARS (see `one_line`)."""
    return one_line(text, MAX_LABEL_CHARS)


def with_button(reply: Reply, button: Button | None) -> Reply:
    """`reply` with `button` last among its choices (unchanged without one)."""
    return reply if button is None else replace(reply, buttons=(*reply.buttons, button))


def replies_data(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """Replies as JSON-ready data (`replies_of` reads them back): an answer decided and
    kept to be sent later (handlers.intake)."""
    return [asdict(reply) for reply in replies]


def replies_of(data: Sequence[dict[str, Any]]) -> list[Reply]:
    """The replies `replies_data` wrote."""
    return [
        Reply(
            **{
                **fields,
                "buttons": tuple(Button(**button) for button in fields.get("buttons", ())),
                "links": tuple(Link(**link) for link in fields.get("links", ())),
            }
        )
        for fields in data
    ]
