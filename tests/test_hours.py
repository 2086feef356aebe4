"""Office hours: the OFFICE_HOURS setting, open or closed at a given moment, and the sentence
telling residents when staff will answer. Times are injected (Vietnam is UTC+7)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from wardbot.config import ConfigError, Settings
from wardbot.hours import OfficeHours, neutral_sentence, staff_answer_time

VN = timezone(timedelta(hours=7))
WEEKDAYS = "T2-T6 7:30-11:30 13:30-17:00"
WITH_SATURDAY = WEEKDAYS + "; T7 7:30-11:30"
WARD = "UBND Phường 2"


def vn(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    """A moment in Vietnam time, in the week of Monday 30/11/2026 (27/11 is a Friday)."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=VN)


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "t2-t6 7:30-11:30 13:30-17:00; t7 7:30-11:30",
        "T2 - T6  7h30-11h30, 13h30 - 17h00 ; T7 7:30–11:30",
        "Mon-Fri 7:30-11:30 13:30-17:00; Sat 7:30-11:30",
        "T2,T3,T4,T5,T6 7:30-11:30 13:30-17:00\nSaturday 7:30-11:30;",
        "T2-T6 7:30-11:30; T2-T6 13:30-17:00; T7 7:30-10:00 9:00-11:30",
        # A comma before the next days, as ";": after the times only.
        "T2-T6 7h30-11h30 13h30-17h, T7 7h30-11h30",
        "thứ hai đến thứ sáu 7h30-11h30, 13h30-17h, thứ bảy 7h30-11h30",
        "T2-T6 sáng 7h30-11h30, chiều 13h30-17h, sáng thứ 7 7h30-11h30",
        "Mon-Fri 7:30-11:30, 13:30-17:00, Sat 7:30-11:30",
    ],
)
def test_the_same_hours_written_in_different_ways(text: str) -> None:
    assert OfficeHours.parse(text) == OfficeHours.parse(WITH_SATURDAY)


def test_a_day_list_and_sunday() -> None:
    hours = OfficeHours.parse("T2, T4 8-11; CN 8:00-10:00")
    assert hours.is_open(vn(30, 9))  # Monday
    assert not hours.is_open(vn(1, 9, month=12))  # Tuesday
    assert hours.is_open(vn(2, 9, month=12))  # Wednesday
    assert hours.is_open(vn(29, 9))  # Sunday
    assert not hours.is_open(vn(29, 10))


