"""What ward staff read about the bot itself: admin commands in a private chat (/stats,
/unanswered, /broadcast, /reload, /redo, /problems), the staff files checked and published on
the command line (bot.py check, bot.py announce), and the bot's failing tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from wardbot.messages.common import _all_of, chat_edit_rows, duration, figure, unit, vn_date
from wardbot.messages.staff_group import UNDO_MINUTES

# --- for ward staff (admin commands) ------------------------------------------------


def admin_help(*, desk: bool) -> str:
    """Under /help, to staff in ADMIN_IDS in a private chat with the bot: their commands,
    which residents never see. `desk`: a staff group answers tickets (/tickets is listed)."""
    lines = [
        "Lệnh dành cho cán bộ quản trị (chỉ dùng được trong tin nhắn riêng với bot):",
        "/stats — số người theo dõi từng chủ đề, số câu hỏi trong 7 ngày qua và bao nhiêu "
        "câu bot chưa trả lời được, số tin đã gửi",
        "/unanswered — những câu người dân hỏi mà bot chưa trả lời được, có nút để thêm vào "
        "faq.yaml",
        "/broadcast MÃ_CHỦ_ĐỀ NỘI_DUNG — gửi tin cho những người theo dõi chủ đề đó (gõ all "
        "thay cho mã để gửi cho mọi người theo dõi); bot cho xem trước, bấm nút thì mới gửi",
        "/reload — đọc lại faq.yaml và thư mục content/ ngay, báo các lỗi nếu có",
        f"/undo — hoàn tác lần sửa faq.yaml gần nhất làm từ chat (trong vòng {UNDO_MINUTES} phút)",
        "/redo — thêm lại những gì đã thêm từ chat mà một lần lưu faq.yaml từ bản cũ làm mất",
    ]
    if desk:
        lines += [
            "/tickets — các phiếu hỏi cán bộ đang chờ trả lời hoặc chưa đóng",
            "/variant SỐ_PHIẾU MÃ_MỤC — thêm câu hỏi của phiếu đó vào các cách hỏi khác của "
            "mục FAQ (trong nhóm cán bộ, gõ /variant MÃ_MỤC ngay trong chủ đề của phiếu)",
            "/newfaq SỐ_PHIẾU [MÃ_MỤC] — tạo mục FAQ mới từ câu hỏi của phiếu và câu trả lời "
            "của cán bộ (trong nhóm cán bộ, gõ /newfaq ngay trong chủ đề của phiếu)",
        ]
    return "\n".join(lines)


FAQ_REDO_NOTHING = (
    "Không có lần thêm nào từ chat bị mất cần thêm lại. Lệnh /redo thêm lại vào faq.yaml "
    "những gì đã thêm từ chat (➕, /variant, /newfaq) mà một lần lưu faq.yaml từ bản cũ đã "
    "làm mất, sau khi bot báo như vậy."
)


def faq_redo_entry_changed(entry_id: str) -> str:
    """/redo refuses a lost variant: its entry was changed by hand since the edit."""
    return (
        f"mục {entry_id} đã được sửa tay trong faq.yaml sau lần thêm này, nên bot không tự "
        "thêm để khỏi đè lên phần sửa tay; nếu vẫn cần, xin thêm tay cách hỏi này vào mục đó"
    )


def faq_redo_entry_gone(entry_id: str) -> str:
    """/redo refuses a lost variant: faq.yaml no longer has its entry (removed, or its id
    changed along with what it says)."""
    return (
        f"faq.yaml không còn mục {entry_id} (đã bị xóa, hoặc đổi id cùng với nội dung), nên "
        "bot không biết thêm vào đâu; nếu vẫn cần, xin thêm tay cách hỏi này vào mục phù hợp"
    )


def faq_redone(
    added: Sequence[tuple[str, str, str, bool]],
    already: Sequence[tuple[str, str, str, bool]],
    refused: Sequence[tuple[tuple[str, str, str, bool], str]],
    *,
    applied: bool = True,
) -> str:
    """/redo: the lost chat edits added again, those faq.yaml has again already (added
    by hand), and those not added, each with why (`refused`). `applied`: the bot reloaded
    (else a staff file is still being saved, and it reloads once it is)."""
    parts = []
    if added:
        reloaded = (
            "bot đã nạp lại"
            if applied
            else "bot sẽ tự nạp lại khi tệp đang được lưu hay tải lên lưu xong"
        )
        parts.append(
            "↪️ Đã thêm lại vào faq.yaml (giữ nguyên những gì cán bộ đã sửa tay và các chú "
            f"thích), {reloaded}:\n" + chat_edit_rows(added)
        )
    if already:
        parts.append(
            "Đã có lại trong faq.yaml (có lẽ đã thêm tay), không cần thêm:\n"
            + chat_edit_rows(already)
        )
    if refused:
        rows = [f"{chat_edit_rows([row])} — {why}" for row, why in refused]
        parts.append(
            "Chưa thêm lại được (bot không ghi đè lên phần sửa tay; gõ /redo lần nữa sau khi "
            "sửa, hoặc thêm tay):\n" + "\n".join(rows)
        )
    if added:
        parts.append("Thêm nhầm? Gõ /undo để hoàn tác từng lần, lần gần nhất trước.")
    return "\n\n".join(parts)


def admin_stats(
    ward_name: str,
    topics: Sequence[tuple[str, int]],
    days: int,
    questions: int | None,
    unanswered: int,
    sent: int,
    failed: int,
    waiting: int,
    tickets: tuple[int, int, float | None] | None = None,
    blocked: int = 0,
    held: tuple[str, str] | None = None,
) -> str:
    """`held`: in quiet hours, those hours and when the alerts they hold leave.
    `questions` None: the question log is off (QUESTION_LOG_DAYS=0): nothing to count."""
    lines = [f"📊 Thống kê của bot {ward_name}", "", "Người theo dõi theo chủ đề:"]
    lines += [f"• {name}: {figure(count)}" for name, count in topics] or ["• (chưa có chủ đề)"]
    why = f" ({figure(blocked)} vì người nhận đã chặn bot)" if blocked else ""
    lines += ["", f"{days} ngày qua:"]
    if questions is None:
        lines.append(f"• Câu hỏi: {QUESTION_LOG_OFF}")
    else:
        share = f" ({100 * unanswered / questions:.0f}%)" if questions else ""
        lines += [
            f"• Câu hỏi: {figure(questions)}",
            f"• Chưa trả lời được: {figure(unanswered)}{share}",
        ]
    lines += [
        f"• Tin báo đã gửi: {figure(sent)}, gửi lỗi: {figure(failed)}{why}, "
        f"đang chờ gửi: {figure(waiting)}",
    ]
    if held is not None:
        quiet, morning = held
        lines.append(
            f"• Đang trong giờ không gửi tin ban đêm ({quiet}): tin báo về thông báo mới chờ "
            f"đến {morning}, trừ thông báo khẩn (urgent: true)"
        )
    if tickets is not None:
        open_now, answered, median = tickets
        typical = f", thời gian trả lời trung vị {duration(median)}" if median is not None else ""
        lines += [
            f"• Hỏi cán bộ: {figure(answered)} phiếu đã trả lời{typical}",
            "",
            f"Phiếu đang chờ cán bộ trả lời: {figure(open_now)} (xem bằng /tickets)",
        ]
    return "\n".join(lines)


# QUESTION_LOG_DAYS=0: no question is logged, so /stats and /unanswered have nothing to
# count or list (not "none": residents did ask).
QUESTION_LOG_OFF = (
    "không ghi lại (QUESTION_LOG_DAYS=0: bot không lưu câu hỏi của người dân); muốn xem số "
    "câu hỏi và /unanswered, đặt QUESTION_LOG_DAYS (ví dụ 90) rồi khởi động lại bot"
)


def admin_unanswered_off() -> str:
    """/unanswered with the question log off: there is no list, not an empty one."""
    return f"Chưa có danh sách câu hỏi bot chưa trả lời được: câu hỏi {QUESTION_LOG_OFF}."


def admin_unanswered(
    days: int,
    groups: Sequence[tuple[int, str, Sequence[str]]],
    chosen: Sequence[tuple[str, int] | None] = (),
    *,
    added: int = 0,
) -> str:
    """`chosen`, for each group: the FAQ entry (its question) residents who asked it then
    picked from the close matches the bot offered, and how many of them; None if none.
    `added`: how many questions are left out as faq.yaml now asks them."""
    done = ""
    if added:
        done = f"\n({figure(added)} câu hỏi không còn hiện vì faq.yaml đã có đúng cách hỏi đó.)"
    if not groups:
        return f"Trong {days} ngày qua không có câu hỏi nào bot chưa trả lời được.{done}"
    lines = [
        f"❓ Câu hỏi bot chưa trả lời được ({days} ngày qua), gộp theo nội dung giống nhau.",
        "Nên bổ sung vào faq.yaml các nhóm hỏi nhiều:" + done,
    ]
    for number, (count, example, others) in enumerate(groups, 1):
        lines.append(f"\n{number}. “{example}” — {figure(count)} lần")
        lines += [f"   cũng hỏi: “{other}”" for other in others]
        pick = chosen[number - 1] if number <= len(chosen) else None
        if pick is not None:
            question, times = pick
            who = "người hỏi" if times == 1 else f"{figure(times)} người hỏi"
            lines.append(f"   👉 {who} đã chọn trong các gợi ý: “{question}”")
    return "\n".join(lines)


def admin_weekly(stats: str, groups: Sequence[tuple[int, str]] | None) -> str:
    """The Monday report (wardbot.weekly): `stats` (/stats), then (count, example) of
    the questions asked most in its days that the bot could not answer; `groups` None:
    the question log is off (/stats says so)."""
    lines = ["🗓️ Báo cáo tuần (bot tự gửi mỗi sáng thứ Hai)", "", stats]
    if groups is not None and not groups:
        lines += ["", "Tuần qua không có câu hỏi nào bot chưa trả lời được."]
    elif groups:
        lines += ["", "Câu hỏi bot chưa trả lời được, hỏi nhiều nhất tuần qua:"]
        for number, (count, example) in enumerate(groups, 1):
            lines.append(weekly_group(number, example, count))
        lines += ["", "Gõ /unanswered để xem đủ và thêm vào faq.yaml bằng một chạm."]
    lines += ["", "(Tắt báo cáo tuần: đặt WEEKLY_REPORT=off trong cấu hình của bot.)"]
    return "\n".join(lines)


def weekly_group(group: int, question: str | None, count: int) -> str:
    """The Monday report's line for a group of questions: its number, the question quoted
    (None: its resident sent /forget since, `weekly_question_forgotten`), how often."""
    quoted = weekly_question_forgotten() if question is None else weekly_question(question)
    return f"{group}. {quoted} — {figure(count)} lần"


def weekly_question(question: str) -> str:
    """A resident's question as logged, as the Monday report quotes it (spaces made
    single): what a resident's /forget takes out of a report the bot still keeps."""
    return f"“{' '.join(question.split())}”"


