"""What a resident reads about following topics (/topics, /subscribe, /unsubscribe,
/mysubs, /latest, /forget), and the alerts themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from wardbot.messages.common import _all_of, _quoted, figure, unit, vn_date
from wardbot.messages.residents import announcement_source, in_sentence

# --- topics and subscriptions -----------------------------------------------------


def topics_list(ward_name: str, names: Sequence[tuple[str, bool]]) -> str:
    """`names`: each topic's name and whether this chat follows it."""
    if not names:
        return f"Dạ, hiện {unit(ward_name)} chưa mở chủ đề nhận tin nào."
    lines = ["Các chủ đề anh/chị có thể nhận tin:"]
    lines += [f"• {name}" + (" — đang nhận tin ✅" if followed else "") for name, followed in names]
    lines += [
        "",
        "Chọn một chủ đề bên dưới để bật/tắt nhận tin, hoặc nhắn “đăng ký nhận tin <tên chủ đề>”.",
    ]
    return "\n".join(lines)


def retired_topic(name: str) -> str:
    """A topic a chat still follows that the ward no longer offers (gone from faq.yaml):
    the name it last had (its id when that is no longer known)."""
    return f"{name} (chủ đề đã ngừng)"


def topics_menu(ward_name: str, names: Sequence[tuple[str, bool]]) -> str:
    """`topics_list` where the topics follow as numbered lines ("🔔 Nhận tin: …",
    "🔕 Bỏ nhận tin: …"; Zalo, the terminal): those lines are the list."""
    if not names:
        return topics_list(ward_name, names)
    lines = [
        "Chọn một chủ đề dưới đây để bật/tắt nhận tin, hoặc nhắn “đăng ký nhận tin <tên chủ đề>”."
    ]
    if any(followed for _, followed in names):
        lines[0] += " Chủ đề có dấu 🔕 là chủ đề anh/chị đang nhận tin."
    lines += ["", "Các chủ đề anh/chị có thể nhận tin:"]
    return "\n".join(lines)


def subscribe_button(name: str) -> str:
    return f"🔔 Nhận tin: {name}"


def unsubscribe_button(name: str) -> str:
    return f"🔕 Bỏ nhận tin: {name}"


UNSUBSCRIBE_ALL_BUTTON = "🔕 Bỏ nhận tin tất cả"
TOPICS_BUTTON = "📋 Các chủ đề"
LATEST_BUTTON = "📰 Thông báo mới"


def subscribed(ward_name: str, name: str, *, group: bool = False) -> str:
    """`group`: a group chat followed it (staff did), and the group gets the alerts."""
    to = "vào nhóm" if group else "cho anh/chị"
    return (
        f"Dạ, đã đăng ký nhận tin về “{name}”. Khi {unit(ward_name)} có thông báo mới về chủ "
        f"đề này, em sẽ nhắn ngay {to}."
    )


def subscribed_all(ward_name: str, count: int) -> str:
    """Every topic followed at once: `count` topics (0: all were followed already)."""
    if count == 0:
        return "Dạ, anh/chị đã đăng ký nhận tin về tất cả các chủ đề rồi ạ."
    told = (
        f"Dạ, đã đăng ký nhận tin về {_all_of(count, 'chủ đề')} của {unit(ward_name)}. Khi "
        f"{unit(ward_name)} có thông báo mới, em sẽ nhắn ngay cho anh/chị"
    )
    return f"{told}; muốn bỏ bớt chủ đề nào, anh/chị gõ /mysubs." if count > 1 else f"{told}."


def subscribed_several(ward_name: str, names: Sequence[str]) -> str:
    return (
        f"Dạ, đã đăng ký nhận tin về {_quoted(names)}. Khi {unit(ward_name)} có thông báo mới "
        "về các chủ đề này, em sẽ nhắn ngay cho anh/chị."
    )


def unsubscribed_several(names: Sequence[str]) -> str:
    return f"Dạ, đã hủy nhận tin về {_quoted(names)}. Anh/chị có thể đăng ký lại bất cứ lúc nào."


def already_subscribed(name: str) -> str:
    return f"Dạ, anh/chị đã đăng ký nhận tin về “{name}” rồi ạ."


def unsubscribed(name: str) -> str:
    return f"Dạ, đã hủy nhận tin về “{name}”. Anh/chị có thể đăng ký lại bất cứ lúc nào."


def not_subscribed(name: str) -> str:
    return f"Dạ, anh/chị chưa đăng ký nhận tin về “{name}” nên không cần hủy ạ."


