"""Browser tests: Debian's Chromium, driven by Playwright, against the app served on a real port.

The server runs in a thread on the demo cooperative (``kooperativet demo``, built once per run into a fresh
database: SQLite, or a throw-away PostgreSQL database when ``KOOPERATIVET_TEST_DATABASE_URL`` is set), so the
pages show realistic data. No browser is downloaded: ``KOOPERATIVET_CHROMIUM`` or ``chromium`` on the PATH.
Screenshots go to ``KOOPERATIVET_SCREENSHOT_DIR`` when it is set (``make screenshots`` sets docs/screenshots).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from kooperativet import encryption
from kooperativet.config import Settings
from kooperativet.demo import DEMO_AUDIT_KEY, run_demo
from kooperativet.demo.people import DEMO_PASSWORD
from kooperativet.main import create_app
from tests.conftest import TEST_BLIND_INDEX_KEY, TEST_DATA_KEY, TEST_DATABASE_ENV, throwaway_postgres_database

DEMO_TODAY = date(2026, 11, 20)
#: WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rule sets axe-core checks every page against.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str:
    found = (
        os.environ.get("KOOPERATIVET_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail(
            "the browser tests need Chromium: apt-get install chromium (or set KOOPERATIVET_CHROMIUM)"
        )
    return found


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser-demo")
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if server_url:
        with throwaway_postgres_database(server_url) as url:
            run_demo(out=out, today=DEMO_TODAY, database_url=url, keyring=encryption.current())
            yield url
        return
    run_demo(out=out, today=DEMO_TODAY, keyring=encryption.current())  # the keys the live server reads with
    yield f"sqlite:///{(out / 'demo.sqlite3').resolve()}"


@contextmanager
def serving(database_url: str, data_dir: Path) -> Iterator[str]:
    """The app on ``database_url`` served on a free port of the loopback in a thread, with the demo's audit
    key and the test keys; its address while the block runs."""
    settings = Settings(
        env="test",
        data_dir=data_dir,
        database_url=database_url,
        secret_key="b" * 48,
        audit_key=DEMO_AUDIT_KEY.decode(),
        data_key=TEST_DATA_KEY,
        blind_index_key=TEST_BLIND_INDEX_KEY,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_url(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(demo_database, tmp_path_factory.mktemp("browser-data")) as url:
        yield url


# Package scope: Playwright's driver keeps an event loop on the main thread while it runs, which other
# tests' asyncio.run() would trip over; it stops when the browser tests are done.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Chromium draws date and time fields in its own user-interface language, not the page's or the
    # context's locale: with Swedish asked for here (and Debian's chromium-l10n installed, which holds the
    # Swedish resources) the screenshots show 2026-11-30 and 18:30, as a Swedish browser does, not
    # 11/30/2026 06:30 PM.
    browser = playwright.chromium.launch(
        executable_path=chromium_path(),
        args=["--no-sandbox", "--lang=sv-SE"],
        env={**os.environ, "LANG": "sv_SE.UTF-8", "LANGUAGE": "sv"},
    )
    yield browser
    browser.close()


# Notes on the page, from before its first script runs, what its Content-Security-Policy refused (a script,
# a style, an image the page asked for): the pages must need nothing the policy refuses (api/edge.py). An
# init script is Playwright's own and is not itself refused.
_WATCH_THE_POLICY = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__refused.push(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + (event.sample ? `: ${event.sample}` : ""));
});
"""


def watch_the_policy(context: BrowserContext) -> BrowserContext:
    context.add_init_script(_WATCH_THE_POLICY)
    return context