def weekly_question_forgotten() -> str:
    """In the Monday report kept by the bot (while it waits to go, or until the question
    log's retention), in place of a question whose resident sent /forget since."""
    return "(câu hỏi đã được xóa theo yêu cầu của người hỏi)"


UNANSWERED_BUTTONS = (
    "Thêm một nhóm làm cách hỏi khác của mục FAQ người hỏi đã chọn (nếu có), hoặc của mục gần nhất:"
)


def unanswered_choice(group: int, question: str) -> str:
    """A /unanswered button as a numbered line, whose number is not the group's."""
    return f"➕ Nhóm {group} là cách hỏi khác của: “{question}”"


def unanswered_button_stale(days: int) -> str:
    return (
        "Nút này đã cũ: câu hỏi đó không còn trong danh sách chưa trả lời được "
        f"({days} ngày qua) hoặc mục FAQ đó không còn trong faq.yaml, nên chưa sửa gì. "
        "Gõ /unanswered để xem danh sách mới."
    )


def admin_ticket_usage(command: str) -> str:
    if command == "variant":
        return "Cách dùng: /variant SỐ_PHIẾU MÃ_MỤC_FAQ, ví dụ /variant 12 bhyt-gia-han."
    return "Cách dùng: /newfaq SỐ_PHIẾU [MÃ_MỤC_MỚI], ví dụ /newfaq 12."


def _one_of(ids: Sequence[str]) -> str:
    """'a', 'a' hay 'b', 'a', 'b' hay 'c'."""
    quoted = [f"'{ident}'" for ident in ids]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} hay {quoted[-1]}"


def unknown_entry(entry_id: str, where: str, nearest: Sequence[str]) -> str:
    """An admin command named an FAQ entry no entry has the id of; `nearest`: the ids
    most like it (text.nearest_ids), to send the command again with."""
    said = f"Không có mục nào có id '{entry_id}' trong {where}."
    if not nearest:
        return said
    return f"{said} Có phải {_one_of(nearest)}? Hãy gửi lại lệnh với mã đúng."


def admin_broadcast_unknown_topic(
    typed: str, nearest: Sequence[str], topic_ids: Sequence[str]
) -> str:
    """/broadcast named a topic that is none of `topic_ids`; `nearest`: those most like it
    (none: how to use /broadcast, with every topic's id)."""
    if not nearest:
        return admin_broadcast_usage(topic_ids)
    return (
        f"Không có chủ đề '{typed}'. Có phải {_one_of(nearest)}? Hãy gửi lại, ví dụ "
        f"/broadcast {nearest[0]} NỘI DUNG."
    )


def admin_broadcast_usage(topic_ids: Sequence[str]) -> str:
    return (
        "Cách dùng: /broadcast CHỦ_ĐỀ NỘI DUNG, hoặc /broadcast all NỘI DUNG để gửi cho "
        f"mọi người đang theo dõi. Mã chủ đề: {', '.join(topic_ids) or '(chưa có)'}."
    )


