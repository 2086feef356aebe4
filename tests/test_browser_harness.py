"""The browser harness (tests/browser.py) fails, saying what to do, when Chromium is missing or
a browser test or its async fixtures would run outside the browser's event loop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def run_pytest(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run pytest on the browser tests in `folder`, with tests/browser.py as the plugin."""
    (folder / "conftest.py").write_text('pytest_plugins = ["browser"]\n')
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(folder)),
            *("-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"),
        ],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(TESTS), **env},
        capture_output=True,
        text=True,
        check=False,
    )


ONE_PAGE = """
import pytest
pytestmark = pytest.mark.asyncio(loop_scope="session")

async def test_page(new_page):
    await new_page()
"""


def test_without_chromium_browser_tests_fail_saying_how_to_install_it(tmp_path: Path) -> None:
    (tmp_path / "test_one.py").write_text(ONE_PAGE)
    result = run_pytest(tmp_path, CHROMIUM=str(tmp_path / "no-chromium"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and "skipped" not in result.stdout
    assert "sudo apt-get install chromium fonts-noto-core" in result.stdout


WRONG_LOOPS = """
import pytest

@pytest.fixture
async def site():
    yield "http://127.0.0.1:1"

async def test_not_in_the_session_loop(new_page):
    await new_page()

@pytest.mark.asyncio(loop_scope="session")
async def test_with_a_fixture_in_its_own_loop(new_page, site):
    await new_page()
"""


def test_a_browser_test_outside_the_session_loop_fails_saying_what_to_change(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_loops.py").write_text(WRONG_LOOPS)
    result = run_pytest(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 errors" in result.stdout
    assert 'add `pytestmark = pytest.mark.asyncio(loop_scope="session")`' in result.stdout
    assert "async fixture 'site' runs in the function event loop" in result.stdout


THROWS = """
import pytest
pytestmark = pytest.mark.asyncio(loop_scope="session")

async def test_page_that_throws(new_page):
    page = await new_page()
    await page.set_content("<script>throw new Error('nút Gửi hỏng')</script>")
"""


def test_a_javascript_error_nobody_caught_fails_the_test(tmp_path: Path) -> None:
    (tmp_path / "test_throws.py").write_text(THROWS)
    result = run_pytest(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed, 1 error" in result.stdout
    assert "JavaScript errors on the page:\nError: nút Gửi hỏng\n    at " in result.stdout
