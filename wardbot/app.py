"""`python bot.py run`: every configured channel, the web server, until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator

from wardbot.config import ConfigError, Settings
from wardbot.conversation import Conversation
from wardbot.store import Store
from wardbot.web import AsgiServer, web_app

log = logging.getLogger(__name__)

NO_CHANNEL = """\
No chat channel is configured, so there is nothing to run.

To put the bot on Telegram:
  1. In Telegram, open @BotFather (https://t.me/BotFather) and send /newbot;
     choose a display name, then a username ending in "bot".
  2. BotFather answers with a token such as 123456789:AAE...; give it to the bot:
       export TELEGRAM_BOT_TOKEN='123456789:AAE...'
     (or put the line TELEGRAM_BOT_TOKEN=... in the .env file).
  3. Run `python bot.py run` again.

To try the bot without any token, talk to it in the terminal:
  python bot.py chat"""

STOP_GRACE_SECONDS = 5.0


class _Redact(logging.Filter):
    """Replace secrets in log records (tokens sit inside Bot API URLs and some errors)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if any(secret in text for secret in self.secrets):
            for secret in self.secrets:
                text = text.replace(secret, "********")
            record.msg, record.args = text, None
        return True


@contextlib.contextmanager
def _redacted_logs(settings: Settings) -> Iterator[None]:
    # Request URLs carry the bot token: httpx must never log them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    redact = _Redact([str(s) for s in (settings.telegram_token, settings.zalo_token) if s])
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(redact)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(redact)


def check_channels(settings: Settings) -> None:
    """Raise ConfigError with how to get a token when no channel can run."""
    if settings.telegram_token:
        return
    if settings.zalo_token:
        raise ConfigError(
            "ZALO_BOT_TOKEN is set, but this version of the bot has no Zalo channel yet; "
            "set TELEGRAM_BOT_TOKEN too, or try the bot with `python bot.py chat`"
        )
    raise ConfigError(NO_CHANNEL)


async def run(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Serve every configured channel until `stop` is set, SIGTERM or SIGINT."""
    check_channels(settings)
    from handlers.telegram import TelegramChannel  # imports only what a run needs
    from wardbot.engine import Engine

    stop = stop or asyncio.Event()
    with _redacted_logs(settings), _stop_on_signals(stop):
        engine = await asyncio.to_thread(
            Engine.open, settings.faq_file, settings.content_dir, settings.data_dir
        )
        for problem in engine.problems:
            log.warning("%s", problem)
        store = await Store.open(settings.data_dir / "bot.sqlite3")
        try:
            conversation = Conversation(engine, store, settings)
            channels = [TelegramChannel(settings, conversation)]
            if settings.zalo_token:
                log.warning("ZALO_BOT_TOKEN is set, but the Zalo channel is not available yet")
            routes = [route for channel in channels for route in channel.routes()]
            checks = {channel.name: channel.is_running for channel in channels}
            web = AsgiServer(web_app(routes, checks), port=settings.http_port)
            await web.start()
            log.info("web server on port %d (/healthz)", settings.http_port)
            try:
                for channel in channels:
                    await channel.start()
                log.info("running; stop with Ctrl-C or SIGTERM")
                await stop.wait()
                log.info("stopping")
            finally:
                # No new webhook deliveries first, then let the channels finish what they hold.
                await web.stop()
                for channel in reversed(channels):
                    try:
                        await asyncio.wait_for(channel.stop(), STOP_GRACE_SECONDS)
                    except TimeoutError:
                        log.warning(
                            "%s did not stop within %.0f s", channel.name, STOP_GRACE_SECONDS
                        )
        finally:
            await store.close()
            engine.close()


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / Windows
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def main(settings: Settings) -> int:
    """Entry point for `python bot.py run`: the exit status."""
    try:
        check_channels(settings)
        asyncio.run(run(settings))
    except ConfigError as exc:
        print(f"bot.py run: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        print(f"bot.py run: {exc}", file=sys.stderr)
        return 1
    return 0