def _broadcast_to(topic: str | None) -> str:
    """Whom a broadcast reaches: the followers of `topic` (its name), or of any (None)."""
    if topic is None:
        return "mọi người đang nhận tin (theo dõi ít nhất một chủ đề)"
    return f"người theo dõi chủ đề “{topic}”"


def admin_broadcast_queued(count: int, topic: str | None) -> str:
    """A broadcast queued for the followers of `topic` (its name), or of any topic (None)."""
    if count == 0:
        if topic is None:
            return "Chưa có ai nhận tin chủ đề nào; chưa gửi tin nào."
        return f"Không có ai theo dõi chủ đề “{topic}”; chưa gửi tin nào."
    return (
        f"Đã xếp {figure(count)} tin vào hàng gửi cho {_broadcast_to(topic)}; "
        "tin sẽ được gửi dần trong ít phút."
    )


def admin_broadcast_review(
    count: int, topic: str | None, text: str, quiet: tuple[str, str] | None = None
) -> str:
    """/broadcast shown to its admin before it goes: to how many (the followers of `topic`,
    its name, or of any: None), and the text as they will read it. `quiet`: in quiet
    hours, those hours and when they end ('6:30 sáng mai')."""
    who = _broadcast_to(topic).removeprefix("mọi ")
    lines = [
        f"📣 Xem lại trước khi gửi: tin dưới đây sẽ tới {figure(count)} {who}. "
        "Tin đã gửi thì không thu hồi được.",
        "",
        text,
        "",
    ]
    if quiet is not None:
        hours, morning = quiet
        lines.append(
            f"Đang trong giờ không gửi tin ban đêm ({hours}): tin này vẫn gửi ngay và đổ "
            f"chuông điện thoại người nhận; tin không gấp thì nên để đến {morning}."
        )
    lines.append("Chọn “📣 Gửi” để gửi, hoặc “✖️ Hủy” nếu cần sửa (rồi gõ lại /broadcast).")
    return "\n".join(lines)


def broadcast_send_button(count: int) -> str:
    return f"📣 Gửi cho {figure(count)} người"


BROADCAST_DROP_BUTTON = "✖️ Hủy, không gửi"
BROADCAST_DROPPED = "Đã hủy: chưa gửi tin nào."


def broadcast_button_stale() -> str:
    return (
        "Nút này đã cũ (đã hủy, đã có /broadcast mới hơn, quá 1 giờ, hoặc bot vừa khởi động "
        "lại), nên chưa gửi gì. Gõ lại /broadcast để gửi."
    )


def admin_broadcast_sent_already(count: int, topic: str | None) -> str:
    return (
        f"Tin này đã được xếp gửi rồi ({figure(count)} tin cho {_broadcast_to(topic)}); "
        "bấm lại không gửi thêm."
    )


def admin_reloaded(
    faq: int, announcements: int, problems: Sequence[str], saving: Sequence[str] = ()
) -> str:
    """/reload's reply; `saving`: the files still being saved, so not read yet."""
    lines = [f"Đã nạp lại: {figure(faq)} câu hỏi đáp, {figure(announcements)} thông báo."]
    if saving:
        lines = [
            f"Chưa nạp lại: {', '.join(saving)} đang được lưu hay tải lên (tệp vẫn đang thay "
            "đổi), nên bot chưa đọc để khỏi dùng bản lưu dở. Bot sẽ tự nạp khi tệp lưu xong, "
            "không cần gõ lại /reload.",
            f"Bot đang dùng: {figure(faq)} câu hỏi đáp, {figure(announcements)} thông báo.",
        ]
    if problems:
        lines += ["", "Các lỗi cần sửa (tệp:dòng: lỗi):", *problems[:20]]
        if len(problems) > 20:
            lines.append(f"... và {figure(len(problems) - 20)} lỗi khác")
    return "\n".join(lines)


def terminal_intro() -> str:
    """The first line of `bot.py chat`, where ward staff try the bot as residents meet it."""
    return (
        "Anh/chị gõ câu hỏi như người dân sẽ hỏi; gõ số thứ tự để mở một mục trong danh "
        "sách; gõ /quit để thoát."
    )


def terminal_meaning(documents: int, seconds: float, *, waiting: bool) -> str:
    """Before `bot.py chat` opens while the meaning of `documents` is computed, in about
    `seconds`: `waiting` for it (a few), or going on meanwhile (many)."""
    doing = (
        f"Em đang xử lý {figure(documents)} văn bản để hiểu câu hỏi theo nghĩa (mất "
        f"{duration(seconds)}, chỉ làm một lần)"
    )
    if waiting:
        return f"{doing}, anh/chị chờ em một chút nhé."
    return f"{doing}; trong lúc đó, em trả lời theo từ ngữ của câu hỏi."


def terminal_reloaded(
    faq: int, announcements: int, problems: int, *, faq_broken: bool, no_good_version: bool
) -> str:
    """One line in `bot.py chat` when an edit of faq.yaml or content/ has been applied."""
    if faq_broken and no_good_version:
        head = "⚠️ faq.yaml có lỗi nên chưa nạp được, và chưa có bản đúng nào trước đó"
    elif faq_broken:
        head = "⚠️ faq.yaml có lỗi nên chưa nạp được; em vẫn dùng bản đúng gần nhất"
    else:
        head = "🔄 Em đã nạp nội dung vừa sửa"
    line = f"{head}: {figure(faq)} câu hỏi đáp, {figure(announcements)} thông báo."
    if problems:
        line += f" Còn {figure(problems)} lỗi cần sửa (tệp:dòng: lỗi, in ở trên)."
    return line


def admin_problems(
    problems: Sequence[str], *, faq_broken: bool, no_good_version: bool = False
) -> str:
    if faq_broken and no_good_version:
        head = (
            "⚠️ faq.yaml có lỗi nên chưa nạp được, và chưa có bản đúng nào trước đó: "
            "hiện bot không có câu hỏi đáp và chủ đề nào cho đến khi tệp được sửa."
        )
    elif faq_broken:
        head = "⚠️ faq.yaml có lỗi nên chưa nạp được; bot vẫn dùng bản đúng gần nhất."
    else:
        # Each problem says after " — " what it costs: a notice or an entry left out, only
        # a line of it, or nothing (a topic written by its name, taken for it).
        head = (
            "⚠️ Có lỗi trong tệp nội dung (mỗi lỗi có ghi ảnh hưởng của nó); các phần khác vẫn "
            "hoạt động."
        )
    lines = [head, "Vui lòng sửa (tệp:dòng: lỗi):", *problems[:20]]
    if len(problems) > 20:
        lines.append(f"... và {figure(len(problems) - 20)} lỗi khác")
    return "\n".join(lines)


