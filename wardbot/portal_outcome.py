"""What became of each source imported from the ward's portal (wardbot.portal_import): an
`Outcome` (new, updated, unchanged, skipped, withdrawn, failed...) with why, as staff read it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from wardbot.portal_extract import NotAnArticle
from wardbot.portal_fetch import FetchError, shown_address
from wardbot.portal_log import ImportLogError

log = logging.getLogger(__name__)


# A failure of the portal's, not of the item (a PDF, a page on another host): no answer, a
# server error, a maintenance page; as portal_fetch and portal_extract word them.
_PASSING = re.compile(
    r"^(?:timed out|could not connect|the portal's HTTPS connection|the server answered "
    r"(?:5\d\d|429)|an error, maintenance or login page|a bot check)"
)


def passing(why: str) -> bool:
    """Whether a failure (Outcome.why) is the portal's moment rather than the item's."""
    return bool(_PASSING.match(why))


def portal_wide(why: str) -> bool:
    """Whether a failure (Outcome.why) is the portal's, for every page alike: its moment,
    or the bot refused (401, 403, a bot check), rather than the item's (404, a PDF)."""
    return passing(why) or why.startswith(("the server answered 401", "the server answered 403"))


# What happened to a source.
NEW, UPDATED, UNCHANGED, KEPT, DELETED, DUPLICATE, WITHDRAWN, SKIPPED, FAILED = (
    "new",
    "updated",
    "unchanged",
    "kept",
    "deleted",
    "duplicate",
    "withdrawn",
    "skipped",
    "failed",
)


@dataclass(frozen=True)
class Outcome:
    """One source's (or feed item's) result; `why` explains a failure or a skip."""

    source: str
    action: str
    path: Path | None = None
    title: str | None = None
    why: str | None = None
    text: str | None = None  # the file's text when written (or, with --dry-run, would be)
    kept: Path | None = None  # where the staff version it replaced is kept (an update)
    # An update: the notice of an article the portal had taken down, back on it (at its
    # address, or its title and text at another); or the notice of a post the portal took
    # down (its address) now of the corrected version posted in its place the same day.
    back: bool = False
    replaces: str | None = None
    # An update whose `replaces` the portal still shows (its version before the correction).
    replaces_shown: bool = False
    # A withdrawal, or a notice back, admins are not told of now (see portal_withdraw).
    quiet: bool = False
    # A new notice whose article is only its scanned page or its files (see
    # portal_links.links_alone): residents get the links; staff may type its text.
    links_alone: bool = False

    @property
    def failed(self) -> bool:
        return self.action == FAILED

    @property
    def written(self) -> bool:
        return self.action in (NEW, UPDATED)

    def describe(self, dry_run: bool = False) -> str:
        """One line for staff (a failure: `SOURCE: why`)."""
        where = str(self.path) if self.path else ""
        if self.action == FAILED:
            return f"{self.source}: {self.why}"
        if self.written:
            verb = "would write" if dry_run else ("imported" if self.action == NEW else "updated")
            note = f" ({self.why})" if self.why else ""
            return f"{verb} {where}: {self.title}{note}"
        if self.action == UNCHANGED:
            return f"unchanged {where}: {self.source}"
        if self.action == WITHDRAWN:
            verb = "would withdraw" if dry_run else "withdrew"
            return f"{verb} {where}: {self.title} ({self.why})"
        return f"skipped {self.source}: {self.why}"


# A news list's link to a page with no article or no date: a category, a page about the
# ward, a document's page. The list's links are told apart from its menus by their looks
# alone, so such a page is no failure to tell admins of (it is tried less and less often).
_NO_ARTICLE = re.compile(r"^(?:no article found|no publication date)")
# Why a page holds no article at all (extract_article): a news list's, maybe.
NO_ARTICLE_FOUND = "no article found"


def not_an_article(why: str) -> bool:
    """Whether a page failed for holding no article or no date (see `no_article`)."""
    return _NO_ARTICLE.match(why) is not None


def no_article(outcome: Outcome) -> Outcome:
    """A news list's item as admins hear of it: a page that is no article, skipped."""
    if outcome.failed and not_an_article(outcome.why or ""):
        return Outcome(outcome.source, SKIPPED, why=f"not an article: {outcome.why}")
    return outcome


def failure(source: str, exc: Exception) -> Outcome:
    """A source that went wrong, as staff read it; never an exception out of the importer."""
    if isinstance(exc, FetchError | NotAnArticle):
        return Outcome(source, FAILED, why=exc.why)
    if isinstance(exc, ImportLogError):
        return Outcome(source, FAILED, why=str(exc))
    if isinstance(exc, OSError):  # the content folder's, or the data folder's (the log)
        where = f" in {Path(exc.filename).parent}" if exc.filename else ""
        return Outcome(source, FAILED, why=f"could not write{where} ({exc.strerror or exc})")
    log.exception("importing %s failed", shown_address(source))
    return Outcome(source, FAILED, why=f"unexpected error ({type(exc).__name__}: {exc})")
