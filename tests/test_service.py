"""The HTTP service, driven over real sockets: a `wenzhuan serve` process on a free loopback port."""

from __future__ import annotations

import concurrent.futures
import io
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="httpx is needed to drive the service")

from .conftest import SAMPLES  # noqa: E402
from .helpers import make_plugin_dist  # noqa: E402

SAMPLE = SAMPLES / "hans-library-plain.txt"

SLOW_AND_BROKEN = '''
import time
from wenzhuan.api import hookimpl, Writer

class Slow(Writer):
    name = "slow"
    extensions = ("slow",)
    media_type = "text/plain"
    def write(self, doc, out, ctx):
        time.sleep(60)

class Broken(Writer):
    name = "broken"
    extensions = ("broken",)
    media_type = "text/plain"
    def write(self, doc, out, ctx):
        raise KeyError("secret internals")

@hookimpl
def register_writers(register):
    register(Slow())
    register(Broken())
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, *args: str, env: dict | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmpdir = tmp / "server-tmp"
        self.tmpdir.mkdir()
        full_env = {**os.environ, "TMPDIR": str(self.tmpdir), **(env or {})}
        self.log = open(tmp / "server.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wenzhuan", "serve", "--port", str(self.port), *args],
            env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/v1/formats", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start: " + (tmp / "server.log").read_text())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    site = make_plugin_dist(tmp / "site", "wenzhuan-testwriters", "wz_testwriters", SLOW_AND_BROKEN)
    env = {"PYTHONPATH": str(site), "WENZHUAN_LOAD_PLUGINS": "wz_testwriters"}
    srv = Server(tmp, "--timeout", "6", "--concurrency", "2", "--max-body-size", "3", env=env)
    yield srv
    srv.stop()


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and "Traceback" not in response.text
    return body


def test_formats_lists_every_writer_with_options(server):
    data = httpx.get(server.url + "/v1/formats").json()
    by_name = {f["name"]: f for f in data["formats"]}
    assert {"markdown", "json", "slow", "broken"} <= set(by_name)
    assert by_name["markdown"]["provided_by"] == "built-in"
    assert by_name["slow"]["provided_by"] == "wenzhuan-testwriters 1.0"
    assert by_name["markdown"]["options"] == [
        {"name": "front_matter", "type": "true/false", "default": True,
         "help": "write the metadata as YAML front matter", "choices": []}]


def test_convert_raw_body(server):
    r = httpx.post(server.url + "/v1/convert", params={"to": "md", "name": "城西/../图书馆.txt"},
                   content=SAMPLE.read_bytes())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/markdown; charset=utf-8"
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"___.md\"; filename*=UTF-8''%E5%9B%BE%E4%B9%A6%E9%A6%86.md")
    assert "城西社区图书馆扩建完工" in r.text


def test_convert_multipart_with_writer_option(server):
    files = {"file": ("港口.md", (SAMPLES / "hans-port-jekyll.md").read_bytes(), "text/markdown")}
    r = httpx.post(server.url + "/v1/convert", params={"front_matter": "false"}, data={"to": "markdown"},
                   files=files)
    assert r.status_code == 200, r.text
    assert not r.text.startswith("---") and "## 自动化码头" in r.text
    assert "filename*=UTF-8''%E6%B8%AF%E5%8F%A3.md" in r.headers["content-disposition"]


def test_several_formats_answer_a_zip(server):
    r = httpx.post(server.url + "/v1/convert", params=[("to", "md"), ("to", "json"), ("name", "a.txt")],
                   content=SAMPLE.read_bytes())
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert sorted(zf.namelist()) == ["a.json", "a.md"]
        assert json.loads(zf.read("a.json"))["wenzhuan_model"] == 1


def test_inspect_answers_model_and_changes(server):
    r = httpx.post(server.url + "/v1/inspect", content=SAMPLE.read_bytes())
    assert r.status_code == 200
    body = r.json()
    assert body["document"]["wenzhuan_model"] == 1
    assert set(body["changes"]) == {"counts", "changes", "unrepaired", "warnings"}


def test_bad_input_is_400(server):
    r = httpx.post(server.url + "/v1/convert", params={"to": "md", "name": "bad.txt"}, content=b"ok\xff\xfe\xfd")
    body = _problem(r, 400)
    assert body["detail"].startswith("bad.txt: cannot decode: not UTF-8 (invalid bytes at offset 2), GB18030 or Big5")


def test_unsupported_input_is_415(server):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    body = _problem(httpx.post(server.url + "/v1/convert", params={"to": "md", "name": "x.png"}, content=png), 415)
    assert body["detail"] == "x.png: is a PNG image, not a text document (wenzhuan reads plain text, Markdown and HTML)"


def test_body_over_limit_is_413(server):
    big = b"a" * (3 * 1048576 + 1)
    body = _problem(httpx.post(server.url + "/v1/convert", params={"to": "md"}, content=big), 413)
    assert body["detail"] == "the request body is over the 3 MB limit"


def test_bad_options_are_422(server):
    assert "unknown output format 'nope'" in _problem(
        httpx.post(server.url + "/v1/convert", params={"to": "nope"}, content=b"x"), 422)["detail"]
    assert "option 'indent' of format 'json' takes integer, not 'wide'" in _problem(
        httpx.post(server.url + "/v1/convert", params={"to": "json", "indent": "wide"}, content=b"x"), 422)["detail"]
    assert "format 'json' has no option 'colour' (format 'json' takes: indent)" in _problem(
        httpx.post(server.url + "/v1/convert", params={"to": "json", "colour": "red"}, content=b"x"), 422)["detail"]
    assert "say which format" in _problem(httpx.post(server.url + "/v1/convert", content=b"x"), 422)["detail"]


def test_plugin_failure_is_500_naming_the_plugin(server):
    body = _problem(httpx.post(server.url + "/v1/convert", params={"to": "broken", "name": "a.txt"},
                               content=b"text"), 500)
    assert body["detail"] == ("a.txt: plugin 'wz_testwriters' (from wenzhuan-testwriters): "
                              "writer 'broken' failed: KeyError: 'secret internals'")


def test_stuck_conversion_is_stopped_and_the_server_goes_on(server):
    started = time.monotonic()
    body = _problem(httpx.post(server.url + "/v1/convert", params={"to": "slow"}, content=b"text", timeout=30), 504)
    assert time.monotonic() - started < 30
    assert body["detail"].startswith("the conversion took longer than 6 s and was stopped")
    ok = httpx.post(server.url + "/v1/convert", params={"to": "md"}, content=SAMPLE.read_bytes(), timeout=30)
    assert ok.status_code == 200


def test_concurrent_requests_all_succeed(server):
    def one(i):
        return httpx.post(server.url + "/v1/convert", params={"to": "md", "name": f"n{i}.txt"},
                          content=SAMPLE.read_bytes(), timeout=60)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(16)))
    assert [r.status_code for r in results] == [200] * 16
    assert all("图书馆" in r.text for r in results)


def test_unknown_path_and_method_are_problems(server):
    _problem(httpx.get(server.url + "/nope"), 404)
    _problem(httpx.get(server.url + "/v1/convert"), 405)


def test_no_file_left_in_temp(server):
    # 2 MB multipart parts spill to temporary files: they must be gone after the request
    payload = ("第一段文字。\n" * 66000).encode()  # about 1.2 MB, over the 1 MB in-memory spool
    r = httpx.post(server.url + "/v1/convert", data={"to": "json"}, files={"file": ("big.txt", payload)}, timeout=60)
    assert r.status_code == 200, r.text
    assert list(server.tmpdir.iterdir()) == []


def test_upload_page_and_assets_are_local(server):
    page = httpx.get(server.url + "/")
    assert page.status_code == 200
    assert '<form id="convert" method="post" action="/v1/convert" enctype="multipart/form-data">' in page.text
    assert '<option value="markdown">' in page.text
    for url in ("http://", "https://", "//cdn"):
        assert url not in page.text.replace(server.url, "")
    assert httpx.get(server.url + "/static/app.js").headers["content-type"].startswith("text/javascript")
    assert httpx.get(server.url + "/static/app.css").status_code == 200
    assert httpx.get(server.url + "/static/../cli.py").status_code == 404


def test_openapi_document(server):
    doc = httpx.get(server.url + "/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {"/v1/formats", "/v1/convert", "/v1/inspect"}
    enum = doc["paths"]["/v1/convert"]["post"]["parameters"][0]["schema"]["items"]["enum"]
    assert {"markdown", "json"} <= set(enum)


def test_script_and_bilingual_options(server):
    hant = httpx.post(server.url + "/v1/convert", params={"to": "md", "script": "hant", "front_matter": "false"},
                      content="软件很好用。\n".encode())
    assert hant.status_code == 200, hant.text
    assert hant.text == "軟件很好用。\n"
    both = httpx.post(server.url + "/v1/convert", data={"to": "markdown", "script": "bilingual"},
                      params={"front_matter": "false"}, files={"file": ("a.txt", "软件很好用。\n".encode())})
    assert both.status_code == 200, both.text
    assert both.text == "软件很好用。\n\n軟件很好用。\n"
    bad = httpx.post(server.url + "/v1/convert", params={"to": "md", "script": "klingon"}, content=b"x")
    assert "unknown script target 'klingon'" in _problem(bad, 422)["detail"]


def test_path_options_are_refused_over_http(server):
    # a client must not make the server read its own files (css=/etc/passwd would be embedded)
    r = httpx.post(server.url + "/v1/convert", params={"to": "epub", "css": "/etc/passwd"}, content=SAMPLE.read_bytes())
    body = _problem(r, 422)
    assert body["detail"] == ("option(s) css name a file on the server and are not accepted over HTTP "
                              "(run `wenzhuan convert` locally to use them)")
    assert "root:" not in r.text
    r = httpx.post(server.url + "/v1/convert", params={"to": "docx", "reference-docx": "/nonexistent.docx"},
                   content=SAMPLE.read_bytes())
    assert "reference_docx name a file on the server" in _problem(r, 422)["detail"]
