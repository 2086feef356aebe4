"""Whether news of a subject is out yet ("X có thông báo chưa", "có lịch X chưa"): a bare
topic lists its notices; a subject saying more than the topic is answered by what the
search finds for it (an FAQ entry, that notice), else the topic's notices.

A ward of its own: topics whose keywords sit inside residents' longer questions, FAQ
entries answering those questions, and notices of the same topics on other matters.
"""

from __future__ import annotations

import datetime as dt

import pytest
from own_ward import own_ward

from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.reply import Reply, make_action
from wardbot.store import ChatRef, Store

TODAY = dt.date(2024, 8, 1)
CHAT = ChatRef("test", "21")

FAQ = """\
topics:
  - id: y-te
    name: Y tế
    keywords: [tiêm chủng, khám bệnh, bhyt]
  - id: bao-tro
    name: Bảo trợ xã hội
    keywords: [trợ cấp, người cao tuổi, hộ nghèo]
  - id: ho-tich
    name: Hộ tịch
    keywords: [hộ tịch, khai sinh, kết hôn]
faq:
  - id: tiem-chung-tre-em
    question: Lịch tiêm chủng mở rộng cho trẻ em ở trạm y tế phường vào ngày nào?
    variants: [trẻ em tiêm chủng ngày nào, lịch tiêm vắc xin cho bé]
    answer: |
      Trạm y tế phường tiêm chủng mở rộng cho trẻ vào ngày 10 và 11 hằng tháng.
    topics: [y-te]
  - id: tro-cap-nguoi-cao-tuoi
    question: Trợ cấp người cao tuổi hằng tháng nhận vào ngày nào?
    variants: [lịch chi trả trợ cấp người cao tuổi, tiền trợ cấp người già nhận khi nào]
    answer: |
      Trợ cấp cho người cao tuổi được chi trả từ ngày 5 đến ngày 10 hằng tháng tại nhà văn hóa.
    topics: [bao-tro]
  - id: dang-ky-khai-sinh
    question: Đăng ký khai sinh cần giấy tờ gì?
    answer: |
      Giấy chứng sinh và giấy tờ tùy thân của cha mẹ.
    topics: [ho-tich]
"""


def _notice(title: str, topic: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-07-20\ntopics: [{topic}]\n---\n{body}\n"


PHAT_THE = "2024-07-18-phat-the-bhyt"
NOTICES = {
    "2024-07-10-sot-xuat-huyet.md": _notice(
        "Phòng chống sốt xuất huyết mùa mưa", "y-te", "Các hộ dọn dẹp vật chứa nước đọng."
    ),
    "2024-07-12-kham-suc-khoe.md": _notice(
        "Khám sức khỏe miễn phí cho người cao tuổi", "y-te", "Trạm y tế khám ngày 20/8."
    ),
    f"{PHAT_THE}.md": _notice(
        "Lịch phát thẻ BHYT cho học sinh năm học mới", "y-te", "Phát thẻ tại trường từ 5/8."
    ),
    "2024-07-14-ho-ngheo.md": _notice(
        "Rà soát hộ nghèo năm 2024", "bao-tro", "Các khu phố rà soát hộ nghèo từ 1/8."
    ),
    "2024-07-16-qua-chinh-sach.md": _notice(
        "Tặng quà gia đình chính sách", "bao-tro", "Phường tặng quà ngày 27/7."
    ),
}

ward, engine, settings, store = own_ward(FAQ, "topic-news-ward", TODAY, NOTICES)


@pytest.fixture
def conversation(engine: Engine, store: Store, settings: Settings) -> Conversation:
    return Conversation(engine, store, settings)


async def say(conversation: Conversation, text: str) -> list[Reply]:
    replies = await conversation.handle_text(CHAT, text)
    assert replies, f"no reply to {text!r}"
    return replies


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # Before, the topic's newest notices (dengue, cards, check-ups): none of this.
        ("có lịch tiêm chủng cho trẻ chưa", "tiem-chung-tre-em"),
        ("đã có lịch tiêm chủng cho bé chưa ạ", "tiem-chung-tre-em"),
        ("trợ cấp người cao tuổi tháng này có lịch chưa", "tro-cap-nguoi-cao-tuoi"),
        ("tiền trợ cấp người già có lịch chưa chị", "tro-cap-nguoi-cao-tuoi"),
        ("co lich tiem chung cho tre chua", "tiem-chung-tre-em"),
        ("tro cap nguoi cao tuoi thang nay co lich chua", "tro-cap-nguoi-cao-tuoi"),
    ],
)
async def test_a_question_holding_a_topics_keyword_gets_its_faq_answer(
    conversation: Conversation, engine: Engine, text: str, entry: str
) -> None:
    (reply,) = await say(conversation, text)
    doc = engine.document(entry)
    assert doc is not None
    assert reply.text.strip() == doc.answer.strip(), text
    assert "thông báo mới" not in reply.text


async def test_a_named_event_with_its_notice_gets_that_notice(
    conversation: Conversation,
) -> None:
    (reply,) = await say(conversation, "đã có lịch phát thẻ bhyt chưa")
    assert "Phát thẻ tại trường từ 5/8." in reply.text
    assert "sốt xuất huyết" not in reply.text


@pytest.mark.parametrize(
    ("text", "topic", "notices"),
    [
        ("bhyt có thông báo chưa", "y tế", 3),
        ("y tế có lịch chưa", "y tế", 3),
        ("có thông báo về chủ đề y tế chưa", "y tế", 3),
        ("hộ nghèo có thông báo chưa", "bảo trợ xã hội", 2),
        # Saying more than the topic, with nothing answering it: the topic's notices.
        ("tiêm chủng cho người lớn có thông báo chưa", "y tế", 3),
        # Typed without accents, alike: before, a guess at FAQ entries ("tiem chung" held
        # no keyword).
        ("tiem chung cho nguoi lon co thong bao chua", "y tế", 3),
        ("bhyt co thong bao chua", "y tế", 3),
    ],
)
async def test_a_bare_topic_still_lists_its_notices(
    conversation: Conversation, text: str, topic: str, notices: int
) -> None:
    (reply,) = await say(conversation, text)
    assert reply.text.startswith(f"Các thông báo mới nhất của UBND Phường 2 về {topic}:"), text
    assert len(reply.buttons) == notices
    if topic == "y tế":
        assert make_action("ann", PHAT_THE) in [b.action for b in reply.buttons]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("khai sinh có thông báo chưa", "khai sinh"),
        ("có gì mới về khai sinh không", "khai sinh"),
        ("khai sinh co tin gi moi ko", "khai sinh"),
        # A keyword no FAQ entry or notice spells: as staff wrote it (before, "ket hon").
        ("ket hon co thong bao chua", "kết hôn"),
    ],
)
async def test_no_news_names_what_was_asked_and_its_topic(
    conversation: Conversation, text: str, asked: str
) -> None:
    """Before: "chưa có thông báo mới nào về hộ tịch", of a question about birth records."""
    none, *_ = await say(conversation, text)
    assert none.text == f"Dạ, hiện chưa có thông báo mới nào về {asked} (chủ đề Hộ tịch).", text


async def test_no_news_of_a_topic_named_as_such_names_the_topic_alone(
    conversation: Conversation,
) -> None:
    none, *_ = await say(conversation, "hộ tịch có thông báo chưa")
    assert none.text == "Dạ, hiện chưa có thông báo mới nào về hộ tịch."
