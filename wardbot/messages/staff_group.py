"""What ward staff read in the staff group: tickets and follow-ups posted there, replies
that could not reach the resident, staff commands (/tickets, /close ...), and faq.yaml
entries added from the chat (/variant, /newfaq, /undo).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from wardbot.messages.common import channel_name, chat_edit_rows, figure, unit
from wardbot.text import one_line

_EARLIER_CHARS = 80  # how much of a message a resident corrected staff are reminded of


def ticket_topic_name(
    ticket_id: int, channel: str, question: str, *, complaint: bool = False
) -> str:
    """A forum topic's name: at most 128 characters (Telegram's limit). `complaint`: the
    ticket is a resident's complaint about the ward (`ticket_post`), named as one."""
    words = " ".join(question.split())
    if complaint:
        words = f"{_COMPLAINT}: {words}"
    name = f"#{ticket_id} · {channel_name(channel)} · {words}"
    return name if len(name) <= 128 else name[:127].rstrip() + "…"


_COMPLAINT = "Phản ánh"  # how staff see a resident's complaint about the ward named


def ticket_post(
    ward_name: str,
    ticket_id: int,
    channel: str,
    asked: str,
    question: str,
    guesses: Sequence[str],
    *,
    complaint: bool = False,
) -> str:
    """A new ticket in the staff group. `complaint`: the resident complained about the
    ward's staff or service (and accepted to pass it on), which is no question."""
    what = _COMPLAINT if complaint else "Câu hỏi"
    lines = [
        f"🙋 Phiếu số {ticket_id} · qua {channel_name(channel)} · {asked}",
        "",
        f"{what}: “{question}”",
    ]
    if guesses:
        lines += ["", "Bot tìm được (chưa đủ chắc để tự trả lời):"]
        lines += [f"{n}. {guess}" for n, guess in enumerate(guesses, 1)]
    lines += [
        "",
        "↩️ Trả lời (reply) tin này để gửi câu trả lời cho người dân, thay mặt "
        f"{unit(ward_name)}. /close để đóng phiếu.",
    ]
    return "\n".join(lines)


# How the bot's posts about a ticket (ticket_post, ticket_follow_up_post, ticket_note_post)
# begin: a reply to one names the ticket even once it is gone. Only those: the bot's
# answers to staff ("Phiếu số 3 đã đóng từ trước.") name a ticket too, and are no post.
TICKET_POST_NUMBER = re.compile(r"(?:🙋|💬|⚠️) Phiếu số (\d+)(?: · qua | — người dân nhắn thêm:|: )")


def ticket_follow_up_post(ticket_id: int, text: str) -> str:
    return f"💬 Phiếu số {ticket_id} — người dân nhắn thêm:\n“{text}”"


def forwarded_for_staff(forwarded: str) -> str:
    """A message the resident forwarded (someone else's words, not their own), as staff
    get it on the ticket."""
    return f"↪️ Tin chuyển tiếp (người dân chuyển từ nơi khác, không phải tự viết):\n{forwarded}"


def forwarded_words(text: str) -> str:
    """A ticket message's words without `forwarded_for_staff`'s mark (what the resident
    forwarded): what faq.yaml, public, may take of it."""
    return text.removeprefix(forwarded_for_staff(""))


def ticket_correction_post(ticket_id: int, earlier: str, text: str) -> str:
    """The resident edited a message staff had (`earlier`, named by its start): what it
    says now. An answer to the earlier one still reaches them."""
    return (
        f"✏️ Phiếu số {ticket_id} — người dân sửa lại tin nhắn trước "
        f"(“{one_line(earlier, _EARLIER_CHARS)}”), nay là:\n“{text}”"
    )


def ticket_note_post(ticket_id: int, text: str) -> str:
    return f"⚠️ Phiếu số {ticket_id}: {text}"


def relay_failed(reason: str) -> str:
    return f"không gửi được câu trả lời tới người dân ({reason}). Người dân chưa nhận được tin này."