def admin_warnings(warnings: Sequence[str]) -> str:
    """Warnings about files staff just saved (check_unseen_picture's lines): unlike the
    mistakes of admin_problems, what they name is used all the same."""
    lines = [
        "⚠️ Cảnh báo về tệp nội dung vừa lưu (không phải lỗi: các mục và thông báo này vẫn "
        "được dùng, chỉ là người dân sẽ không thấy đủ như cán bộ thấy):",
        *warnings[:20],
    ]
    if len(warnings) > 20:
        lines.append(f"... và {figure(len(warnings) - 20)} cảnh báo khác")
    return "\n".join(lines)


def admin_problems_fixed() -> str:
    """Every problem admins were told of in faq.yaml and content/ is gone."""
    return (
        "✅ Các lỗi đã báo trong faq.yaml và thư mục thông báo đều đã được sửa; bot đang dùng "
        "đủ các tệp."
    )


def admin_faq_readable(faq: int, *, rest_fixed: bool = False) -> str:
    """faq.yaml serves again, whole, after admins were told it could not be read or had
    lost many entries; `rest_fixed`: so is every other mistake they were told of."""
    readable = (
        f"✅ faq.yaml đã đọc được bình thường trở lại: bot đang trả lời theo tệp vừa lưu "
        f"({figure(faq)} câu hỏi đáp)."
    )
    return f"{readable}\n{admin_problems_fixed()}" if rest_fixed else readable


def admin_faq_shrank(gone: Sequence[str], before: int, after: int, backup: str) -> str:
    lines = [
        f"⚠️ faq.yaml vừa mất {figure(len(gone))} trong số {figure(before)} câu hỏi đáp "
        f"(còn {figure(after)}); "
        "có thể tệp bị cắt mất một đoạn hoặc bị xóa nhầm.",
        "Các mã (id) không còn nữa:",
        *gone[:20],
    ]
    if len(gone) > 20:
        lines.append(f"... và {figure(len(gone) - 20)} mã khác")
    lines += ["", f"Nếu không cố ý xóa, có thể lấy lại bản trước trong tệp {backup}."]
    return "\n".join(lines)


def admin_topics_gone(followed: Sequence[tuple[str, int]], days: int) -> str:
    """Topics faq.yaml no longer has that chats follow: (topic id, how many follow it).
    Added again within `days` under a new id with the same name, one keeps its followers
    (wardbot.topic_renames)."""
    lines = [
        "⚠️ faq.yaml không còn các chủ đề dưới đây, nhưng vẫn có người dân đang theo dõi: "
        "họ sẽ không nhận được tin báo nào về các chủ đề này nữa.",
        *(f"• {topic_id}: {figure(count)} người theo dõi" for topic_id, count in followed),
        "",
        "Nếu chỉ định đổi mã (id) của chủ đề, vui lòng đặt lại mã cũ trong faq.yaml, hoặc "
        f"thêm chủ đề với mã mới nhưng giữ nguyên tên trong vòng {days} ngày: em sẽ tự chuyển "
        "người theo dõi sang mã mới. Nếu cố ý bỏ chủ đề thì không cần làm gì thêm.",
    ]
    return "\n".join(lines)


def admin_topic_followers_moved(old_topic: str, new_topic: str, name: str, followers: int) -> str:
    """Staff changed a topic's id in faq.yaml, and its followers were moved to the new id."""
    return (
        f"ℹ️ Chủ đề “{name}” trong faq.yaml đã đổi mã (id) từ {old_topic} thành {new_topic}. "
        f"Em đã chuyển {figure(followers)} người đang theo dõi sang mã mới; họ vẫn nhận tin "
        "về chủ đề này như trước, không cần đặt lại mã cũ."
    )


def admin_notices_untagged(notices: Sequence[tuple[str, str]]) -> str:
    """New notices in no topic, alerted to nobody: (id, title) each."""
    return "\n".join(
        f"⚠️ Thông báo mới “{title}” ({notice_id}.md): {announce_silent_no_topic()}."
        for notice_id, title in notices
    )


def admin_notices_misdated(
    misdated: Sequence[tuple[str, str, dt.date, dt.date]], max_age: int
) -> str:
    """New notices alerted to nobody for their old date: line: (id, title, date, the date
    its file is named by) each."""
    return "\n".join(
        f"⚠️ Thông báo mới “{title}” ({notice_id}.md) không được báo cho người theo dõi: "
        f"dòng date: ghi ngày {vn_date(date)}, cũ hơn {max_age} ngày, trong khi tên tệp ghi "
        f"ngày {vn_date(named)}. Nếu tệp được chép từ một thông báo cũ, hãy sửa dòng date: — "
        "tin sẽ được báo ngay khi sửa xong."
        for notice_id, title, date, named in misdated
    )


def admin_notices_dated_ahead(ahead: Sequence[tuple[str, str, dt.date]], max_days: int) -> str:
    """New notices dated over `max_days` ahead: (id, title, date) each."""
    return "\n".join(
        f"⚠️ Thông báo mới “{title}” ({notice_id}.md) đề ngày {vn_date(date)}, sau hôm nay hơn "
        f"{max_days} ngày: nếu gõ nhầm năm, hãy sửa dòng date: — cho tới ngày đó thông báo này "
        "luôn đứng đầu các tin mới nhất."
        for notice_id, title, date in ahead
    )


def admin_content_gone(count: int, folder: str, *, folder_missing: bool) -> str:
    where = (
        f"Thư mục thông báo {folder} không còn nữa (bị xóa, đổi tên hay chuyển đi nơi khác?)"
        if folder_missing
        else f"Thư mục thông báo {folder} vừa trống"
    )
    gone, these, they = (
        ("thông báo duy nhất trong đó đã biến mất", "thông báo này", "thông báo đó")
        if count == 1
        else (f"{_all_of(count, 'thông báo')} biến mất cùng lúc", "các thông báo này", "chúng")
    )
    return (
        f"⚠️ {where}: {gone}, bot không còn trả lời được về {these}.\n\n"
        f"Nếu không cố ý xóa, vui lòng khôi phục ngay: tin báo chưa gửi về {these} sẽ bị "
        f"hủy nếu sau khoảng một phút {they} vẫn chưa trở lại."
    )


def admin_content_back(count: int) -> str:
    return (
        f"✅ Thư mục thông báo đã có lại {figure(count)} thông báo: bot trả lời được về "
        f"{'thông báo này' if count == 1 else 'các thông báo này'}."
    )


# --- the staff files, on the command line (bot.py check, bot.py announce) ------------
# Each problem itself (`file:line: ...`) is worded where it is found (faq_file, notices...).


def check_summary(topics: int, faq: int, notices: int, problems: int, *, warned: bool) -> str:
    loaded = (
        f"đã nạp {figure(topics)} chủ đề, {figure(faq)} câu hỏi đáp, {figure(notices)} thông báo"
    )
    if problems:
        return f"{figure(problems)} lỗi cần sửa (ở các dòng trên); {loaded}."
    if warned:
        return f"Không có lỗi, nhưng xem cảnh báo ở trên; {loaded}."
    return f"Không có lỗi; {loaded}."


