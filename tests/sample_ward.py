"""A small ward written for the tests: a faq.yaml and a content/ folder in a temp dir."""

from __future__ import annotations

from pathlib import Path

FAQ = """\
topics:
  - id: bhyt
    name: Bảo hiểm y tế
    keywords: [bảo hiểm y tế, bhyt, thẻ bhyt]
  - id: can-cuoc
    name: Căn cước và VNeID
    keywords: [căn cước, cccd, vneid, định danh điện tử]
  - id: hoc-bong
    name: Học bổng
    keywords: [học bổng, khuyến học]
  - id: cu-tru
    name: Cư trú
    keywords: [thường trú, tạm trú, cư trú]

faq:
  - id: bhyt-muc-dong
    question: Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?
    variants:
      - giá thẻ bhyt cho cả nhà
      - mua bảo hiểm y tế hộ gia đình hết bao nhiêu tiền
    answer: |
      Người thứ nhất đóng 4,5% mức lương cơ sở, người thứ hai, ba, tư đóng 70%, 60%, 50%
      mức của người thứ nhất; từ người thứ năm đóng 40%.
    topics: [bhyt]
  - id: bhyt-mat-the
    question: Mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?
    variants: [làm mất thẻ bhyt, thẻ bhyt bị rách]
    answer: Có thể dùng thẻ căn cước gắn chip hoặc ứng dụng VssID thay cho thẻ giấy.
    topics: [bhyt]
  - id: cccd-cap-lai
    question: Bị mất thẻ căn cước thì làm lại ở đâu?
    variants: [mất cccd làm lại ở đâu, làm lại căn cước bị mất]
    answer: Đến Công an cấp xã nơi cư trú hoặc nộp hồ sơ trên Cổng dịch vụ công để được cấp lại.
    topics: [can-cuoc]
  - id: vneid-kich-hoat
    question: Kích hoạt tài khoản định danh điện tử mức 2 như thế nào?
    variants: [kích hoạt vneid, làm định danh điện tử mức 2 ở đâu]
    answer: Mang thẻ căn cước đến Công an cấp xã để đăng ký, sau đó kích hoạt trên ứng dụng VNeID.
    topics: [can-cuoc]
  - id: hoc-bong-khuyen-hoc
    question: Khi nào phường phát học bổng khuyến học?
    variants: [học bổng cho học sinh nghèo, xét học bổng khuyến học]
    answer: Hội Khuyến học phường xét và trao học bổng vào đầu mỗi năm học.
    topics: [hoc-bong]
  - id: tam-tru
    question: Đăng ký tạm trú cần giấy tờ gì?
    variants: [làm tạm trú cho người thuê trọ, khai báo tạm trú]
    answer: Người thuê nhà nộp tờ khai thay đổi thông tin cư trú và hợp đồng thuê nhà cho Công an cấp xã.
    topics: [cu-tru]
  - id: thuong-tru
    question: Đăng ký thường trú vào nhà người thân cần những gì?
    variants: [nhập hộ khẩu vào nhà người thân, chuyển thường trú]
    answer: Cần tờ khai thay đổi thông tin cư trú và văn bản đồng ý của chủ hộ.
    topics: [cu-tru]
  - id: gio-lam-viec
    question: Giờ làm việc của ủy ban nhân dân phường?
    variants: [ubnd phường mấy giờ mở cửa, thứ bảy ủy ban có làm việc không]
    answer: Từ thứ hai đến thứ sáu, sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ 30 đến 17 giờ.
"""

NOTICES = {
    "2023-07-10-muc-dong-bhyt-ho-gia-dinh-2023.md": """\
---
title: Mức đóng BHYT hộ gia đình từ ngày 01/7/2023
date: 2023-07-10
---
Lương cơ sở lên 1.800.000 đồng, người thứ nhất đóng 972.000 đồng một năm.
""",
    "2024-07-12-muc-dong-bhyt-ho-gia-dinh-2024.md": """\
---
title: Mức đóng BHYT hộ gia đình từ ngày 01/7/2024
date: 2024-07-12
---
Lương cơ sở lên 2.340.000 đồng, người thứ nhất đóng 1.263.600 đồng một năm.
""",
    "2024-09-01-kich-hoat-dinh-danh-khu-pho-1-3.md": """\
---
title: Kích hoạt định danh điện tử cho người dân khu phố 1-3
date: 2024-09-01
---
Công an phường tổ chức kích hoạt tài khoản VNeID tại nhà văn hóa khu phố 2 vào sáng thứ bảy.
""",
    "2024-09-08-kich-hoat-dinh-danh-khu-pho-4-6.md": """\
---
title: Kích hoạt định danh điện tử cho người dân khu phố 4-6
date: 2024-09-08
---
Công an phường tổ chức kích hoạt tài khoản VNeID tại nhà văn hóa khu phố 5 vào sáng chủ nhật.
""",
    "2024-11-02-thong-bao-cat-nuoc-tam-thoi.md": """\
---
title: Tạm ngưng cấp nước để sửa đường ống
date: 2024-11-02
expires: 2024-11-03
---
Khu vực khu phố 3 tạm ngưng cấp nước từ 8 giờ đến 16 giờ để sửa chữa đường ống.
""",
}


def write_ward(root: Path) -> tuple[Path, Path]:
    """Write the sample ward under `root`; returns (faq.yaml, content/)."""
    faq = root / "faq.yaml"
    faq.write_text(FAQ, encoding="utf-8")
    content = root / "content"
    content.mkdir()
    for name, text in NOTICES.items():
        (content / name).write_text(text, encoding="utf-8")
    return faq, content
