"""Talk to the bot in a terminal (`python bot.py chat`): no token, no network.

It shows exactly what a resident would read. Buttons become a numbered list and typing
the number presses the button, as on Zalo, where there are no buttons. Edits of faq.yaml
and content/ are applied while it runs, by the watcher `bot.py run` uses (staff try their
edits here): a line says so, and the problems found are printed as at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from handlers.base import Answerer
from wardbot import datadir
from wardbot import messages as msg
from wardbot.alerts import Content, ContentWatcher, Snapshot, saved_snapshot
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.pictures import saves, unseen_pictures
from wardbot.render import numbered, numbered_buttons, plain_text
from wardbot.reply import Button, Reply
from wardbot.store import ChatRef
from wardbot.store.base import StoreError

if TYPE_CHECKING:
    from wardbot.engine import Engine

log = logging.getLogger(__name__)

CHAT = ChatRef("terminal", "local")
QUIT = frozenset({"/quit", "/exit", "/q"})
RULE = "─" * 60
WATCHER_STOP_SECONDS = 2.0
# A fresh data folder: the documents' meaning is computed in the background (about 0.1 s a
# document). Up to this many, the chat waits for it before its first answer, so that
# whoever tries the bot reads the answers residents will get, not word matches only.
WAIT_FOR_MEANING_AT_MOST = 300
MEANING_POLL_SECONDS = 0.2
SECONDS_PER_DOCUMENT = 0.1

T = TypeVar("T")


class _Lines:
    """Messages from `stream`, read by a daemon thread so a blocked read never holds up
    exit: a line each, or, with `pasted`, the lines a paste brought at once together (as
    a message of several lines on Telegram): those already waiting when one is read."""

    def __init__(self, stream: TextIO, *, pasted: bool = False) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        threading.Thread(target=self._pump, args=(stream, pasted), daemon=True).start()

    def _pump(self, stream: TextIO, pasted: bool) -> None:
        try:
            ended = False
            while not ended and (line := stream.readline()):
                while pasted and _waiting(stream):
                    more = stream.readline()
                    if not more:  # the end of input (Ctrl-D) came with the paste
                        ended = True
                        break
                    line += more
                self._put(line)
        except (OSError, ValueError) as exc:  # closed or undecodable input ends the chat
            log.debug("terminal input ended: %s", exc)
        self._put(None)

    def _put(self, line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._loop.call_soon_threadsafe(self._queue.put_nowait, line)

    async def next(self, stop: asyncio.Event) -> str | None:
        """The next line, or None at end of input or when `stop` is set."""
        line = asyncio.ensure_future(self._queue.get())
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((line, stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if line.done():
            return line.result()
        line.cancel()
        return None


def _waiting(stream: TextIO) -> bool:
    """Whether a terminal has another line ready to be read now (a terminal hands its
    reader one line at a time: the rest of a paste waits in it)."""
    try:
        return bool(select.select([stream], [], [], 0)[0])
    except (OSError, ValueError):
        return False


class _Notes:
    """What the terminal says when the watcher has applied an edit (`bot.py run` alerts
    subscribers and tells admins instead; here nothing is queued, so that the running
    bot alerts each new notice itself)."""

    def __init__(
        self, engine: Content, say: Callable[[str], None], errors: TextIO, faq_file: Path
    ) -> None:
        self.engine = engine
        self.say = say
        self.errors = errors
        self.faq_file = faq_file
        self._shown = frozenset(str(p) for p in engine.problems)  # printed at start-up
        self._pictures: frozenset[tuple[str, str, str, str, int]] = frozenset()

    def warn_pictures(self) -> None:
        """Print the warning of each picture residents will not see (as `bot.py check`
        does), once for each save of the answer or notice holding it: at the start, then
        for an answer or notice saved with one while the chat runs."""
        found = list(unseen_pictures(self.faq_file, self.engine.corpus))
        kept = saves(found)
        for unseen, save in zip(found, kept, strict=True):
            if save not in self._pictures:
                print(unseen.told(), file=self.errors)
        self.errors.flush()
        self._pictures = frozenset(kept)

    async def report_problems(self) -> None:
        problems = [str(p) for p in self.engine.problems]
        for problem in problems:
            if problem not in self._shown:
                print(problem, file=self.errors)
        self._shown = frozenset(problems)
        await asyncio.to_thread(self.warn_pictures)
        corpus = self.engine.corpus
        self.say(
            msg.terminal_reloaded(
                len(corpus.faq),
                len(corpus.announcements),
                len(problems),
                faq_broken=not self.engine.faq_ok,
                no_good_version=self.engine.faq_missing,
            )
        )

    async def sync(self) -> None:
        """Alerts are not queued from the terminal."""


def _show(replies: Sequence[Reply], output: TextIO) -> list[Button]:
    """Print the replies; returns their buttons, numbered in the order shown."""
    buttons: list[Button] = []
    for reply in map(numbered, replies):
        output.write(f"{RULE}\n{plain_text(reply)}\n")
        if reply.buttons:
            output.write(f"\n{numbered_buttons(reply, start=len(buttons) + 1)}\n")
            buttons.extend(reply.buttons)
    output.write(f"{RULE}\n")
    output.flush()
    return buttons


async def run_chat(
    conversation: Conversation,
    settings: Settings,
    input: TextIO | None = None,
    output: TextIO | None = None,
    *,
    stop: asyncio.Event | None = None,
    chat: ChatRef = CHAT,
    watch: tuple[Content, Snapshot] | None = None,
    errors: TextIO | None = None,
) -> None:
    """Read messages line by line and print the replies, until /quit, end of input or `stop`.

    `watch`: the conversation's engine and how the staff files looked when it opened;
    edits made since, and while the chat runs, are applied to it (problems printed to
    `errors`, stderr by default)."""
    source = input if input is not None else sys.stdin
    sink = output if output is not None else sys.stdout
    stop = stop or asyncio.Event()
    interactive = source.isatty()
    lines = _Lines(source, pasted=interactive)  # a file piped in: a question a line
    sink.write(f"{msg.terminal_intro()}\n")
    # Output piped to a reader that has gone (`bot.py chat < questions.txt | head`): the
    # chat ends at its next line (bot.main), with no apology written to nowhere.
    answerer = Answerer("terminal", conversation, settings, numbered=True, quiet=(BrokenPipeError,))
    prompting = False  # "> " is shown, waiting for a line

    async def show(replies: Sequence[Reply]) -> list[Button]:
        return _show(replies, sink)

    def say(note: str) -> None:
        # On a line of its own, and the prompt shown again after it.
        sink.write(f"\n{note}\n> " if prompting else f"{note}\n")
        sink.flush()

    watching = None
    done = asyncio.Event()  # the chat is over: the watcher stops too
    if watch is not None:
        engine, snapshot = watch
        notes = _Notes(engine, say, errors or sys.stderr, settings.faq_file)
        notes.warn_pictures()
        watcher = ContentWatcher(engine, notes, settings, snapshot)
        watching = asyncio.create_task(watcher.run(done), name=watcher.name)
    try:
        await answerer.text(chat, "/start", show)
        while True:
            if interactive:
                sink.write("> ")
                sink.flush()
            prompting = interactive
            line = await lines.next(stop)
            prompting = False
            if line is None:
                break
            text = line.rstrip("\r\n")
            if not interactive:
                sink.write(f"> {text}\n")  # a transcript reads better with the questions in it
            if text.strip().lower() in QUIT:
                break
            if not text.strip():
                continue
            await answerer.text(chat, text, show)  # a number picks from the list shown last
    finally:
        done.set()
        if watching is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(watching, WATCHER_STOP_SECONDS)
    sink.write("\n")
    sink.flush()


async def main(settings: Settings) -> int:
    """`python bot.py chat`: open the engine and the database, then chat until /quit.

    Ctrl-C (or SIGTERM) ends it quietly at any time, even while the engine is still
    opening: the exit status is then the signal's (130 for Ctrl-C)."""
    stop = asyncio.Event()
    received: list[int] = []

    def interrupted() -> int:
        print(file=sys.stderr)  # after the ^C the terminal echoed
        return 128 + (received[0] if received else signal.SIGINT)

    with _stop_on_signals(stop, received):
        # Once the staff files are saved whole, as `bot.py run` reads them (a faq.yaml still
        # being copied is not read half written), and looked at before loading, so an edit
        # made while the index builds is not missed.
        saved = saved_snapshot(settings.faq_file, settings.content_dir)
        waited = await _unless_stopped(saved, stop)
        if waited is None:
            return interrupted()
        snapshot = waited.result()
        async with contextlib.AsyncExitStack() as stack:
            opened = datadir.opened(settings)
            opening = await _unless_stopped(stack.enter_async_context(opened), stop)
            if opening is None:
                return interrupted()
            try:
                engine, store = opening.result()
            except StoreError as exc:
                print(f"database: {exc}", file=sys.stderr)
                return 1
            for problem in engine.problems:
                print(problem, file=sys.stderr)
            if not await _meaning_ready(engine, stop):
                return interrupted()
            conversation = Conversation(engine, store, settings)
            await run_chat(conversation, settings, stop=stop, watch=(engine, snapshot))
    return 128 + received[0] if received else 0  # Ctrl-C: 130, as every command


