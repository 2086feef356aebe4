"""Scoring the engine on a question set (FORMATS.md, "Evaluation question sets")."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Outcome:
    question: Question
    answer: Answer

    @property
    def correct(self) -> bool:
        top = self.answer.best
        if not self.question.expect:
            return not self.answer.answered
        return self.answer.answered and top is not None and top.id in self.question.expect

    @property
    def reciprocal_rank(self) -> float:
        for rank, hit in enumerate(self.answer.results[:5], start=1):
            if hit.id in self.question.expect:
                return 1.0 / rank
        return 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

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

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]


def load_questions(path: Path) -> list[Question]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise QuestionSetError(f"{path}: {exc}") from exc
    if not isinstance(data, list):
        raise QuestionSetError(f"{path}: expected a list of questions")
    questions = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise QuestionSetError(f"{path}: item {number} needs a 'q' string")
        expect = item.get("expect") or []
        if not isinstance(expect, list):
            raise QuestionSetError(f"{path}: item {number}: 'expect' must be a list of ids")
        questions.append(Question(item["q"], tuple(str(e) for e in expect)))
    return questions


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