def test_a_day_named_in_two_groups_keeps_both() -> None:
    hours = OfficeHours.parse("T2-T6 7:30-11:30; T2 13:30-17:00")
    assert hours.is_open(vn(30, 14))  # Monday afternoon
    assert not hours.is_open(vn(1, 14, month=12))  # Tuesday afternoon
    assert hours.is_open(vn(1, 8, month=12))


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        # As ward staff write it out, with or without accents.
        ("Thứ 2-Thứ 6 7:30-11:30, 13:30-17:00", "T2-T6 7:30-11:30 13:30-17:00"),
        (
            "Thứ Hai đến Thứ Sáu: 7h30-11h30; thứ bảy 7:30 đến 11:30",
            "T2-T6 7:30-11:30; T7 7:30-11:30",
        ),
        ("từ thu hai den thu sau 8-11, 14-17", "T2-T6 8-11 14-17"),
        ("Thứ 2-6 7:30-11:30; Chủ nhật 8-10", "T2-T6 7:30-11:30; CN 8-10"),
        ("thứ 2, thứ tư, 6: 7:30-11:30", "T2,T4,T6 7:30-11:30"),
        ("Thứ 2 - chủ nhật 8-11", "T2-CN 8-11"),
        ("T2 đến T6 7:30 tới 11:30", "T2-T6 7:30-11:30"),
        # A range's second day as a bare number or word, with spaces or "đến".
        ("Thứ 2 - 6: 7h30 - 11h30", "T2-T6 7:30-11:30"),
        ("thu 2 den 6 7-11; T7 - CN 8-10", "T2-T6 7-11; T7-CN 8-10"),
        ("Thứ hai – sáu 7g30-11g30", "T2-T6 7:30-11:30"),
        ("T2-6 7:30-11:30", "T2-T6 7:30-11:30"),
        # The part of the day beside the times, "và" between them.
        (
            "Thứ 2 - Thứ 6: sáng 7h30-11h30, chiều 13h30-17h; Thứ 7 buổi sáng 7h30-11h30",
            "T2-T6 7:30-11:30 13:30-17:00; T7 7:30-11:30",
        ),
        ("Sáng thứ 7 7:30-11:30", "T7 7:30-11:30"),
        ("Thứ 2 - Chủ nhật 0h-24h", "T2-CN 0:00-24:00"),  # open all day
        ("T2-T6 7:30-11:30 sáng và 13:30-17:00 chiều", "T2-T6 7:30-11:30 13:30-17:00"),
        # A list's next day as a bare word: "thứ ba, năm" is Tuesday and Thursday.
        ("thứ ba, năm 7:30-11:30", "T3,T5 7:30-11:30"),
        ("thu hai, tu, sau 8-11", "T2,T4,T6 8-11"),
        # "tối" before a time range is the evening, not "tới" (to).
        ("T2-T6 buổi tối 18h-20h", "T2-T6 18:00-20:00"),
        ("T2-T6 toi 18h toi 20h", "T2-T6 18:00-20:00"),
        # ... also after the day's other times, not joined to them as a dash.
        ("T2-T6 sáng 7h-11h chiều 13h-17h tối 18h-20h", "T2-T6 7-11 13-17 18-20"),
        ("T2-T6 7:30-11:30 toi 18:00-20:00", "T2-T6 7:30-11:30 18:00-20:00"),
        # "làm (việc)" says nothing; "không làm (việc)" is a day closed.
        ("T2-T6 7-17; Thứ 7 làm việc buổi sáng 7h30-11h30", "T2-T6 7-17; T7 7:30-11:30"),
        ("T2-T6 7-11; T7, CN không làm việc", "T2-T6 7-11"),
        ("T2, T4 7h-11h, T3, T5 13h-17h", "T2,T4 7-11; T3,T5 13-17"),
        ("T2-T6 7h-17h, T7, CN nghỉ", "T2-T6 7-17"),
        ("Thứ 2 tới Thứ 6 7h tới 11h", "T2-T6 7-11"),
        # A day written as closed has no hours.
        ("T2-T6 7:30-11:30; Chủ nhật nghỉ", "T2-T6 7:30-11:30"),
        ("T2-T7 7-11; CN: nghi", "T2-T7 7-11"),
        # English Thursday before a time stays Thursday.
        ("Thu 8-11", "T5 8-11"),
        ("Mon-Thu 7-11", "T2-T5 7-11"),
        ("Mon - Thu 7 - 11", "T2-T5 7-11"),
        ("Thu 7:30-11:30", "T5 7:30-11:30"),
    ],
)
def test_days_written_out_in_vietnamese_are_read(text: str, same_as: str) -> None:
    assert OfficeHours.parse(text) == OfficeHours.parse(same_as)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "chưa có ngày và giờ nào"),
        (" ; ", "chưa có ngày và giờ nào"),
        ("T8 7:30-11:30", "không có ngày “T8” (trong “T8 7:30-11:30”)"),
        ("Thứ 8 7:30-11:30", "không có ngày “Thứ 8”"),
        # A day past Saturday is named, not read as a time nor as a word not understood.
        ("thứ 2 - thứ 8", "không có ngày “thứ 8” (trong “thứ 2 - thứ 8”)"),
        ("thu 2 - thu 8 7:30-11:30", "không có ngày “thu 8”"),
        # "tối" is the evening, checked against its times like "sáng" and "chiều".
        ("T2-T6 tối 7h-9h", "“tối” trong “T2-T6 tối 7h-9h” không khớp"),
        ("buổi tối 18h-20h", "“buổi tối 18h-20h” chưa ghi ngày nào"),
        ("tối", "“tối” chưa ghi ngày nào"),
        ("thứ ba, năm", "“thứ ba, năm” chưa ghi giờ làm việc"),
        ("sáng thứ 7", "“sáng thứ 7” chưa ghi giờ làm việc"),
        ("Thứ Bảy làm buổi sáng", "“Thứ Bảy làm buổi sáng” chưa ghi giờ làm việc"),
        # "nghỉ" is a day closed all day: alone, or with hours, or on a day with hours, it
        # is refused rather than half read.
        ("Chủ nhật nghỉ", "chỉ ghi ngày nghỉ, chưa có ngày nào có giờ làm việc"),
        ("T2-T6 7:30-11:30; CN nghỉ 7:30-11:30", "“CN nghỉ 7:30-11:30” vừa ghi nghỉ vừa ghi giờ"),
        ("T2-CN 7-11; chu nhat nghi", "Chủ nhật vừa có giờ làm việc vừa được ghi nghỉ"),
        ("Thứ 6 - Thứ 2 7:30-11:30", "khoảng ngày “T6-T2” trong “Thứ 6 - Thứ 2 7:30-11:30”"),
        ("Thứ Hai 7:30", "giờ “7:30” trong “Thứ Hai 7:30” chưa có giờ kết thúc"),
        ("Thứ 2-Thứ 6 trưa 7:30-11:30", "không hiểu ngày “trưa”"),
        # Afternoon hours written in 12-hour time are refused, never read as the small
        # hours, nor guessed.
        ("T2-T6 7:30-11:30, 1:30-5:00", "khoảng giờ “1:30-5:00” trong “T2-T6 7:30-11:30, 1:30"),
        ("T2-T6 sáng 7h-11h, chiều 1h-5h", "khoảng giờ “1h-5h” trong “T2-T6 sáng 7h-11h, chi"),
        ("Thứ 7 chiều 7:30-11:30", "“chiều” trong “Thứ 7 chiều 7:30-11:30” không khớp"),
        ("T2-T6 sáng 13:30-17:00", "“sáng” trong “T2-T6 sáng 13:30-17:00” không khớp"),
        ("T2-T6", "“T2-T6” chưa ghi giờ làm việc"),
        ("7:30-11:30", "“7:30-11:30” chưa ghi ngày nào"),
        ("T2-T6 7:30", "giờ “7:30” trong “T2-T6 7:30” chưa có giờ kết thúc"),
        ("T2-T6 11:30-7:30", "khoảng giờ “11:30-7:30” trong “T2-T6 11:30-7:30” kết thúc trước"),
        ("T2-T6 7:30-7:30", "“7:30-7:30” trong “T2-T6 7:30-7:30” kết thúc trước khi bắt đầu"),
        ("T6-T2 7:30-11:30", "khoảng ngày “T6-T2” trong “T6-T2 7:30-11:30” bị ngược"),
        ("T2-T6 7:60-11:30", "“7:60” trong “7:60-11:30”"),
        ("T2-T6 7:30-25:00", "“25:00” trong “7:30-25:00”"),
        # A dot between hour and minute is read (7.30), a decimal or a date is not.
        ("T2-T6 7.5-11.5", "“7.5” trong “7.5-11.5”"),
        ("T2-T6 7.30.1-11", "“7.30.1” trong “7.30.1-11”"),
        ("T2 7:30-11:30 T3", "ngày phải viết trước giờ, nhưng “T3”"),
        ("T2 7:30-11:30, T3", "“T3” chưa ghi giờ làm việc"),
        ("T2-T6 7:30-11:30; T7", "“T7” chưa ghi giờ làm việc"),
    ],
)
def test_a_wrong_setting_says_which_part_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match="OFFICE_HOURS") as raised:
        OfficeHours.parse(text)
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("T2-T6 7 giờ 30 - 11 giờ 30", "T2-T6 7:30-11:30"),
        ("thu 2 den thu 6 7 gio den 11 gio 30 phut", "T2-T6 7:00-11:30"),
        ("Thứ 2 - 6: 7.30-11.30, 13.30-17.00, Thứ 7 7.30-11.30", WITH_SATURDAY),
        ("thứ 6 tối 18 giờ - 20 giờ", "T6 18:00-20:00"),
    ],
)
def test_times_written_with_gio_a_dot_or_g_are_read(text: str, same_as: str) -> None:
    assert OfficeHours.parse(text) == OfficeHours.parse(same_as)


