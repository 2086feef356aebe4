"""The Whoosh index's candidate search: Whoosh's BM25F ranking, without its per-posting loop."""

from itertools import pairwise

import pytest
from whoosh import scoring
from whoosh.query import Or, Term

from index.whoosh_index import IndexDoc, SearchIndex


def _doc(number: int) -> IndexDoc:
    """Notices sharing common words ('thong', 'bao') in titles of different lengths."""
    head = ["thong", "bao"] + ["lich"] * (number % 3) + [f"so{number % 7}"] * (1 + number % 2)
    body = ["phuong", f"to{number % 5}"] + (["tiem", "chung"] if number % 4 == 0 else [])
    return IndexDoc(
        id=f"tb-{number}",
        type="announcement",
        fields={
            "head_fold": head,
            "head_bi": [f"{a}_{b}" for a, b in pairwise(head)],
            "body_fold": body,
        },
    )


QUERIES = [
    {"head_fold": [("thong", 1.3), ("lich", 0.7)], "body_fold": [("thong", 0.5)]},
    {"head_fold": [("so3", 2.0)], "body_fold": [("tiem", 0.4), ("to2", 0.4)]},
    # A pair the question says twice counts twice, as in Whoosh.
    {"head_bi": [("thong_bao", 1.5), ("bao_lich", 1.5), ("bao_lich", 1.5)]},
    {"head_fold": [("khong-co", 1.0)], "body_fold": [("chung", 0.4)]},  # an unknown word
]


@pytest.fixture
def index(tmp_path):
    index = SearchIndex.build(tmp_path / "index", [_doc(n) for n in range(120)], "v1")
    # A second segment, and documents deleted from the first: replaced and removed.
    index.update([_doc(n) for n in (5, 130, 131)], delete=["tb-8"])
    yield index
    index.close()


@pytest.mark.parametrize("terms", QUERIES)
def test_search_ranks_documents_as_whoosh_bm25f_does(index, terms):
    clauses = [Term(f, text, boost=w) for f, weighted in terms.items() for text, w in weighted]
    expected = [
        (hit["id"], hit["type"], hit.score) for hit in index._searcher.search(Or(clauses), limit=30)
    ]

    found = index.search(terms, limit=30)

    assert [(doc_id, kind) for doc_id, kind, _ in found] == [(i, k) for i, k, _ in expected]
    assert [score for *_, score in found] == pytest.approx([s for *_, s in expected])
    assert "tb-8" not in {doc_id for doc_id, _, _ in found}


def test_a_common_word_is_scored_without_whoosh_walking_each_posting(index, monkeypatch):
    # Whoosh's scorer runs in Python once per posting: a word in thousands of notices
    # made a question take tens of milliseconds (issue 11). Every notice here has 'bao'.
    calls = []
    original = scoring.BM25FScorer.score

    def counted(self, matcher):
        calls.append(matcher)
        return original(self, matcher)

    monkeypatch.setattr(scoring.BM25FScorer, "score", counted)

    found = index.search({"head_fold": [("bao", 1.0)], "head_bi": [("bao_lich", 1.5)]})

    assert len(found) == 30
    assert calls == []


def test_a_notice_removed_or_replaced_by_an_update_is_found_no_more(tmp_path):
    index = SearchIndex.build(tmp_path / "index", [_doc(n) for n in range(40)], "v1")
    try:
        edited = IndexDoc("tb-5", "announcement", {"head_fold": ["thong", "bao", "moi"]})
        index.update([edited], delete=["tb-8"])

        found = [doc_id for doc_id, _, _ in index.search({"head_fold": [("thong", 1.0)]})]
        assert "tb-8" not in found
        assert found.count("tb-5") == 1
        assert [i for i, _, _ in index.search({"head_fold": [("moi", 1.0)]})] == ["tb-5"]
        assert index.doc_count() == 39
    finally:
        index.close()


def test_opening_an_index_leaves_its_files_on_disk(tmp_path):
    # An archive's index is read through the file system's cache, not copied into the
    # bot's memory when it opens (Whoosh does copy compound segments).
    import tracemalloc

    def doc(n):
        body = [f"w{(n * 7 + k * 13) % 4000}" for k in range(300)]
        return IndexDoc(id=f"d{n}", type="announcement", fields={"body_fold": body})

    SearchIndex.build(tmp_path / "index", [doc(n) for n in range(800)], "v1").close()
    on_disk = sum(p.stat().st_size for p in (tmp_path / "index").rglob("*") if p.is_file())
    tracemalloc.start()
    try:
        index = SearchIndex.open(tmp_path / "index", "v1")
        in_memory = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert index is not None and index.search({"body_fold": [("w13", 1.0)]})
    index.close()
    assert on_disk > 500_000
    assert in_memory < on_disk / 4, (in_memory, on_disk)


def test_an_index_another_process_brought_up_to_date_still_answers_here(tmp_path):
    # The running bot searches the generation that `bot.py ask` or `announce`, started
    # after an edit, brings up to date in place: its merges delete the segments the bot
    # still reads, and a segment whose stored ids the bot had not read yet was gone.
    live = SearchIndex.build(tmp_path / "index", [_doc(n) for n in range(60)], "v1")
    try:
        for n in range(200, 212):  # notices added one at a time: small segments
            live.update([_doc(n)])
        other = SearchIndex.open(tmp_path / "index")
        assert other is not None
        for n in range(300, 312):
            other.update([_doc(n)], delete=[f"tb-{n - 300}"])
        other.close()

        found = live.search({"head_fold": [("thong", 1.0)]}, limit=200)
        assert {doc_id for doc_id, _, _ in found} == {
            f"tb-{n}" for n in (*range(60), *range(200, 212))
        }
    finally:
        live.close()