def check_sample_notices(folder: str, sample_ids: list[str]) -> str:
    """`bot.py check`: notices in `folder` that are still the sample ward's, shipped with
    the bot (another ward's news), which residents would read as this ward's."""
    more = f" và {figure(len(sample_ids) - 1)} thông báo khác" if len(sample_ids) > 1 else ""
    return (
        f"cảnh báo: {folder}: {sample_ids[0]}.md{more} là thông báo của phường mẫu đi kèm "
        "chương trình, không phải của phường mình: người dân sẽ đọc chúng như tin của phường "
        "(/latest, câu trả lời); hãy xóa chúng khỏi thư mục này"
    )


def check_data_unwritable(folder: str, why: str) -> str:
    """`bot.py check`: the data folder cannot be written (`why`: a few words, the system's),
    where the bot would start all the same, answering questions only."""
    return (
        f"cảnh báo: {folder}: bot không ghi được vào thư mục dữ liệu này ({why}): khi chạy, "
        "bot chỉ trả lời câu hỏi, còn đăng ký nhận tin, tin báo và nhật ký câu hỏi đều ngừng "
        "cho đến khi ghi được; hãy kiểm tra DATA_DIR (hoặc --data), quyền ghi của người dùng "
        "chạy bot và chỗ trống trên ổ đĩa"
    )


def check_bare_keyword(faq_file: str, topic_id: str, keyword: str) -> str:
    """A topic's keyword of one word typed without accents ("rac"): it tags only notices
    spelling it so, never one writing "rác", since it could be several words."""
    return (
        f"cảnh báo: {faq_file}: chủ đề '{topic_id}': từ khóa '{keyword}' gõ không dấu chỉ "
        f"khớp đúng chữ '{keyword}' không dấu, không khớp chữ có dấu trong thông báo (một "
        "chữ không dấu có thể là nhiều chữ khác nhau), nên người theo dõi chủ đề có thể lỡ "
        "tin; hãy gõ từ khóa này có dấu, hoặc ghi cả cụm từ (cụm từ không dấu vẫn khớp)"
    )


def check_dated_otherwise(where: str, date: dt.date, named: dt.date) -> str:
    """A notice whose date: line is not the date its file is named by (`where`: file:line):
    before it, most often copied from an older notice; after it, a year or month mistyped."""
    cause = "tệp được chép từ một thông báo cũ" if date < named else "gõ nhầm năm hay tháng"
    return (
        f"cảnh báo: {where}: dòng date: ghi ngày {date.isoformat()}, tên tệp ghi ngày "
        f"{named.isoformat()}: nếu {cause}, hãy sửa dòng date:"
    )


def check_unseen_picture(
    where: str, label: str, address: str, *, in_faq: bool, link: str = "", tag: bool = False
) -> str:
    """A picture in an answer or a notice (`where`: file:line): every channel shows text
    only, and drops it with its label; a link to it is shown as "label (address)". `link`:
    the address of a link the picture is inside, which residents read in its place; `tag`:
    an HTML <img>, which residents read as typed."""
    if address.startswith("data:"):  # pasted into the file itself: its bytes, thousands
        address = address.split(",", 1)[0] + ",…"
    named = f"hình '{label}' ({address})" if label else f"hình {address}"
    lost = f", cùng chữ '{label}' trong [ ]" if label and not tag else ""
    label = label or "xem hình"
    if link.startswith(("http://", "https://")):  # [![label](address)](link)
        lost += f", chỉ còn đường dẫn {link} mà hình nằm trong"
        how = f"thay hình bằng chữ nói hình là gì, [{label}]({link})"
        shown = f"{label} ({link})"
    elif address.startswith(("http://", "https://")):
        start = "thay thẻ <img …> bằng" if tag else "bỏ dấu ! ở đầu để hình thành"
        how = f"{start} đường dẫn, [{label}]({address})"
        shown = f"{label} ({address})"
    else:
        how = (
            "đăng hình lên trang web của phường rồi thay hình bằng đường dẫn tới nó, "
            f"[{label}](địa chỉ của hình, bắt đầu bằng https://)"
        )
        shown = f"{label} (địa chỉ đó)"
    used = "mục này" if in_faq else "thông báo này"
    sent = "người dân đọc nguyên thẻ HTML <img …> như đã gõ" if tag else "bỏ hình đi"
    return (
        f"cảnh báo: {where}: người dân không thấy {named}: bot chỉ gửi chữ nên {sent}"
        f"{lost}; muốn người dân xem được hình, hãy {how}: người dân sẽ đọc "
        f'"{shown}" và bấm vào để xem — {used} vẫn được dùng'
    )


def faq_unusable(faq_file: str, saved: str | None) -> str:
    """faq.yaml cannot be used; `saved`: the last good copy the bot keeps serving, if any."""
    if saved is None:
        return (
            f"{faq_file} chưa đọc được và chưa có bản đúng nào trước đó: bot không có câu hỏi "
            "đáp và chủ đề nào cho đến khi sửa xong các lỗi trên."
        )
    return f"{faq_file} chưa dùng được: bot vẫn dùng bản đúng gần nhất, {saved}."


def faq_other_files_copy(saved: str, faq_file: str) -> str:
    """The last good copy is another file's (loader.another_file): not served."""
    return (
        f"{saved} không phải bản trước đây của {faq_file} (không có mã id nào của tệp này "
        "trong đó), nên bot không dùng bản đó."
    )


def faq_shrank_warning(faq_file: str, gone: Sequence[str], before: int, saved: str) -> str:
    return (
        f"cảnh báo: {faq_file} mất {figure(len(gone))} trong số {figure(before)} câu hỏi đáp "
        f"so với {saved} "
        f"(có thể tệp bị cắt mất một đoạn hay bị xóa nhầm): {', '.join(gone)}"
    )


def announce_faq_warning(faq_file: str, saved: str | None) -> str:
    """`announce` while faq.yaml cannot be used."""
    if saved is None:
        return (
            f"cảnh báo: {faq_file} chưa đọc được và chưa có bản đúng nào trước đó: bot không "
            "có chủ đề nào cho đến khi sửa xong (xem `bot.py check`)."
        )
    return (
        f"cảnh báo: {faq_file} chưa dùng được (xem `bot.py check`): bot vẫn dùng {saved}, "
        "và thông báo được kiểm tra theo chủ đề và mã trong bản đó."
    )


def announce_unreadable(source: str) -> str:
    return f"{source}: không đọc được tệp — thông báo này chưa được đăng"


def announce_refuses_note() -> str:
    """What a line the running bot would leave out or read otherwise (a topic written by its
    name, a link without https://) costs with `announce`, which publishes no notice with a
    mistake in it: said after " — " in place of "thông báo vẫn được đăng"."""
    return "announce chưa đăng thông báo này: hãy sửa dòng này rồi chạy lại lệnh"


