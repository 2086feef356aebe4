"""The Docker image as the ward's IT person builds and runs it, without Docker: the
Dockerfile's HEALTHCHECK command against the bot's real /healthz, what .dockerignore
leaves out of the image, and `bot.py run` stopped (docker stop, Ctrl-C) while it starts."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import signal
import sys
from pathlib import Path

import httpx
import pytest

from wardbot.web import AsgiServer, bound_socket, web_app

ROOT = Path(__file__).resolve().parent.parent


def _healthcheck() -> str:
    """The Python program the Dockerfile's HEALTHCHECK runs (`CMD python -c "..."`)."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = re.search(r'^HEALTHCHECK .*? CMD python -c "(.+?)"( \|\| exit 1)?$', dockerfile, re.M)
    assert found, 'no `HEALTHCHECK ... CMD python -c "..."` in the Dockerfile'
    return found.group(1)


# The image's port, 8080, stands for the test server's: the HEALTHCHECK's connections to
# it are taken there.
TO_THE_TEST_SERVER = """
import socket
connect = socket.create_connection
socket.create_connection = lambda to, *args, **kwargs: connect(
    ("127.0.0.1", {port}) if to == ("127.0.0.1", 8080) else to, *args, **kwargs
)
"""


async def _run_healthcheck(port: int, port_as: str = "{}", **env: str) -> int:
    """The HEALTHCHECK's exit status against whatever listens on `port`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        TO_THE_TEST_SERVER.format(port=port) + _healthcheck(),
        env={"PATH": os.environ["PATH"], "HTTP_PORT": port_as.format(port), **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await process.wait()


async def _healthcheck_status(healthy: bool, port_as: str = "{}", **env: str) -> int:
    """The HEALTHCHECK's exit status against a bot whose parts are `healthy` or not (Zalo
    down, say); `port_as`: how HTTP_PORT spells its port. /healthz is checked to tell it."""
    server = AsgiServer(web_app(checks={"zalo": lambda: healthy}), host="127.0.0.1")
    await server.start(bound_socket())
    try:
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{server.port}/healthz")
        assert health.status_code == (200 if healthy else 503), health.text
        return await _run_healthcheck(server.port, port_as, **env)
    finally:
        await server.stop()


async def test_the_healthcheck_passes_while_a_part_is_down_and_fails_when_the_bot_does_not_answer():
    """Docker's HEALTHCHECK asks whether the bot is alive (/livez), not whether every part
    is well (/healthz): marked unhealthy through a Zalo outage, the bot was restarted in a
    loop by whatever watches the container, and its Telegram residents went unanswered
    at every restart, while the restart could not end the outage."""
    assert await _healthcheck_status(True) == 0
    assert await _healthcheck_status(False) == 0  # /healthz says 503 meanwhile
    # The bot is gone: nothing listens on its port.
    gone = bound_socket()
    port = gone.getsockname()[1]
    gone.close()
    assert await _run_healthcheck(port) != 0
    # The bot is wedged: the port takes the connection, nothing answers (the
    # HEALTHCHECK's own timeout, 4 s, is waited).
    with bound_socket() as wedged:
        wedged.listen()
        assert await _run_healthcheck(wedged.getsockname()[1]) != 0


async def test_the_healthcheck_asks_the_bot_itself_behind_an_outgoing_proxy():
    # A ward office behind a proxy (`-e HTTP_PROXY=...`, or Docker's own proxy settings,
    # which set both spellings): the bot's own address is not asked through it.
    proxy = "http://127.0.0.1:9"  # nothing listens there
    assert await _healthcheck_status(True, HTTP_PROXY=proxy, http_proxy=proxy) == 0


@pytest.mark.parametrize("port_as", [" {} ", ""])
async def test_the_healthcheck_asks_the_port_the_bot_listens_on(port_as):
    # The bot reads HTTP_PORT without the spaces around it, and a blank one (`-e
    # HTTP_PORT=`, a blank line of an --env-file) as unset: 8080. The HEALTHCHECK asked
    # "127.0.0.1:", port 80: a healthy bot was marked unhealthy for good.
    assert await _healthcheck_status(True, port_as=port_as) == 0


async def test_the_web_servers_own_lines_go_into_the_bots_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`docker logs` showed the web server's warnings and errors (a request it cannot read,
    a traceback from a page) as `WARNING:  Invalid HTTP request received.`: no time, no
    zone, and past the filter that masks the bot's tokens, since uvicorn printed them
    through handlers of its own. They are the bot's log's lines like any other."""
    server = AsgiServer(web_app(checks={"telegram": lambda: True}), host="127.0.0.1")
    await server.start(bound_socket())
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"NO HTTP AT ALL\x00\r\n\r\n")
        await writer.drain()
        assert (await reader.read()).startswith(b"HTTP/1.1 400 ")
        writer.close()
    finally:
        await server.stop()
    assert "Invalid HTTP request received." in [r.getMessage() for r in caplog.records]