def unsubscribed_all(count: int, topic: str | None = None) -> str:
    """All `count` topics the chat followed stopped; `topic`: the name of the one, if one."""
    if count == 0:
        return "Dạ, anh/chị hiện chưa nhận tin chủ đề nào nên không cần hủy ạ."
    which = (
        f"về “{topic}”"
        if count == 1 and topic
        else f"{_all_of(count, 'chủ đề')} anh/chị đang theo dõi"
    )
    return (
        f"Dạ, đã hủy nhận tin {which}. Anh/chị sẽ không nhận thêm tin báo nào nữa và có thể "
        "đăng ký lại bất cứ lúc nào."
    )


def unknown_topic(text: str, names: Sequence[tuple[str, bool]]) -> str:
    """`names`: each topic's name and whether this chat follows it."""
    lines = [f"Dạ, em chưa tìm thấy chủ đề “{text}”."]
    if names:
        lines += ["Các chủ đề hiện có:"]
        lines += [f"• {name}" + (" — đang nhận tin ✅" if on else "") for name, on in names]
    if not all(on for _, on in names):  # each one not followed yet has a button below
        lines += ["", "Anh/chị chọn chủ đề muốn nhận tin ở bên dưới nhé."]
    return "\n".join(lines)


def unknown_topic_menu(text: str) -> str:
    """`unknown_topic` where the topics not followed yet follow as numbered lines."""
    return (
        f"Dạ, em chưa tìm thấy chủ đề “{text}”. Anh/chị chọn chủ đề muốn nhận tin "
        "trong các chủ đề dưới đây nhé:"
    )


def topic_picked_without_list(picked: str) -> str:
    """A topic picked by its number ("/subscribe 5", "theo dõi 1, 3") where no list of
    topics was shown to the chat lately: the list comes next, to pick from again."""
    return (
        f"Dạ, em chưa rõ “{picked}” là chủ đề nào: danh sách anh/chị chọn theo số không còn "
        "trên màn hình trò chuyện với em, hoặc đã cũ. Anh/chị xem các chủ đề dưới đây và "
        "chọn lại giúp em nhé."
    )


def which_topic(text: str, names: Sequence[str]) -> str:
    """Following a topic named by the start of several topics' names ("bảo hiểm": "Bảo
    hiểm y tế", "Bảo hiểm xã hội"): which one, with a choice for each below."""
    return "\n".join(
        [
            f"Dạ, em thấy có {figure(len(names))} chủ đề ứng với “{text}”:",
            *(f"• {name}" for name in names),
            "",
            "Anh/chị muốn nhận tin chủ đề nào thì chọn bên dưới giúp em nhé.",
        ]
    )


def which_topic_menu(text: str) -> str:
    """`which_topic` where the topics follow as numbered lines."""
    return (
        f"Dạ, em thấy có nhiều chủ đề ứng với “{text}”. Anh/chị muốn nhận tin chủ đề nào thì "
        "chọn dưới đây giúp em nhé:"
    )


def unknown_topic_to_unsubscribe(text: str, followed: Sequence[str]) -> str:
    """Stopping alerts of a topic not found: `followed` are the ones the chat can stop."""
    if not followed:
        return (
            f"Dạ, em chưa tìm thấy chủ đề “{text}”. Hiện anh/chị chưa nhận tin chủ đề nào "
            "nên không cần hủy ạ."
        )
    if len(followed) == 1:
        lines = [
            f"Dạ, em chưa tìm thấy chủ đề “{text}”. Anh/chị đang nhận tin một chủ đề:",
            f"• {followed[0]}",
            "",
            "Anh/chị muốn bỏ nhận tin chủ đề này thì chọn bên dưới giúp em nhé.",
        ]
    else:
        lines = [
            f"Dạ, em chưa tìm thấy chủ đề “{text}” trong các chủ đề anh/chị đang nhận tin:",
            *(f"• {name}" for name in followed),
            "",
            "Anh/chị muốn bỏ nhận tin chủ đề nào thì chọn bên dưới giúp em nhé.",
        ]
    return "\n".join(lines)


def unknown_topic_to_unsubscribe_menu(text: str, count: int) -> str:
    """`unknown_topic_to_unsubscribe` where the chat's `count` topics follow as numbered
    lines."""
    if count == 1:
        return (
            f"Dạ, em chưa tìm thấy chủ đề “{text}”. Anh/chị đang nhận tin một chủ đề; muốn "
            "bỏ nhận tin chủ đề này thì chọn dưới đây giúp em nhé:"
        )
    return (
        f"Dạ, em chưa tìm thấy chủ đề “{text}” trong các chủ đề anh/chị đang nhận tin. "
        "Anh/chị muốn bỏ nhận tin chủ đề nào thì chọn dưới đây giúp em nhé:"
    )


