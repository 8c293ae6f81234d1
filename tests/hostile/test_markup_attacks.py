"""HTML, XML and YAML attacks: entity expansion, external entities and DTDs (never resolved,
never fetched), absurd nesting, scripts, styles, event handlers, javascript: and data: links."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from wenzhuan.model import Attr, Document, Link, Para, Span, Text
from wenzhuan.pipeline import render
from wenzhuan.report import ChangeReport

from .kit import builtin_writers, error_line, leftovers, output_text

SECRET = "TOPSECRET-4f1c9e-local-file-content"


class Listener:
    """A TCP listener on a local port that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> int:
        self._stop = True
        self._thread.join(2)
        self.sock.close()
        return self.connections


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


def _laughs(root: str = "html") -> str:
    entities = '<!ENTITY lol "lol">\n' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n{entities}]>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>笑话：&lol9;</p></body></html>\n')


def _external(tmp_path, port: int) -> str:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return (f'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
            f'"http://127.0.0.1:{port}/xhtml11.dtd" [\n'
            f'<!ENTITY file SYSTEM "file://{secret}">\n<!ENTITY net SYSTEM "http://127.0.0.1:{port}/entity">\n'
            f'<!ENTITY % param SYSTEM "http://127.0.0.1:{port}/param.dtd">\n%param;\n]>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml"><head><link rel="stylesheet" href="http://127.0.0.1:{port}/s.css"/>'
            f'<script src="http://127.0.0.1:{port}/s.js"></script></head><body>'
            f'<p>正文&file;与&net;。</p><p><img src="http://127.0.0.1:{port}/i.png"/>'
            f'<iframe src="http://127.0.0.1:{port}/f"></iframe>'
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret}" parse="text"/>'
            '</p></body></html>\n')


@pytest.mark.parametrize("fmt", builtin_writers())
@pytest.mark.parametrize("suffix", ["html", "xhtml", "md"])
def test_entities_and_dtds_are_never_expanded_resolved_or_fetched(tmp_path, wenzhuan_cli, listener, fmt, suffix):
    out = tmp_path / "out"
    out.mkdir()
    for name, body in (("laughs", _laughs()), ("external", _external(tmp_path, listener.port))):
        src = tmp_path / f"{name}.{suffix}"
        if suffix == "md":  # raw HTML in Markdown goes through the same HTML reader
            body = "# 标题\n\n" + body.split("<body>", 1)[1].split("</body>", 1)[0] + "\n"
        src.write_text(body, encoding="utf-8")
        result = wenzhuan_cli("convert", src, "-t", fmt, "-o", out / name)
        assert result.exit_code == 0, result.stderr
        text = output_text(fmt, (out / name).read_bytes())
        assert "lollol" not in text and SECRET not in text and "ENTITY" not in text and "]>" not in text
    assert listener.close() == 0, "something was fetched"


