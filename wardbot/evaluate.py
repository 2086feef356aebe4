"""Scoring the engine on a question set (FORMATS.md, "Evaluation question sets").

Besides loading and scoring, this module formats the results `bot.py eval` prints: one
ward's metrics, its misses, its sections, and a table of several wards with their mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from wardbot.models import Answer


class QuestionSetError(ValueError):
    """The question file is not a list of {q, expect} items."""


@dataclass(frozen=True)
class Question:
    q: str
    expect: tuple[str, ...]
    # Where it is in its file (1-based): the item, and each `expect` id, for messages.
    line: int = field(default=0, compare=False)
    expect_lines: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Outcome:
    question: Question
    answer: Answer

    @property
    def correct(self) -> bool:
        if not self.question.expect:
            return not self.answer.answered
        return self.answer.answered and self.ranked_first

    @property
    def ranked_first(self) -> bool:
        """The right entry comes first, whether or not the bot dared to answer with it."""
        top = self.answer.best
        return top is not None and top.id in self.question.expect

    @property
    def offered_right(self) -> bool:
        """Not answered, but a right entry is among the choices offered ("Có phải anh/chị
        muốn hỏi..."): the resident is one tap from the answer."""
        return not self.answer.answered and any(
            hit.id in self.question.expect for hit in self.answer.offers
        )

    @property
    def answered_wrongly(self) -> bool:
        """Answered with a wrong entry, or answered what it should have declined: what
        costs a resident a wasted trip, unlike an honest "I don't know"."""
        return self.answer.answered and not self.correct

    @property
    def reciprocal_rank(self) -> float:
        for rank, hit in enumerate(self.answer.results[:5], start=1):
            if hit.id in self.question.expect:
                return 1.0 / rank
        return 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @classmethod
    def collect(cls, ask: Callable[[str], Answer], questions: Sequence[Question]) -> Report:
        """Ask every question (with e.g. `engine.ask`) and keep what came back."""
        return cls([Outcome(q, ask(q.q)) for q in questions])

    @property
    def answerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.question.expect]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.question.expect]

    def metrics(self) -> dict[str, float]:
        def share(items: list[Outcome]) -> float:
            return sum(o.correct for o in items) / len(items) if items else 0.0

        answerable = self.answerable
        return {
            "questions": float(len(self.outcomes)),
            "answerable_top1": share(answerable),
            "mrr_at_5": (
                sum(o.reciprocal_rank for o in answerable) / len(answerable) if answerable else 0.0
            ),
            "out_of_scope_abstain": share(self.out_of_scope),
            "overall": share(self.outcomes),
        }

    def ranked_first(self) -> float | None:
        """Share of answerable questions whose right entry is ranked first, answered or
        not (None without answerable questions): the ranking alone, no abstention."""
        answerable = self.answerable
        return sum(o.ranked_first for o in answerable) / len(answerable) if answerable else None

    def answered_wrongly(self) -> int:
        return sum(o.answered_wrongly for o in self.outcomes)

    def answered_or_offered(self) -> float | None:
        """Share of answerable questions answered right or whose right entry is offered
        among the choices (None without answerable questions)."""
        answerable = self.answerable
        if not answerable:
            return None
        return sum(o.correct or o.offered_right for o in answerable) / len(answerable)

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]

    def by_section(self, sections: Sequence[str]) -> list[tuple[str, Report]]:
        """One report per section, in the order the sections first appear.

        `sections` names the section of each outcome, in order (see `load_sections`).
        """
        if len(sections) != len(self.outcomes):
            raise ValueError(f"{len(sections)} section names for {len(self.outcomes)} outcomes")
        parts: dict[str, Report] = {}
        for section, outcome in zip(sections, self.outcomes, strict=True):
            parts.setdefault(section, Report()).outcomes.append(outcome)
        return list(parts.items())


QUESTION_KEYS = ("q", "expect")


