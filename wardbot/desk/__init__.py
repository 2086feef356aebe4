"""“Hỏi cán bộ”: a question the bot cannot answer goes to ward staff, and the answer comes back.

The desk is channel-agnostic. Residents reach it through the conversation (any channel);
staff work in one Telegram group (`STAFF_CHAT_ID`), which a `StaffRoom` (handlers/
telegram_staff.py) lets the desk post in. The flow:

1. With "no answer", a private chat is offered to pass the question on (a button, a
   numbered choice on Zalo). "hỏi cán bộ" or /hoicanbo offer the last question again, or
   take the next message. Accepting opens a ticket (wardbot.tickets).
2. `run()`, a supervised task, posts what waits for staff: each ticket in its own forum
   topic when the group has topics, else as a thread of replies; with the ticket number,
   the channel, the question and the bot's own best guesses (what the resident was told is shared).
3. A staff member replies to the bot's message (or types /r TEXT there); the answer is
   queued in the outbox for the resident's channel, signed as the ward. When it arrives
   the staff message gets a 👍; when it cannot be delivered, staff are told in the topic.
4. While the ticket is open the resident's further messages go to the same place.
5. Admins turn an answered ticket into FAQ knowledge: the question as a variant of an
   existing entry, or a new entry with the staff answer (wardbot.faq_edit), then reload.

Only replies to the bot's messages and /r are relayed: staff talking among themselves in
a topic never reaches a resident.

`Desk` is one object, its parts in a module each: residents (the offer, opening a ticket
within the limits of limits, what they write next), poster (posting in the group; group:
whether it can, and the group followed to a new id), staff (answers relayed, commands,
buttons, /tickets; faq_loop: a ticket into faq.yaml), answers (staff answers in the
outbox), withdraw (gone tickets taken out of the group); base holds the state they share,
room what the desk needs of the staff group (`StaffRoom`, `StaffMessage`, its errors).
"""

from __future__ import annotations

from wardbot.desk.answers import Answers
from wardbot.desk.poster import Poster
from wardbot.desk.residents import ResidentSide
from wardbot.desk.staff import StaffSide


class Desk(ResidentSide, Answers, Poster, StaffSide):
    """Tickets between residents and the staff group. Set `room` before `run()`."""