def choose_topic_to_unsubscribe() -> str:
    return (
        "Dạ, anh/chị muốn hủy nhận tin chủ đề nào? "
        "Chọn chủ đề bên dưới, hoặc nhắn “hủy đăng ký tất cả”."
    )


def guessed_unsubscribe(command: str, topic: str | None, *, numbered: bool) -> str:
    """A mistyped command taken for `command` (/unsubscribe and what followed it), which
    would stop `topic` (None: every topic): asked, never done on a guess. `numbered`: the
    confirmation is the numbered line 1 (Zalo, the terminal), else a button."""
    what = f"ngừng nhận tin “{topic}”" if topic else "ngừng nhận mọi tin"
    how = "trả lời “có” (hoặc nhắn 1)" if numbered else "bấm nút bên dưới (hoặc trả lời “có”)"
    return (
        f"Ý anh/chị là {command} ({what})? Nếu đúng, anh/chị {how}. Nếu không, em giữ "
        "nguyên các tin anh/chị đang nhận."
    )


def confirm_unsubscribe_button(topic: str | None) -> str:
    """The button of `guessed_unsubscribe`'s question."""
    return f"✅ Đúng, ngừng nhận tin “{topic}”" if topic else "✅ Đúng, ngừng nhận mọi tin"


def unsubscribe_declined() -> str:
    """ "Không" to `guessed_unsubscribe`'s question."""
    return "Dạ vâng, em giữ nguyên các tin anh/chị đang nhận ạ."


def unsubscribe_unconfirmed() -> str:
    """Neither yes nor no ("hihi", "👍") to `guessed_unsubscribe`'s question: still asked."""
    return (
        "Dạ, em chưa ngừng gửi tin nào ạ. Anh/chị muốn ngừng nhận thì trả lời “có” giúp em "
        "nhé; không thì em giữ nguyên như cũ."
    )


def unsubscribe_asked_long_ago() -> str:
    """A yes to `guessed_unsubscribe`'s question asked long ago (YES_WITHIN): it may answer
    something said since, so nothing is stopped on it; asked again."""
    return (
        "Dạ, em hỏi anh/chị về việc ngừng nhận tin đã lâu nên em chưa ngừng gửi tin nào ạ. "
        "Nếu anh/chị vẫn muốn ngừng nhận, trả lời “có” lần nữa giúp em nhé; không thì em "
        "giữ nguyên như cũ."
    )


def mysubs(names: Sequence[str]) -> str:
    if not names:
        return "Dạ, anh/chị chưa đăng ký nhận tin chủ đề nào. Gõ /topics để xem các chủ đề."
    which = "chủ đề này" if len(names) == 1 else "chủ đề nào"
    return "\n".join(
        [
            "Anh/chị đang nhận tin về:",
            *(f"• {name}" for name in names),
            "",
            f"Muốn bỏ nhận tin {which}, anh/chị chọn bên dưới.",  # its button
        ]
    )


def alerts_status(
    ward_name: str, names: Sequence[str], quiet: str | None = None, *, group: bool = False
) -> str:
    """Why no alert came ("sao không thấy gửi tin gì"): what the chat follows (`names`),
    that alerts come only for a new notice on those topics, held by the quiet hours `quiet`
    ('21:30–6:30') if any; and what to choose (the latest notices, the topics)."""
    who = "nhóm" if group else "anh/chị"
    if not names:
        return (
            f"Dạ, hiện {who} chưa đăng ký nhận tin chủ đề nào nên em chưa gửi tin nào ạ. Em "
            f"chỉ nhắn khi {unit(ward_name)} đăng thông báo mới về chủ đề đã đăng ký nhận "
            f"tin. Chọn “Các chủ đề” bên dưới (hoặc gõ /topics) để chọn chủ đề muốn nhận "
            "tin, hoặc “Thông báo mới” để xem ngay các thông báo mới nhất."
        )
    which = "chủ đề này" if len(names) == 1 else "các chủ đề này"
    lines = [
        f"Dạ, {who} đang nhận tin về:",
        *(f"• {name}" for name in names),
        "",
        f"Em chỉ nhắn khi {unit(ward_name)} đăng thông báo mới về {which}; chưa có thông "
        "báo mới thì chưa có tin ạ.",
    ]
    if quiet:
        lines[-1] += f" Thông báo đăng ban đêm ({quiet}) em chờ đến sáng mới nhắn."
    lines += [
        "",
        "Muốn xem ngay các thông báo mới nhất, chọn “Thông báo mới” bên dưới (hoặc gõ "
        "/latest); muốn nhận tin thêm chủ đề khác, gõ /topics.",
    ]
    return "\n".join(lines)