def load_questions(path: Path) -> list[Question]:
    """The questions of `path`; QuestionSetError as `file:line: message` when the file is
    not a list of {q, expect} items (an unknown key such as `expected:` included: it would
    silently make the question out of scope)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        raise QuestionSetError(_yaml_problem(path, exc)) from exc
    except OSError as exc:
        raise QuestionSetError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise QuestionSetError(f"{path}:{line}: not UTF-8 text; save the file as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise QuestionSetError(f"{path}: {exc}") from exc
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise QuestionSetError(f"{path}: expected a list of questions")
    questions = []
    for number, (item, node) in enumerate(zip(data, root.value, strict=True), start=1):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise QuestionSetError(f"{path}:{line}: item {number} needs a 'q' string")
        assert isinstance(node, yaml.MappingNode)
        values: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.value not in QUESTION_KEYS:
                hint = f" (did you mean {close!r}?)" if (close := _close_key(key.value)) else ""
                raise QuestionSetError(
                    f"{path}:{key.start_mark.line + 1}: item {number}: unknown key "
                    f"{key.value!r}{hint}; a question has only 'q' and 'expect'"
                )
            values[key.value] = value
        expect = item.get("expect") or []
        if not isinstance(expect, list):
            raise QuestionSetError(f"{path}:{line}: item {number}: 'expect' must be a list of ids")
        ids = values.get("expect")
        lines = (
            tuple(n.start_mark.line + 1 for n in ids.value)
            if isinstance(ids, yaml.SequenceNode)
            else (line,) * len(expect)
        )
        questions.append(Question(item["q"], tuple(str(e) for e in expect), line, lines))
    return questions


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError) -> str:
    """A YAML syntax error as `file:line: what`, without PyYAML's quoted excerpt."""
    mark = exc.problem_mark or exc.context_mark
    line = f":{mark.line + 1}" if mark is not None else ""
    problem = exc.problem or exc.context or "not valid YAML"
    if "'\\t'" in problem:
        problem = "a tab character: YAML is indented with spaces only"
    return f"{path}{line}: {problem}"


def _close_key(key: str) -> str | None:
    """The question key `key` is probably a typo of ('expected' -> 'expect')."""
    folded = key.strip().lower()
    for known in QUESTION_KEYS:
        if folded.startswith(known) or (len(folded) > 1 and known.startswith(folded)):
            return known
    return None


def unknown_ids(path: Path, questions: Sequence[Question], known: set[str]) -> list[str]:
    """A `file:line: warning: ...` line for each `expect` id that no FAQ entry or notice
    has (a typo, or an entry the ward removed): such a question can never be answered
    right, and is scored as a wrong answer."""
    warnings = []
    for question in questions:
        for number, doc_id in enumerate(question.expect):
            if doc_id not in known:
                line = question.expect_lines[number] if question.expect_lines else question.line
                warnings.append(
                    f"{path}:{line}: warning: expect id {doc_id!r} is no FAQ entry or notice of "
                    f"this ward, so {question.q!r} cannot be answered right"
                )
    return warnings


NO_SECTION = "(no section)"
ALL_SECTIONS = "(all)"  # the last row of format_sections
_RULE = re.compile(r"#\s*={3,}\s*")  # '# =========='
_TITLED_RULE = re.compile(r"#\s*={3,}\s*(?P<title>[^=\s].*?)\s*={3,}\s*")  # '# == Title =='
_COMMENT = re.compile(r"#\s*(?P<text>.*?)\s*")
_ITEM = re.compile(r"-(\s.*)?")  # a question: an item of the top-level list


def load_sections(path: Path) -> list[str]:
    """The section of each question of `path`, in the order `load_questions` returns them.

    Sections are marked by comment headers, either a title between two rules

        # ==========================
        # 2. Không dấu (no diacritics)
        # ==========================

    or one line, `# ===== Out of scope =====` (a leading `section:` is dropped). Each
    question belongs to the last header above it; questions above every header are in
    NO_SECTION.
    """
    questions = load_questions(path)  # reports a broken file the usual way
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    current = NO_SECTION
    sections: list[str] = []
    for number, line in enumerate(lines):
        titled = _TITLED_RULE.fullmatch(line)
        if titled:
            current = _section_name(titled["title"])
        elif _RULE.fullmatch(line) and number + 2 < len(lines):
            title = _COMMENT.fullmatch(lines[number + 1])
            if (
                title
                and title["text"]
                and not _RULE.fullmatch(lines[number + 1])
                and _RULE.fullmatch(lines[number + 2])
            ):
                current = _section_name(title["text"])
        elif _ITEM.fullmatch(line):
            sections.append(current)
    if len(sections) != len(questions):
        raise QuestionSetError(
            f"{path}: found {len(sections)} questions starting with '- ' at the start of a "
            f"line but {len(questions)} in the list: cannot tell which section each is in"
        )
    return sections


def _section_name(title: str) -> str:
    name = title.strip()
    if name.lower().startswith("section:"):
        name = name[len("section:") :].strip()
    return name or NO_SECTION


