"""The ward bot's command line: `python bot.py COMMAND` (see README.md).

This is the composition root: it parses the command line, reads the configuration and
wires the parts together. Importing it has no side effects.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

# Only the standard library up here: everything else is imported once main() has set what
# SIGTERM and Ctrl-C do (see main).
if TYPE_CHECKING:
    from wardbot.config import Settings

# The bot's own loggers: -v shows their debug messages, which name no resident and quote
# no message. Libraries' stay at INFO: python-telegram-bot's print whole updates (names,
# messages), aiosqlite's every SQL parameter (web chat sessions, questions).
OWN_LOGGERS = ("wardbot", "handlers", "__main__")
# The bot's own packages: a module of theirs that cannot be found is a bug, not a Python
# without the bot's dependencies.
OWN_PACKAGES = ("wardbot", "handlers", "index", "bot")
# `ask` computes the vectors documents lack before answering only when they are this few
# (about a minute's work): beside a bot still computing a large archive's, or on a fresh
# data folder, it would wait for them all, printing nothing.
ASK_EMBED_AT_MOST = 300


def _path(typed: str) -> Path:
    """A path given on the command line; a leading ~ is the home folder, also where no
    shell expanded it (`--data=~/ward/data`), as in the .env (wardbot.config). An empty
    one (`--data "$WARD_DATA"`, the variable unset) is refused: Path("") is the current
    folder, which would get the index and the database."""
    if not typed.strip():
        raise argparse.ArgumentTypeError("an empty path: name a file or folder")
    return Path(typed).expanduser()


def _options(default: object) -> argparse.ArgumentParser:
    """The options every command takes, each with `default` when not given."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--faq",
        type=_path,
        metavar="FILE",
        default=default,
        help="the FAQ file (default: $FAQ_FILE or faq.yaml)",
    )
    common.add_argument(
        "--content",
        type=_path,
        metavar="DIR",
        default=default,
        help="the announcements folder (default: $CONTENT_DIR or content/)",
    )
    common.add_argument(
        "--data",
        type=_path,
        metavar="DIR",
        default=default,
        help="where the index and database live (default: $DATA_DIR or data/)",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if default is None else default,
        help="log the bot's own debug messages too",
    )
    return common