@pytest.mark.parametrize("text", ["thứ 6 tối 18h", "Thu 6 toi 18 gio", "T2-T6 7h30-11h30 13h30"])
def test_a_time_without_its_end_is_refused_saying_a_range_is_needed(text: str) -> None:
    with pytest.raises(ConfigError) as raised:
        OfficeHours.parse(text)
    assert (
        "chưa có giờ kết thúc: giờ mở cửa cần có giờ bắt đầu và giờ kết thúc, ví dụ: Thứ 6 "
        "18h-20h" in str(raised.value)
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("T2-T7 7h30-17h (trừ chiều thứ 7)", "“(trừ chiều thứ 7)” (trong “T2-T7"),
        ("thu 2 - thu 7 7h-17h, tru chieu thu 7", "“tru chieu thu 7” (trong “thu 2"),
        ("T2-T7 7:30-17:00 ngoại trừ chiều T7", "“ngoại trừ chiều T7” (trong"),
    ],
)
def test_an_exception_to_the_days_is_refused_asking_for_each_day(text: str, named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        OfficeHours.parse(text)
    assert named in str(raised.value)
    assert "hãy ghi riêng từng ngày, ví dụ: T2-T6 7h30-17h; T7 7h30-11h30" in str(raised.value)


# --- open or closed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (vn(30, 7, 29), False),
        (vn(30, 7, 29, 59), False),
        (vn(30, 7, 30), True),
        (vn(30, 11, 29, 59), True),
        (vn(30, 11, 30), False),
        (vn(30, 12, 15), False),  # lunch break
        (vn(30, 13, 29), False),
        (vn(30, 13, 30), True),
        (vn(30, 16, 59), True),
        (vn(30, 17, 0), False),
        (vn(27, 10), True),  # Friday
        (vn(28, 9), False),  # Saturday: not in these hours
        (vn(29, 9), False),  # Sunday
    ],
)
def test_open_only_within_the_hours(at: datetime, is_open: bool) -> None:
    assert OfficeHours.parse(WEEKDAYS).is_open(at) is is_open


