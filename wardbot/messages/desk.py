"""Asking ward staff ("hỏi cán bộ", wardbot.desk) as the resident sees it: the offer to pass
a question on, the ticket it opens, and staff's answer when it comes back.
"""

from __future__ import annotations

from wardbot.messages.common import channel_name, contact_line, unit

_ASK_STAFF = "Hỏi cán bộ"


def _passed_on(complaint: bool) -> tuple[str, str]:
    """What a resident passes on to staff, and what staff do with it: a question answered,
    or (`complaint`) a complaint about the ward looked into and answered."""
    return ("ý kiến phản ánh", "xem xét, trả lời") if complaint else ("câu hỏi", "trả lời")


def ask_staff_button(ward_name: str) -> str:
    return f"💬 {_ASK_STAFF} {unit(ward_name)}"


def staff_offer(
    ward_name: str, channel: str, when: str, *, complaint: bool = False, seen: bool = False
) -> str:
    """Under "no answer": what passing the question on means, before the resident agrees
    by choosing the button `ask_staff_button` labels (or typing "có", "đồng ý" next).
    `complaint`: under a complaint heard, which is no question: the complaint passed on.
    `seen`: the resident has read what is shared (`shared_with_staff`) in this
    conversation, or passed a question on before: a line, and where to read it again (not
    "as last time": the offer they saw may have gone untaken)."""
    where = unit(ward_name)
    what, done = _passed_on(complaint)
    choose = f"Nếu cần, anh/chị chọn “{_ASK_STAFF} {where}” bên dưới"
    if seen:
        return (
            f"{choose} để em chuyển {what} này tới cán bộ {where} (gõ /help để xem lại "
            "những gì được chuyển đi)."
        )
    offer = f"{choose} để em chuyển {what} này tới cán bộ {where} {done} trực tiếp."
    said = "phản ánh" if complaint else what
    return "\n\n".join(
        (" ".join(part for part in (offer, when) if part), shared_with_staff(said, channel))
    )


def shared_with_staff(said: str = "câu hỏi", channel: str | None = None) -> str:
    """What goes to staff with a question (`said`: what it is) passed on, and what does
    not: the resident's consent, under the offer and in /help (no `channel`: any)."""
    how = f" ({channel_name(channel)})" if channel is not None else ""
    return (
        f"Chỉ nội dung {said} như anh/chị đã gõ và kênh nhắn tin{how} được chuyển đi, không "
        "kèm tên hay thông tin liên lạc của anh/chị."
    )


def staff_offer_question(
    ward_name: str, question: str, channel: str, when: str, *, complaint: bool = False
) -> str:
    """After "hỏi cán bộ": offer to pass on the last question the bot could not answer
    (`complaint`: the complaint the bot offered to pass on)."""
    said = "ý kiến phản ánh" if complaint else "câu hỏi em chưa trả lời được"
    return f"Dạ, {said} của anh/chị: “{question}”\n\n" + staff_offer(
        ward_name, channel, when, complaint=complaint
    )


def staff_offer_kept(ward_name: str, *, complaint: bool = False) -> str:
    """To "ok", "vâng" under the offer to pass a question (`complaint`: a complaint) to
    staff: that it has not gone (the resident may have meant yes), and how to send it."""
    where = unit(ward_name)
    what, done = _passed_on(complaint)
    return (
        f"Dạ vâng ạ. {what.capitalize()} của anh/chị chưa được chuyển tới cán bộ {where}; "
        f"nếu cần cán bộ {done}, anh/chị nhắn “có” hoặc chọn “{_ASK_STAFF} {where}” ở trên."
    )


def staff_offer_declined(ward_name: str) -> str:
    """To "không cần đâu", "thôi khỏi" under the offer to pass a question to staff."""
    where = unit(ward_name)
    return (
        f"Dạ vâng ạ, em chưa chuyển gì tới cán bộ {where}. Khi cần, anh/chị cứ nhắn câu hỏi "
        f"khác, hoặc gõ /hoicanbo để hỏi cán bộ {where} ạ."
    )


