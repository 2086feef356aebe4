"""Vietnamese text normalisation (work in progress: full version follows)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip every diacritic, with đ -> d: 'Đăng ký' -> 'dang ky'."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text)