def relay_delayed(reason: str) -> str:
    return (
        f"chưa gửi được câu trả lời tới người dân ({reason}). Bot vẫn đang tự gửi lại và sẽ "
        "thả 👍 vào tin trả lời khi người dân nhận được."
    )


def relay_stranded(channel: str) -> str:
    """A ticket's note (after "Phiếu số N: "): staff answers on it wait for a channel the
    bot was restarted without (not configured any more)."""
    name = channel_name(channel)
    return (
        f"câu trả lời của cán bộ chưa tới người dân: bot vừa khởi động lại mà không chạy kênh "
        f"{name} (chưa cấu hình), nên chưa gửi được. Câu trả lời được giữ lại và sẽ tự gửi đi "
        f"khi bot chạy lại kênh {name} (nhờ người cài đặt bot kiểm tra); bot sẽ thả 👍 vào tin "
        "trả lời khi người dân nhận được."
    )


def relay_channel_off(ticket_id: int, channel: str) -> str:
    """To staff, under their answer: the resident's channel is not running now (not
    configured any more, or not reachable since the bot started)."""
    name = channel_name(channel)
    return (
        f"⚠️ Phiếu số {ticket_id} đến từ {name}, nhưng bot hiện chưa kết nối được kênh {name} "
        "(chưa cấu hình, hoặc đang lỗi kết nối), nên người dân chưa nhận được câu trả lời "
        f"này. Câu trả lời được giữ lại và sẽ tự gửi đi khi bot kết nối lại kênh {name} "
        "(nhờ người cài đặt bot kiểm tra); bot sẽ thả 👍 vào tin trả lời khi người dân "
        "nhận được."
    )


def delivery_trouble(channel: str, reason: str) -> str:
    """Why a staff answer has not reached the resident (in `relay_failed`, `relay_delayed`):
    the platform's refusal or silence, its own words (`reason`, in English) kept as a
    detail for whoever set the bot up."""
    return (
        f"{channel_name(channel)} chưa nhận tin; chi tiết kỹ thuật cho người cài đặt bot: {reason}"
    )


def relay_unreachable() -> str:
    return "người dân đã chặn bot, đã xóa cuộc trò chuyện hoặc không còn nhận được tin nhắn"


def relay_not_sent_hint(ticket: int | None = None, *, answered: bool, every: str) -> str:
    """A staff message that reached no resident: typed in a ticket's topic without replying
    to the bot (`ticket` None), or replying to a colleague's answer on ticket `ticket`.
    `answered`: the ticket has a staff answer already (a colleague's, perhaps): what is
    typed now would be an addition. `every`: how often an officer is told at most."""
    where = "phiếu này" if ticket is None else f"phiếu số {ticket}"
    done = f" ({where} đã có câu trả lời của cán bộ)" if answered else ""
    how = "trong phiếu, hoặc gõ /r" if ticket is None else f"về phiếu đó, hoặc gõ /r #{ticket}"
    send = "Nếu cần gửi thêm cho người hỏi" if answered else "Để gửi cho người hỏi"
    return (
        f"Tin này chưa được gửi cho người dân{done}. {send}, hãy trả lời (reply) tin của bot "
        f"{how} rồi nội dung.{_told_once(every)}"
    )


def relay_not_sent_open(open_ids: Sequence[int], more: int, *, every: str) -> str:
    """A staff message replying to nothing, outside any ticket's topic, while `open_ids`
    (the longest waiting first; `more` not named) wait for an answer in the group: it
    reached no resident, and how to answer one of them."""
    if len(open_ids) == 1 and not more:
        return (
            f"Tin này chưa được gửi cho người dân nào. Để trả lời phiếu số {open_ids[0]}, hãy "
            f"trả lời (reply) tin của bot về phiếu đó, hoặc gõ /r #{open_ids[0]} rồi nội dung."
            f"{_told_once(every)}"
        )
    numbers = ", ".join(str(number) for number in open_ids) + ("…" if more else "")
    return (
        f"Tin này chưa được gửi cho người dân nào. Đang có {len(open_ids) + more} phiếu chờ "
        f"trả lời (số {numbers}): để trả lời một phiếu, hãy trả lời (reply) tin của bot về "
        f"phiếu đó, hoặc gõ /r #SỐ_PHIẾU rồi nội dung, ví dụ /r #{open_ids[0]} nội dung trả "
        f"lời; gõ /tickets để xem danh sách.{_told_once(every)}"
    )