def staff_type_question(ward_name: str, when: str) -> str:
    return (
        f"Dạ, anh/chị vui lòng nhắn điều cần hỏi cán bộ {unit(ward_name)} trong tin tiếp theo; "
        "em sẽ chuyển nguyên văn tới cán bộ (không kèm tên hay thông tin liên lạc của anh/chị). "
        f"{when}"
    )


def staff_private_only(ward_name: str) -> str:
    return f"Dạ, để hỏi cán bộ {unit(ward_name)}, anh/chị vui lòng nhắn riêng cho bot."


def staff_unavailable(ward_name: str, hotline: str) -> str:
    """Asking for a person where no staff desk is set up: how to reach one instead."""
    return (
        "Dạ, em là trợ lý trả lời tự động; tại đây chưa có cán bộ "
        f"{unit(ward_name)} trực tin nhắn. Để trao đổi trực tiếp với cán bộ, anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)}. "
        "Anh/chị cũng có thể nhắn câu hỏi ngay tại đây, em sẽ trả lời nếu có thông tin."
    )


def ticket_received(
    ward_name: str,
    ticket_id: int,
    when: str,
    channel: str,
    *,
    held_up: str = "",
    complaint: bool = False,
) -> str:
    """The ticket is open. On the web chat nothing reaches a closed page: the answer waits
    on this page, in this browser (its storage holds the conversation's only key).
    `held_up`: how to reach the ward instead, when the bot cannot reach the staff group now
    (the ticket waits, and is passed on once it can). `complaint`: what went is the
    resident's complaint about the ward (`staff_offer`'s), not a question."""
    # A question "đã chuyển câu hỏi"; a complaint, named as the resident's own.
    what, _ = _passed_on(complaint)
    whose = " của anh/chị" if complaint else ""
    if channel == "web":
        where = (
            "Câu trả lời sẽ hiện ngay trên trang này. Trang web không báo được cho anh/chị "
            "khi đã đóng, nên anh/chị vui lòng mở lại trang hỏi đáp này trên cùng điện "
            "thoại và cùng trình duyệt để xem câu trả lời."
        )
    else:
        where = "Câu trả lời sẽ được gửi tới anh/chị ngay trong cuộc trò chuyện này."
    if held_up:
        passed = (
            f"📝 Em đã ghi lại {what} của anh/chị (phiếu số {ticket_id}), nhưng hiện em chưa "
            f"chuyển được tới cán bộ {unit(ward_name)} vì {_DESK_HELD_UP}. Nếu việc cần gấp, "
            f"anh/chị vui lòng {held_up}."
        )
    else:
        passed = (
            f"✅ Em đã chuyển {what}{whose} tới cán bộ {unit(ward_name)} "
            f"(phiếu số {ticket_id}). {when}"
        )
    return (
        f"{passed} {where}\n\n"
        "Nếu cần bổ sung thông tin, anh/chị cứ nhắn tiếp, em sẽ chuyển cho cán bộ."
    )


# Why a question waits before it reaches staff: the bot cannot post in their group.
_DESK_HELD_UP = "trục trặc kỹ thuật; em sẽ chuyển ngay khi khắc phục xong"


def ticket_limit(ward_name: str, hotline: str) -> str:
    return (
        f"Dạ, em đã chuyển khá nhiều câu hỏi từ anh/chị tới cán bộ {unit(ward_name)} trong một "
        "giờ qua nên tạm thời chưa chuyển thêm được. Anh/chị vui lòng thử lại sau ít lâu, hoặc "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ ngay. Em xin lỗi vì sự bất tiện này."
    )


def staff_desk_busy(ward_name: str, hotline: str) -> str:
    return (
        f"Dạ, hiện có nhiều câu hỏi đang chờ chuyển tới cán bộ {unit(ward_name)} nên em tạm "
        "thời chưa nhận thêm. Anh/chị vui lòng thử lại sau ít phút, hoặc "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ ngay. Em xin lỗi vì sự bất tiện này."
    )


def staff_desk_unreachable(ward_name: str, hotline: str) -> str:
    """No ticket opened: questions wait for a staff group the bot cannot reach now."""
    return (
        f"Dạ, hiện em chưa chuyển được câu hỏi tới cán bộ {unit(ward_name)} vì {_DESK_HELD_UP}, "
        "và đã có nhiều câu hỏi đang chờ nên em tạm thời chưa nhận thêm. Anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ. Em xin lỗi vì sự bất tiện này."
    )