def test_saturday_morning_offices() -> None:
    hours = OfficeHours.parse(WITH_SATURDAY)
    assert hours.is_open(vn(28, 9))
    assert not hours.is_open(vn(28, 11, 30))
    assert not hours.is_open(vn(28, 14))
    assert not hours.is_open(vn(29, 9))


def test_times_in_utc_are_read_as_vietnam_time() -> None:
    hours = OfficeHours.parse(WEEKDAYS)
    assert hours.is_open(datetime(2026, 11, 30, 0, 30, tzinfo=UTC))  # 7:30 in Vietnam
    assert not hours.is_open(datetime(2026, 11, 30, 0, 29, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 11, 30, 4, 30, tzinfo=UTC))  # 11:30
    # Sunday 23:00 UTC is already Monday 6:00 in Vietnam.
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert hours.next_opening(sunday_night) == datetime(2026, 11, 30, 0, 30, tzinfo=UTC)
    assert hours.when_staff_answer(sunday_night, WARD) == (
        "Hiện chưa đến giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng nay."
    )


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        OfficeHours.parse(WEEKDAYS).is_open(datetime(2026, 11, 30, 8, 0))


# --- next opening ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours_text", "at", "opening"),
    [
        (WEEKDAYS, vn(30, 6), vn(30, 7, 30)),
        (WEEKDAYS, vn(30, 7, 30), vn(30, 7, 30)),
        (WEEKDAYS, vn(30, 12), vn(30, 13, 30)),
        (WEEKDAYS, vn(30, 17), vn(1, 7, 30, month=12)),
        (WEEKDAYS, vn(27, 17), vn(30, 7, 30)),  # Friday evening: Monday
        (WEEKDAYS, vn(28, 9), vn(30, 7, 30)),
        (WITH_SATURDAY, vn(27, 17), vn(28, 7, 30)),  # Friday evening: Saturday
        (WITH_SATURDAY, vn(28, 11, 30), vn(30, 7, 30)),
    ],
)
def test_next_opening(hours_text: str, at: datetime, opening: datetime) -> None:
    found = OfficeHours.parse(hours_text).next_opening(at)
    assert found == opening
    assert found is not None and found.utcoffset() == timedelta(hours=7)


def test_no_opening_at_all() -> None:
    closed = OfficeHours(week=((),) * 7)
    assert closed.next_opening(vn(30, 8)) is None
    assert closed.when_staff_answer(vn(30, 8), WARD) == neutral_sentence(WARD)