def mysubs_menu(count: int) -> str:
    """`mysubs` where the chat's `count` topics follow as numbered lines ("🔕 Bỏ nhận tin:
    …")."""
    if count == 1:
        return "Anh/chị đang nhận tin về chủ đề dưới đây (chọn để bỏ nhận tin):"
    return "Anh/chị đang nhận tin về các chủ đề dưới đây (chọn một chủ đề để bỏ nhận tin):"


def _on(about: str) -> str:
    return f" về {in_sentence(about)}" if about else ""


def subject_in_topic(subject: str, topic_name: str) -> str:
    """What a resident asked the news of, with the topic holding it: "khai sinh (chủ đề Hộ
    tịch)" (`latest`'s `about`)."""
    return f"{subject} (chủ đề {topic_name})"


def latest(ward_name: str, headings: Sequence[str], about: str = "") -> str:
    """The newest notices (`about`: on that subject only, "có gì mới về bhyt không")."""
    on = _on(about)
    if not headings:
        return f"Dạ, hiện chưa có thông báo mới nào{on}."
    if len(headings) == 1:
        return "\n".join(
            [
                f"Thông báo mới nhất của {ward_name}{on}:",
                f"• {headings[0]}",
                "",
                "Chọn thông báo bên dưới để xem nội dung.",
            ]
        )
    lines = [f"Các thông báo mới nhất của {ward_name}{on}:"]
    lines += [f"• {heading}" for heading in headings]
    lines += ["", "Chọn từng thông báo bên dưới để xem nội dung."]
    return "\n".join(lines)


def latest_menu(ward_name: str, count: int, about: str = "") -> str:
    """`latest` where the notices follow as numbered lines (Zalo, the terminal)."""
    on = _on(about)
    if not count:
        return latest(ward_name, [], about)
    if count == 1:
        return f"Thông báo mới nhất của {ward_name}{on} (chọn để xem nội dung):"
    return f"Các thông báo mới nhất của {ward_name}{on} (chọn một thông báo để xem nội dung):"


def group_staff_only(ward_name: str) -> str:
    return (
        f"Dạ, trong nhóm chỉ cán bộ {unit(ward_name)} mới đăng ký, hủy nhận tin hay xóa dữ "
        "liệu của nhóm. Anh/chị muốn nhận tin cho riêng mình thì nhắn trực tiếp cho em nhé."
    )


def group_back_unsubscribed(ward_name: str) -> str:
    """The bot added back to a group whose topics stopped while it was out (an alert
    refused there): what the group followed is not kept, so staff subscribe again."""
    return (
        "Dạ, em đã được thêm lại vào nhóm. Trong lúc em không ở trong nhóm, tin của "
        f"{unit(ward_name)} không gửi được nên nhóm đã ngừng nhận tin các chủ đề đã đăng ký. "
        f"Để nhóm nhận tin lại, cán bộ {unit(ward_name)} gõ /topics và chọn chủ đề ạ."
    )


def forget_done(*, group: bool = False, alerts: bool = True) -> str:
    """`group`: staff deleted a group chat's data (its topics), not their own; `alerts`:
    whether the chat could follow topics (the web chat cannot: what it deletes there is
    the conversation, which the page shows again on each visit)."""
    if not alerts:
        return (
            "Dạ, đã xóa toàn bộ dữ liệu của anh/chị (cuộc trò chuyện này và các câu hỏi đã "
            "gửi). Anh/chị vẫn có thể tiếp tục hỏi đáp bình thường."
        )
    if group:
        return (
            "Dạ, đã xóa toàn bộ dữ liệu của nhóm (các chủ đề nhóm đã đăng ký nhận tin và các "
            "câu hỏi đã gửi trong nhóm). Nhóm sẽ không nhận thêm tin nào; mọi người vẫn có "
            "thể tiếp tục hỏi đáp bình thường."
        )
    return (
        "Dạ, đã xóa toàn bộ dữ liệu của anh/chị (các chủ đề đã đăng ký nhận tin "
        "và các câu hỏi đã gửi). "
        "Anh/chị sẽ không nhận thêm tin nào; vẫn có thể tiếp tục hỏi đáp bình thường."
    )


def forget_nothing(*, group: bool = False, alerts: bool = True) -> str:
    """/forget with nothing stored about the chat (asked a second time, say); `alerts`:
    as for forget_done."""
    whose = "của nhóm" if group else "về anh/chị"
    stored = "chủ đề nhận tin hay câu hỏi" if alerts else "câu hỏi"
    return (
        f"Dạ, hiện em không lưu dữ liệu nào {whose} (không có {stored} nào đã gửi), nên "
        "không có gì cần xóa ạ."
    )