def staff_ack_not_sent(ticket_id: int, ack: str) -> str:
    """A reply to the bot's post about a ticket that is only an acknowledgement, `ack`
    ("👍", "ok"): said to colleagues, most likely, so not sent unless the officer
    confirms."""
    return (
        f"Tin “{ack}” chưa được gửi cho người dân: bot coi đó là lời xác nhận giữa cán bộ, "
        f"không phải câu trả lời. Nếu muốn gửi đúng như vậy cho người hỏi phiếu số "
        f"{ticket_id}, gõ: /r #{ticket_id} {ack}"
    )


def staff_ack_edited_sent(ticket_id: int) -> str:
    """A bare acknowledgement that was not sent (staff_ack_not_sent), edited into a real
    answer: it goes to the resident now; editing it again corrects it."""
    return (
        f"✏️ Tin đã sửa thành câu trả lời nên bot gửi cho người hỏi phiếu số {ticket_id} "
        f"(👍 khi tới nơi). Sửa tiếp tin này thì người dân nhận bản đã sửa."
    )


def staff_ack_edited_closed(ticket_id: int) -> str:
    """A bare acknowledgement that was not sent, edited into an answer once its ticket was
    closed: an edit does not open a ticket again (as with any answer edited), so nothing
    goes; how to send it, which opens the ticket again."""
    return (
        f"✏️ Tin đã sửa chưa được gửi cho người dân: phiếu số {ticket_id} đã đóng. Nếu vẫn "
        f"cần gửi, trả lời (reply) tin “🙋 Phiếu số {ticket_id}” của bot, hoặc gõ "
        f"/r #{ticket_id} nội dung: phiếu sẽ được mở lại."
    )


def _told_once(every: str) -> str:
    """Why the officer's next such messages get no note: staff may talk among themselves."""
    return f" (Bot chỉ nhắc mỗi người một lần trong {every}.)"


def staff_group_followed(new_id: int) -> str:
    """Said in the staff group's new supergroup (Telegram gave the group a new id, as when
    Topics are turned on): the bot works here now. Tickets posted in the old group cannot
    be replied to here: /r with the ticket's number answers them."""
    return (
        "ℹ️ Nhóm vừa được Telegram nâng cấp và có mã mới, bot đã chuyển sang làm việc ở đây: "
        "câu hỏi mới của người dân sẽ được chuyển vào nhóm này. Với phiếu đã gửi trong nhóm "
        "cũ, anh/chị trả lời bằng /r số_phiếu nội dung; phiếu nào người dân nhắn thêm sẽ "
        f"được gửi lại vào đây. (Mã mới của nhóm: {new_id}.)"
    )


def admin_staff_group_moved(old_id: int, new_id: int) -> str:
    """To admins, in private: Telegram gave the staff group a new id; the bot follows it,
    and STAFF_CHAT_ID should say so (a value set to another group still wins)."""
    return (
        f"ℹ️ Nhóm cán bộ (STAFF_CHAT_ID={old_id}) vừa được Telegram nâng cấp và có mã mới "
        f"{new_id}. Bot đã tự chuyển sang nhóm mới, câu hỏi của người dân vẫn được chuyển "
        "tới cán bộ như thường. Khi tiện, anh/chị vui lòng sửa cấu hình thành "
        f"STAFF_CHAT_ID={new_id}; nếu anh/chị đặt mã một nhóm khác, bot sẽ dùng nhóm đó."
    )


def staff_error() -> str:
    return (
        "⚠️ Bot gặp lỗi khi xử lý tin này; tin chưa được gửi cho người dân. Hãy thử lại sau ít phút."
    )


