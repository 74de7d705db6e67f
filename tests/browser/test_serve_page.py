"""The desk page of ``summariser serve`` in headless Chromium, against a real server (extractive engine).

Pastes the shared sample article, gets its brief, clicks a quote and checks its evidence lights up in the
article; drives it by keyboard alone; and opens it behind a token (the browser's Basic-auth prompt).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "serve"))
from server_support import Server

pytestmark = pytest.mark.slow
TOKEN = "desk-token-5c1f"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    batches = tmp_path_factory.mktemp("batches")
    with Server(
        ["--model", "extractive", "--batch-dir", str(batches)], env={"SUMMARISER_API_TOKEN": TOKEN}
    ) as s:
        yield s


def _open(browser: Any, server: Server, **context: Any) -> Any:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, **context)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.on("console", lambda m: page.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on(
        "request",
        lambda req: (
            None if req.url.startswith((server.url, "about:", "blob:")) else page.errors.append(req.url)
        ),
    )
    return page


def _credentials() -> dict[str, Any]:
    return {"http_credentials": {"username": "desk", "password": TOKEN}}


def test_paste_brief_click_quote_highlights_its_evidence(
    browser: Any, server: Server, sample_text: str
) -> None:
    page = _open(browser, server, **_credentials())
    page.goto(server.url + "/")
    page.fill("#text", sample_text)
    page.fill("#published", "2016-02-15")
    page.click("#go")
    page.wait_for_selector("#items .state:text('ready')", timeout=60_000)
    assert page.inner_text("#status") == "Brief ready."
    frame = page.frame_locator("#view")
    quote = frame.locator(".field.k-quote[data-ev]").first
    quote_text = quote.inner_text().strip("“”\n ")
    assert frame.locator("mark.hl.flash").count() == 0
    quote.click()
    lit = frame.locator("mark.hl.flash")
    lit.first.wait_for(timeout=5_000)
    assert frame.locator(".field.k-quote.is-current").count() == 1
    joined = " ".join(lit.nth(i).inner_text() for i in range(lit.count()))
    assert quote_text.split()[0] in joined and quote_text.split()[-1].strip(".,") in joined
    # downloads are ready and named after the article
    assert page.get_attribute("#dl-json", "download").endswith(".json")
    assert page.get_attribute("#dl-md", "download").endswith(".md")
    with page.expect_download() as dl:
        page.click("#dl-json")
    downloaded = Path(dl.value.path()).read_text(encoding="utf-8")
    assert '"quotes"' in downloaded and '"meta"' in downloaded
    page.screenshot(path=str(ARTIFACTS / "serve-page.png"))
    assert page.errors == []


def test_keyboard_only(browser: Any, server: Server) -> None:
    text = (
        "Firefighters in the hill town of Ardel said two people were hurt on Sunday when a warehouse caught "
        "fire. “The smoke was black and thick,” said Pieter Malk, a neighbour who called the brigade.\n"
    )
    page = _open(browser, server, **_credentials())
    page.goto(server.url + "/")
    page.keyboard.press("Tab")  # first stop: the article box
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.insert_text(text)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#items .state:text('ready')", timeout=60_000)
    page.focus("#view")
    frame = page.frame_locator("#view")
    frame.locator(".field.k-quote[data-ev]").first.focus()
    page.keyboard.press("Enter")
    frame.locator("mark.hl.flash").first.wait_for(timeout=5_000)
    assert page.errors == []


def test_without_credentials_the_page_is_refused(browser: Any, server: Server) -> None:
    from playwright.sync_api import Error

    for context in ({}, {"http_credentials": {"username": "desk", "password": "wrong"}}):
        page = _open(browser, server, **context)
        # the server answers 401 with a Basic challenge; headless Chromium, with no one to type the token,
        # either gives up on the page or shows the 401 answer
        try:
            response = page.goto(server.url + "/")
        except Error as exc:
            assert "ERR_INVALID_AUTH_CREDENTIALS" in str(exc)
        else:
            assert response is not None and response.status == 401
            assert "Incident brief desk" not in page.content()
        page.context.close()


def test_several_articles_from_files_are_briefed_and_listed(browser: Any, server: Server) -> None:
    reports = {
        "harbour.txt": "Port officials in Selmouth said a crane fell onto a ferry on Wednesday, injuring six "
        "people. “It came down in seconds,” said Ivo Brandt, a dock worker.\n",
        "valley.md": "Rescuers in the Tarn valley said a landslide buried two homes on Thursday and that "
        "three people were missing. “We are digging by hand,” said Mina Holt, a volunteer.\n",
        "notes.pdf": "not an article",
    }
    page = _open(browser, server, **_credentials())
    page.goto(server.url + "/")
    page.set_input_files(
        "#files",
        files=[
            {
                "name": n,
                "mimeType": "application/pdf" if n.endswith("pdf") else "text/plain",
                "buffer": t.encode(),
            }
            for n, t in reports.items()
        ],
    )
    page.wait_for_function("document.querySelectorAll('#items .state').length === 2")
    page.wait_for_selector("#status:text('2 briefs ready.')", timeout=60_000)
    names = page.evaluate(
        "[...document.querySelectorAll('#items button')].map(b => b.firstChild.textContent)"
    )
    assert names == ["harbour.txt", "valley.md"]  # the PDF was left out
    page.locator("#items button").nth(1).click()
    frame = page.frame_locator("#view")
    assert "Mina Holt" in frame.locator("#article").inner_text()
    assert page.get_attribute("#dl-md", "download") == "valley.md"
    assert page.errors == []
