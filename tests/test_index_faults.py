"""The search index on disk meeting faults: a full disk while writing, damaged files."""

import datetime as dt
import errno
from pathlib import Path

import pytest
from sample_ward import write_ward
from whoosh.filedb import structfile
from whoosh.writing import SegmentWriter

from wardbot.engine import Engine

TODAY = dt.date(2025, 1, 15)
NOTICE = """\
---
title: Lịch tiêm vắc xin sởi cho trẻ em tại trạm y tế
date: 2025-01-10
---

Trạm y tế phường tiêm vắc xin sởi miễn phí cho trẻ từ 9 tháng tuổi.
"""


def _fail_one_write(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The next write of an index's commit fails as on a full disk; the later ones work."""
    real_commit, real_write = SegmentWriter.commit, structfile.StructFile.write
    committing: list[bool] = []
    failed: list[str] = []

    def commit(self: SegmentWriter, *args: object, **kwargs: object) -> object:
        committing.append(True)
        try:
            return real_commit(self, *args, **kwargs)
        finally:
            committing.pop()

    def write(self: structfile.StructFile, data: bytes) -> object:
        if committing and not failed:
            failed.append(str(self._name))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(SegmentWriter, "commit", commit)
    monkeypatch.setattr(structfile.StructFile, "write", write)
    return failed


def test_a_notice_that_met_a_full_disk_is_indexed_once_there_is_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        notice = content / "2025-01-10-tiem-vac-xin-soi.md"
        notice.write_text(NOTICE, encoding="utf-8")
        failed = _fail_one_write(monkeypatch)
        with pytest.raises(OSError, match="No space left"):
            engine.update_announcements([notice])
        assert failed
        # The disk has room again: the watcher's next pass applies the change.
        engine.update_announcements([notice])
        assert engine.ask("lịch tiêm vắc xin sởi cho trẻ").best.id == notice.stem
    finally:
        engine.close()


def test_a_rebuild_that_met_a_full_disk_leaves_no_half_made_index_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faq, content = write_ward(tmp_path)
    index = tmp_path / "data" / "index"
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        live = sorted(p.name for p in index.glob("gen-*"))
        failed = _fail_one_write(monkeypatch)
        with pytest.raises(OSError, match="No space left"):
            engine.rebuild()
        assert failed
        # Its files would keep the disk full; the index it was replacing still serves.
        assert sorted(p.name for p in index.glob("gen-*")) == live
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
        engine.rebuild()
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
    finally:
        engine.close()