def staff_attachment_not_sent() -> str:
    """A photo, file or sticker as an answer: the bot passes text only."""
    return (
        "⚠️ Ảnh, tệp hay nhãn dán chưa được gửi cho người dân (bot chỉ chuyển chữ), kể cả "
        "dòng chữ kèm theo. Hãy gõ nội dung trả lời, hoặc gửi đường link tới tệp."
    )


def staff_command_private(command: str) -> str:
    """An admin command typed in the staff group: it works in a private chat only."""
    return (
        f"Lệnh /{command} chỉ dùng trong chat riêng với bot (nhắn riêng cho bot), không dùng "
        "trong nhóm này."
    )


def staff_help() -> str:
    """/help in the staff group: how staff answer, in a few lines."""
    return (
        "Cách trả lời người dân trong nhóm này:\n"
        "• Trả lời (reply) tin của bot về phiếu: nội dung được gửi cho người dân.\n"
        "• /r NỘI DUNG trong chủ đề của phiếu (hoặc /r 12 NỘI DUNG): như trên.\n"
        "• Sửa (Edit) câu trả lời đã gửi: người dân nhận bản sửa.\n"
        "• /close (hoặc nút ✔️ Đóng phiếu): đóng phiếu; /reopen 12: mở lại phiếu đóng nhầm.\n"
        "• /tickets: các phiếu đang mở.\n"
        "• /variant MÃ_MỤC, /newfaq (cán bộ trong ADMIN_IDS): đưa câu hỏi vào faq.yaml; "
        "/undo: hoàn tác lần thêm gần nhất.\n"
        "Tin nhắn khác trong nhóm không được gửi cho người dân."
    )


def staff_reply_names_no_ticket() -> str:
    """A reply to a message of the bot's that is about no ticket (its note to an officer,
    a listing), outside any ticket's topic: nothing was sent to anyone."""
    return (
        "Tin này chưa được gửi cho người dân: tin của bot mà anh/chị trả lời không phải tin "
        "về một phiếu. Hãy trả lời (reply) tin “🙋 Phiếu số …” của bot, hoặc gõ /r SỐ_PHIẾU "
        "nội dung, ví dụ: /r 12 nội dung trả lời."
    )


def staff_which_ticket() -> str:
    return (
        "Không rõ phiếu nào. Hãy trả lời (reply) tin của bot về phiếu đó, gõ lệnh trong chủ đề "
        "của phiếu, hoặc ghi số phiếu, ví dụ: /r 12 nội dung trả lời."
    )


def staff_ticket_gone(ticket_id: int) -> str:
    return (
        f"Phiếu số {ticket_id} không còn (đã xóa theo thời hạn lưu hoặc người dân đã xóa "
        "dữ liệu), nên tin này không được gửi cho ai."
    )


def staff_answer_held(ticket_id: int, earlier_by: str, ago: str) -> str:
    """Another officer answered the ticket just before (`ago`; `earlier_by` their first
    name, '' when not known): this answer was not sent, so that the resident does not get
    two; sent again, it goes."""
    who = f"anh/chị {earlier_by}" if earlier_by else "một cán bộ khác"
    return (
        f"⏸️ Câu trả lời này chưa được gửi: phiếu số {ticket_id} vừa được {who} trả lời "
        f"({ago} trước) và người dân chưa hỏi gì thêm. Để người dân không nhận hai câu trả "
        "lời, anh/chị xem câu trả lời đó trong phiếu trước. Nếu vẫn cần gửi (bổ sung hay sửa "
        f"ý), gửi lại: trả lời (reply) tin “🙋 Phiếu số {ticket_id}” của bot, hoặc gõ "
        f"/r #{ticket_id} nội dung; lần này bot sẽ chuyển."
    )


def staff_held_edit_not_sent(ticket_id: int) -> str:
    """An officer edited their answer that was held (staff_answer_held): the edit sends
    nothing either."""
    return (
        f"✏️ Bản sửa này cũng chưa được gửi: câu trả lời này đã được giữ lại vì phiếu số "
        f"{ticket_id} vừa có câu trả lời của cán bộ khác. Nếu vẫn cần gửi, gửi lại: trả lời "
        f"(reply) tin “🙋 Phiếu số {ticket_id}” của bot, hoặc gõ /r #{ticket_id} nội dung."
    )


