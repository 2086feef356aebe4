"""Staff Markdown as residents read it: what the walk over markdown-it-py's tokens gives
beyond the full notice of test_conversation.py (lists, raw HTML, tables with links, and
what a line-by-line reading got wrong)."""

from __future__ import annotations

import pytest

from wardbot.plaintext import Block, blocks, plain


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        pytest.param(
            "Hồ sơ gồm:\n1. Tờ khai CT01\n2. Bản sao **CCCD**\n10. Ảnh 3x4",
            "Hồ sơ gồm:\n1. Tờ khai CT01\n2. Bản sao CCCD\n10. Ảnh 3x4",
            id="ordered-list-keeps-its-numbers-under-its-lead-line",
        ),
        pytest.param("3) Nộp\n4) Nhận", "3) Nộp\n4) Nhận", id="ordered-list-with-parenthesis"),
        pytest.param(
            "- Nộp tại:\n  - bộ phận một cửa\n  - Cổng dịch vụ công\n- Nhận kết quả\n  sau 3 ngày",
            "• Nộp tại:\n  • bộ phận một cửa\n  • Cổng dịch vụ công\n• Nhận kết quả\n  sau 3 ngày",
            id="nested-list-indented-under-its-item",
        ),
        pytest.param(
            "1. Nộp hồ sơ\n   - Tờ khai\n2. Chờ",
            "1. Nộp hồ sơ\n   • Tờ khai\n2. Chờ",
            id="bullets-inside-an-ordered-item",
        ),
        pytest.param(
            "Dòng một<br>dòng hai <b>đậm</b>, 1 < 2 > 0",
            "Dòng một<br>dòng hai <b>đậm</b>, 1 < 2 > 0",
            id="raw-inline-html-shown-as-typed",
        ),
        pytest.param(
            "<div>\n**Lưu ý**\n</div>",
            "<div>\nLưu ý\n</div>",
            id="raw-html-block-shown-as-text",
        ),
        pytest.param(
            "| Việc | Nơi |\n|:--|:-:|\n"
            "| Cấp CCCD | [Công an phường](https://ca.example.vn/cap_cccd) |\n"
            "| Hỏi `mã_HS` | <https://dvc.example.vn/tra_cuu> |\n"
            "| A \\| B | https://x.example.vn/_a_ |",
            "Việc — Nơi\n"
            "Cấp CCCD — Công an phường (https://ca.example.vn/cap_cccd)\n"
            "Hỏi mã_HS — https://dvc.example.vn/tra_cuu\n"
            "A | B — https://x.example.vn/_a_",
            id="table-with-links-code-and-an-escaped-bar",
        ),
        pytest.param(
            "> Trích **Quyết định**\n> số 12/QĐ\n\nHết.",
            "Trích Quyết định\nsố 12/QĐ\n\nHết.",
            id="quote",
        ),
        pytest.param(
            "```\n**giữ** nguyên\n  thụt lề\n```",
            "**giữ** nguyên\n  thụt lề",
            id="fenced-code-as-is",
        ),
        pytest.param("Dòng một\nDòng hai\\\nDòng ba", "Dòng một\nDòng hai\nDòng ba", id="breaks"),
        pytest.param(
            "Gửi a@b.example.vn, <mailto:c@d.example.vn> hoặc [thư](mailto:e@f.example.vn); "
            "[trang](/lien-he), ![ảnh](a.png)xem phuong2.example.vn",
            "Gửi a@b.example.vn, c@d.example.vn hoặc thư (e@f.example.vn); trang, "
            "xem phuong2.example.vn",
            id="mail-addresses-own-pages-images-bare-domains",
        ),
        pytest.param(
            "Xem [Phường (Việt Nam)](https://vi.wikipedia.org/wiki/Phường_(Việt_Nam)).",
            "Xem Phường (Việt Nam) (https://vi.wikipedia.org/wiki/Phường_(Việt_Nam)).",
            id="link-whose-address-has-parentheses",
        ),
        # What a line-by-line reading got wrong:
        pytest.param(
            "**Lưu ý: mang theo\nbản chính CCCD**",
            "Lưu ý: mang theo\nbản chính CCCD",
            id="emphasis-over-a-line-break",
        ),
        pytest.param(
            "Tải [mẫu [CT01]](https://dvc.example.vn/ct01.pdf).",
            "Tải mẫu [CT01] (https://dvc.example.vn/ct01.pdf).",
            id="link-text-with-brackets",
        ),
        pytest.param(
            "Nộp [tại đây](dichvucong.gov.vn) hoặc [mẫu](mau-ct01.pdf).",
            "Nộp tại đây (dichvucong.gov.vn) hoặc mẫu.",
            id="address-typed-without-http-kept-a-file-of-the-portals-own-not",
        ),
        pytest.param(
            "Liên hệ:\n+ 84 912 345 678 (anh Nam)\n\n+ 84-276-3822-123\n\n+ (84) 912345678",
            "Liên hệ:\n+ 84 912 345 678 (anh Nam)\n\n+ 84-276-3822-123\n\n+ (84) 912345678",
            id="phone-number-with-a-space-after-its-plus-keeps-the-plus",
        ),
        pytest.param(
            "Mang theo:\n+ Bản sao CCCD\n+ 84 tuổi trở lên: thẻ BHYT\n+ 2 ảnh 3x4\n"
            "+ 84 912 345 678",
            "Mang theo:\n• Bản sao CCCD\n• 84 tuổi trở lên: thẻ BHYT\n• 2 ảnh 3x4\n"
            "+ 84 912 345 678",
            id="plus-bullets-followed-by-words-stay-a-list",
        ),
        pytest.param(
            "Gọi:\n- 0912 345 678\n- 0276 3822 123\n\n1. 0909 111 222\n2. Phòng một cửa",
            "Gọi:\n• 0912 345 678\n• 0276 3822 123\n\n1. 0909 111 222\n2. Phòng một cửa",
            id="dash-and-numbered-items-of-phone-numbers-stay-lists",
        ),
        pytest.param(
            "Đăng ký [tại đây][dvc].\n\n[dvc]: https://dichvucong.example.vn",
            "Đăng ký tại đây (https://dichvucong.example.vn).",
            id="reference-link",
        ),
    ],
)
def test_staff_markdown_reads_as_plain_text(markdown: str, text: str) -> None:
    assert plain(markdown) == text


def test_blocks_are_apart_where_staff_left_a_blank_line() -> None:
    markdown = "# Lịch\n\nSáng:\n- 7 giờ\n\n- 9 giờ\n\n***\n\n| A | B |\n|---|---|\n| 1 | 2 |"
    assert blocks(markdown) == [
        Block("Lịch", heading=True),
        Block("Sáng:\n• 7 giờ"),
        Block("• 9 giờ"),
        Block("A — B\n1 — 2"),
    ]