def _docker_runs() -> list[str]:
    """Each `docker run` command the README and the Dockerfile show, on one line."""
    runs = []
    for name in ("README.md", "Dockerfile"):
        text = (ROOT / name).read_text(encoding="utf-8")
        text = re.sub(r"\\\n#?\s*", " ", text)  # continued lines (in comments too)
        runs += re.findall(r"docker run -d .*", text)
    return runs


def test_the_docker_run_shown_stops_gently_and_logs_vietnams_time():
    """The README's `docker run` (copied as it is) left the container Docker's 10 s to
    stop: `docker stop -t 90` alone had the bot's 90, while a reboot, `docker restart` or
    an upgrade of Docker itself killed it mid-send (what was on its way went again at the
    next start). Nor did it set TZ, so the log's times were UTC (+0000)."""
    runs = _docker_runs()
    assert len(runs) == 2, runs
    for run in runs:
        assert "--stop-timeout 90 " in run, run
        assert "-e TZ=Asia/Ho_Chi_Minh " in run, run


def test_the_readme_restore_can_read_a_backup_only_its_owner_may_read():
    """A backup's database is its owner's alone (mode 600), and `docker cp` gives the copy
    to the operator's account: the README's restore, run as the image's user, emptied the
    volume and then could not read the backup (`cp: Permission denied`), leaving the bot an
    empty database. It runs as root and hands the files back to the image's user."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (restore,) = re.findall(r"^docker run --rm .*wardbot-data:/app/data.*$", readme, re.M)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    user = re.search(r"^USER (\S+)$", dockerfile, re.M)
    assert user, "no USER in the Dockerfile"
    assert " --user root " in restore, restore
    script = re.search(r"sh -c '(.+)'$", restore)
    assert script, restore
    steps = script.group(1).split(" && ")
    assert steps[-1] == f"chown -R {user.group(1)}:{user.group(1)} /app/data", steps


def _constraints_tool():
    spec = importlib.util.spec_from_file_location("constraints", ROOT / "tools/constraints.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pins() -> dict[str, str]:
    """constraints.txt's pins: each package's name and its version."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name] = version
    return pins


