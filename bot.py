"""The ward bot's command line: `python bot.py COMMAND` (see README.md).

This is the composition root: it parses the command line, reads the configuration and
wires the parts together. Importing it has no side effects.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from wardbot.config import ConfigError, Settings


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--faq", type=Path, help="the FAQ file (default: $FAQ_FILE or faq.yaml)")
    common.add_argument(
        "--content", type=Path, help="the announcements folder (default: $CONTENT_DIR or content/)"
    )
    common.add_argument(
        "--data", type=Path, help="where the index and database live (default: $DATA_DIR or data/)"
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log more")

    parser = argparse.ArgumentParser(
        prog="bot.py", description="A chatbot for a Vietnamese ward office (phường)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "chat", parents=[common], help="talk to the bot in the terminal, no token needed"
    )
    commands.add_parser(
        "run",
        parents=[common],
        help="start every configured channel, the content watcher and the alert sender",
    )
    ask = commands.add_parser(
        "ask", parents=[common], help="answer one question, or one per line of a file"
    )
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--batch", metavar="FILE", help="read questions from FILE, one per line (- = stdin)"
    )
    commands.add_parser("index", parents=[common], help="(re)build the search index")
    commands.add_parser("check", parents=[common], help="validate faq.yaml and content/")
    ev = commands.add_parser("eval", parents=[common], help="score the bot on a question set")
    ev.add_argument("questions", type=Path, help="QUESTIONS.yaml")
    ev.add_argument(
        "--show-misses", action="store_true", help="list every miss with what was expected"
    )
    announce = commands.add_parser(
        "announce",
        parents=[common],
        help="publish an announcement: copy it into content/ and index it",
    )
    announce.add_argument("file", type=Path, help="the announcement (YYYY-MM-DD-slug.md)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
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


def _open_engine(settings: Settings, report: bool = True):  # type: ignore[no-untyped-def]
    from wardbot.engine import Engine

    engine = Engine.open(settings.faq_file, settings.content_dir, settings.data_dir)
    if report:
        for problem in engine.problems:
            print(problem, file=sys.stderr)
    return engine


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from wardbot.render import plain_answer

    if args.batch:
        stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
        with stream:
            questions = [line.strip() for line in stream if line.strip()]
    else:
        questions = [" ".join(args.question)]
        if not questions[0].strip():
            print("bot.py ask: give a question, or --batch FILE", file=sys.stderr)
            return 2
    engine = _open_engine(settings, report=False)
    for question in questions:
        answer = engine.ask(question)
        if args.json:
            payload = {
                "question": question,
                "answered": answer.answered,
                "results": [
                    {"type": h.type, "id": h.id, "title": h.title, "score": h.score}
                    for h in answer.results
                ],
            }
            print(json.dumps(payload, ensure_ascii=False))
        else:
            print(plain_answer(answer, settings))
            if len(questions) > 1:
                print()
    return 0


def _cmd_check(settings: Settings) -> int:
    from wardbot.loader import load_corpus

    corpus, problems = load_corpus(settings.faq_file, settings.content_dir)
    for problem in problems:
        print(problem)
    summary = (
        f"{len(corpus.topics)} topics, {len(corpus.faq)} FAQ entries, "
        f"{len(corpus.announcements)} announcements loaded"
    )
    if problems:
        print(f"{len(problems)} problem(s); {summary}", file=sys.stderr)
        return 1
    print(f"OK: {summary}", file=sys.stderr)
    return 0


def _cmd_index(settings: Settings) -> int:
    from wardbot.engine import Engine

    started = time.perf_counter()
    engine = Engine(settings.faq_file, settings.content_dir, settings.data_dir)
    engine.rebuild()
    for problem in engine.problems:
        print(problem, file=sys.stderr)
    took = time.perf_counter() - started
    print(
        f"indexed {len(engine.corpus.faq)} FAQ entries and "
        f"{len(engine.corpus.announcements)} announcements in {took:.2f} s"
    )
    return 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from wardbot.evaluate import Outcome, QuestionSetError, Report, load_questions

    try:
        questions = load_questions(args.questions)
    except QuestionSetError as exc:
        print(exc, file=sys.stderr)
        return 2
    engine = _open_engine(settings)
    report = Report([Outcome(q, engine.ask(q.q)) for q in questions])
    if args.show_misses:
        for miss in report.misses():
            got = miss.answer.best
            shown = f"{got.id} ({got.score:.2f})" if got else "nothing"
            verdict = "answered" if miss.answer.answered else "abstained"
            expected = ", ".join(miss.question.expect) or "abstain"
            print(f"MISS {miss.question.q!r}\n  expected: {expected}\n  got: {shown}, {verdict}")
    metrics = report.metrics()
    print(f"questions             {int(metrics['questions'])}")
    print(f"answerable top-1      {metrics['answerable_top1']:.3f}")
    print(f"MRR@5                 {metrics['mrr_at_5']:.3f}")
    print(f"out-of-scope abstain  {metrics['out_of_scope_abstain']:.3f}")
    print(f"overall               {metrics['overall']:.3f}")
    return 0


def _cmd_announce(args: argparse.Namespace, settings: Settings) -> int:
    from wardbot.publish import PublishError, publish, queue_alerts

    try:
        target = publish(args.file, settings)
    except PublishError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"published {target}")
    queued = asyncio.run(queue_alerts(settings)).get(target.stem)
    if queued is None:
        print("indexed; no alerts queued (it was known already, or the bot never ran here)")
    elif queued == 0:
        print("indexed; no subscriber follows its topics (or it is expired or old): no alerts")
    else:
        print(
            f"indexed; {queued} alert(s) queued: they go out at once if the bot is running, "
            "otherwise when it next starts"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Request URLs carry the bot token: never log them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    from dotenv import load_dotenv

    load_dotenv(override=False)
    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 2

    if args.command == "ask":
        return _cmd_ask(args, settings)
    if args.command == "check":
        return _cmd_check(settings)
    if args.command == "index":
        return _cmd_index(settings)
    if args.command == "eval":
        return _cmd_eval(args, settings)
    if args.command == "announce":
        return _cmd_announce(args, settings)
    if args.command == "chat":
        from handlers.terminal import main as chat_main

        return asyncio.run(chat_main(settings)) or 0
    if args.command == "run":
        from wardbot.app import main as run_main

        return run_main(settings)
    return 2


if __name__ == "__main__":
    sys.exit(main())