# --- the sentence for residents ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours_text", "at", "sentence"),
    [
        (WEEKDAYS, vn(30, 9), "Cán bộ thường trả lời trong giờ làm việc."),
        (WEEKDAYS, vn(30, 6), "Hiện chưa đến giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng nay."),
        (WEEKDAYS, vn(30, 12), "Hiện đang nghỉ trưa; cán bộ sẽ trả lời từ 13:30 chiều nay."),
        (
            WEEKDAYS,
            vn(30, 17, 5),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng mai.",
        ),
        (
            WEEKDAYS,
            vn(27, 17, 5),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 30/11.",
        ),
        (
            WEEKDAYS,
            vn(29, 10),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng mai.",
        ),
        (
            WITH_SATURDAY,
            vn(27, 17, 5),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng mai.",
        ),
        (WITH_SATURDAY, vn(28, 9), "Cán bộ thường trả lời trong giờ làm việc."),
        (
            WITH_SATURDAY,
            vn(5, 12, month=12),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 7/12.",
        ),
        (
            "T2-T6 8:00-11:00; T5 14:00-16:30",
            vn(1, 12, month=12),  # Tuesday: next is Wednesday morning
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 8:00 sáng mai.",
        ),
        (
            "T2-T6 sáng 7h30-11h30 chiều 13h30-17h tối 18h-20h",
            vn(30, 17, 30),  # between the afternoon and the evening
            "Hiện đang ngoài giờ làm việc; cán bộ sẽ trả lời từ 18:00 tối nay.",
        ),
        (
            "T2-T6 7h30-17h; T7 không làm việc",
            vn(28, 9),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 30/11.",
        ),
        (
            "T5 14:00-16:30",
            vn(30, 9),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 14:00 chiều thứ Năm, 3/12.",
        ),
    ],
)
def test_when_staff_answer(hours_text: str, at: datetime, sentence: str) -> None:
    assert OfficeHours.parse(hours_text).when_staff_answer(at, WARD) == sentence


def test_the_weekend_sentence_from_a_utc_time() -> None:
    # Saturday 28/11 07:00 UTC is 14:00 in Vietnam, after the Saturday morning.
    at = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
    assert OfficeHours.parse(WITH_SATURDAY).when_staff_answer(at, WARD) == (
        "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 30/11."
    )


def test_without_office_hours_the_sentence_is_neutral() -> None:
    assert (
        staff_answer_time(None, vn(27, 23), WARD)
        == "Cán bộ phường sẽ trả lời trong giờ hành chính."
    )
    hours = OfficeHours.parse(WEEKDAYS)
    assert staff_answer_time(hours, vn(27, 23), WARD) == hours.when_staff_answer(vn(27, 23), WARD)
    assert "30/11" in staff_answer_time(hours, vn(27, 23), WARD)


# --- the setting ----------------------------------------------------------------------------


@pytest.mark.parametrize("env", [{}, {"OFFICE_HOURS": ""}, {"OFFICE_HOURS": "   "}])
def test_office_hours_unset(env: dict[str, str]) -> None:
    assert Settings.from_env(env).office_hours is None


def test_office_hours_from_the_environment() -> None:
    settings = Settings.from_env({"OFFICE_HOURS": f" {WITH_SATURDAY} "})
    assert settings.office_hours == OfficeHours.parse(WITH_SATURDAY)
    assert settings.office_hours is not None and settings.office_hours.is_open(vn(28, 9))


def test_a_wrong_office_hours_setting_stops_start_up() -> None:
    with pytest.raises(ConfigError, match=re.escape("OFFICE_HOURS chưa đúng: không có ngày “T8”")):
        Settings.from_env({"OFFICE_HOURS": "T2-T8 7:30-11:30"})


def test_today_is_vietnams_date_whatever_the_servers_time_zone(monkeypatch, tmp_path) -> None:
    from sample_ward import write_ward

    from wardbot import hours
    from wardbot.engine import Engine

    class At(datetime):  # 18:30 UTC on 31 December is 01:30 on 1 January in Vietnam
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            instant = datetime(2019, 12, 31, 18, 30, tzinfo=UTC)
            return instant if tz is None else instant.astimezone(tz)

    monkeypatch.setattr(hours, "datetime", At)
    assert hours.vietnam_today().isoformat() == "2020-01-01"
    faq, content = write_ward(tmp_path)
    engine = Engine(faq, content, tmp_path / "data")  # no date injected: the real "today"
    assert engine.today.isoformat() == "2020-01-01", "a notice that expired on the 31st is over"


# --- days the office is closed: OFFICE_CLOSED ---------------------------------------------------