def test_the_image_installs_pinned_versions_on_a_named_debian_release():
    """`docker build` installed the newest version each range of pyproject.toml allowed on
    the day (starlette's `<2` spans its 1.0), on whatever Debian `python:3.11-slim` had
    moved to: an image rebuilt for an upgrade, or from an older checkout to go back to it,
    ran libraries and a system no test had run. The Dockerfile installs with
    constraints.txt, which pins every package the bot needs (pyproject's dependencies,
    theirs, and so on) at a version each requirement on it allows, on a named release."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    base = re.search(r"^FROM (\S+)$", dockerfile, re.M)
    assert base and re.fullmatch(r"python:3\.\d+-slim-[a-z]+", base.group(1)), base
    assert re.search(r"^COPY pyproject\.toml constraints\.txt \./$", dockerfile, re.M)
    (install,) = re.findall(r"pip install [^&]*", dockerfile)
    assert " -c constraints.txt" in install, install

    pins = _pins()
    needed = _constraints_tool().installed_closure()
    assert sorted(needed) == sorted(pins), "run tools/constraints.py (see its docstring)"
    refused = [
        f"{name}=={pins[name]} but {requirement}"
        for name, (_, requirements) in needed.items()
        for requirement in requirements
        if not requirement.specifier.contains(pins[name], prereleases=True)
    ]
    assert refused == []


def test_the_tests_run_the_versions_the_image_installs():
    """`make setup` (CI's `make test` on a fresh machine) installed the newest version each
    range allowed, the image the versions constraints.txt pins: the suite passed on
    libraries the image never ran, and turned red by itself when a release upstream
    changed what a library needs. `make setup` installs with the same pins, reinstalling
    when they change, and this environment holds each at its pinned version."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = re.search(r"^\$\(STAMP\): (.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert stamp, "no $(STAMP) rule in the Makefile"
    assert "constraints.txt" in stamp.group(1).split(), stamp.group(1)
    (install,) = [line for line in stamp.group(2).splitlines() if "-e '.[dev]'" in line]
    assert " -c constraints.txt" in install, install

    pins = _pins()
    installed = {
        name: version for name, (version, _) in _constraints_tool().installed_closure().items()
    }
    assert installed == pins, "run make setup (or make constraints for newer versions)"


def _docker_ignores(path: str) -> bool:
    """Whether .dockerignore leaves `path` (relative, with '/') out of the build context,
    by Docker's rules: each pattern is matched against the whole path from the context's
    root with Go's filepath.Match (`*` and `?` stay within one folder; `**` spans any
    number), a pattern matching a folder takes everything in it, `!` lets a path back in,
    and the last pattern that matches wins."""
    ignored = False
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        keep = pattern.startswith("!")
        parts = re.split(r"(\*\*/?|\*|\?)", pattern.lstrip("!").strip("/"))
        wildcards = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
        regex = "".join(wildcards.get(part, re.escape(part)) for part in parts)
        if re.fullmatch(f"{regex}(?:/.*)?", path):
            ignored = not keep
    return ignored


def test_the_image_gets_the_program_and_the_ward_files_without_the_checkouts_leftovers():
    shipped = [
        "bot.py",
        "pyproject.toml",
        "constraints.txt",
        "faq.yaml",
        "content/2024-07-15-khoi-cong-xay-dung-cong-trinh-cau-sa-dec.md",
        "wardbot/config.py",
        "wardbot/ranker.json",
        "handlers/web_assets/widget.js",
        "index/whoosh_index.py",
    ]
    assert [path for path in shipped if _docker_ignores(path)] == []
    # What a developer's or a ward's checkout holds beside them: the bytecode of the
    # Python the tests ran with, wherever it lies, secrets, the data folder.
    left_out = [
        "wardbot/__pycache__/config.cpython-312.pyc",
        "handlers/__pycache__/telegram.cpython-312.pyc",
        "index/__pycache__/whoosh_index.cpython-311.pyc",
        "__pycache__/bot.cpython-312.pyc",
        "wardbot/stray.pyc",
        ".env",
        "data/bot.sqlite3",
        ".venv/bin/python",
        "tests/test_docker.py",
    ]
    assert [path for path in left_out if not _docker_ignores(path)] == []


@pytest.fixture
def starting(monkeypatch, tmp_path):
    """`bot.py run` (the web chat alone) whose start meets `starting.signal`; SIGTERM's
    handler as it was afterwards."""
    import wardbot.app

    class Start:
        signal = signal.SIGTERM

        def __call__(self, settings: object) -> int:  # wardbot.app.main, still starting
            signal.raise_signal(self.signal)
            return 0  # reached only when the signal was dropped: the bot would run on

    start = Start()
    monkeypatch.setattr(wardbot.app, "main", start)
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WEB_CHAT", "on")
    monkeypatch.setenv("SEMANTIC_MATCHING", "off")
    before = signal.getsignal(signal.SIGTERM)
    yield start
    signal.signal(signal.SIGTERM, before)


def test_docker_stop_while_the_bot_is_starting_stops_it(starting):
    """In the image `python bot.py run` is PID 1, and the kernel drops a signal PID 1 has
    no handler for: a `docker stop` (SIGTERM) while the bot was still importing its parts
    was lost, the bot started all the same, and Docker killed it 10 s later (SIGKILL, in
    the middle of whatever it was sending)."""
    import bot

    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # what PID 1 has: nothing
    with pytest.raises(SystemExit) as stopped:
        bot.main(["run"])
    assert stopped.value.code == 128 + signal.SIGTERM


@pytest.mark.parametrize("while_", ["starting its parts", "reading its configuration"])
def test_ctrl_c_while_the_bot_is_starting_stops_it_without_a_traceback(
    starting, capsys, monkeypatch, while_
):
    """`make run`, then Ctrl-C at once: a KeyboardInterrupt traceback from the imports, or
    from reading the settings (pydantic, the channels' checks)."""
    import bot
    import wardbot.config

    starting.signal = signal.SIGINT
    if while_ == "reading its configuration":
        monkeypatch.setattr(wardbot.config.Settings, "from_env", lambda env=None: starting(env))
    try:
        code = bot.main(["run"])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C came out of bot.main as a traceback")
    assert code == 128 + signal.SIGINT
    assert capsys.readouterr().err == "\n"


def test_bot_py_sets_its_signal_handlers_before_the_heavy_imports():
    """The bot is PID 1 in the image: a `docker stop` before its SIGTERM handler is set is
    dropped, and Ctrl-C meanwhile is a traceback. Importing bot.py (all that runs before
    them) loads no configuration library, nor asyncio, the web or the engine's."""
    import subprocess

    heavy = ("asyncio", "pydantic", "pydantic_settings", "dotenv", "starlette", "numpy", "whoosh")
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, bot; print([m for m in {heavy!r} if m in sys.modules])",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "[]"
