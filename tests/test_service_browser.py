"""The upload page in a real browser: Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil

import pytest

from .conftest import SAMPLES
from .test_service import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("Chromium is absent (scripts/setup.sh installs Debian's chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is absent (pip install -e .[test])")

# This machine has no network beyond package registries: keep Chromium from trying.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("browser"), env={"WENZHUAN_LOAD_PLUGINS": ""})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _upload(browser, server, tmp_path, *, javascript: bool, fmt: str):
    context = browser.new_context(accept_downloads=True, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(server.url + "/")
    page.set_input_files("#file", str(SAMPLES / "hans-library-plain.txt"))
    page.select_option("#to", fmt)
    with page.expect_download(timeout=60000) as info:
        page.click("#submit")
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    context.close()
    return target


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_upload_a_sample_and_get_the_download(browser, server, tmp_path, javascript):
    fmt = "epub" if "epub" in server_formats(server) else "markdown"
    target = _upload(browser, server, tmp_path, javascript=javascript, fmt=fmt)
    assert target.name == f"hans-library-plain.{'epub' if fmt == 'epub' else 'md'}"
    if fmt == "markdown":
        assert "城西社区图书馆扩建完工" in target.read_text(encoding="utf-8")
    else:
        from .epubcheck import epubcheck_report  # provided with the EPUB writer

        assert epubcheck_report(target) == (0, 0)


def server_formats(server) -> set[str]:
    import httpx

    return {f["name"] for f in httpx.get(server.url + "/v1/formats").json()["formats"]}