# --- alerts -----------------------------------------------------------------------


def alert_title(title: str) -> str:
    return f"🔔 Thông báo mới: {title}"


def alert_footer(day: dt.date | None, topic_names: Sequence[str]) -> str:
    """Below an alert: the notice's date (None: a burst of notices, each dated above), why
    the chat gets it, and how to stop."""
    lines = [announcement_source(day)] if day is not None else []
    if topic_names:
        lines.append(f"Anh/chị nhận tin này vì đang theo dõi: {', '.join(topic_names)}.")
    lines.append(ALERT_STOP)
    return "\n".join(lines)


ALERT_STOP = "Ngừng nhận tin: gõ /unsubscribe"


def broadcast_title(ward_name: str) -> str:
    """Above a message ward staff sent to followers (/broadcast)."""
    return f"📢 Tin từ {ward_name}"


def topic_closed_answered_here() -> str:
    """Above a reply Telegram refused in the forum topic it answers (closed, and the bot no
    administrator of the group), sent to General instead."""
    return (
        "Dạ, chủ đề anh/chị vừa nhắn đã đóng nên em không trả lời vào đó được; em trả lời "
        "ở đây. Muốn em nhắn được vào chủ đề đã đóng (cả tin thông báo của nhóm), anh/chị "
        "đặt em làm quản trị viên của nhóm nhé."
    )


def admin_group_closed(chat_name: str) -> str:
    """To staff: an alert could not reach a group (`chat_name`: its title, else its id)
    that follows topics, its every place closed to the bot: in a Telegram group with forum
    topics, General and the topic it subscribed from (the bot no administrator there)."""
    return (
        f"⚠️ Tin báo vừa rồi không gửi được vào nhóm “{chat_name}”: chủ đề chung (General) "
        "và chủ đề nhóm đăng ký nhận tin đều đang đóng, mà bot không phải quản trị viên của "
        "nhóm. Để nhóm nhận tin trở lại, nhờ quản trị viên nhóm mở lại một trong hai chủ "
        "đề, đặt bot làm quản trị viên, hoặc gõ /subscribe <chủ đề> trong một chủ đề đang "
        "mở của nhóm."
    )


def alert_stop_in_group(ward_name: str, bot: str | None, *, mention: bool = True) -> str:
    """`ALERT_STOP` in a group, where only staff may stop the group's alerts: who types
    it, in a Zalo group (`mention`: a command typed alone never reaches the bot) with the
    bot's mention (`bot`: its name, when known)."""
    who = f"Ngừng nhận tin cho nhóm: cán bộ {unit(ward_name)}"
    if not mention:
        return f"{who} gõ /unsubscribe"
    if bot:
        return f"{who} nhắn “@{bot} /unsubscribe”"
    return f"{who} gõ @, chọn tên bot rồi nhắn /unsubscribe"


def alert_burst_title(count: int, corrected: int = 0, ward_name: str = "") -> str:
    """Above the one alert that lists the notices published together, and those alerted
    before that were corrected meanwhile (`corrected`)."""
    if not corrected:
        return f"🔔 {figure(count)} thông báo mới"
    if not count:
        who = unit(ward_name)
        return f"✏️ {who[:1].upper()}{who[1:]} vừa sửa {figure(corrected)} thông báo"
    return f"🔔 {figure(count)} thông báo mới, {figure(corrected)} thông báo vừa được sửa"


def alert_burst_item(day: dt.date, title: str, first_line: str) -> str:
    """One notice in that alert: its title and date, then the start of its text."""
    return f"• {title} ({vn_date(day)})" + (f"\n{first_line}" if first_line else "")


def correction_burst_item(day: dt.date, title: str, changed: str, was: str = "") -> str:
    """A notice corrected, in that alert: its title (`was`: before, when the edit changed
    it) and date, then the lines that changed."""
    named = f"“{was}”, nay là “{title}”" if was and was != title else title
    return f"• ✏️ Đã sửa: {named} ({vn_date(day)})" + (f"\n{changed}" if changed else "")


ALERT_BURST_OPEN = "📄 Xem toàn văn từng thông báo:"


def correction_title(ward_name: str, title: str, was: str = "") -> str:
    """Above a correction: a notice the chat was alerted to had its dates, times or
    amounts changed; `was`: its title before, when the edit changed it too."""
    who = unit(ward_name)
    named = f"“{was}”, nay là “{title}”" if was and was != title else f"“{title}”"
    return f"✏️ {who[:1].upper()}{who[1:]} vừa sửa thông báo {named}"
