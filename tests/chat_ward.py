"""The small ward the conversation and channel tests talk to (see tests/conftest.py).

It holds what those tests need to see: a long answer (split into several messages), an
answer with HTML-like text (escaped), announcements (one long, one expired), four topics.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from wardbot import messages as msg

TODAY = dt.date(2024, 8, 1)
WARD_NAME = "UBND Phường 2"  # the tests' ward: a phường

LONG_ANSWER = "\n\n".join(
    f"Bước {n}: người dân chuẩn bị hồ sơ theo hướng dẫn, nộp tại bộ phận một cửa "
    "và nhận giấy hẹn trả kết quả. " * 6
    for n in range(1, 15)
)

FAQ = """\
topics:
  - id: bhyt
    name: Bảo hiểm y tế
    keywords: [bảo hiểm y tế, bhyt, thẻ bhyt]
  - id: hoc-bong
    name: Học bổng và khuyến học
    keywords: [học bổng, khuyến học]
  - id: cu-tru
    name: Cư trú
    keywords: [cư trú, thường trú, tạm trú]
  - id: ho-tich
    name: Hộ tịch
    keywords: [hộ tịch, khai sinh, kết hôn]

faq:
  - id: bhyt-muc-dong-ho-gia-dinh
    question: Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?
    variants:
      - giá thẻ bhyt hộ gia đình
      - mua bhyt cho cả nhà hết bao nhiêu
    answer: |
      Người thứ nhất đóng 4,5% mức lương cơ sở; người thứ hai, thứ ba, thứ tư đóng lần lượt
      70%, 60%, 50% mức đóng của người thứ nhất; từ người thứ năm đóng 40%.
    topics: [bhyt]
    links: ["https://baohiemxahoi.gov.vn/bhyt?a=1&b=2"]
  - id: bhyt-mat-the
    question: Mất thẻ bảo hiểm y tế thì làm sao?
    variants: [làm lại thẻ bhyt bị mất, cấp lại thẻ bhyt]
    answer: |
      Người dân dùng ứng dụng VssID thay cho thẻ giấy, hoặc đề nghị cấp lại thẻ tại cơ quan BHXH.
    topics: [bhyt]
  - id: bhyt-gia-han
    question: Gia hạn thẻ bảo hiểm y tế hộ gia đình ở đâu?
    variants: [thẻ bhyt hết hạn phải làm sao]
    answer: |
      Nộp tiền gia hạn tại đại lý thu BHYT hoặc trực tuyến qua ứng dụng VssID.
    topics: [bhyt]
  - id: hoc-bong-khuyen-hoc
    question: Học bổng khuyến học của phường xét cho ai?
    variants: [điều kiện nhận học bổng khuyến học]
    answer: |
      Học sinh có hoàn cảnh khó khăn, học lực khá trở lên, do khu phố đề xuất.
    topics: [hoc-bong]
  - id: dang-ky-tam-tru
    question: Đăng ký tạm trú cần giấy tờ gì?
    variants: [hồ sơ đăng ký tạm trú, làm tạm trú cần gì]
    answer: |
      Tờ khai thay đổi thông tin cư trú (CT01) và giấy tờ chứng minh chỗ ở hợp pháp.
      Lưu ý: <b>không</b> cần bản sao sổ hộ khẩu & giấy tờ cũ.
    topics: [cu-tru]
  - id: dang-ky-thuong-tru
    question: Đăng ký thường trú ở đâu?
    variants: [nhập hộ khẩu ở đâu]
    answer: |
      Nộp hồ sơ đăng ký thường trú tại Công an phường hoặc qua Cổng dịch vụ công.
    topics: [cu-tru]
  - id: dang-ky-khai-sinh
    question: Đăng ký khai sinh cho con cần giấy tờ gì?
    variants: [làm giấy khai sinh cho bé]
    answer: |
      Giấy chứng sinh, giấy tờ tùy thân của cha mẹ và giấy chứng nhận kết hôn (nếu có).
    topics: [ho-tich]
  - id: quy-trinh-mot-cua
    question: Quy trình giải quyết hồ sơ tại bộ phận một cửa gồm những bước nào?
    variants: [các bước nộp hồ sơ một cửa]
    answer: |
""" + "".join(f"      {line}\n" for line in LONG_ANSWER.splitlines())

NOTICES = {
    "2024-07-15-dieu-chinh-muc-dong-bhyt.md": """\
---
title: Về việc điều chỉnh mức đóng BHYT hộ gia đình từ 01/7/2024
date: 2024-07-15
topics: [bhyt]
source: https://phuong.example.gov.vn/tin/bhyt-2024
---
Từ ngày 01/7/2024, mức lương cơ sở tăng lên 2.340.000 đồng nên mức đóng BHYT hộ gia đình
thay đổi theo.

"""
    + "\n\n".join(
        f"Đoạn {n}: UBND phường đề nghị các khu phố thông báo rộng rãi đến từng hộ gia đình "
        "để người dân chủ động gia hạn thẻ đúng hạn. " * 2
        for n in range(1, 8)
    ),
    "2024-07-20-xet-hoc-bong-khuyen-hoc.md": """\
---
title: Thông báo xét học bổng khuyến học năm 2024
date: 2024-07-20
topics: [hoc-bong]
---
Hội Khuyến học phường nhận hồ sơ xét học bổng đến hết ngày 30/8/2024.
""",
    # An id too long for Telegram's 64-byte callback_data once prefixed.
    "2024-07-25-thong-bao-lich-tiep-cong-dan-dinh-ky-cua-chu-tich-ubnd-phuong-thang-8.md": """\
---
title: Lịch tiếp công dân định kỳ của Chủ tịch UBND phường tháng 8
date: 2024-07-25
---
Chủ tịch UBND phường tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở UBND phường.
""",
    "2024-06-01-phong-chong-sot-xuat-huyet.md": """\
---
title: Chiến dịch diệt lăng quăng phòng sốt xuất huyết
date: 2024-06-01
expires: 2024-06-30
---
Các hộ gia đình dọn dẹp vật chứa nước đọng.
""",
}


def topic_names() -> list[str]:
    """The ward's topics, as the greeting and /help name a couple of them."""
    return [topic["name"] for topic in yaml.safe_load(FAQ)["topics"]]


# The question this ward's greeting, /help and "what do you ask?" give as an example.
EXAMPLE = msg.example_question(entry["question"] for entry in yaml.safe_load(FAQ)["faq"])


def ward_greeting(ward_name: str = WARD_NAME) -> str:
    """The greeting this ward's residents get where alerts reach their chat."""
    return msg.greeting(ward_name, example=EXAMPLE, topics=topic_names())


def write_chat_ward(root: Path) -> tuple[Path, Path]:
    """Write the ward under `root`; returns (faq.yaml, content/)."""
    faq = root / "faq.yaml"
    faq.write_text(FAQ, encoding="utf-8")
    content = root / "content"
    content.mkdir(exist_ok=True)
    for name, text in NOTICES.items():
        (content / name).write_text(text, encoding="utf-8")
    return faq, content
