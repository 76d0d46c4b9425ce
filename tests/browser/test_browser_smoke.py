"""The browser set-up on its own: Debian's Chromium loads a local page and a click works."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smoke</title></head>
<body>
  <label for="name">Name</label><input id="name">
  <button id="greet" type="button">Greet</button>
  <p id="out" role="status"></p>
  <script>
    document.getElementById("greet").addEventListener("click", () => {
      const name = document.getElementById("name").value;
      setTimeout(() => { document.getElementById("out").textContent = "Hello, " + name; }, 50);
    });
  </script>
</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.path != "/":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def local_page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_browser_is_debians_chromium(browser: Browser, browser_type_launch_args: dict) -> None:
    expected = os.environ.get("COACH_CHROMIUM", "/usr/bin/chromium")
    assert browser_type_launch_args["executable_path"] == expected
    assert browser.browser_type.name == "chromium"
    assert browser.version  # it started and answered


def test_a_local_page_loads_and_a_click_works(page: Page, local_page_url: str) -> None:
    page.goto(local_page_url)
    expect(page).to_have_title("Smoke")
    page.get_by_label("Name").fill("Ana")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_role("status")).to_have_text("Hello, Ana")


def test_a_data_page_renders(page: Page) -> None:
    page.goto("data:text/html,<h1>Commitment Coach</h1>")
    expect(page.get_by_role("heading", level=1)).to_have_text("Commitment Coach")