def staff_edit_command_not_run(command: str, ticket_id: int) -> str:
    """An officer's "ok" to a ticket, not sent, edited into a desk command ("/close"): an
    edit runs no command (it may be a typo fixed long after); said, not met with silence."""
    return (
        f"✏️ Bot không chạy lệnh /{command} trong tin đã sửa. Nếu cần, gửi lại /{command} "
        f"thành tin mới: trả lời (reply) tin “🙋 Phiếu số {ticket_id}” của bot, hoặc gõ "
        f"/{command} {ticket_id}."
    )


def staff_reply_empty() -> str:
    return "Chưa có nội dung để gửi. Cách dùng: /r nội dung trả lời (hoặc /r 12 nội dung)."


def ticket_closed(ticket_id: int) -> str:
    return f"✔️ Đã đóng phiếu số {ticket_id}. Đóng nhầm thì gõ /reopen {ticket_id} để mở lại."


def ticket_reopened(ticket_id: int) -> str:
    return f"↩️ Đã mở lại phiếu số {ticket_id}: tin người dân nhắn tiếp lại được chuyển tới cán bộ."


def ticket_not_closed(ticket_id: int) -> str:
    return f"Phiếu số {ticket_id} đang mở, không cần mở lại."


def staff_no_ticket(ticket_id: int) -> str:
    return f"Không có phiếu số {ticket_id}. Xem các phiếu đang mở bằng lệnh /tickets."


def ticket_was_closed(ticket_id: int) -> str:
    return f"Phiếu số {ticket_id} đã đóng từ trước."


def staff_admin_only(own_id: str) -> str:
    """In the staff group, to an officer not in ADMIN_IDS: their id (`telegram:123`), which
    Telegram does not show them, to pass on if they are to edit faq.yaml."""
    return (
        "Chỉ cán bộ có tên trong ADMIN_IDS mới sửa được faq.yaml. Mã của anh/chị là "
        f"{own_id} — nếu cần, nhờ người cài đặt bot thêm mã này vào ADMIN_IDS."
    )


def staff_anonymous(*, channel: bool = False, undo: bool = False) -> str:
    """/variant, /newfaq or (`undo`) /undo sent "as the group" (anonymous admin) or as a
    channel: who sent it is unknown. A ticket's buttons add to faq.yaml: no way to undo."""
    if channel:
        how = "dưới tên kênh"
        fix = "chọn gửi bằng tài khoản của mình (bấm ảnh đại diện cạnh ô nhập tin)"
    else:
        how = "ẩn danh dưới tên nhóm"
        fix = "tắt “Ẩn danh” (Remain anonymous) trong quyền quản trị của mình"
    ways = (
        "gõ /undo trong chat riêng với bot"
        if undo
        else "bấm nút dưới tin về phiếu, gõ lệnh trong chat riêng với bot (ví dụ /newfaq 12)"
    )
    return (
        f"Anh/chị đang gửi {how} nên bot không biết ai gửi, mà chỉ cán bộ có tên trong "
        f"ADMIN_IDS mới sửa được faq.yaml. Xin {ways}, hoặc {fix}."
    )


# What wardbot.redact blanked, as staff are told (its kinds; "quoted": in the staff answer,
# what it repeated of the resident's).
_BLANKED = {
    "number": "số điện thoại / số giấy tờ",
    "email": "e-mail",
    "name": "tên người",
    "address": "số nhà, hẻm",
    "birth": "ngày sinh",
    "quoted": "chỗ câu trả lời nhắc lại thông tin của người dân",
}


