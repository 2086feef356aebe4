"""The documentation a clone of the project holds: complete in itself. (That docs/FORMATS.md
is the contract it copies, ../shared/spec/FORMATS.md, `make lint` checks where the
contract is at hand: a clone alone has only the copy.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project's Markdown: not the announcements (the ward's, not documentation), nor what
# tools leave in the checkout (.venv, .pytest_cache, data/, build/).
DOCS = sorted(
    path
    for path in ROOT.rglob("*.md")
    if not re.match(r"\.|(content|data|build|dist)$|.*\.egg-info$", path.relative_to(ROOT).parts[0])
)


def _links(markdown: str) -> list[str]:
    """The targets of its inline links and images, `[text](target)`, addresses left out."""
    targets = re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", markdown)
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:|#", t, re.IGNORECASE)]


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_in_the_docs_leads_to_a_file_of_the_project(doc: Path) -> None:
    """README's links to FORMATS.md led outside the project (../shared): dead in a
    clone, on GitHub and in the package's description."""
    dead = []
    for target in _links(doc.read_text(encoding="utf-8")):
        path = (doc.parent / target.split("#")[0]).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            dead.append(target)
    assert dead == []


def test_the_readme_links_to_the_contract_it_cites() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/FORMATS.md" in readme
