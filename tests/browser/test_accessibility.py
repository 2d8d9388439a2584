"""axe-core (from npm, pinned in package-lock.json) checks rendered pages against WCAG 2.1 A
and AA, on a small phone, in both languages."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (it runs `npm ci`).")
    # Evaluated by the browser's own tooling, not added to the page as an inline script: the
    # page's Content-Security-Policy would block that, and the browser fixture would fail the test.
    page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize(
    "path",
    ["/vi/", "/en/", "/vi/help/", "/vi/accounts/login/", "/vi/accounts/signup/", "/vi/accounts/password/reset/"],
)
def test_pages_meet_wcag_21_aa(site, page, path):
    page.goto(site.url + path)
    assert violations(page) == []


def test_a_form_with_errors_meets_wcag_21_aa(site, page):
    page.goto(site.url + "/vi/accounts/signup/")
    page.get_by_role("button", name="Đăng ký").click()
    assert page.locator(".field--error").count() > 0
    assert violations(page) == []
