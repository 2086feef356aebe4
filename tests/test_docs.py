"""The documentation a clone of the project holds: complete in itself. (That docs/FORMATS.md
is the contract it copies, ../shared/spec/FORMATS.md, `make lint` checks where the
contract is at hand: a clone alone has only the copy.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fakes.telegram_api import FakeBotApi
from fakes.zalo_api import FakeZaloApi
from fakes.zalo_oa import FakeZaloOa
from test_telegram_app import bot_settings, running_app
from test_zalo_oa import oa_settings

from wardbot.config import Secret, Settings

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


def _anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to
    hyphens (Vietnamese letters kept)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_to_a_section_leads_to_a_heading_of_its_page(doc: Path) -> None:
    """README's "where to read what" list leads readers to its sections: a heading
    renamed must not leave a link that goes nowhere."""
    text = doc.read_text(encoding="utf-8")
    headings = {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}
    targets = re.findall(r"\]\(#([^)\s]+)\)", text)
    assert [t for t in targets if t not in headings] == []


def test_the_readme_links_to_the_contract_it_cites() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/FORMATS.md" in readme


@pytest.fixture
async def oa() -> AsyncIterator[FakeZaloOa]:
    async with FakeZaloOa() as fake:
        yield fake


def _readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(f"## {title}\n") :]
    return section[: section.index("\n## ", 3)]


async def test_the_readmes_healthz_table_names_every_check_a_running_bot_reports(
    ward_settings: Settings,
    tmp_path: Path,
    telegram: FakeBotApi,
    zalo: FakeZaloApi,
    oa: FakeZaloOa,
) -> None:
    """What an operator's monitoring sees: every check of a bot running every part (each
    channel, the staff desk, the portal), each in "Monitoring: /healthz"'s table, and no
    name there the bot does not report; what it adds beside the checks is told too."""
    settings = bot_settings(
        oa_settings(ward_settings, oa),  # the Zalo Official Account too: webhooks for all
        telegram,
        telegram_webhook_secret=Secret("telegram-webhook-secret"),
        zalo_webhook_secret=Secret("zalo-webhook-secret"),
        zalo_token=Secret(zalo.token),
        zalo_api_base=zalo.base_url,
        web_chat=True,
        staff_chat_id=-1001234567890,
        portal_feeds=("http://127.0.0.1:9/rss",),  # a portal down: the check is there all the same
        admin_ids=frozenset({"telegram:42"}),  # the weekly report to them
    )
    async with running_app(settings, healthy=False) as base, httpx.AsyncClient() as client:
        body = (await client.get(f"{base}/healthz")).json()
    assert "zalo-oa" in body["checks"]
    section = _readme_section("Monitoring: /healthz")
    table = [line for line in section.splitlines() if line.startswith("| `")]
    named = {name for line in table for name in re.findall(r"`([a-z-]+)`", line.split(" | ")[0])}
    assert named == set(body["checks"])
    beside = set(body) - {"status", "checks"}
    assert beside and [name for name in beside if f"`{name}`" not in section] == []