def ticket_already_open(ward_name: str, ticket_id: int) -> str:
    return (
        f"Dạ, câu hỏi của anh/chị đã được chuyển tới cán bộ {unit(ward_name)} (phiếu số "
        f"{ticket_id}). Anh/chị cứ nhắn thêm, em sẽ chuyển tiếp cho cán bộ."
    )


def ticket_follow_up(ward_name: str, ticket_id: int, *, held_up: bool = False) -> str:
    staff = f"cán bộ {unit(ward_name)}"
    if held_up:
        return (
            f"Dạ, em đã ghi lại tin nhắn này (phiếu số {ticket_id}), nhưng hiện chưa chuyển "
            f"được tới {staff} vì {_DESK_HELD_UP}."
        )
    return f"Dạ, em đã chuyển thêm tin nhắn này tới {staff} (phiếu số {ticket_id})."


def ticket_correction(ward_name: str, ticket_id: int, *, held_up: bool = False) -> str:
    """The resident edited a message staff already have: the new text goes to them as a
    correction of it (`held_up`: not until the staff group is reachable again)."""
    staff = f"cán bộ {unit(ward_name)}"
    if held_up:
        return (
            f"Dạ, em đã ghi lại nội dung anh/chị vừa sửa (phiếu số {ticket_id}), nhưng hiện "
            f"chưa chuyển được tới {staff} vì {_DESK_HELD_UP}."
        )
    return (
        f"Dạ, em đã báo {staff} rằng anh/chị sửa lại tin nhắn này và gửi kèm nội dung mới "
        f"(phiếu số {ticket_id})."
    )


def staff_offer_gone(ward_name: str) -> str:
    return (
        "Dạ, em không còn giữ câu hỏi trước đó. Anh/chị vui lòng nhắn lại câu hỏi, "
        f"hoặc gõ /hoicanbo rồi nhắn câu hỏi để chuyển tới cán bộ {unit(ward_name)}."
    )


def staff_answer_title(ward_name: str, ticket_id: int, signer: str | None) -> str:
    return f"💬 {_staff_signed(ward_name, signer)} trả lời (phiếu số {ticket_id})"


def staff_correction_title(ward_name: str, ticket_id: int, signer: str | None) -> str:
    """A staff answer sent again, corrected (the officer edited it in the staff group)."""
    return f"✏️ {_staff_signed(ward_name, signer)} sửa lại câu trả lời (phiếu số {ticket_id})"


def _staff_signed(ward_name: str, signer: str | None) -> str:
    return f"Cán bộ {signer} ({ward_name})" if signer else f"Cán bộ {ward_name}"


def staff_answer_revised(ticket_id: int, *, sent: bool | None) -> str:
    """To staff: their edit of an answer reaches the resident: in its place (`sent`
    False), after it (True), or after it as a try of it failed (None: it may or may not
    have reached them)."""
    if sent is None:
        return (
            f"✏️ Câu trả lời trước chưa chắc đã tới người dân (đang gửi, hoặc gửi lỗi), "
            f"nên bot gửi thêm bản sửa sau nó (phiếu số {ticket_id})."
        )
    if sent:
        return (
            f"✏️ Câu trả lời đã gửi trước đó nên bot gửi thêm bản sửa cho người dân "
            f"(phiếu số {ticket_id})."
        )
    return f"✏️ Câu trả lời chưa gửi đi: người dân sẽ nhận bản đã sửa (phiếu số {ticket_id})."


def staff_edit_not_moved(ticket_id: int) -> str:
    """To staff: they edited the ticket number of an answer relayed with /r."""
    return (
        f"⚠️ Sửa số phiếu không chuyển được câu trả lời: câu trả lời này đã được gửi (hoặc "
        f"đang gửi) cho người dân của phiếu số {ticket_id}, bản sửa không gửi cho ai. Muốn trả "
        "lời phiếu khác, hãy gửi tin mới: /r SỐ_PHIẾU nội dung."
    )


STAFF_ANSWER_FOOTER = "Anh/chị có thể nhắn tiếp tại đây nếu cần hỏi thêm."