async def _meaning_ready(engine: Engine, stop: asyncio.Event) -> bool:
    """Wait, saying so on stderr, while the background pass computes the meaning of a
    few documents (a fresh data folder, a ward's files just written); with more, say only
    that answers improve as it goes. False when `stop` was set meanwhile (Ctrl-C)."""
    status = engine.semantic_status()
    missing = int(status["of"]) - int(status["documents"])  # type: ignore[call-overload]
    if status["model"] is None or missing <= 0 or not engine.vectors.computing:
        return True
    about = max(1, round(missing * SECONDS_PER_DOCUMENT))
    if missing > WAIT_FOR_MEANING_AT_MOST:
        print(msg.terminal_meaning(missing, about, waiting=False), file=sys.stderr)
        return True
    print(msg.terminal_meaning(missing, about, waiting=True), file=sys.stderr)
    while engine.vectors.computing:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), MEANING_POLL_SECONDS)
        if stop.is_set():
            return False
    return True


async def _unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> asyncio.Future[T] | None:
    """`work` done (its future, its result or error in it), or None when `stop` was set
    first: `work` is then cancelled."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        return task
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event, received: list[int]) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` (and are noted in `received`) instead of raising."""
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []

    def on_signal(sig: signal.Signals) -> None:
        received.append(int(sig))
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, on_signal, sig)
            handled.append(sig)
    try:
        yield
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