# An edit of faq.yaml made from chat can be taken back with /undo this long after
# (wardbot.faq_edit.UNDO_FOR); said under each.
UNDO_MINUTES = 30
FAQ_UNDO_HINT = f"Thêm nhầm? Gõ /undo trong vòng {UNDO_MINUTES} phút để hoàn tác."
FAQ_UNDO_NOTHING = (
    "không còn lần sửa nào để hoàn tác (hoàn tác được các lần thêm bằng ➕, /variant hoặc "
    f"/newfaq trong {UNDO_MINUTES} phút qua, lần gần nhất trước)."
)


def faq_blanked(kinds: Sequence[str]) -> str:
    """What was blanked in a resident's words before they went into faq.yaml (public)."""
    if kinds:
        done = "Đã che (…): " + ", ".join(_BLANKED[kind] for kind in kinds) + "."
    else:
        done = "Không thấy số điện thoại, số giấy tờ, e-mail, tên hay số nhà nào để che."
    return (
        f"{done} faq.yaml là tệp công khai: nếu câu trên còn thông tin riêng của người dân "
        "(tên viết thường, địa chỉ), xin sửa lại trong faq.yaml ngay."
    )


# An edit from chat written, but not applied yet: another staff file was still being saved
# (alerts.FORCE_WAIT_AT_MOST_SECONDS), and the bot applies it by itself once it is.
FAQ_NOT_RELOADED_YET = (
    "một tệp của cán bộ đang được lưu hay tải lên nên bot chưa nạp lại; bot sẽ tự nạp khi "
    "tệp lưu xong"
)


def faq_variant_added(
    entry_id: str, question: str, blanked: Sequence[str] = (), *, applied: bool = True
) -> str:
    """`applied`: the bot reloaded with it (else FAQ_NOT_RELOADED_YET)."""
    reloaded = "bot đã nạp lại" if applied else FAQ_NOT_RELOADED_YET
    return (
        f"📝 Đã thêm “{question}” làm một cách hỏi khác của mục {entry_id} trong faq.yaml; "
        f"{reloaded} và từ nay tự trả lời câu này. {FAQ_UNDO_HINT}\n{faq_blanked(blanked)}"
    )


def faq_entry_added(
    entry_id: str,
    question: str,
    answer: str,
    blanked: Sequence[str] = (),
    *,
    applied: bool = True,
) -> str:
    """`answer`: the staff answer it took (as written into faq.yaml), shown whole enough to
    tell which: residents get it from now on. `applied`: as for faq_variant_added."""
    shown = one_line(answer, 300)
    reloaded = "Bot đã nạp lại" if applied else FAQ_NOT_RELOADED_YET.capitalize()
    return (
        f"📝 Đã thêm mục mới {entry_id} vào faq.yaml với câu hỏi “{question}” (câu hỏi của "
        f"người dân) và câu trả lời của cán bộ: “{shown}”. {reloaded} và từ nay trả lời "
        "như vậy. Nếu câu trả lời này không đúng (ví dụ chỉ là lời chào), sửa mục này trong "
        "faq.yaml; lần sau có thể trả lời (reply) đúng tin trả lời cần dùng bằng /newfaq. "
        f"Nên xem lại câu chữ và thêm chủ đề (topics) cho mục này. {FAQ_UNDO_HINT}\n"
        f"{faq_blanked(blanked)}"
    )


FAQ_EDIT_OFF = "bot không được phép sửa faq.yaml ở đây (thư mục dữ liệu chỉ đọc)"


def faq_undo_too_late() -> str:
    return (
        f"lần sửa gần nhất đã quá {UNDO_MINUTES} phút nên không hoàn tác tự động; hãy sửa tay "
        "faq.yaml rồi gõ /reload (bản trước mỗi lần sửa ở thư mục dữ liệu, faq.before-edit.yaml)."
    )


def faq_undo_changed(shown: str) -> str:
    """Undo refused: faq.yaml changed since the edit (by hand, or another edit)."""
    return (
        f"{shown} đã được sửa tiếp sau lần thêm đó, nên bot không hoàn tác để khỏi mất phần sửa "
        "sau; hãy sửa tay faq.yaml rồi gõ /reload."
    )