def faq_entry_kept(mistake: str, because: str, noun: str = "mục") -> str:
    """A mistake that would skip an FAQ entry (`noun` "mục"; or a topic, "chủ đề") the bot
    served before the edit that brought it: it keeps serving as it last read, until fixed
    (as a notice does). `mistake`: what is wrong, as staff are told it; `because`: what
    the edited one lacks, said after it ("" or " vì thiếu câu trả lời")."""
    return (
        f"{mistake} — bản sửa này của {noun} chưa được dùng{because}; "
        f"bot vẫn dùng bản trước đó của {noun} này cho tới khi sửa xong"
    )


def faq_entries_run_together_kept(
    mistake: str, kept: Sequence[str], skipped: Sequence[str], noun: str = "mục"
) -> str:
    """Two FAQ entries (or topics: `noun` "chủ đề") run together, the second's '- ' lost,
    some of which the bot served before (`kept`, their ids): those keep serving as they
    last read until fixed; the others (`skipped`, new ones) are not used yet."""
    named = ", ".join(f"'{ident}'" for ident in kept)
    which = f"{noun} {named}" if len(kept) == 1 else f"các {noun} {named}"
    said = f"bot vẫn dùng bản trước đó của {which} cho tới khi sửa xong"
    if not skipped:
        of = {1: "", 2: f" của hai {noun}"}.get(len(kept), f" của {len(kept)} {noun}")
        return f"{mistake} — bản sửa này{of} chưa được dùng; {said}"
    others = ", ".join(f"'{ident}'" for ident in skipped)
    return f"{mistake} — {noun} {others} chưa được dùng; {said}"


def faq_entry_copy_skipped(mistake: str, kept_line: int, noun: str = "mục") -> str:
    """A mistake in a second copy of an FAQ entry (`noun` "mục"; or a topic, "chủ đề"; the
    same id written twice, both copies broken) the bot served before: the first copy is
    the one said kept (faq_entry_kept), this one is skipped, and it still serves as it
    last read. `mistake`: what is wrong, as staff are told it; `kept_line`: the first
    copy's line."""
    return (
        f"{mistake} — {noun} này được viết hai lần trong tệp (lần đầu ở dòng {kept_line}), "
        f"nên lần viết này bị bỏ qua; bot vẫn dùng bản trước đó của {noun} này cho tới khi "
        f"sửa xong: hãy sửa lỗi và chỉ giữ lại một lần viết của {noun}"
    )


def faq_entry_kept_asked_elsewhere(
    entry_id: str, other: str, other_line: int, as_question: bool
) -> str:
    """An FAQ entry an edit broke whose previous version would keep serving
    (faq_entry_kept), but whose question another entry of the file now asks (`other`, at
    `other_line`; `as_question`: as its question, else as one of its variants): two
    entries would answer it, so the other one, the staff's latest word, does and the
    broken one is skipped."""
    where = "câu hỏi" if as_question else "một cách hỏi (variants)"
    return (
        f"mục '{entry_id}' có lỗi ở bản sửa này, và câu hỏi của bản trước đó trùng với {where} "
        f"của mục '{other}' ở dòng {other_line}, nên bot dùng mục '{other}' cho câu hỏi này — cả "
        f"mục '{entry_id}' bị bỏ qua; nếu mục '{other}' thay cho mục này thì xóa mục này, "
        "nếu là hai việc khác nhau thì sửa lỗi và đặt câu hỏi khác"
    )


def faq_entry_kept_not_edited(entry_id: str, where: str, mistakes: Sequence[str]) -> str:
    """A chat edit (/variant, /redo) of an FAQ entry whose last edit has a mistake, so the
    bot serves its previous version (`faq_entry_kept`): an edit of the file's text would
    not reach residents, nor would the bot's own copy take it. `mistakes`: `file:line: ...`
    lines to fix first."""
    listed = "\n".join(mistakes)
    return (
        f"Mục '{entry_id}' trong {where} đang có lỗi nên chưa sửa được: bot vẫn dùng bản "
        f"trước đó của mục này cho tới khi lỗi được sửa. Hãy sửa lỗi này trước rồi gửi lại "
        f"lệnh:\n{listed}"
    )


def faq_entry_broken_not_edited(entry_id: str, where: str, mistakes: Sequence[str]) -> str:
    """A chat edit (/variant, /redo) of an FAQ entry a mistake skips, with no previous
    version the bot serves instead (a new entry, or none kept yet): the way of asking would
    go into a block the bot does not read, and reach no resident. `mistakes`: `file:line:
    ...` lines to fix first."""
    listed = "\n".join(mistakes)
    return (
        f"Mục '{entry_id}' trong {where} đang có lỗi nên bot chưa dùng mục này, và chưa thêm "
        f"cách hỏi vào được. Hãy sửa lỗi này trước rồi gửi lại lệnh:\n{listed}"
    )


def announce_source_changed(source: str) -> str:
    """`bot.py announce`: the notice changed while it was checked (still being saved)."""
    return (
        f"{source} vừa thay đổi trong lúc bot kiểm tra (có thể tệp đang được lưu hay chép "
        "vào), nên chưa đăng. Hãy chạy lại lệnh khi tệp đã lưu xong."
    )


def announce_exists(target: str) -> str:
    return (
        f"{target}:1: đã có một thông báo tên này trong thư mục thông báo — thông báo mới "
        "chưa được đăng; hãy đặt tên tệp khác"
    )


def announce_not_served(notice_id: str) -> str:
    return f"{notice_id}: bot không có thông báo này trong số thông báo đang đăng"


def announce_kept_unserved(target: str) -> str:
    return (
        f"{target} đã nằm trong thư mục thông báo nhưng bot không đăng: hãy sửa lỗi hoặc xóa tệp."
    )


def announce_failed(target: str, again: str, why: str) -> str:
    """`announce` copied the notice, then could not index it or queue its alerts; `again`:
    the command to run again, as the shell takes it."""
    return (
        f"{target} đã nằm trong thư mục thông báo nhưng chưa lập chỉ mục hay xếp tin báo được "
        f"({why}); bot đang chạy sẽ tự nhận tệp, hoặc chạy lại: {again}"
    )


def data_not_written(data_dir: str, why: str) -> str:
    """A command could not write in the data folder (read-only, full, not the owner)."""
    return f"không ghi được vào thư mục dữ liệu {data_dir}: {why}"


