"""Warnings `bot.py check` gives (a picture residents will not see) reach staff from the
running bot too: when staff save faq.yaml or a notice, the admin hears of each once, as a
warning (the entry is used), not again at a reload or a restart over the same files. The
ward, recording channel and watcher of tests/test_alerts.py."""

from __future__ import annotations

from pathlib import Path

from test_alerts import (
    ADMIN,
    Ward,
    admin_notes,
    close_ward,
    open_ward,
    restarted,
    ward,
    write_notice,
)

# test_alerts' fixture, used here too
__all__ = ["ward"]

LOST_CARD = "Người dân dùng ứng dụng VssID thay cho thẻ giấy"
FORM = "![mẫu tờ khai TK1-TS](hinh/tk1-ts.png)"


def picture_in_answer(ward: Ward, picture: str = FORM, *, also: str = "") -> None:
    """Staff save faq.yaml with `picture` on a line of its own in the lost card's answer."""
    faq = ward.settings.faq_file
    text = faq.read_text(encoding="utf-8")
    if FORM in text:
        text = text.replace(f"      {FORM}\n", "")
    text = text.replace(f"      {LOST_CARD}", f"      {picture}\n      {also}{LOST_CARD}", 1)
    faq.write_text(text, encoding="utf-8")


def line_of(ward: Ward, text: str) -> int:
    lines = ward.settings.faq_file.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


async def test_a_picture_saved_in_an_answer_is_told_to_the_admin_once_as_a_warning(
    tmp_path: Path,
) -> None:
    ward = await open_ward(tmp_path)
    try:
        await ward.alerts.sync()
        picture_in_answer(ward)
        await ward.watcher.refresh()
        (told,) = await admin_notes(ward)
        assert [chat for chat, _, _ in ward.channel.sent] == [ADMIN.chat_id]
        head, line = told.split("\n")
        assert head.startswith("⚠️ Cảnh báo") and "không phải lỗi" in head
        assert line.startswith(f"cảnh báo: faq.yaml:{line_of(ward, FORM)}: người dân không thấy")
        assert "'mẫu tờ khai TK1-TS' (hinh/tk1-ts.png)" in line
        assert line.endswith("mục này vẫn được dùng")
        answer = ward.engine.ask("mất thẻ bhyt").best
        assert answer is not None and answer.id == "bhyt-mat-the", "the entry is still used"

        # /reload, a watcher's look, a restart over the same files: nothing more.
        await ward.watcher.refresh(force=True)
        await ward.watcher.refresh()
        ward = await restarted(ward, later=3 * 86400)
        assert await admin_notes(ward) == []
    finally:
        await close_ward(ward)


async def test_each_save_of_the_answer_holding_a_picture_is_warned_once(ward: Ward) -> None:
    """A save that changes the answer keeping its picture is warned of again; a save of
    another entry is not, nor is a picture's line moved by an edit above it."""
    picture_in_answer(ward)
    await ward.watcher.refresh()
    faq = ward.settings.faq_file
    text = faq.read_text(encoding="utf-8")
    faq.write_text(
        text.replace("      - mua bhyt cho cả nhà hết bao nhiêu\n", "      - bhyt cả nhà\n"),
        encoding="utf-8",
    )
    await ward.watcher.refresh()
    assert len(await admin_notes(ward)) == 1
    picture_in_answer(ward, also="Mang theo căn cước. ")
    await ward.watcher.refresh()
    notes = await admin_notes(ward)
    assert len(notes) == 2 and f"faq.yaml:{line_of(ward, FORM)}:" in notes[1]


async def test_a_picture_in_a_new_notice_is_told_with_the_notice_file(ward: Ward) -> None:
    notice = write_notice(
        ward.content,
        "lich-tiem",
        "Lịch tiêm chủng tháng 12",
        topics="bhyt",
        body="Lịch tiêm như sau.\n\n![lịch tiêm](https://phuong2.gov.vn/lich.png)\n",
    )
    await ward.watcher.refresh()
    (warning,) = await admin_notes(ward)  # (the notice's alerts go to no one yet)
    assert f"cảnh báo: content/{notice}.md:8: người dân không thấy hình 'lịch tiêm'" in warning
    assert "bỏ dấu ! ở đầu" in warning and warning.endswith("thông báo này vẫn được dùng")
    await ward.watcher.refresh(force=True)
    assert await admin_notes(ward) == [warning]


async def test_an_answer_typed_on_two_lines_without_a_bar_is_told_once_as_kept(
    ward: Ward,
) -> None:
    """The other warning of `bot.py check` reaches the admin as a mistake of faq.yaml does
    (told once, while it lasts), saying the entry is still used."""
    faq = ward.settings.faq_file
    lines = faq.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if LOST_CARD in line)
    lines[at - 1 : at + 1] = [
        "    answer: Dùng ứng dụng VssID thay thẻ giấy\n",
        "      hoặc xin cấp lại thẻ ở BHXH.\n",
    ]
    faq.write_text("".join(lines), encoding="utf-8")
    await ward.watcher.refresh()
    await ward.watcher.refresh(force=True)
    (told,) = await admin_notes(ward)
    assert f"faq.yaml:{line_of(ward, 'answer: Dùng ứng dụng')}: mục 'bhyt-mat-the'" in told
    assert "`answer: |`" in told and told.endswith("tạm nối các dòng, mục vẫn được dùng")