def faq_variants_block(where: str, entry_id: str, ways: Sequence[str]) -> str:
    """/variant refused: the entry's `variants: |` (or `>`) block has several lines, which
    the bot reads as one way of asking. `ways`: its lines and the one to add, each written
    as a list item of faq.yaml (quoted where needed), for staff to put in its place."""
    rows = "\n".join(f"- {way}" for way in ways)
    return (
        f"{where}: cách hỏi khác (variants) của mục '{entry_id}' đang viết thành một khối chữ "
        f"(dấu | hoặc > sau variants:), nên bot hiểu cả {len(ways) - 1} dòng bên dưới là một "
        "cách hỏi duy nhất và chưa thêm được cách hỏi mới vào đó. Nếu mỗi dòng là một cách "
        "hỏi, xin sửa tay: bỏ dấu | hoặc > sau chữ variants rồi đặt các dòng dưới đây vào chỗ các "
        "dòng cũ của khối, thụt lề như các dòng cũ (cách hỏi mới ở dòng cuối), lưu faq.yaml "
        f"rồi gõ /reload:\n{rows}"
    )


def faq_undone_variant(entry_id: str, variant: str) -> str:
    return f"đã bỏ cách hỏi “{variant}” khỏi mục {entry_id}"


def faq_undone_entry(entry_id: str, question: str) -> str:
    return f"đã bỏ mục {entry_id} (“{question}”)"


def faq_undone(what: str, *, more: bool = False, applied: bool = True) -> str:
    """/undo done; `more`: an earlier edit made from chat can be undone next; `applied`:
    as for faq_variant_added."""
    again = " Gõ /undo lần nữa để hoàn tác lần sửa trước đó." if more else ""
    reloaded = "bot đã nạp lại" if applied else FAQ_NOT_RELOADED_YET
    return (
        f"↩️ Đã hoàn tác lần sửa faq.yaml gần nhất: {what}. faq.yaml trở lại như trước lần "
        f"sửa đó (giữ nguyên chú thích) và {reloaded}.{again}"
    )


def faq_chat_edits_overwritten(lost: Sequence[tuple[str, str, str, bool]], copy: str | None) -> str:
    """To admins: faq.yaml was saved without edits made from chat (an editor still holding
    it as it was before them). `lost`: each edit's time (HH:MM, with the day when not
    today), entry, the way of asking it added, and whether it made the entry; `copy`:
    faq.yaml as the latest of them left it, when the bot still has it."""
    where = (
        f" (hoặc tự chép từ {copy}, faq.yaml ngay sau lần thêm, sang faq.yaml rồi gõ /reload)"
        if copy
        else ""
    )
    return (
        "⚠️ faq.yaml vừa được lưu mà không còn những gì đã thêm từ chat dưới đây (có lẽ lưu "
        "từ một trình soạn thảo còn mở bản cũ, từ trước các lần thêm), nên bot không còn tự "
        "trả lời theo chúng:\n" + chat_edit_rows(lost) + "\n"
        "Bot dùng faq.yaml đúng như vừa lưu. Nếu không cố ý bỏ, xin nhắn riêng cho bot lệnh "
        "/redo: bot thêm lại chúng vào faq.yaml như đang lưu, giữ nguyên những gì cán bộ vừa "
        f"sửa tay{where}. Nếu cố ý bỏ thì không cần làm gì."
    )


def faq_undone_edits_back(back: Sequence[tuple[str, str, str, bool]]) -> str:
    """To admins: faq.yaml was saved with edits made from chat that /undo took back (an
    editor that read it between an edit and its undo); `back` as `lost` above."""
    return (
        "⚠️ faq.yaml vừa được lưu lại có cả những gì đã thêm từ chat rồi hoàn tác bằng /undo "
        "dưới đây (có lẽ lưu từ một trình soạn thảo mở tệp sau lần thêm, trước khi hoàn tác), "
        "nên bot lại tự trả lời theo chúng:\n" + chat_edit_rows(back) + "\n"
        "Nếu vẫn không muốn, xin xóa tay khỏi faq.yaml rồi lưu lại. Nếu cố ý thêm lại thì "
        "không cần làm gì."
    )


