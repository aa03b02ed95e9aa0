import contextlib
import shutil

import pytest

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture
def chromium():
    """A context manager opening a page in Debian's headless Chromium.

    Open it after the test's database work: Playwright's sync API runs an event
    loop in this thread, and Django refuses ORM calls while one runs.
    """
    executable = shutil.which("chromium")
    if not executable:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    @contextlib.contextmanager
    def open_page():
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
            try:
                yield browser.new_page()
            finally:
                browser.close()

    return open_page