def assert_nothing_refused(page: Page) -> None:
    """The page as it is now needed nothing its Content-Security-Policy refused."""
    page.wait_for_load_state("load")
    refused = page.evaluate("window.__refused")
    assert refused == [], f"{page.url}: {refused}"


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    context = watch_the_policy(browser.new_context(base_url=live_url, viewport=DESKTOP, locale="sv-SE"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser, live_url: str) -> Iterator[Page]:
    context = watch_the_policy(
        browser.new_context(base_url=live_url, viewport=PHONE, locale="sv-SE", is_mobile=True, has_touch=True)
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/signin")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()


def screenshot(page: Page, name: str) -> Path | None:
    """Save the whole page as ``<name>.png`` where the run asks for screenshots."""
    folder = os.environ.get("KOOPERATIVET_SCREENSHOT_DIR")
    if not folder:
        return None
    path = Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")  # the stylesheet applied, as a person sees the page
    page.screenshot(path=str(path), full_page=True)
    return path


def page_width(page: Page) -> int:
    """How wide the page is drawn, in CSS pixels, once its stylesheet has applied: before it has (a click's
    new page can show before a busy server has sent the CSS), unstyled tables and forms run wider than any
    phone, which is not what a person sees."""
    page.wait_for_load_state("load")
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    # The page as a person sees it: after a click, the new page's elements can be visible (what the test
    # waited for) before its stylesheet has arrived from a busy server, and unstyled the header's links
    # stack 19 px apart, which axe rightly calls too small a target.
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()


# What a person would have to scroll sideways to read: an element, or a text (a long word overflows its
# box, which itself stays in the screen), ending to the right of the screen; and a frame that scrolls sideways
# (a wide table in its .table-wrap), which keeps the page narrow while its content is still off the screen.
# What is inside a box that clips or scrolls is that box's business: the box is the one named. Hidden elements
# (display: none, visibility: hidden, the skip link parked to the left, screen-reader text clipped to 1 px) do
# not count.
_STICKING_OUT = """
() => {
  const screen = document.documentElement.clientWidth;
  const beyond = (box) => box.width > 1 && box.height > 1 && box.right > screen + 0.5;
  // Whether a box between the element and the page (or the element itself, for its text) scrolls or clips.
  const clipped = (element, itself) => {
    for (let box = itself ? element : element.parentElement; box && box !== document.body;
         box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (element) => {
    let label = element.tagName.toLowerCase();
    if (element.id) label += "#" + element.id;
    for (const cls of element.classList) label += "." + cls;
    const text = (element.innerText || element.value || "").trim().replace(/\\s+/g, " ");
    return text ? `${label} "${text.slice(0, 40)}"` : label;
  };
  const out = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      // A word or a line too long for its box overflows it: the box stays in the screen, the text does not.
      const holder = node.parentElement;
      if (!node.textContent.trim() || out.has(holder)) continue;
      if (!holder.checkVisibility({visibilityProperty: true}) || clipped(holder, true)) continue;
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (beyond(box)) out.set(holder, `ends at ${Math.round(box.right)}px`);
      continue;
    }
    if (!node.checkVisibility({visibilityProperty: true}) || clipped(node, false)) continue;
    // A frame that scrolls sideways keeps the page narrow, but what it holds is still off the screen.
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(node).overflowX);
    if (scrolls && node.scrollWidth > node.clientWidth + 1) {
      out.set(node, `scrolls sideways, ${node.scrollWidth}px in ${node.clientWidth}px`);
      continue;
    }
    const box = node.getBoundingClientRect();
    if (!beyond(box)) continue;
    // The outermost element that sticks out is named; its children that do so too come with it.
    const parent = node.parentElement;
    const parentOut = parent !== document.body && beyond(parent.getBoundingClientRect());
    if (parentOut && !clipped(parent, false)) continue;
    out.set(node, `ends at ${Math.round(box.right)}px`);
  }
  return {
    screen,
    scrolls: document.documentElement.scrollWidth,
    out: [...out].map(([element, where]) => `${name(element)} ${where}`),
  };
}
"""


def assert_fits_the_screen(page: Page) -> None:
    """The page needs no sideways scrolling: the document is no wider than the screen, and no visible element
    ends to the right of it (the offenders are named)."""
    page.wait_for_load_state("load")  # the stylesheet applied, as a person sees the page
    found = page.evaluate(_STICKING_OUT)
    screen, scrolls, out = found["screen"], found["scrolls"], found["out"]
    where = f"{page.url} is {scrolls}px wide on a {screen}px screen; sticking out: " + "; ".join(out[:12])
    assert scrolls <= screen, where
    assert not out, where
