"""What admins were told about the staff files, kept across restarts (for wardbot.alerts).

A restart must not tell them again what they already know (a mistake in faq.yaml they
have not fixed yet, a followed topic gone), yet a mistake left for long deserves a
reminder: at a start, what they were told more than REMIND_AFTER ago and is still wrong
is told again; the rest only when it is new. And what they wait to hear is fixed (a
mistake, faq.yaml unreadable, entries lost) is still told fixed after a restart.

Kept in the database's `meta` table under TOLD_KEY, as JSON: short digests of what was
told (a problem's file and message; no text of it) with when, and what the bot waits for
to say "fixed": the files told of, whether faq.yaml was told unreadable, the FAQ ids told
lost; and when each problem told only once it lasts (a notice saved twice) was first seen,
by the same short digest, so that a restart neither delays nor repeats it; and the
warnings told (a picture residents will not see), by a digest of the picture and of the
answer or notice holding it, so that only a new save of that text tells it again. Nothing
about residents.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

TOLD_KEY = "admins-told"
# Still wrong this long after admins were told: told again at the next start.
REMIND_AFTER = 86400.0


def digest(*parts: object) -> str:
    """A short digest of what was told, to know it again."""
    return hashlib.blake2b(
        json.dumps(parts, ensure_ascii=False).encode(), digest_size=8
    ).hexdigest()


@dataclass
class Told:
    """What admins were told and what they wait to hear fixed."""

    problems: dict[str, float] = field(default_factory=dict)  # problem digest -> when told
    shrink: tuple[str, float] | None = None  # the FAQ shrink told (its digest, when)
    topics_gone: dict[str, float] = field(default_factory=dict)  # topic id -> when told
    files: set[str] = field(default_factory=set)  # of the problems told, not all fixed
    faq_broken: bool = False  # told faq.yaml cannot be read
    faq_lost: set[str] = field(default_factory=set)  # FAQ ids told gone, not back yet
    notes: dict[str, float] = field(default_factory=dict)  # other notes' keys -> when told
    notices: int | None = None  # how many notices content/ had at the last look
    notices_gone: bool = False  # told every notice was gone, not told they are back yet
    # Problems told only once they last (`Problem.told_after`) that are still there:
    # digest -> when first seen (dropped once gone).
    waiting: dict[str, float] = field(default_factory=dict)
    # Warnings told (the entry or notice is used all the same): digest -> when told.
    warnings: dict[str, float] = field(default_factory=dict)

    def dump(self) -> str:
        return json.dumps(
            {
                "notes": self.notes,
                "notices": self.notices,
                "notices_gone": self.notices_gone,
                "problems": self.problems,
                "shrink": list(self.shrink) if self.shrink else None,
                "topics_gone": self.topics_gone,
                "files": sorted(self.files),
                "faq_broken": self.faq_broken,
                "faq_lost": sorted(self.faq_lost),
                "waiting": self.waiting,
                "warnings": self.warnings,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def load(cls, text: str | None, now: float) -> Told:
        """As kept (`dump`), at a start at `now`: what was told more than REMIND_AFTER
        ago is left out, to be told again if it is still so. Unreadable: nothing told."""
        if not text:
            return cls()
        try:
            kept = json.loads(text)
            fresh = now - REMIND_AFTER
            shrink = kept["shrink"]
            return cls(
                problems={k: float(at) for k, at in kept["problems"].items() if at >= fresh},
                shrink=(str(shrink[0]), float(shrink[1]))
                if shrink and shrink[1] >= fresh
                else None,
                topics_gone={k: float(at) for k, at in kept["topics_gone"].items() if at >= fresh},
                files={str(f) for f in kept["files"]},
                faq_broken=bool(kept["faq_broken"]),
                faq_lost={str(i) for i in kept["faq_lost"]},
                notes={k: float(at) for k, at in kept.get("notes", {}).items() if at >= fresh},
                notices=int(kept["notices"]) if kept.get("notices") is not None else None,
                notices_gone=bool(kept.get("notices_gone", False)),
                # However long ago: a problem's wait is not a reminder's.
                waiting={k: float(at) for k, at in kept.get("waiting", {}).items()},
                # However long ago: a warning is told once for each save, not reminded.
                warnings={k: float(at) for k, at in kept.get("warnings", {}).items()},
            )
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            log.warning("what admins were told before the restart is unreadable: %s", exc)
            return cls()