def test_an_entity_bomb_stays_small_and_fast(tmp_path, wenzhuan_cli):
    src = tmp_path / "laughs.xhtml"
    src.write_text(_laughs(), encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["blocks"][0]["content"][0]["text"] == "笑话：&lol9;"


def test_yaml_alias_bomb_in_front_matter(tmp_path, wenzhuan_cli):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    src = tmp_path / "bomb.md"
    src.write_text("---\ntitle: 笑\n" + "\n".join(lines) + "\n---\n\n正文。\n", encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "json", "-o", tmp_path / "bomb.json")
    assert error_line(result) == (
        f"wenzhuan: error: {src}: its front matter expands to more than 10000 values (YAML aliases); "
        "wenzhuan does not read it (remove the `&anchor`/`*alias` repetition from the front matter)")
    assert leftovers(tmp_path, ["bomb.md"]) == []


@pytest.mark.parametrize("tag", ["div", "span", "em", "blockquote"])
def test_100000_nested_html_elements(tmp_path, wenzhuan_cli, tag):
    src = tmp_path / "deep.html"
    src.write_text("<html><body><p>开头。</p>" + f"<{tag}>" * 100_000 + "深处的文字。" + f"</{tag}>" * 100_000 + "</body></html>", encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", tmp_path / "deep.md")
    assert error_line(result) == (f"wenzhuan: error: {src}: its HTML is nested more than 255 elements deep; "
                                  "wenzhuan does not read deeper nesting (flatten the document's markup)")
    assert leftovers(tmp_path, ["deep.html"]) == []


def test_deep_but_readable_html_keeps_its_text(tmp_path, wenzhuan_cli):
    src = tmp_path / "deep.html"
    src.write_text("<html><body>" + "<div>" * 200 + "<p>深处的文字。</p>" + "</div>" * 200 + "</body></html>",
                   encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", "-")
    assert result.exit_code == 0 and result.stdout.endswith("深处的文字。\n"), result.stderr


@pytest.mark.parametrize("body, line", [("> " * 100_000 + "深处\n", 3),
                                        ("".join("  " * i + "- 项\n" for i in range(100)), 34)])
def test_deeply_nested_markdown(tmp_path, wenzhuan_cli, body, line):
    src = tmp_path / "deep.md"
    src.write_text("开头。\n\n" + body, encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "json", "-o", tmp_path / "deep.json")
    assert error_line(result) == (f"wenzhuan: error: {src}: its Markdown is nested more than 64 levels deep "
                                  f"(block quotes, lists), around line {line}; wenzhuan does not read deeper nesting")
    assert leftovers(tmp_path, ["deep.md"]) == []


ACTIVE_HTML = """<html><head><style>p { color: red } </style><script>alert("head")</script>
<meta http-equiv="refresh" content="0; url=javascript:alert(9)"><base href="javascript:alert(8)//"></head>
<body onload="alert('body')"><p onclick="alert('p')" style="background:url(javascript:alert(7))">正文
<a href="javascript:alert(1)">脚本链接</a>、<a href="  JaVaScRiPt:alert(2)">大小写</a>、
<a href="java&#x09;script:alert(3)">制表符</a>、<a href="&#x6A;avascript:alert(4)">实体</a>、
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==">数据链接</a>、
<a href="vbscript:msgbox(6)">VB</a>、<a href="file:///etc/passwd">本地文件</a>、
<a href="https://example.com/ok" onmouseover="alert('a')">好链接</a>。
<img src="x" onerror="alert('img')"><svg onload="alert('svg')"><script>alert('svg')</script></svg>
<iframe src="javascript:alert('iframe')"></iframe><object data="data:text/html,x"></object>
<noscript><p>无脚本</p></noscript><template><p>模板</p></template></p>
<script>document.write("脚本写的字")</script></body></html>"""

ACTIVE_MD = """正文[脚本链接](javascript:alert(1))、[制表符](java&#x09;script:alert(3))、
[数据链接](data:text/html;base64,PHNjcmlwdD4=)、<javascript:alert(2)>、[好链接](https://example.com/ok)。

<script>alert("md")</script>

<p onclick="alert('p')">段落<a href="javascript:alert(4)">原始链接</a></p>
"""


def _link_targets(fmt: str, data: bytes) -> list[str]:
    """Every link target in an output, read back as its format: the model's URLs for Markdown
    and JSON, every href/Target attribute of the XML of ZIP-based formats."""
    import re

    from wenzhuan.model import from_json
    from wenzhuan.pipeline import Source, load
    from wenzhuan.walk import walk

    if data[:2] == b"PK":
        text = output_text(fmt, data)
        return re.findall(r'(?:href|Target|src)="([^"]*)"', text)
    doc = from_json(data) if fmt == "json" else load(Source(data, "out.md"), from_format="markdown").document
    return [n.url for n in walk(doc) if isinstance(n, Link)]


@pytest.mark.parametrize("fmt", builtin_writers())
@pytest.mark.parametrize("kind", ["html", "md"])
def test_scripts_styles_handlers_and_unsafe_links_are_dropped(tmp_path, wenzhuan_cli, fmt, kind):
    from wenzhuan.sanitize import is_unsafe_url

    src = tmp_path / f"active.{kind}"
    src.write_text(ACTIVE_HTML if kind == "html" else ACTIVE_MD, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = wenzhuan_cli("convert", src, "-t", fmt, "-o", out / "x")
    assert result.exit_code == 0, result.stderr
    data = (out / "x").read_bytes()
    text = output_text(fmt, data)
    low = text.lower()
    for bad in ("onclick", "onload", "onerror", "onmouseover", "<script", "<style", "color: red",
                "脚本写的字", "无脚本", "模板", 'alert("md")', "alert('p')", "原始链接</a"):
        assert bad not in low, f"{bad!r} in the {fmt} output"
    if kind == "html":  # every unsafe thing was markup: none of it is left, not even as text
        for bad in ("alert", "javascript", "vbscript", "data:text", "file:///", "msgbox"):
            assert bad not in low, f"{bad!r} in the {fmt} output"
    # Markdown that markdown-it refuses to make a link of stays the author's literal text,
    # escaped; what matters is that no output carries an unsafe link target
    targets = _link_targets(fmt, data)
    assert [t for t in targets if is_unsafe_url(t)] == []
    assert "https://example.com/ok" in targets
    for words in ("脚本链接", "数据链接", "好链接"):
        assert words in text, f"the text of a dropped link ({words}) is kept"


@pytest.mark.parametrize("fmt", builtin_writers())
def test_unsafe_links_and_handlers_from_the_python_api(wenzhuan_host, fmt):
    doc = Document(blocks=(Para([
        Text("看"), Link([Text("这里")], " java\tscript:alert(1)"), Text("和"),
        Span([Text("那里")], Attr(kv={"onclick": "alert(2)", "data-x": "javascript:alert(3)", "title": "好"})),
        Link([Text("好链接")], "https://example.com/ok", attr=Attr(kv={"onmouseover": "alert(4)"})),
    ]),))
    report = ChangeReport()
    data = render(doc, wenzhuan_host.catalog.writer(fmt), {}, report, catalog=wenzhuan_host.catalog)
    text = output_text(fmt, data)
    assert "alert" not in text and "script:" not in text.replace("\t", "").lower()
    assert "这里" in text and "好链接" in text
    kinds = {c.kind for c in report.changes if c.step == "sanitize"}
    assert kinds == {"unsafe link removed", "unsafe attribute removed"}


def test_epub_content_documents_are_inert_and_well_formed(tmp_path, wenzhuan_cli):
    """EPUB readers run scripts in XHTML: none may get there, nor handlers or unsafe links."""
    from lxml import etree

    from wenzhuan.sanitize import is_unsafe_url

    from .kit import require_writer, xml_parts

    require_writer("epub")
    src = tmp_path / "active.html"
    src.write_text(ACTIVE_HTML.replace("正文", "正文\x01\x85\x9f"), encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "epub", "-o", tmp_path / "active.epub")
    assert result.exit_code == 0, result.stderr
    parts = xml_parts((tmp_path / "active.epub").read_bytes())  # every part well-formed
    xhtml = [blob for name, blob in parts.items() if name.endswith((".xhtml", ".html"))]
    assert xhtml, f"no XHTML content documents in {sorted(parts)}"
    for blob in xhtml:
        root = etree.fromstring(blob)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            assert etree.QName(el).localname not in ("script", "iframe", "object", "embed", "form")
            for key, value in el.attrib.items():
                assert not etree.QName(key).localname.lower().startswith("on"), (key, value)
                assert not is_unsafe_url(value), (key, value)
        assert b"alert" not in blob and "\x85".encode() not in blob