# ------------------------------------------------------------------ printing
_METRICS = (
    ("questions", "questions"),
    ("answerable_top1", "answerable top-1"),
    ("mrr_at_5", "MRR@5"),
    ("out_of_scope_abstain", "out-of-scope abstain"),
    ("overall", "overall"),
)


def _figure(key: str, value: float) -> str:
    return str(round(value)) if key == "questions" else f"{value:.3f}"


def format_metrics(report: Report) -> str:
    """One metric a line, `overall` last:

    questions             3
    answerable top-1      0.500
    ...
    overall               0.667
    """
    metrics = report.metrics()
    return "\n".join(f"{label:<22}{_figure(key, metrics[key])}" for key, label in _METRICS)


def format_misses(report: Report, ward: str | None = None) -> str:
    """Every miss with what was expected and what came back ("" when there is none)."""
    prefix = f"{ward}: " if ward else ""
    lines = []
    for miss in report.misses():
        got = miss.answer.best
        shown = f"{got.id} ({got.score:.2f})" if got else "nothing"
        verdict = "answered" if miss.answer.answered else "abstained"
        expected = ", ".join(miss.question.expect) or "abstain"
        lines.append(
            f"{prefix}MISS {miss.question.q!r}\n  expected: {expected}\n  got: {shown}, {verdict}"
        )
    return "\n".join(lines)


def format_sections(report: Report, sections: Sequence[str], ward: str | None = None) -> str:
    """Per section: its questions, overall score, the share of its answerable questions
    whose right entry is ranked first (answered or not; '-' when it has none) and how
    many it answered wrongly (a wrong entry, or an out-of-scope question answered); then
    the same for all the questions.

    north: by section
      questions  overall  first  wrong  section
              3    0.667  1.000      1  1. Có dấu
              5    0.800  1.000      1  (all)
    """
    title = f"{ward}: by section" if ward else "by section"
    lines = [title, f"  {'questions':>9}  {'overall':>7}  {'first':>5}  {'wrong':>5}  section"]
    for name, part in [*report.by_section(sections), (ALL_SECTIONS, report)]:
        first = part.ranked_first()
        lines.append(
            f"  {len(part.outcomes):>9}  {part.metrics()['overall']:>7.3f}  "
            f"{'-' if first is None else f'{first:.3f}':>5}  {part.answered_wrongly():>5}  {name}"
        )
    return "\n".join(lines)


def mean_metrics(reports: Sequence[Report]) -> dict[str, float]:
    """Each metric averaged over the reports, every report weighing the same.

    `questions` is the total instead: the number of questions asked in all.
    """
    if not reports:
        raise ValueError("no reports to average")
    all_metrics = [report.metrics() for report in reports]
    mean = {key: sum(m[key] for m in all_metrics) / len(all_metrics) for key, _ in _METRICS}
    mean["questions"] = sum(m["questions"] for m in all_metrics)
    return mean


def format_table(rows: Sequence[tuple[str, Report]]) -> str:
    """One row per ward, then a `mean` row (see `mean_metrics`); `overall` is the last column.

    ward   questions  answerable top-1  MRR@5  out-of-scope abstain  overall
    north          3             0.500  0.500                 1.000    0.667
    south          2             0.000  0.000                 1.000    0.500
    mean           5             0.250  0.250                 1.000    0.583
    """
    named = [(name, report.metrics()) for name, report in rows]
    named.append(("mean", mean_metrics([report for _, report in rows])))
    width = max(len("ward"), *(len(name) for name, _ in named))
    lines = ["  ".join([f"{'ward':<{width}}", *(label for _, label in _METRICS)])]
    for name, metrics in named:
        cells = [f"{_figure(key, metrics[key]):>{len(label)}}" for key, label in _METRICS]
        lines.append("  ".join([f"{name:<{width}}", *cells]))
    return "\n".join(lines)


@dataclass(frozen=True)
class Ward:
    """A labelled ward: its staff files and a question set about them."""

    name: str
    faq: Path
    content: Path
    questions: Path

    @classmethod
    def from_folder(cls, folder: Path) -> Ward:
        """A folder holding faq.yaml, content/ and questions.yaml."""
        folder = Path(folder)
        if not folder.is_dir():
            raise QuestionSetError(f"{folder}: not a folder (faq.yaml, content/, questions.yaml)")
        ward = cls(
            folder.resolve().name,
            folder / "faq.yaml",
            folder / "content",
            folder / "questions.yaml",
        )
        missing = [p.name for p in (ward.faq, ward.content, ward.questions) if not p.exists()]
        if missing:
            raise QuestionSetError(f"{folder}: no {', '.join(missing)}")
        return ward
