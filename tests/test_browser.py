"""The HTML report in headless Chromium: navigation, safety, accessibility, print.

Screenshots and a PDF land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import reuse
from reuse.corpus import load
from reuse.model import Document
from reuse.render.html import render_html
from tests.conftest import ARTIFACTS, SEEDS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "seeds.html"
    path.write_text(render_html(reuse.compare(load([str(SEEDS)]).documents)), encoding="utf-8")
    return path.as_uri()


def click_text(page: Any, badge: str) -> None:
    """Click on the words of the passage whose badge is ``badge`` (the end of its first
    line), as a reader would."""
    page.locator(badge).scroll_into_view_if_needed()
    rect = page.evaluate(
        f"(() => {{ const m = document.querySelector('{badge}').closest('mark');"
        " const r = m.getClientRects()[0]; return {x: r.right - 6, y: r.top + r.height / 2}; })()"
    )
    page.mouse.click(rect["x"], rect["y"])


class Watched:
    """A page with every request, console error and dialog it caused."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def external_requests(self, own_url: str) -> list[str]:
        return [u for u in self.requests if u != own_url and not u.startswith(("data:", "about:"))]

    def active_id(self) -> str:
        return str(self.page.evaluate("document.activeElement && document.activeElement.id"))


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context.new_page())
    context.close()


def test_pair_passages_in_both_columns_with_matching_numbers(
    watched: Watched, report_url: str
) -> None:
    page = watched.page
    page.goto(report_url)
    pair = page.locator("#pair-1")
    assert "Azerbaijan Marks 32nd Aniversary" in pair.locator("h3").inner_text()
    for side in ("a", "b"):
        numbers = pair.locator(f".side-{side} mark.passage a.num").all_inner_texts()
        assert numbers == ["1", "2", "3"]
    first_a = pair.locator(".side-a mark.passage").first.inner_text()
    assert "The Karabakh region had been" in first_a and "injured 487 others" in first_a
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-overview.png"))
    pair.scroll_into_view_if_needed()
    page.evaluate("document.getElementById('pair-1').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "report-pair.png"))


def test_clicking_a_passage_focuses_its_twin(watched: Watched, report_url: str) -> None:
    page = watched.page
    page.goto(report_url)
    click_text(page, "#p1-a-2")
    assert watched.active_id() == "p1-b-2"
    click_text(page, "#p1-b-3")
    assert watched.active_id() == "p1-a-3"
    page.locator("#p1-a-1").click()
    assert watched.active_id() == "p1-b-1"


def test_selecting_text_in_a_passage_does_not_jump(watched: Watched, report_url: str) -> None:
    page = watched.page
    page.goto(report_url)
    page.locator("#p1-a-2").scroll_into_view_if_needed()
    page.evaluate(
        "(() => { const m = document.getElementById('p1-a-2').closest('mark');"
        " const r = document.createRange(); r.selectNodeContents(m);"
        " const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); })()"
    )
    before = page.evaluate("window.scrollY")
    page.locator("#p1-a-2").evaluate(
        "b => b.closest('mark').dispatchEvent(new MouseEvent('click', {bubbles: true, detail: 1}))"
    )
    assert page.evaluate("window.scrollY") == before
    assert page.evaluate("window.getSelection().toString()").startswith("2Some 150")


def test_n_and_p_move_between_passages(watched: Watched, report_url: str) -> None:
    page = watched.page
    page.goto(report_url)
    page.keyboard.press("n")
    assert watched.active_id() == "p1-a-1"
    page.keyboard.press("n")
    assert watched.active_id() == "p1-a-2"
    click_text(page, "#p1-a-3")  # focus moves to the twin, p1-b-3
    page.keyboard.press("p")
    assert watched.active_id() == "p1-a-2"


def test_no_network_request_and_no_console_error(watched: Watched, report_url: str) -> None:
    page = watched.page
    page.goto(report_url)
    click_text(page, "#p1-a-1")
    page.keyboard.press("n")
    page.locator("details.unshared").first.locator("summary").click()
    assert watched.external_requests(report_url) == []
    assert watched.errors == []


@pytest.mark.parametrize(
    ("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 400), ("dark", 400)]
)
def test_no_serious_accessibility_violation(
    browser: Any, report_url: str, scheme: str, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(report_url)
    results = Axe().run(page)
    context.close()
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_article_markup_is_shown_as_text_and_runs_nothing(watched: Watched, tmp_path: Path) -> None:
    rng = random.Random(8)
    shared = " ".join(f"w{rng.randrange(10**6)}" for _ in range(40))
    hostile = "<script>alert('x')</script> <img src=x onerror=alert(1)> </textarea>"
    docs = [
        Document("a", f"{hostile}\n{shared}", title=hostile),
        Document("b", f"{shared}\n{hostile}"),
    ]
    path = tmp_path / "hostile.html"
    path.write_text(render_html(reuse.compare(docs)), encoding="utf-8")
    page = watched.page
    page.goto(path.as_uri())
    page.wait_for_timeout(200)
    assert watched.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, textarea').length") == 0
    assert hostile in page.locator("#pair-1 .side-a .text").inner_text()
    assert page.locator("#pair-1 h3").inner_text().startswith("Pair 1: <script>")
    assert watched.external_requests(path.as_uri()) == []


def test_readable_and_linked_without_javascript(browser: Any, report_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report_url)
    assert page.locator("#pair-1 .side-b mark.passage").count() == 3
    page.locator("#p1-a-2").click()
    assert page.evaluate("location.hash") == "#p1-b-2"
    details = page.locator("details.unshared").first
    details.locator("summary").click()
    assert details.evaluate("d => d.open") is True
    context.close()


def test_print_keeps_the_columns_side_by_side(watched: Watched, report_url: str) -> None:
    page = watched.page
    page.goto(report_url)
    page.emulate_media(media="print")
    a = page.locator("#pair-1 .side-a").bounding_box()
    b = page.locator("#pair-1 .side-b").bounding_box()
    assert a is not None and b is not None
    assert abs(a["y"] - b["y"]) < 1 and b["x"] > a["x"] + a["width"] / 2
    # Folded stretches print in full.
    fold = page.locator("details.unshared").first
    assert fold.evaluate("d => d.getBoundingClientRect().height") > 40
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