def _parser() -> argparse.ArgumentParser:
    # Before the command too (`bot.py -v run`, `bot.py --data /srv/ward check`): the
    # command's own leave what was given there alone when not given themselves.
    common = _options(argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="bot.py",
        parents=[_options(None)],
        description="A chatbot for a Vietnamese ward office (phường).",
        epilog=(
            "Settings (the ward's name and hotline, the Telegram and Zalo tokens, the web "
            "chat, ...) are environment variables, or NAME=value lines of a .env file in the "
            "working directory (or the nearest folder above it): see 'Configuration' in "
            "README.md. "
            "`python bot.py COMMAND --help` explains each command."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "chat",
        parents=[common],
        help="talk to the bot in the terminal, no token needed",
        description=(
            "Talk to the bot in the terminal, as a resident would on Telegram or Zalo; no "
            "token needed. Type a question; a number opens a suggested question; /help lists "
            "the commands; /quit or Ctrl-D leaves."
        ),
    )
    commands.add_parser(
        "run",
        parents=[common],
        help="start every configured channel, the content watcher and the alert sender",
        description=(
            "Start the bot: every channel configured (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN, "
            "WEB_CHAT=on), its web server on HTTP_PORT (/healthz, webhooks, the web chat), "
            "the watcher that picks up edits of faq.yaml and content/, and the alert sender. "
            "With no channel configured, it says how to set one up. Ctrl-C or SIGTERM stops "
            "it."
        ),
    )
    ask = commands.add_parser(
        "ask",
        parents=[common],
        help="answer one question, or one per line of a file",
        description=(
            "Answer a question as the bot would, from the ward's files: the words given, or "
            "one question per line of --batch FILE. Problems with the files are printed on "
            "stderr."
        ),
    )
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--batch", metavar="FILE", help="read questions from FILE, one per line (- = stdin)"
    )
    commands.add_parser(
        "index",
        parents=[common],
        help="(re)build the search index",
        description=(
            "Build the search index afresh in the data folder from faq.yaml and content/ "
            "(the bot keeps it up to date by itself)."
        ),
    )
    commands.add_parser(
        "check",
        parents=[common],
        help="validate faq.yaml and content/",
        description=(
            "Check faq.yaml and the announcements in content/ after editing them: each "
            "problem is printed as 'file:line: message' (in Vietnamese, for ward staff); "
            "exits 1 when there is any."
        ),
    )
    ev = commands.add_parser(
        "eval",
        parents=[common],
        help="score the bot on a question set, or on labelled ward folders",
        description=(
            "Score the bot. Either one question file, with the ward's files given by --faq "
            "and --content; or one or more ward folders, each holding faq.yaml, content/ and "
            "questions.yaml: each ward is scored with its own index (in a temporary folder, "
            "or in --data/WARD_NAME), one row per ward and a row with their mean."
        ),
    )
    ev.add_argument(
        "targets",
        type=Path,
        nargs="+",
        metavar="PATH",
        help="QUESTIONS.yaml (the ward's files from --faq and --content), or WARD_DIR ...",
    )
    ev.add_argument(
        "--show-misses", action="store_true", help="list every miss with what was expected"
    )
    ev.add_argument(
        "--by-section",
        action="store_true",
        help="also print each section's scores (the '# ====' comment headers)",
    )
    fit = commands.add_parser(
        "fit",
        parents=[common],
        help="fit the ranker on labelled ward folders; print leave-one-ward-out scores",
        description=(
            "Fit the ranker on labelled ward folders (each holding faq.yaml, content/ and "
            "questions.yaml), print each ward's scores by a model fitted on the others, then "
            "write the model fitted on them all (for developers: needs the '.[dev]' packages)."
        ),
    )
    fit.add_argument("wards", type=Path, nargs="+", metavar="WARD_DIR", help="labelled wards")
    fit.add_argument(
        "--out", type=Path, help="where to write the model (default: the engine's own file)"
    )
    fit.add_argument(
        "--no-write", action="store_true", help="only print the leave-one-ward-out scores"
    )
    fit.add_argument("--lexical", action="store_true", help="fit without the embedding model")
    fit.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help=(
            "the day the wards are read on (notices' ages count); default: today in Vietnam. "
            "The model records it: `--today` with the shipped model's `fitted_on` rebuilds it"
        ),
    )
    fit.add_argument(
        "--by-section",
        action="store_true",
        help="also print each left-out ward's sections (the '# ====' comment headers)",
    )
    announce = commands.add_parser(
        "announce",
        parents=[common],
        help="publish an announcement: copy it into content/ and index it",
        description=(
            "Publish an announcement: check it, copy it into content/, index it and queue its "
            "alerts to the residents following its topics. A running bot picks up a file put "
            "into content/ by itself too."
        ),
    )
    announce.add_argument("file", type=Path, help="the announcement (YYYY-MM-DD-slug.md)")
    portal = commands.add_parser(
        "import",
        parents=[common],
        help="import announcements from the ward's web portal (pages, news lists, RSS/Atom feeds)",
        description=(
            "Import news articles from the ward's web portal into content/, then index them and "
            "queue the alerts as announce does. A SOURCE is a page URL, a saved HTML file, an "
            "RSS/Atom feed (URL or file), or the URL of a news list page (for a portal without "
            "RSS: each article it lists is imported). What was imported is remembered in the data"
            " folder: nothing is imported twice, an edited article updates its file (without a "
            "second alert), a file staff deleted is not imported again, and an imported page the "
            "portal now answers 404 or 410 for is withdrawn (its file moved to the data folder's "
            "portal-withdrawn/). Exits 1 when a source failed (each printed as 'SOURCE: why')."
        ),
    )
    portal.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="page URL, news list URL, saved HTML file, or feed",
    )
    portal.add_argument(
        "--dry-run", action="store_true", help="print what would be written; write nothing"
    )
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="copy the database and what else the data folder keeps into a new folder",
        description=(
            "Back up the data folder into FOLDER (a new or empty folder, outside it): the "
            "database (subscriptions, alerts waiting, tickets, the question log), copied "
            "whole while the bot runs, and the files the bot keeps beside it; not the search "
            "index and vectors, which the bot makes again from faq.yaml and content/. To "
            "restore, stop the bot and copy FOLDER's files into an empty data folder."
        ),
    )
    backup.add_argument("folder", type=_path, metavar="FOLDER", help="where to write the copy")
    widget = commands.add_parser(
        "widget",
        parents=[common],
        help="print the web chat widget's <script> tag for the portal, with its integrity value",
        description=(
            "Print the line to put on the portal's pages for the web chat's widget "
            "(WEB_CHAT=on): a <script> tag with the bot's address (PUBLIC_URL, or --url) and "
            "the integrity value of /widget.js as this bot serves it, for a portal that "
            "requires one. That value changes with WARD_NAME, WARD_HOTLINE, "
            "WEB_ALLOWED_ORIGINS and each update of the bot: print the tag again then."
        ),
    )
    widget.add_argument(
        "--url", metavar="URL", help="the bot's HTTPS address (default: PUBLIC_URL)"
    )
    return parser