def faq_folder_read_only(folder: str) -> str:
    """Why an edit of faq.yaml is refused: its folder cannot be written."""
    return (
        f"bot không có quyền ghi vào thư mục chứa faq.yaml ({folder}), nên chưa sửa được. "
        "Cần cho bot quyền ghi thư mục này (với Docker: gắn thư mục không có ':ro' và cho "
        "người dùng của bot, uid 10001, quyền ghi; xem README)."
    )


def faq_folder_read_only_note(folder: str) -> str:
    """To admins, once: why the buttons turning tickets into FAQ entries are not offered."""
    return (
        f"⚠️ Bot không có quyền ghi vào thư mục chứa faq.yaml ({folder}), nên tạm không đưa "
        "câu hỏi vào faq.yaml được: các nút “➕ Là cách hỏi khác của…”, “📝 Tạo mục FAQ mới…” "
        "(dưới phiếu hỏi cán bộ và /unanswered) không hiện, lệnh /variant, /newfaq không chạy. "
        "Để bật lại: cho người dùng chạy bot quyền ghi thư mục này (với Docker: gắn thư mục "
        "không có ':ro' và cho uid 10001 quyền ghi; xem README). Các nút hiện lại ngay khi "
        "thư mục ghi được."
    )


def faq_no_answer_yet(ticket_id: int) -> str:
    return f"Phiếu số {ticket_id} chưa có câu trả lời của cán bộ để đưa vào faq.yaml."


def faq_being_saved(shown: str) -> str:
    """An edit from chat refused: faq.yaml is being saved or uploaded right now."""
    return (
        f"{shown} đang được lưu hay tải lên (tệp vừa thay đổi và chưa lưu xong), nên bot chưa "
        "sửa để khỏi mất phần đang lưu; hãy thử lại sau ít giây."
    )


def faq_edit_failed(reason: str) -> str:
    return f"Không sửa được faq.yaml: {reason}"


def faq_undo_failed(reason: str) -> str:
    return f"Không hoàn tác được: {reason}"


def faq_variant_usage() -> str:
    return "Cách dùng (trong phiếu): /variant MÃ_MỤC_FAQ, hoặc /variant 12 MÃ_MỤC_FAQ."


VARIANT_BUTTON = "➕ Là cách hỏi khác của: "
NEW_FAQ_BUTTON = "📝 Tạo mục FAQ mới từ câu trả lời"
CLOSE_TICKET_BUTTON = "✔️ Đóng phiếu"


def tickets_off() -> str:
    return "Chức năng hỏi cán bộ chưa bật (đặt STAFF_CHAT_ID để bật)."


def tickets_listing(rows: Sequence[str], total: int, page: int = 1, *, first: int = 0) -> str:
    """Page `page` of the `total` open tickets: `rows`, the `first`-th on."""
    if not total:
        return "Không có phiếu nào đang mở."
    if not rows:
        return (
            f"Không có trang {page}: chỉ có {figure(total)} phiếu đang mở. "
            "Gõ /tickets để xem từ đầu."
        )
    head = "📋 Phiếu đang mở (chờ lâu nhất ở trên; câu hỏi xem tại phiếu trong nhóm cán bộ)"
    if page > 1:
        head += f", trang {page}"
    text = f"{head}:\n\n" + "\n".join(rows)
    more = total - first - len(rows)
    if more > 0:
        text += (
            f"\n… và {figure(more)} phiếu khác (tổng cộng {figure(total)} phiếu đang mở): "
            f"gõ /tickets {page + 1} để xem tiếp."
        )
    return text


def ticket_row(ticket_id: int, channel: str, state: str, waited: str, link: str | None) -> str:
    """One ticket in /tickets: no words of the resident's (a listing, once sent, is not
    deleted by /forget); `link` opens the ticket in the staff group."""
    label = {"open": "chờ trả lời", "answered": "đã trả lời"}.get(state, state)
    row = f"• #{ticket_id} · {channel_name(channel)} · {label} · {waited}"
    return f"{row} · {link}" if link else row