def announce_published(
    target: str,
    queued: int | None,
    why: str | None = None,
    gather: int = 0,
    morning: str | None = None,
    quiet: str = "",
) -> str:
    """`why`: why a notice that queued no alert alerts nobody (one of announce_silent_*);
    `gather`: ALERT_GATHER_SECONDS, how long a running bot waits before sending them;
    `morning`: when they leave, held by the quiet hours `quiet` ('6:30 sáng mai')."""
    if queued and morning:
        return (
            f"đã đăng {target}\nđã lập chỉ mục; đã xếp {figure(queued)} tin báo: gửi lúc {morning} "
            f"(từ {quiet} không gửi tin báo ban đêm) nếu bot đang chạy, nếu không "
            "thì khi bot chạy lại; nếu cần báo ngay trong đêm (bão, lũ, cắt nước tối nay), "
            f"hãy thêm dòng urgent: true vào phần đầu của {target}"
        )
    if queued is None:
        then = (
            "đã lập chỉ mục; không xếp tin báo nào (thông báo đã có từ trước, hoặc bot chưa "
            "từng chạy ở đây)"
        )
    elif queued == 0:
        then = (
            f"đã lập chỉ mục; {why or 'không ai theo dõi chủ đề của thông báo'}: không gửi tin báo"
        )
    else:
        then = (
            f"đã lập chỉ mục; đã xếp {figure(queued)} tin báo: "
            + (
                f"gửi sau khoảng {gather} giây (gộp chung với thông báo đăng cùng lúc)"
                if gather
                else "gửi ngay"
            )
            + " nếu bot đang chạy, nếu không thì khi bot chạy lại"
        )
    return f"đã đăng {target}\n{then}"


def announce_left_to_the_bot(target: str) -> str:
    """`announce` where no channel that sends alerts is configured (no token in its
    environment): the running bot queues them for the channels it runs."""
    return (
        f"đã đăng {target}\nđã lập chỉ mục; chưa xếp tin báo: ở đây chưa cấu hình kênh gửi "
        "tin (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN), nên bot sẽ tự xếp tin báo cho các kênh "
        "của nó khi thấy thông báo: ngay nếu bot đang chạy, nếu không thì khi bot chạy lại"
    )


def announce_silent_expired(expires: dt.date) -> str:
    return f"thông báo đã hết hạn (expires: {vn_date(expires)})"


def announce_silent_old(day: dt.date, max_age: int) -> str:
    return (
        f"thông báo đề ngày {vn_date(day)}, cũ hơn {max_age} ngày, nên được lưu như tin cũ "
        "(không báo lại cho người dân)"
    )


def announce_silent_no_topic() -> str:
    """A notice with no topics: line, or one the running bot left out (it names no topic
    faq.yaml has), and no topic's keyword in its text."""
    return (
        "thông báo không thuộc chủ đề nào (dòng topics: không có mã chủ đề nào có trong "
        "faq.yaml, hoặc không có dòng này, và trong bài không có từ khóa của chủ đề nào), nên "
        "chưa ai nhận tin; ghi dòng topics: [mã chủ đề] vào thông báo (xem mã ở phần topics: "
        "của faq.yaml) thì bot sẽ báo cho người theo dõi chủ đề đó"
    )


def announce_silent_no_follower(topic_names: Sequence[str]) -> str:
    return f"chưa ai theo dõi chủ đề {', '.join(topic_names)} của thông báo"


_TASKS = {
    "watcher": "theo dõi faq.yaml và thư mục thông báo (cập nhật câu trả lời, chuẩn bị tin "
    "báo về thông báo mới)",
    "retention": "xóa nhật ký câu hỏi cũ (QUESTION_LOG_DAYS)",
    "portal": "đọc tin từ cổng thông tin của {unit} (PORTAL_FEEDS)",
    "staff-desk": "chuyển câu hỏi của người dân vào nhóm cán bộ (STAFF_CHAT_ID; bot còn "
    "trong nhóm và còn quyền quản trị không?)",
    "weekly": "gửi báo cáo tuần cho cán bộ quản trị mỗi sáng thứ Hai (WEEKLY_REPORT)",
}
# The search index could not be written in the data folder (wardbot.engine.index_state).
_INDEX_FAILING = (
    "⚠️ Bot không ghi được chỉ mục tìm kiếm vào thư mục dữ liệu (DATA_DIR) trên máy chủ. "
    "Người dân vẫn được trả lời theo nội dung bot đang có, nhưng thông báo mới và những chỉnh "
    "sửa faq.yaml, thư mục thông báo có thể chưa tra cứu được và chưa được báo cho người theo "
    "dõi. Bot tự thử lại mỗi khi tệp thay đổi và ít nhất 30 giây một lần.\n\n"
    "Trong lúc lỗi, /healthz báo “index”: false. Vui lòng kiểm tra ổ đĩa của máy chủ (còn "
    "trống không) và quyền ghi vào thư mục dữ liệu."
)
# Chat channels that could not start: (platform, the setting holding the bot's token).
_CHANNELS = {
    "telegram": ("Telegram", "TELEGRAM_BOT_TOKEN"),
    "zalo": ("Zalo", "ZALO_BOT_TOKEN"),
    "zalo-oa": ("Zalo Official Account", "ZALO_OA_REFRESH_TOKEN"),
}


def _part(ward_name: str, task: str) -> str:
    """The part of the bot named `task` (in /healthz), as admins read it."""
    if task == "index":
        return "ghi chỉ mục tìm kiếm vào thư mục dữ liệu"
    channel, _, kind = task.rpartition("-")
    if task in _CHANNELS:
        return f"kết nối với {_CHANNELS[task][0]}"
    if kind == "alerts":
        return f"gửi tin báo qua {_CHANNELS.get(channel, (channel.capitalize(),))[0]}"
    return _TASKS.get(task, task).format(unit=unit(ward_name))


def admin_task_failing(ward_name: str, task: str) -> str:
    """A part of the bot stopped on an error (or could not start) and is tried again."""
    if task == "index":
        return _INDEX_FAILING
    what = _part(ward_name, task)
    check = (
        "máy chủ (ổ đĩa còn trống không, tệp dữ liệu bot.sqlite3 có bị chương trình khác giữ không)"
    )
    if task in _CHANNELS:
        platform, token = _CHANNELS[task]
        what += f" (người dân nhắn qua {platform} tạm chưa được trả lời)"
        check = f"kết nối mạng của máy chủ tới {platform} và mã bot {token} (có bị đổi không)"
    return (
        f"⚠️ Bot vừa gặp lỗi ở phần {what} và đang tự chạy lại phần này "
        "(các lần thử thưa dần); chi tiết lỗi có trong nhật ký (log) của bot.\n\n"
        f"Trong lúc lỗi, /healthz báo “{task}”: false. Nếu lỗi kéo dài, vui lòng kiểm tra "
        f"{check}."
    )


def admin_part_down(ward_name: str, task: str, since: dt.datetime) -> str:
    """A part that runs but has not done its work since `since` (Vietnam time): a
    channel's platform not answering its polls, an alert sender whose sends all fail."""
    at = f"{since:%H:%M} ngày {since:%d/%m}"
    channel, _, kind = task.rpartition("-")
    if task in _CHANNELS:
        platform, token = _CHANNELS[task]
        what = (
            f"không nhận được tin nhắn qua {platform}: người dân nhắn qua {platform} tạm chưa "
            "được trả lời"
        )
        check = (
            f"kết nối mạng của máy chủ tới {platform} và mã bot {token} (có bị đổi không), "
            f"hoặc {platform} đang gặp sự cố"
        )
    elif kind == "alerts":
        platform = _CHANNELS.get(channel, (channel.capitalize(),))[0]
        what = (
            f"không gửi được tin báo qua {platform}: mọi lần gửi đều lỗi. Tin báo được giữ lại "
            "và gửi tiếp khi gửi được"
        )
        check = f"kết nối mạng của máy chủ tới {platform}; chi tiết lỗi có trong nhật ký (log)"
    else:
        what = f"không chạy được phần {_part(ward_name, task)}"
        check = "nhật ký (log) của bot"
    return (
        f"⚠️ Từ {at}, bot {unit(ward_name)} {what}. Bot tự thử lại, không cần khởi động "
        f"lại.\n\nTrong lúc đó, /healthz báo “{task}”: false. Nếu kéo dài, vui lòng kiểm tra "
        f"{check}."
    )