def _cmd_widget(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.webchat import integrity, widget_script

    base = (args.url or settings.public_url or "").rstrip("/")
    if not base:
        print(
            "bot.py widget: the bot's address is not known: set PUBLIC_URL, or give it with "
            "--url https://hoidap.phuong2.example.gov.vn",
            file=sys.stderr,
        )
        return 2
    if not settings.web_chat:
        print(
            "bot.py widget: note: WEB_CHAT is off, so the bot serves no widget yet", file=sys.stderr
        )
    script = widget_script(settings)
    print(
        f'<script src="{html.escape(base)}/widget.js" integrity="{integrity(script)}" '
        'crossorigin="anonymous" defer></script>'
    )
    return 0


def _cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from wardbot.backup import BackupError, backup

    try:
        copied = backup(settings.data_dir, args.folder)
    except BackupError as exc:
        print(f"bot.py backup: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {settings.data_dir} into {args.folder}: {', '.join(copied)}")
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    from wardbot.config import Settings

    settings = Settings.from_env()
    overrides = {
        key: value
        for key, value in (
            ("faq_file", args.faq),
            ("content_dir", args.content),
            ("data_dir", args.data),
        )
        if value is not None
    }
    return replace(settings, **overrides)


def _report_problems(engine) -> None:  # type: ignore[no-untyped-def]
    """What keeps the engine from serving all of faq.yaml and content/, on stderr as
    `file:line: ...` (a mistyped --content would otherwise look like a bot that knows
    nothing)."""
    for problem in engine.problems:
        print(problem, file=sys.stderr)


class _BatchError(Exception):
    """--batch FILE cannot be read; the message says why, in one line."""


def _read_batch(name: str) -> list[str]:
    """The questions in --batch FILE (`-`: standard input), one a line, blank lines skipped."""
    from wardbot.staff_read import staff_text

    try:
        if name == "-":
            raw: bytes | str = (
                sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
            )
        else:
            raw = Path(name).read_bytes()
    except OSError as exc:
        raise _BatchError(f"cannot read {name} ({exc.strerror or exc})") from None
    where = "standard input" if name == "-" else name
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = staff_text(raw)  # UTF-8 or, told by its byte order mark, UTF-16
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise _BatchError(f"{where}:{line}: not UTF-8 text; save the file as UTF-8") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    questions = [line.strip() for line in lines if line.strip()]
    if not questions:  # the wrong file, or one saved empty
        raise _BatchError(f"{where} holds no question (one a line)")
    return questions


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch and args.question:  # the words would go unasked, without a word
        print(
            f"bot.py ask: give a question or --batch FILE, not both (the question: "
            f"{' '.join(args.question)!r})",
            file=sys.stderr,
        )
        return 2
    if args.batch:
        try:
            questions = _read_batch(args.batch)
        except _BatchError as exc:
            print(f"bot.py ask: {exc}", file=sys.stderr)
            return 2
    else:
        questions = [" ".join(args.question)]
        if not questions[0].strip():
            print("bot.py ask: give a question, or --batch FILE", file=sys.stderr)
            return 2
        if len(args.question) == 1 and Path(args.question[0]).is_file():
            # `ask questions.txt` would ask the file's name and answer "no information".
            print(
                f"bot.py ask: {args.question[0]} is a file; to ask each of its lines,"
                f" use --batch {args.question[0]}",
                file=sys.stderr,
            )
            return 2
    from wardbot import datadir

    with datadir.engine_for(settings, embed_at_most=ASK_EMBED_AT_MOST) as (engine, _read_only):
        _report_problems(engine)
        if engine.vectors.pending:
            print(
                f"bot.py ask: {engine.vectors.pending} of {engine.semantic_status()['of']} "
                "documents have no vectors yet: they are ranked by their words, as a running "
                "bot ranks them until it has computed them (bot.py run and chat compute them "
                "in the background and save them in the data folder)",
                file=sys.stderr,
            )
        _print_answers(engine, questions, settings, as_json=args.json)
    return 0


def _print_answers(engine, questions: list[str], settings: Settings, *, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from wardbot.render import plain_answer

    for question in questions:
        answer = engine.ask(question)
        if as_json:
            payload = {
                "question": question,
                "answered": answer.answered,
                "results": [
                    {"type": h.type, "id": h.id, "title": h.title, "score": h.score}
                    for h in answer.results
                ],
            }
            print(_json_line(payload))
        else:
            print(plain_answer(answer, settings, engine.today))
            if len(questions) > 1:
                print()


def _json_line(payload: object) -> str:
    """`payload` as one line of JSON: Vietnamese as written, or escaped (\\u1ea3) where
    standard output cannot take it (an ASCII terminal), never with its accents dropped."""
    line = json.dumps(payload, ensure_ascii=False)
    try:
        line.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return json.dumps(payload)
    return line


def _portal_dates(settings: Settings) -> dict[str, str]:
    """The dates the portal importer wrote on its notice files, by file name (none when
    its log cannot be read: `bot.py import` says so)."""
    from wardbot.portal_log import IMPORT_LOG, ImportLog, ImportLogError

    try:
        return ImportLog.load(settings.data_dir / IMPORT_LOG).dates_written()
    except ImportLogError:
        return {}


def _data_serves_faq(args: argparse.Namespace, settings: Settings) -> bool:
    """Whether the data folder's last good faq.yaml is an earlier version of the one given:
    the folder named with it (--data), else the FAQ is the configured one ($FAQ_FILE or
    faq.yaml, the same file once links and `..` are resolved). Not another ward's file
    checked with --faq beside this folder, whose entries it would call lost."""
    from wardbot.config import Settings

    if args.faq is None or args.data is not None:
        return True
    configured = Settings.from_env().faq_file
    return os.path.realpath(settings.faq_file) == os.path.realpath(configured)


def _cmd_check(settings: Settings, *, own_data: bool = True) -> int:
    """`bot.py check`; `own_data`: the data folder is the FAQ's own (`_data_serves_faq`),
    whose last good copy it is compared with, else it is checked alone."""
    from wardbot import messages as msg
    from wardbot.datadir import unwritable
    from wardbot.faq_file import load_faq
    from wardbot.loader import (
        LAST_GOOD_FAQ_COPIES,
        another_file,
        faq_shrink,
        faq_usable,
        load_corpus,
        read_last_good,
    )
    from wardbot.notices import dated_otherwise
    from wardbot.pictures import unseen_pictures
    from wardbot.sample import left_behind
    from wardbot.topic_tags import bare_syllables

    # What a bot on this data folder serves when faq.yaml cannot be used.
    saved = settings.data_dir / LAST_GOOD_FAQ_COPIES[0]
    last_good = read_last_good(settings.data_dir) if own_data else None
    faq = load_faq(settings.faq_file, serving=last_good)
    corpus, problems = load_corpus(
        settings.faq_file,
        settings.content_dir,
        max_bytes=settings.max_notice_bytes,
        last_good=last_good,
        faq=faq,
    )
    for problem in problems:
        print(problem)
    if last_good is not None and another_file(faq, last_good):
        print(msg.faq_other_files_copy(str(saved), str(settings.faq_file)), file=sys.stderr)
        last_good = None
    if not faq_usable(faq, last_good):
        kept = None if last_good is None else str(saved)
        print(msg.faq_unusable(str(settings.faq_file), kept), file=sys.stderr)
        last_good = None
    shrink = faq_shrink(last_good.faq, corpus.faq) if last_good is not None else None
    if shrink is not None:
        warning = msg.faq_shrank_warning(
            str(settings.faq_file), shrink.gone, shrink.before, str(saved)
        )
        print(warning, file=sys.stderr)
    by_portal = _portal_dates(settings)
    dated = [
        (n, other)
        for n in corpus.announcements
        if (other := dated_otherwise(n)) and by_portal.get(f"{n.id}.md") != n.date.isoformat()
    ]
    for notice, (where, named) in dated:
        print(msg.check_dated_otherwise(where, notice.date, named), file=sys.stderr)
    bare = bare_syllables(corpus.topics)
    for topic_id, keyword in bare:
        print(msg.check_bare_keyword(str(settings.faq_file), topic_id, keyword), file=sys.stderr)
    unseen = list(unseen_pictures(settings.faq_file, corpus))
    for found in unseen:
        print(found.told(), file=sys.stderr)
    samples = left_behind(settings.faq_file, (n.id for n in corpus.announcements))
    if samples:
        print(msg.check_sample_notices(str(settings.content_dir), samples), file=sys.stderr)
    # The folder `run` would write in (not for another ward's file checked beside it):
    # the bot starts all the same, without subscriptions or alerts, which "Không có lỗi"
    # above it would hide.
    why = unwritable(settings.data_dir) if own_data else None
    if why is not None:
        print(msg.check_data_unwritable(str(settings.data_dir), why), file=sys.stderr)
    summary = msg.check_summary(
        len(corpus.topics),
        len(corpus.faq),
        len(corpus.announcements),
        len(problems),
        warned=shrink is not None or any((dated, unseen, samples, bare, why)),
    )
    print(summary, file=sys.stderr)
    return 1 if problems else 0


def _cmd_index(settings: Settings) -> int:
    from wardbot.engine import Engine

    started = time.perf_counter()
    engine = Engine(
        settings.faq_file,
        settings.content_dir,
        settings.data_dir,
        max_notice_bytes=settings.max_notice_bytes,
    )
    try:
        engine.rebuild()
    except OSError as exc:  # a read-only or full data folder: one line, not a traceback
        from wardbot.datadir import reason

        print(f"bot.py index: cannot write in {settings.data_dir} ({reason(exc)})", file=sys.stderr)
        return 1
    finally:
        engine.close()
    for problem in engine.problems:
        print(problem, file=sys.stderr)
    took = time.perf_counter() - started
    print(
        f"indexed {len(engine.corpus.faq)} FAQ entries and "
        f"{len(engine.corpus.announcements)} announcements in {took:.2f} s"
    )
    return 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from wardbot.evaluate import (
        QuestionSetError,
        Report,
        Ward,
        format_metrics,
        format_misses,
        format_sections,
        format_table,
        load_questions,
        load_sections,
        unknown_ids,
    )

    targets: list[Path] = args.targets
    one_file = len(targets) == 1 and not targets[0].is_dir()
    if not one_file and (args.faq is not None or args.content is not None):
        print(
            "bot.py eval: --faq and --content go with a question file; "
            "a ward folder holds its own faq.yaml and content/",
            file=sys.stderr,
        )
        return 2
    try:
        if one_file:  # unnamed; its files from --faq and --content, its index in --data
            wards = [Ward("", settings.faq_file, settings.content_dir, targets[0])]
        else:
            wards = [Ward.from_folder(target) for target in targets]
            names = [ward.name for ward in wards]
            twice = sorted({name for name in names if names.count(name) > 1})
            if twice:
                raise QuestionSetError(f"two ward folders are named {', '.join(twice)}")
        questions = [load_questions(ward.questions) for ward in wards]
        sections = [load_sections(ward.questions) if args.by_section else [] for ward in wards]
    except QuestionSetError as exc:
        print(exc, file=sys.stderr)
        return 2

    from wardbot import datadir

    reports: list[Report] = []
    for ward, asked, ward_sections in zip(wards, questions, sections, strict=True):
        with _eval_data_dir(settings, None if one_file else ward.name, args.data) as data:
            ward_settings = replace(
                settings, faq_file=ward.faq, content_dir=ward.content, data_dir=data
            )
            # A data folder it cannot write: scored from a copy, as `ask` answers.
            with datadir.engine_for(ward_settings) as (engine, _read_only):
                _report_problems(engine)
                corpus = engine.corpus
                known = {e.id for e in corpus.faq} | {a.id for a in corpus.announcements}
                for warning in unknown_ids(ward.questions, asked, known):
                    print(warning, file=sys.stderr)
                report = Report.collect(engine.ask, asked)
        reports.append(report)
        if args.show_misses and report.misses():
            print(format_misses(report, ward.name))
        if args.by_section:
            print(format_sections(report, ward_sections, ward.name))

    if len(reports) == 1:
        if not one_file:
            print(f"{'ward':<22}{wards[0].name}")
        print(format_metrics(reports[0]))
    else:
        print(
            format_table([(ward.name, report) for ward, report in zip(wards, reports, strict=True)])
        )
    return 0


@contextlib.contextmanager
def _eval_data_dir(settings: Settings, ward: str | None, data: Path | None) -> Iterator[Path]:
    """Where a scored ward's index goes: the usual data folder for a question file;
    for a ward folder, a fresh temporary folder, or DATA/WARD_NAME when --data is given."""
    if ward is None:
        yield settings.data_dir
    elif data is not None:
        yield data / ward
    else:
        with tempfile.TemporaryDirectory(prefix=f"wardbot-eval-{ward}-") as temporary:
            yield Path(temporary)


def _fit_lacks() -> str | None:
    """The line saying what to install when this Python lacks scipy (the optimiser), which
    only `fit` uses: the bot itself runs without it, and its Docker image leaves it out
    (`make setup` installs it, with the rest of the '.[dev]' extra)."""
    import importlib.util

    if importlib.util.find_spec("scipy") is not None:
        return None
    return (
        f"bot.py fit: fitting needs scipy, which the bot itself does without (its Docker "
        f"image has none): pip install '{_dev_requirement('scipy')}' (in a clone of the "
        f"bot, `make setup` does), then run fit again"
    )


def _dev_requirement(name: str) -> str:
    """`name` as the '.[dev]' extra of pyproject.toml (beside bot.py in a clone and in
    the Docker image) requires it, versions included; the bare name without the file."""
    import re
    import tomllib

    try:
        with (Path(__file__).resolve().parent / "pyproject.toml").open("rb") as file:
            dev = tomllib.load(file)["project"]["optional-dependencies"]["dev"]
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        return name
    return next((r for r in dev if re.fullmatch(rf"{re.escape(name)}\b.*", r)), name)


def _cmd_fit(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from wardbot import datadir, fit, ranking
    from wardbot.evaluate import (
        QuestionSetError,
        Ward,
        format_sections,
        format_table,
        load_sections,
    )
    from wardbot.semantic import load_embedder

    if (lacking := _fit_lacks()) is not None:  # before reading the wards (minutes)
        print(lacking, file=sys.stderr)
        return 1
    try:
        wards = [Ward.from_folder(folder) for folder in args.wards]
        sections = {w.name: load_sections(w.questions) for w in wards if args.by_section}
    except QuestionSetError as exc:
        print(exc, file=sys.stderr)
        return 2
    out = args.out or ranking.DEFAULT_MODEL
    # Before the fit (minutes with the embedder), not after it.
    if not args.no_write and (problem := datadir.probe(out.parent)) is not None:
        print(f"bot.py fit: cannot write {out} ({datadir.reason(problem)})", file=sys.stderr)
        return 1
    embedder = None if args.lexical else load_embedder()
    with ExitStack() as stack:
        data = fit.open_wards(wards, embedder, stack, today=args.today)
        if len(data) > 1:
            print("leave-one-ward-out (each ward scored by a model fitted on the others):")
            reports = fit.leave_one_out(data)
            print(format_table(list(reports.items())))
            wrongly = ", ".join(f"{n} {r.answered_wrongly()}" for n, r in reports.items())
            print(f"answered wrongly (a wrong entry, or out of scope): {wrongly}")
            helped = ", ".join(
                f"{n} {share:.3f}"
                for n, r in reports.items()
                if (share := r.answered_or_offered()) is not None
            )
            print(f"answerable questions answered right, or the right entry offered: {helped}")
            for name, report in reports.items() if args.by_section else ():
                print(format_sections(report, sections[name], name))
        ranker = fit.fit(data)
    for name, model in (("lexical", ranker.lexical), ("semantic", ranker.semantic)):
        print(
            f"{name} model: answer when the best is {model.answer_odds:.2f} times as likely"
            f" as its rival (none of them, or the runner-up), offer from"
            f" {model.offer_odds:.2f} times"
        )
    if not args.no_write:
        try:
            ranker.save(out)
        except OSError as exc:  # the disk filled up meanwhile
            print(f"bot.py fit: cannot write {out} ({datadir.reason(exc)})", file=sys.stderr)
            return 1
        print(f"wrote {out} (fitted on {', '.join(ranker.trained_on)})")
        if args.lexical:
            print(
                f"warning: {out} has no model for meaning: a bot using it answers by words "
                "only (fit without --lexical to restore it)",
                file=sys.stderr,
            )
    return 0


def _cmd_announce(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from wardbot import messages as msg
    from wardbot.channels import pushing
    from wardbot.publish import PublishError, held_until, publish, queue_alerts, why_nobody

    copied_at = time.time()  # a running bot may queue its alerts from then on
    try:
        target, warning = publish(args.file, settings)
    except PublishError as exc:
        print(exc, file=sys.stderr)
        return 1
    if warning:
        print(warning, file=sys.stderr)
    try:
        queued = asyncio.run(queue_alerts(settings, target.stem, copied_at)).get(target.stem)
    except PublishError as exc:
        print(exc, file=sys.stderr)
        print(msg.announce_kept_unserved(str(target)), file=sys.stderr)
        return 1
    except Exception as exc:
        from wardbot import datadir

        failure = str(exc)
        if datadir.is_write_failure(exc):
            failure = msg.data_not_written(str(settings.data_dir), datadir.reason(exc))
        print(msg.announce_failed(str(target), _again(args), failure), file=sys.stderr)
        return 1
    if queued is None and not pushing(settings):
        print(msg.announce_left_to_the_bot(str(target)))
        return 0
    why = why_nobody(settings, target.stem) if queued == 0 else None
    morning = held_until(settings, target.stem, time.time())
    gather, quiet = settings.alert_gather_seconds, str(settings.quiet_hours)
    print(msg.announce_published(str(target), queued, why, gather, morning, quiet))
    return 0


def _again(args: argparse.Namespace) -> str:
    """`bot.py announce` as it was run, to be run again: quoted for the shell, with the
    folders it was given."""
    import shlex

    folders = [
        (option, str(value))
        for option, value in (
            ("--faq", args.faq),
            ("--content", args.content),
            ("--data", args.data),
        )
        if value is not None
    ]
    line = ["python", "bot.py", args.command, str(args.file)]
    return shlex.join([*line, *(part for pair in folders for part in pair)])


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from wardbot.channels import pushing
    from wardbot.portal import Importer
    from wardbot.portal_fetch import host_of, is_web_address
    from wardbot.publish import queue_alerts

    # Only the portal's hosts: those named here and those of PORTAL_FEEDS.
    named = [*args.sources, *settings.portal_feeds]
    hosts = sorted({host_of(source) for source in named if is_web_address(source)})
    started = time.time()  # a running bot may queue the alerts of what is written from then on
    with Importer(settings, dry_run=args.dry_run, allowed_hosts=hosts) as importer:
        outcomes = importer.run(args.sources)
    for outcome in outcomes:
        if outcome.failed:
            print(outcome.describe(), file=sys.stderr)
            continue
        print(outcome.describe(args.dry_run))
        if args.dry_run and outcome.written:
            print(outcome.text)
    failed = sum(outcome.failed for outcome in outcomes)
    written = [outcome for outcome in outcomes if outcome.written]
    if written and not args.dry_run:
        try:
            stems = [outcome.path.stem for outcome in written if outcome.path is not None]
            queued = asyncio.run(queue_alerts(settings, since=started, written=stems))
        except Exception as exc:
            print(
                f"the notices are in the content folder but indexing them or queueing their "
                f"alerts failed ({exc}); a running bot picks them up by itself, or at its "
                "next start",
                file=sys.stderr,
            )
            return 1
        for outcome in written:
            assert outcome.path is not None
            count = queued.get(outcome.path.stem)
            if outcome.action == "updated":
                print(f"{outcome.path.stem}: updated, no new alert")
            elif count:
                print(f"{outcome.path.stem}: {count} alert(s) queued")
            elif count is None and not pushing(settings):
                print(
                    f"{outcome.path.stem}: indexed; the bot queues its alerts when it sees it "
                    "(no TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN here)"
                )
            else:
                print(f"{outcome.path.stem}: indexed; no alerts (no follower, old, or first run)")
    if failed:
        print(f"{failed} source(s) failed", file=sys.stderr)
    return 1 if failed else 0


@contextlib.contextmanager
def _log_level(level: int) -> Iterator[None]:
    """The root logger at `level` meanwhile."""
    root = logging.getLogger()
    before = root.level
    root.setLevel(level)
    try:
        yield
    finally:
        root.setLevel(before)


def main(argv: Sequence[str] | None = None) -> int:
    from wardbot import process

    process.prepare()  # before numpy or the model load
    process.readable_stdio()  # a terminal that cannot show Vietnamese: no traceback
    args = _parser().parse_args(argv)
    if args.command == "run":
        process.stop_on_sigterm()  # while it starts: see wardbot.app for once it runs
    try:
        return _start(args)
    except KeyboardInterrupt:  # Ctrl-C: in `run` and `chat`, before they take it themselves
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `bot.py ask --batch FILE | head`: the reader has had enough
        _stdout_to_nowhere()
        return 128 + 13  # as killed by SIGPIPE, as other commands of the pipeline would be
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] in OWN_PACKAGES:
            raise  # the bot's own module: a bug, not the wrong Python
        print(_not_installed(exc.name or str(exc), args.command), file=sys.stderr)
        return 1


def _stdout_to_nowhere() -> None:
    """Standard output sent to nowhere: its reader has gone, and what Python still holds
    for it would end the program on a second BrokenPipeError as it exits."""
    import os

    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _not_installed(module: str, command: str) -> str:
    """One line for `python bot.py ...` run with a Python that lacks the bot's packages (the
    system's, not .venv's): which Python, and the command to type instead."""
    venv = Path(__file__).resolve().parent / ".venv" / "bin" / "python"
    instead = (
        f"run it as {venv} bot.py {command}"
        if venv.exists()
        else "run `make setup` in the bot's folder, then .venv/bin/python bot.py " + command
    )
    return (
        f"bot.py: this Python ({sys.executable}) does not have the package {module!r} the "
        f"bot needs: {instead}"
    )


class _LogFormat(logging.Formatter):
    """Log lines that say their time zone: `2026-12-01 07:30:05,123+0700 INFO ...`. A
    container runs on UTC unless TZ says otherwise, and staff reading `docker logs` in
    Vietnam took 00:30 for half past midnight there, seven hours off."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        at = time.localtime(record.created)
        day_and_time = time.strftime("%Y-%m-%d %H:%M:%S", at)
        return f"{day_and_time},{int(record.msecs):03d}{time.strftime('%z', at)}"


def _start(args: argparse.Namespace) -> int:
    """Read the configuration, then run the command `args` name; its exit status."""
    stderr = logging.StreamHandler()
    stderr.setFormatter(_LogFormat("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[stderr])
    if args.verbose:
        for name in OWN_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
    # Request URLs carry the bot token: never log them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    from wardbot import messages as msg
    from wardbot.config import (
        ConfigError,
        misnamed,
        read_dotenv,
        tidy_time_zone,
        unknown_time_zone,
    )

    try:
        # The environment's own names first: the .env's are loaded into it next.
        warnings = [*misnamed(), *read_dotenv()]
        tidy_time_zone()
        time.tzset()  # a TZ of the .env's is the log's too
        for warning in [*warnings, *unknown_time_zone()]:
            print(msg.config_warned(warning), file=sys.stderr)
        settings = _settings(args)
        from wardbot.channels import weak_secrets

        for warning in weak_secrets(settings):
            print(msg.config_warned(warning), file=sys.stderr)
    except ConfigError as exc:
        print(msg.config_stopped(str(exc)), file=sys.stderr)
        return 2

    from wardbot.datadir import NoScratch

    try:
        return _command(args, settings)
    except NoScratch as exc:  # `run` says it itself
        print(f"bot.py {args.command}: {exc}", file=sys.stderr)
        return 1


def _command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command `args` name; its exit status."""
    if args.command in ("ask", "chat", "index"):  # (`run` says it itself)
        from wardbot.config import ConfigError, check_ward_files

        try:
            check_ward_files(settings)
        except ConfigError as exc:
            print(f"bot.py {args.command}: {exc}", file=sys.stderr)
            return 2
    if args.command == "ask":
        return _cmd_ask(args, settings)
    if args.command == "check":
        return _cmd_check(settings, own_data=_data_serves_faq(args, settings))
    if args.command == "index":
        return _cmd_index(settings)
    if args.command == "eval":
        return _cmd_eval(args, settings)
    if args.command == "fit":
        return _cmd_fit(args)
    if args.command == "announce":
        return _cmd_announce(args, settings)
    if args.command == "import":
        return _cmd_import(args, settings)
    if args.command == "backup":
        return _cmd_backup(args, settings)
    if args.command == "widget":
        return _cmd_widget(args, settings)
    if args.command == "chat":
        # Warnings only (unless -v): the chat itself says when it reloads the staff files.
        with _log_level(logging.INFO if args.verbose else logging.WARNING):
            import asyncio

            from handlers.terminal import main as chat_main

            return asyncio.run(chat_main(settings)) or 0
    if args.command == "run":
        from wardbot.app import main as run_main

        return run_main(settings)
    return 2


if __name__ == "__main__":
    sys.exit(main())
