"""Browser journeys: Playwright drives Debian's Chromium (/usr/bin/chromium; never a browser
download) against a live server. Locally they skip, saying how to install Chromium; in CI
(CI=true or REQUIRE_BROWSER_TESTS=1) a missing browser is a failure.

Every journey also proves the Content-Security-Policy holds: each browser context a test opens
listens for `securitypolicyviolation` in every frame, for Chromium's console report of one (which
also comes with JavaScript off, and from frames written with document.write) and for the error a
blocked eval throws; the test fails if the policy blocked anything."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without these, Chromium hangs on this closed network trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# A small, cheap phone.
PHONE = {"width": 360, "height": 740}
# Runs in every frame before the page's own scripts; Playwright's init scripts are not subject to
# the page's policy.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolation({directive: e.effectiveDirective, blocked: e.blockedURI,
                         source: e.sourceFile + ':' + e.lineNumber, sample: e.sample});
});
"""


class PolicyWatchingBrowser:
    """The Playwright browser, whose every new context reports policy violations to `violations`."""

    def __init__(self, browser):
        self._browser = browser
        self.violations: list[str] = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.expose_binding(
            "__cspViolation", lambda source, v: self.violations.append(f"{source['frame'].url}: {v}")
        )
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        # A blocked eval throws: in a frame the init script does not reach (one the page writes
        # with document.write, as the H5P player does), that error is all there is to hear.
        context.on("weberror", self._error)
        return context

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.location.get('url')}: {message.text}")

    def _error(self, error):
        if "Content Security Policy" in str(error.error):
            self.violations.append(f"{error.page.url if error.page else ''}: {error.error}")


def browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


@pytest.fixture
def browser(site):
    """One Chromium per test, started after the live server and its data: started earlier,
    Playwright's greenlets hide Django's per-context database connection (and with it the
    serialized copy that puts Wagtail's tree back after each test)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = (
            f"Browser tests need Debian's Chromium at {CHROMIUM}: install it with "
            "`sudo apt-get install -y chromium` (or `make browser-deps`)."
        )
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made from
    # the test itself are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = PolicyWatchingBrowser(playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
        yield browser
        browser.close()
    assert not browser.violations, "The Content-Security-Policy blocked something:\n" + "\n".join(browser.violations)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def site(live_server, django_db_serialized_rollback):
    """A live server with the home pages. Serialized rollback puts back what migrations made
    (Wagtail's root page and locales) for the tests that run after this one."""
    from elearning.demo import load_site

    load_site()
    return live_server


@pytest.fixture(autouse=True)
def close_connections_opened_beside_playwright(browser):
    """Database queries a test makes while Playwright's event loop runs in this thread get a
    connection of their own (Django keeps one per async context); close it at the end, or
    PostgreSQL cannot drop the test database ("accessed by other users")."""
    yield
    from django.db import connections

    connections.close_all()