def admin_task_back(ward_name: str, task: str) -> str:
    """A part admins were told failed (admin_task_failing) has run well for minutes."""
    done = ""
    if task in _CHANNELS:
        platform = _CHANNELS[task][0]
        done = f" Người dân nhắn qua {platform} lại được trả lời như thường."
    elif task.endswith("-alerts"):
        done = " Tin báo còn chờ được gửi tiếp."
    what = _part(ward_name, task).split(" (")[0]  # without the failing note's hints
    return (
        f"✅ Bot {unit(ward_name)} đã chạy bình thường trở lại phần {what}, sau lỗi đã báo "
        f"trước đó.{done} Không cần làm gì thêm; /healthz báo “{task}”: true."
    )


def admin_disk_full(ward_name: str, data_dir: str) -> str:
    """The disk holding the data folder filled while the bot runs: what it means for
    residents and what to do (once per episode, straight through the channels)."""
    return (
        f"⚠️ Ổ đĩa của máy chủ chạy bot {unit(ward_name)} đã đầy: bot không ghi thêm được gì "
        f"vào thư mục dữ liệu ({data_dir}).\n\n"
        "Người dân nhắn tin vẫn được trả lời theo nội dung bot đang có. Nhưng trong lúc này "
        "bot không nhận được đăng ký theo dõi chủ đề mới, tin báo về thông báo mới và câu hỏi "
        "chuyển cho cán bộ có thể phải chờ, nhật ký câu hỏi tạm không được ghi.\n\n"
        "Vui lòng giải phóng dung lượng trên ổ đĩa của máy chủ (xóa tệp nhật ký, bản sao lưu "
        "cũ không còn cần). Bot tự ghi lại được khi ổ đĩa có chỗ trống, không cần khởi động "
        "lại, và sẽ báo tin khi đã ghi được. Trong lúc này, /healthz báo “data”: false."
    )


def admin_disk_room_again(ward_name: str, lasted: float) -> str:
    """The data folder's disk has room again after admins were told it was full."""
    return (
        f"✅ Ổ đĩa của máy chủ chạy bot {unit(ward_name)} đã có chỗ trống, bot ghi dữ liệu "
        f"bình thường trở lại (gián đoạn khoảng {duration(lasted)}). Đăng ký theo dõi, tin báo "
        "và câu hỏi chuyển cho cán bộ hoạt động lại; tin báo còn chờ sẽ được gửi tiếp. Người "
        "dân nào vừa đăng ký không được có thể đăng ký lại."
    )


def admin_disk_full_at_start(ward_name: str, data_dir: str) -> str:
    """The bot started on a full disk (read-only: answering only): what it means for
    residents, what to do, and that a restart is needed once there is room."""
    return (
        f"⚠️ Bot {unit(ward_name)} vừa khởi động khi ổ đĩa của máy chủ đã đầy: bot không ghi "
        f"được gì vào thư mục dữ liệu ({data_dir}) nên hiện chỉ trả lời câu hỏi.\n\n"
        "Người dân nhắn tin vẫn được trả lời theo nội dung bot đang có. Nhưng trong lúc này "
        "bot không nhận đăng ký theo dõi chủ đề, không gửi tin báo về thông báo mới, không "
        "chuyển câu hỏi cho cán bộ và không ghi nhật ký câu hỏi.\n\n"
        "Vui lòng giải phóng dung lượng trên ổ đĩa của máy chủ (xóa tệp nhật ký, bản sao lưu "
        "cũ không còn cần). Bot sẽ báo tin khi ổ đĩa có chỗ trống; khi đó cần khởi động lại "
        "bot để bot ghi dữ liệu trở lại. Trong lúc này, /healthz báo “data”: false."
    )


def admin_disk_room_restart(ward_name: str, lasted: float) -> str:
    """The disk of a bot started on a full disk has room again: a restart makes it write."""
    return (
        f"✅ Ổ đĩa của máy chủ chạy bot {unit(ward_name)} đã có chỗ trống. Bot đã chỉ trả lời "
        f"câu hỏi trong khoảng {duration(lasted)} vừa qua và vẫn chưa ghi dữ liệu được cho "
        "đến khi được khởi động lại.\n\n"
        "Vui lòng khởi động lại bot: sau đó đăng ký theo dõi, tin báo và câu hỏi chuyển cho "
        "cán bộ hoạt động lại, thông báo mới đăng trong lúc này sẽ được báo cho người theo "
        "dõi. Người dân nào vừa đăng ký không được có thể đăng ký lại."
    )


def admin_zalo_oa_refused(ward_name: str) -> str:
    """Zalo refuses the Official Account's refresh token for good (consent revoked): the
    OA channel is down until staff give the app access again."""
    return (
        "⚠️ Zalo không còn cho bot dùng Official Account (OA) của "
        f"{unit(ward_name)}: quyền truy cập của ứng dụng đã bị thu hồi hoặc mã làm mới "
        "(refresh token) không còn hiệu lực. Người dân nhắn qua OA tạm chưa được trả lời và "
        "tin báo qua OA chờ gửi sau; các kênh khác vẫn hoạt động bình thường.\n\n"
        "Vui lòng cấp quyền lại cho ứng dụng của OA trên developers.zalo.me, đặt mã mới vào "
        "ZALO_OA_REFRESH_TOKEN rồi khởi động lại bot. Trong lúc này, /healthz báo "
        "“zalo-oa”: false."
    )


def admin_zalo_token_refused(ward_name: str) -> str:
    """Zalo has refused the bot's token for minutes (reset in Bot Creator, or expired):
    the Zalo channel is deaf until staff set the new one."""
    return (
        f"⚠️ Zalo không chấp nhận mã của bot Zalo {unit(ward_name)} (ZALO_BOT_TOKEN) đã vài "
        "phút nay: mã có thể đã được đặt lại trong Zalo Bot Creator hoặc đã hết hạn. Người dân "
        "nhắn qua Zalo tạm chưa được trả lời và tin báo qua Zalo chờ gửi sau, không ai bị mất "
        "đăng ký; các kênh khác vẫn hoạt động bình thường.\n\n"
        "Vui lòng lấy mã mới trong Zalo Bot Creator, đặt vào ZALO_BOT_TOKEN rồi khởi động lại "
        "bot. Trong lúc này, /healthz báo “zalo”: false."
    )
