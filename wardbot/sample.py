"""The sample ward shipped with the bot (its content/ folder, the Docker image's default):
which of a ward's announcements are still the sample's.

The sample's notices are another ward's news (Tân Quy Đông, Hội Phú...). A deployment that
wrote its own faq.yaml but left content/ as it came, or a Docker image started without the
ward's folder mounted, serves them to residents as this ward's: in /latest, in answers,
in the web chat. `bot.py check` and `bot.py run` say so, naming them.

Not while faq.yaml is the sample's too, as shipped: that is the sample ward itself (the
README's first step, `make check` in a fresh checkout), whose notices are its own news.
`bot.py run` says, in a line of its own, that it serves the sample ward.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

# The file names (without .md) of content/ as shipped; tests/test_sample.py keeps the list
# the folder's.
SAMPLE_NOTICES: frozenset[str] = frozenset(
    {
        "2019-10-07-hoi-phu-tong-ket-10-nam-phong-trao-dan-van-kheo",
        "2021-10-14-khoi-dan-van-dang-uy-giao-ban-cong-tac-dan-van-quy-iii-2021",
        "2022-07-07-tan-quy-dong-so-ket-dan-van-mat-tran-6-thang-dau-nam-2022",
        "2023-07-27-hop-giao-ban-quy-2-ban-thuong-vu-dang-uy-voi-mttq-doan-the",
        "2024-03-04-huong-ung-tuan-le-ao-dai-nam-2024",
        "2024-03-04-lich-su-va-y-nghia-ngay-quoc-te-phu-nu-8-3",
        "2024-03-04-ngay-truyen-thong-bo-doi-bien-phong",
        "2024-03-04-tiep-tuc-thuc-hien-cong-tac-kich-hoat-dinh-danh-dien-tu",
        "2024-03-05-ubnd-phuong-2-hop-phien-thuong-ky-thang-02-2024",
        "2024-03-08-ky-niem-114-nam-ngay-quoc-te-phu-nu-va-1984-nam-khoi-nghia-hai-ba-trung",
        "2024-03-08-phien-cho-nhan-dao",
        "2024-07-08-hoi-nghi-uy-ban-mttq-phuong-2-lan-thu-ii-nhiem-ky-2024-2029",
        "2024-07-11-doan-phuong-phoi-hop-ubnd-tan-quy-dong-to-chuc-dien-dan-tre-em-2024",
        "2024-07-13-chi-bo-quan-su-tan-quy-dong-ket-nap-dang-vien-moi",
        "2024-07-15-dieu-chinh-muc-dong-bhxh-tu-nguyen-bhyt-ho-gia-dinh-can-ngheo",
        "2024-07-15-hdnd-tan-quy-dong-ky-hop-thu-8-khoa-xii",
        "2024-07-15-khoi-cong-xay-dung-cong-trinh-cau-sa-dec",
        "2024-07-15-tan-quy-dong-xet-nghiem-tu-van-tam-soat-benh-mien-phi",
        "2024-07-15-tuyen-truyen-ngay-truyen-thong-luc-luong-thanh-nien-xung-phong",
        "2024-07-16-mttq-tan-quy-dong-phat-hoc-bong-sinh-vien-kho-khan",
    }
)


# SHA-256 of faq.yaml as shipped (line endings as git writes them on Linux);
# tests/test_cli.py keeps it the file's.
SAMPLE_FAQ_SHA256 = "a1b4565bb5af3481e3caa7fce06c97c78718f68264c860adfebab0e48f43a560"


def sample_notices(ids: Iterable[str]) -> list[str]:
    """Those of `ids` that are the sample ward's notices, sorted."""
    return sorted(set(ids) & SAMPLE_NOTICES)


def is_sample_faq(faq_file: Path) -> bool:
    """Whether `faq_file` is the sample ward's faq.yaml as shipped (whatever its line
    endings). One edited in place, or unreadable, is not."""
    try:
        text = faq_file.read_bytes().replace(b"\r\n", b"\n")
    except OSError:
        return False
    return hashlib.sha256(text).hexdigest() == SAMPLE_FAQ_SHA256


def left_behind(faq_file: Path, ids: Iterable[str]) -> list[str]:
    """The sample's notices among `ids` in a ward whose faq.yaml is its own (sorted): left
    in content/, they are another ward's news. None while the FAQ is the sample's too."""
    samples = sample_notices(ids)
    return [] if not samples or is_sample_faq(faq_file) else samples