HOLIDAYS = "1/1, 30/4-1/5, 2/9, 31/12 - 1/1, 5/2/2027-13/2/2027"


def hours_closed(text: str = WEEKDAYS, closed: str = HOLIDAYS) -> OfficeHours:
    """Office hours as `bot.py run` reads them, with the days the office is closed."""
    hours = Settings.from_env({"OFFICE_HOURS": text, "OFFICE_CLOSED": closed}).office_hours
    assert hours is not None
    return hours


@pytest.mark.parametrize(
    ("at", "sentence"),
    [
        # The Friday before Tết (the office closed 5/2 to 13/2/2027, a Saturday).
        (
            datetime(2027, 2, 4, 17, 5, tzinfo=VN),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 15/2.",
        ),
        # A Monday of Tết, in what would be office hours.
        (
            datetime(2027, 2, 8, 9, 0, tzinfo=VN),
            "Hôm nay là ngày nghỉ của phường; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 15/2.",
        ),
        # Thursday 29/4/2027 after hours: 30/4 and 1/5 are holidays every year.
        (
            datetime(2027, 4, 29, 17, 30, tzinfo=VN),
            "Hiện đã ngoài giờ làm việc; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 3/5.",
        ),
        # Just after midnight on New Year's Eve's holiday (31/12 to 1/1, over the year's end).
        (
            datetime(2026, 12, 31, 0, 10, tzinfo=VN),
            "Hôm nay là ngày nghỉ của phường; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 4/1.",
        ),
    ],
)
def test_residents_are_told_staff_answer_after_the_holiday(at: datetime, sentence: str) -> None:
    hours = hours_closed()
    assert not hours.is_open(at)
    assert hours.when_staff_answer(at, WARD) == sentence


def test_a_communes_residents_read_of_the_communes_holiday_and_its_staff() -> None:
    """The sentences name the unit WARD_NAME names: a xã's office is "của xã"."""
    commune = "UBND xã Mỹ Phước Điền"
    tet = datetime(2027, 2, 8, 9, 0, tzinfo=VN)
    assert hours_closed().when_staff_answer(tet, commune) == (
        "Hôm nay là ngày nghỉ của xã; cán bộ sẽ trả lời từ 7:30 sáng thứ Hai, 15/2."
    )
    assert staff_answer_time(None, tet, commune) == "Cán bộ xã sẽ trả lời trong giờ hành chính."


def test_a_holiday_every_year_and_a_dated_one() -> None:
    hours = hours_closed()
    assert not hours.is_open(datetime(2028, 9, 2, 9, tzinfo=VN))  # 2/9 every year (a Saturday)
    assert not hours.is_open(datetime(2027, 9, 2, 9, tzinfo=VN))  # a Thursday
    assert hours.is_open(datetime(2027, 9, 3, 9, tzinfo=VN))
    assert hours.is_open(datetime(2028, 2, 7, 9, tzinfo=VN))  # Tết 2027's dates, a year on


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        (
            {"OFFICE_CLOSED": "1/1"},
            "OFFICE_HOURS chưa đúng: đang để trống, trong khi đã đặt OFFICE_CLOSED",
        ),
        ({"OFFICE_HOURS": WEEKDAYS, "OFFICE_CLOSED": "Tết"}, "“Tết” không phải một ngày dạng 30/4"),
        # The day alone is named once; a range's wrong end, with the range.
        (
            {"OFFICE_HOURS": WEEKDAYS, "OFFICE_CLOSED": "30/2"},
            "chưa đúng: “30/2” không có trên lịch",
        ),
        (
            {"OFFICE_HOURS": WEEKDAYS, "OFFICE_CLOSED": "1/1, 28/2-31/2"},
            "chưa đúng: “31/2” trong “28/2-31/2” không có trên lịch",
        ),
        (
            {"OFFICE_HOURS": WEEKDAYS, "OFFICE_CLOSED": "13/2/2027-5/2/2027"},
            "“13/2/2027-5/2/2027” có ngày kết thúc trước ngày bắt đầu",
        ),
        (
            {"OFFICE_HOURS": WEEKDAYS, "OFFICE_CLOSED": "5/2/2027-30/4"},
            "hai đầu khoảng ngày cùng ghi năm, hoặc cùng không ghi",
        ),
    ],
)
def test_a_wrong_office_closed_setting_stops_start_up(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        Settings.from_env(env)
