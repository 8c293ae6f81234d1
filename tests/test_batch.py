"""Batch conversion (issue 9): folders in, an output folder out, in parallel, resumable.

Every test runs the real command in a subprocess (helpers.run_cli) or the real runner; the
kill tests send real signals to a real run.
"""

from __future__ import annotations

import enum
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wenzhuan.batch import expand_inputs, output_path, safe_name
from wenzhuan.manager import default_host

from .conftest import SAMPLES
from .helpers import make_plugin_dist, run_cli

LIBRARY = (SAMPLES / "hans-library-plain.txt").read_text(encoding="utf-8")
JEKYLL = (SAMPLES / "hans-port-jekyll.md").read_text(encoding="utf-8")

# A third-party plugin used by several tests: a pass that logs each run (to count
# normalizations), optionally sleeps (to make a run last long enough to be killed), and really
# changes the text (旧 → 新), so the batch report has change counts to carry.
TESTKIT = '''
import os, signal, time
from wenzhuan.api import Pass, hookimpl, map_text

class Renew(Pass):
    name = "testkit-renew"

    def run(self, doc, ctx):
        log = os.environ.get("WZ_TESTKIT_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{ctx.path}\\n")
        time.sleep(float(os.environ.get("WZ_TESTKIT_DELAY", "0")))
        victims = os.environ.get("WZ_TESTKIT_KILL_ON")  # a worker dies on these (out of memory, killed)
        if victims and os.path.basename(ctx.path) in victims.split(",") and (
                os.getppid() != int(os.environ["WZ_TESTKIT_MAIN_PARENT"])):
            os.kill(os.getpid(), signal.SIGKILL)

        def fix(text):
            for _ in range(text.count("旧")):
                ctx.change("renew", "旧", "新")
            return text.replace("旧", "新")

        return map_text(doc, fix)

@hookimpl
def register_passes(register):
    register(Renew())
'''


@pytest.fixture
def testkit(tmp_path):
    """Environment for run_cli that loads the test plugin; returns (env, log file)."""
    root = make_plugin_dist(tmp_path / "kit", "wz-testkit", "wz_testkit", TESTKIT)
    log = tmp_path / "passes.log"
    env = {"PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
           "WENZHUAN_LOAD_PLUGINS": "wz_testkit", "WZ_TESTKIT_LOG": str(log)}
    return env, log


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def listing(root: Path) -> list[str]:
    """Every file under root (hidden ones too), relative, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def out_lines(done) -> list[str]:
    return done.stdout.decode().splitlines()


def err_lines(done) -> list[str]:
    return done.stderr.decode().splitlines()


ARTICLE = "城西社区图书馆扩建完工\n\n　　新馆面积达到1200平方米。\n"


def cause(data: bytes) -> str:
    """The pipeline's own message for bytes that cannot be decoded: the batch must carry it as is."""
    from wenzhuan.decode import decode
    from wenzhuan.errors import InputError

    try:
        decode(data)
    except InputError as exc:
        return f"{exc.message} ({exc.hint})" if exc.hint else exc.message
    raise AssertionError(f"{data!r} decodes")


# ----------------------------------------------------------------------- folders and names


def test_folder_is_mirrored_with_names_from_inputs(tmp_path):
    src = tree(tmp_path / "in", {
        "a.txt": LIBRARY,
        "news/2023/b.md": JEKYLL,
        "news/2023/c.markdown": "# 标题\n\n正文。\n",
        "news/photo.png": b"\x89PNG\r\n\x1a\n",
        ".hidden.txt": "隐藏",
        ".git/config.txt": "不要",
        "notes.TXT": "大写扩展名也算。\n",
    })
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "2")
    assert done.returncode == 0, done.stderr
    assert [p for p in listing(out) if not p.startswith(".")] == [
        "a.md", "news/2023/b.md", "news/2023/c.md", "notes.md"]
    # names come from the input files, not from the titles inside them
    assert "港口物流数字化转型观察" in (out / "news/2023/b.md").read_text(encoding="utf-8")
    assert "城西社区图书馆扩建完工" in (out / "a.md").read_text(encoding="utf-8")
    assert err_lines(done)[-1].startswith("wenzhuan: 4 files: 4 converted, 0 up to date, 0 failed in ")


def test_output_folder_inside_the_input_folder_is_not_read_back(tmp_path):
    src = tree(tmp_path / "in", {"a.md": "# 一\n\n正文。\n", "sub/b.md": "# 二\n\n正文。\n"})
    done = run_cli("convert", str(src), "-t", "md", "-o", str(src / "md"))
    assert done.returncode == 0, done.stderr
    again = run_cli("convert", str(src), "-t", "md", "-o", str(src / "md"))
    assert again.returncode == 0, again.stderr
    assert "md/a.md" not in again.stdout.decode()
    assert err_lines(again)[-1].startswith("wenzhuan: 2 files: 0 converted, 2 up to date, 0 failed")


def test_another_batchs_output_folder_inside_an_input_is_left_out_and_said_so(tmp_path):
    src = tree(tmp_path / "in", {"a.md": "# 一\n\n正文。\n", "sub/b.md": "# 二\n\n正文。\n"})
    assert run_cli("convert", str(src), "-t", "md", "-o", str(src / "md")).returncode == 0
    other = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "other"))
    assert other.returncode == 0, other.stderr
    assert err_lines(other)[0] == (f"wenzhuan: {src / 'md'}: left out: it holds another batch's outputs; "
                                   "give it as an input of its own to convert them")
    assert listing(tmp_path / "other") == [".wenzhuan-batch.jsonl", "a.md", "sub/b.md"]
    # given as an input of its own, it is converted
    own = run_cli("convert", str(src / "md"), "-t", "json", "-o", str(tmp_path / "json"))
    assert own.returncode == 0, own.stderr
    assert listing(tmp_path / "json") == [".wenzhuan-batch.jsonl", "a.json", "sub/b.json"]


def test_a_folder_whose_files_are_all_in_folders_left_out_says_which(tmp_path):
    src = tree(tmp_path / "in", {"sub/a.txt": ARTICLE})
    assert run_cli("convert", str(src / "sub"), "-t", "md", "-o", str(src / "sub") + "/").returncode == 0
    done = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "out") + "/")
    assert done.returncode == 1
    assert err_lines(done) == [f"wenzhuan: error: {src}: no files to convert in it ({src / 'sub'}: left out: "
                               "it holds another batch's outputs; give it as an input of its own to convert them)"]


def test_an_output_folder_holding_inputs_is_left_out_and_said_so(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "news/b.txt": ARTICLE})
    done = run_cli("convert", str(src), "-t", "md", "-o", str(src / "news"))
    assert done.returncode == 0, done.stderr
    assert err_lines(done)[0] == f"wenzhuan: {src / 'news'}: left out: it is the output folder (-o)"
    assert listing(src / "news") == [".wenzhuan-batch.jsonl", "a.md", "b.txt"]


def refuse_to_list(monkeypatch, name: str):
    """Make os.scandir refuse folders named `name`, as chmod 000 would (root reads every folder,
    so chmod cannot show it); returns the patched function."""
    scandir = os.scandir

    def refusing(path):
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    return refusing


def test_a_folder_that_cannot_be_read_fails_and_the_others_go_on(tmp_path, monkeypatch):
    from wenzhuan.batch import plan_batch

    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "locked/x.txt": ARTICLE})
    refusing = refuse_to_list(monkeypatch, "locked")
    writer = default_host().catalog.writer("markdown")
    plan = plan_batch([str(src)], tmp_path / "out", [writer], ["*.txt"])
    assert [j.input for j in plan.jobs] == [str(src / "a.txt")]
    assert [(r.input, r.status, r.error) for r in plan.clashes] == [
        (str(src / "locked"), "failed", "cannot read this folder (Permission denied): its files were not converted "
                                        "(check its permissions)")]
    monkeypatch.setattr(os, "scandir", lambda path: refusing(str(src / "locked")))  # the input itself
    with pytest.raises(Exception) as caught:
        plan_batch([str(src)], tmp_path / "out", [writer], ["*.txt"])
    assert str(caught.value) == f"{src}: cannot read this folder (Permission denied) (check its permissions)"


def test_a_file_given_twice_is_converted_once(tmp_path):
    src = tree(tmp_path / "in", {"news/a.txt": ARTICLE, "news/b.txt": ARTICLE})
    done = run_cli("convert", str(src / "news"), str(src / "news" / "a.txt"), str(src / "news" / "a.txt"),
                   "-t", "md", "-o", str(tmp_path / "out") + "/")
    assert done.returncode == 0, done.stderr
    assert err_lines(done)[-1].startswith("wenzhuan: 2 files: 2 converted, 0 up to date, 0 failed")


def test_file_names_that_are_not_utf8_get_text_names_and_resume(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for raw in (b"\xb9\xfa\xbc\xd2.txt", b"bad\xff\xfename.txt"):  # 国家 in GBK; bytes neither UTF-8 nor GB18030
        with open(os.path.join(os.fsencode(src), raw), "wb") as fh:
            fh.write(ARTICLE.encode("utf-8"))
    out, report = tmp_path / "out", tmp_path / "r.json"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert [p for p in listing(out) if not p.startswith(".")] == ["bad__name.md", "国家.md"]
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert sorted(os.fsencode(f["input"]) for f in files) == sorted(
        os.path.join(os.fsencode(src), raw) for raw in (b"\xb9\xfa\xbc\xd2.txt", b"bad\xff\xfename.txt"))
    again = run_cli("convert", str(src), "-t", "md", "-o", str(out))
    assert err_lines(again)[-1].startswith("wenzhuan: 2 files: 0 converted, 2 up to date, 0 failed"), again.stderr


def test_several_input_folders_keep_their_names(tmp_path):
    src = tree(tmp_path / "in", {"2023/index.txt": ARTICLE, "2024/index.txt": ARTICLE, "extra.txt": ARTICLE})
    done = run_cli("convert", str(src / "2023"), str(src / "2024"), str(src / "extra.txt"), "-t", "md",
                   "-o", str(tmp_path / "out") + "/")
    assert done.returncode == 0, done.stderr
    assert [p for p in listing(tmp_path / "out") if not p.startswith(".")] == [
        "2023/index.md", "2024/index.md", "extra.md"]
    one = run_cli("convert", str(src / "2023"), "-t", "md", "-o", str(tmp_path / "one") + "/")
    assert one.returncode == 0, one.stderr
    assert [p for p in listing(tmp_path / "one") if not p.startswith(".")] == ["index.md"]  # one: its files


def test_several_input_folders_keep_the_names_given(tmp_path):
    src = tree(tmp_path / "in", {"releases/v3/index.txt": ARTICLE, "2023/index.txt": ARTICLE})
    (src / "current").symlink_to(src / "releases" / "v3")
    done = run_cli("convert", str(src / "current") + "/", str(src / "2023"), "-t", "md",
                   "-o", str(tmp_path / "out") + "/")
    assert done.returncode == 0, done.stderr
    assert [p for p in listing(tmp_path / "out") if not p.startswith(".")] == ["2023/index.md", "current/index.md"]


def test_warnings_are_listed_at_the_end_of_a_batch(tmp_path):
    bad = "---\ntitle: 坏日期\ndate: 2020-02-30\n---\n\n正文。\n"
    src = tree(tmp_path / "in", {**{f"{i:02}.md": bad for i in range(12)}, "ok.txt": ARTICLE})
    done = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "out") + "/")
    assert done.returncode == 0, done.stderr
    warning = ("[read:markdown] front matter holds a value YAML cannot make (day is out of range for month); "
               "all its values were read as the text written (line 1)")
    assert err_lines(done)[:-1] == [f"wenzhuan: warning: {src / f'{i:02}.md'}: {warning}" for i in range(10)] + [
        "wenzhuan: ... and 2 more warnings (--report FILE.json lists them all)"]
    assert err_lines(done)[-1].startswith("wenzhuan: 13 files: 13 converted (12 with warnings), 0 up to date")
    quiet = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "q") + "/", "--quiet")
    assert quiet.returncode == 0 and err_lines(quiet) == []


def test_bad_encoding_size_or_report_path_stop_the_batch_before_it_starts(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b.txt": ARTICLE})
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out) + "/", "--encoding", "nosuch")
    assert done.returncode == 2
    assert err_lines(done)[-1] == ("Error: Invalid value for '--encoding': unknown encoding 'nosuch'; give one "
                                   "Python knows, for example gb18030, big5 or utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out) + "/", "--max-input-size", "0")
    assert done.returncode == 2 and "'--max-input-size': 0 is not in the range x>=1" in err_lines(done)[-1]
    report = tmp_path / "missing" / "r.json"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out) + "/", "--report", str(report))
    assert done.returncode == 1
    assert err_lines(done) == [f"wenzhuan: error: {report}: its folder does not exist "
                               "(make the folder first, or give the report another path)"]
    assert not out.exists()


def test_an_encoding_that_is_not_for_text_is_a_usage_error(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE})
    for name in ("base64", "rot13"):  # codecs Python knows, but not ones that decode bytes to text
        done = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "out") + "/", "--encoding", name)
        assert done.returncode == 2, done.stderr
        assert not any("Traceback" in line for line in err_lines(done))
        assert err_lines(done)[-1] == (f"Error: Invalid value for '--encoding': '{name}' is not a text encoding; "
                                       "give one Python knows, for example gb18030, big5 or utf-8")


def test_the_report_may_go_into_the_output_folder_the_batch_makes(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE})
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out) + "/", "--report", str(out / "report.json"))
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["files"][0]["status"] == "converted"


def test_hidden_files_are_taken_only_when_a_pattern_names_them(tmp_path):
    src = tree(tmp_path / "in", {"a.md": "# 一\n\n正文。\n", ".notes.md": "# 注\n\n正文。\n",
                                 ".git/x.md": "# 否\n\n正文。\n"})
    assert run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "o1") + "/").returncode == 0
    assert [p for p in listing(tmp_path / "o1") if not p.startswith(".w")] == ["a.md"]
    done = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "o2") + "/", "--glob", ".notes.md")
    assert done.returncode == 0, done.stderr
    assert [p for p in listing(tmp_path / "o2") if not p.startswith(".w")] == [".notes.md"]


def test_glob_filters_files_of_folders(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b.md": "# 乙\n", "sub/c.txt": ARTICLE, "sub/d.md": "# 丁\n"})
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "json", "-o", str(out), "--glob", "*.txt")
    assert done.returncode == 0, done.stderr
    assert [p for p in listing(out) if not p.startswith(".")] == ["a.json", "sub/c.json"]
    out2 = tmp_path / "out2"
    done = run_cli("convert", str(src), "-t", "json", "-o", str(out2), "--glob", "sub/*")
    assert [p for p in listing(out2) if not p.startswith(".")] == ["sub/c.json", "sub/d.json"]
    done = run_cli("convert", str(src), "-t", "json", "-o", str(tmp_path / "o3"), "--glob", "*.html")
    assert done.returncode == 1
    assert err_lines(done) == [f"wenzhuan: error: {src}: no files matching *.html in it "
                               f"(choose other files with --glob PATTERN)"]


def test_safe_names():
    assert safe_name("a\x1bb\nc\x7f\x85") == "a_b_c__"
    assert safe_name("..") == "__" and safe_name(".") == "_" and safe_name("") == "_"
    assert safe_name("a/b\\c") == "a_b_c"
    assert len(safe_name("长" * 300).encode()) <= 200
    # ASCII names, which take a shortcut when nothing needs changing
    assert safe_name("article-001_v2.txt") == "article-001_v2.txt"
    assert safe_name(" padded ") == "padded" and safe_name("tab\tname") == "tab_name"
    assert safe_name("a" * 200) == "a" * 200 and len(safe_name("a" * 201)) == 200
    assert safe_name("x\x7f") == "x_" and safe_name("a\\b") == "a_b" and safe_name(" ") == "_"
    # cut names keep apart: the cut one ends with a hash of the whole
    a, b = safe_name("长" * 70 + "甲"), safe_name("长" * 70 + "乙")
    assert a != b and a.startswith("长" * 60) and len(a.encode()) <= 200 and len(b.encode()) <= 200
    assert safe_name("x" * 201) == "x" * 191 + "~" + safe_name("x" * 201)[-8:]
    writer = default_host().catalog.writer("markdown")
    out = Path("/o")
    assert output_path("x/../../etc/passwd.txt", out, writer) == Path("/o/x/__/__/etc/passwd.md")
    assert output_path("/abs/a.txt", out, writer) == Path("/o/abs/a.md")
    assert output_path("新闻/第1篇\t.txt", out, writer) == Path("/o/新闻/第1篇_.md")


def test_control_characters_in_file_names_never_reach_output_names(tmp_path):
    src = tree(tmp_path / "in", {"bad\x1b[31mname\n.txt": ARTICLE, "ok.txt": ARTICLE})
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert done.returncode == 0, done.stderr
    assert [p for p in listing(out) if not p.startswith(".")] == ["bad_[31mname_.md", "ok.md"]


def test_symlinked_folder_in_output_is_not_written_through(tmp_path):
    src = tree(tmp_path / "in", {"sub/a.txt": ARTICLE, "b.txt": ARTICLE})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert done.returncode == 1
    assert list(elsewhere.iterdir()) == []
    assert (out / "b.md").exists()
    assert (f"wenzhuan: error: {src / 'sub/a.txt'}: {out / 'sub/a.md'}: its folder leads outside the output "
            f"folder (a symbolic link); refusing to write through it") in err_lines(done)


def test_clashing_output_names_fail_the_later_file(tmp_path):
    src = tree(tmp_path / "in", {"a.md": "# 甲\n", "a.txt": ARTICLE})
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "json", "-o", str(out))
    assert done.returncode == 1
    assert (out / "a.json").exists()
    assert (f"wenzhuan: error: {src / 'a.txt'}: its output {out / 'a.json'} is also the output of "
            f"{src / 'a.md'}; convert one of them separately") in err_lines(done)


# ------------------------------------------------------------------ failures and reports


def test_a_failing_file_in_the_middle_does_not_stop_the_batch(tmp_path):
    src = tree(tmp_path / "in", {"1.txt": ARTICLE, "2.txt": b"abc\xff\xfe", "3.txt": ARTICLE})
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "2")
    assert done.returncode == 1
    assert [p for p in listing(out) if not p.startswith(".")] == ["1.md", "3.md"]
    lines = err_lines(done)
    assert lines[0] == f"wenzhuan: error: {src / '2.txt'}: {cause(b'abc' + bytes([0xff, 0xfe]))}"
    assert re.fullmatch(r"wenzhuan: 3 files: 2 converted, 0 up to date, 1 failed in [\d.]+ s \([\d.]+ files/s\)",
                        lines[1])
    assert len(lines) == 2


def test_a_finished_batch_ends_its_process_after_the_exit_handlers_and_all_output(tmp_path):
    # (the program ends itself once a batch has run to its end, skipping the interpreter's teardown)
    kit = make_plugin_dist(tmp_path / "kit", "wz-atexit", "wz_atexit", """
        import atexit, sys
        atexit.register(lambda: print("exit handler ran", file=sys.stderr))
    """)
    src = tree(tmp_path / "in", {"1.txt": ARTICLE, "2.txt": b"\xff", "3.txt": ARTICLE})
    out = tmp_path / "out"
    env = {"PYTHONPATH": os.pathsep.join([str(kit), os.environ.get("PYTHONPATH", "")]),
           "WENZHUAN_LOAD_PLUGINS": "wz_atexit"}
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "2", "--report", str(tmp_path / "r.json"),
                   env=env, plugins=True)
    assert done.returncode == 1
    assert len(out_lines(done)) == 3 and out_lines(done)[-1].startswith("[3/3] ")
    assert err_lines(done)[1].startswith("wenzhuan: 3 files: 2 converted, 0 up to date, 1 failed in ")
    assert err_lines(done)[2:] == ["exit handler ran"]
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["converted"] == 2
    assert [p for p in listing(out) if not p.startswith(".")] == ["1.md", "3.md"]


def test_a_worker_that_dies_fails_only_its_file_and_another_takes_its_place(tmp_path, testkit):
    env, _ = testkit
    src = tree(tmp_path / "in", {f"{i}.txt": ARTICLE for i in range(9)})
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    args = ("convert", str(src), "-t", "md", "-o", str(out), "-j", "2", "--report", str(report))
    # both workers die, one after the other: the files after them are still converted
    done = run_cli(*args, plugins=True, env={**env, "WZ_TESTKIT_KILL_ON": "3.txt,4.txt,7.txt",
                                             "WZ_TESTKIT_MAIN_PARENT": str(os.getpid())})
    assert done.returncode == 1, done.stderr
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert sorted(f["input"] for f in files) == sorted(str(src / f"{i}.txt") for i in range(9))
    failed = sorted((f["input"], f["error"]) for f in files if f["status"] == "failed")
    assert failed == [(str(src / f"{i}.txt"), "the worker converting it stopped (killed by signal 9)")
                      for i in (3, 4, 7)]
    assert [p for p in listing(out) if p.endswith(".md")] == [f"{i}.md" for i in (0, 1, 2, 5, 6, 8)]
    rerun = run_cli(*args, plugins=True, env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert err_lines(rerun)[-1].startswith("wenzhuan: 9 files: 3 converted, 6 up to date, 0 failed in ")


class Step(str, enum.Enum):  # (a plugin's step names: marshal refuses them, pickle takes them)
    TIDY = "tidy"


class Message(str):
    pass


def test_results_come_through_a_workers_pipe_whole_however_they_are_cut():
    """The frames a forked worker writes (`_send_result`) are read back as the same results,
    whether several come in one read or one takes several (a result larger than a pipe's buffer),
    and whatever types a plugin put in them; a frame cut short by the worker's death is dropped,
    and the end of the pipe is reported."""
    import threading

    from wenzhuan.batch import FileResult, _ResultReader, _send_result

    def received(reader):
        reader.read()
        got = list(reader.results)
        reader.results.clear()
        return got

    small = FileResult("/in/a.txt", {"markdown": "/out/a.md"}, "converted", seconds=0.25,
                       changes={"punctuation": 3}, input_stat=(10, 20), output_stats={"/out/a.md": (5, 6)})
    odd = FileResult("/in/c.txt", {"markdown": "/out/c.md"}, "failed", changes={Step.TIDY: 1},
                     error=Message("坏了"))
    large = FileResult("/in/b.txt", {"markdown": "/out/b.md"}, "failed", error="错误" * 10,
                       warnings=[f"警告 {i}" for i in range(20_000)], up_to_date=["/out/b.html"])
    read_fd, write_fd = os.pipe()
    reader = _ResultReader(read_fd)
    _send_result(write_fd, 0, small)
    _send_result(write_fd, 1, odd)
    _send_result(write_fd, 2, small)
    got = received(reader)
    assert got == [(0, small), (1, odd), (2, small)] and not reader.closed
    assert type(got[1][1].error) is Message and list(got[1][1].changes) == [Step.TIDY]
    writing = threading.Thread(target=_send_result, args=(write_fd, 3, large))  # (> 64 KB: blocks)
    writing.start()
    got = []
    while not got:
        got += received(reader)
        assert not reader.closed
    writing.join()
    assert got == [(3, large)] and len(got[0][1].warnings) == 20_000
    os.write(write_fd, (1000).to_bytes(4, "little") + b"mcut short")
    os.close(write_fd)
    assert received(reader) == [] and not reader.closed  # (the bytes there are: not a whole frame)
    assert received(reader) == [] and reader.closed
    reader.close()


def test_fail_fast_in_parallel_reports_every_output_written(tmp_path):
    """Stopped by a failure while workers still send results: every file whose output was
    written is reported converted (and recorded), none "not done"."""
    files: dict[str, str | bytes] = {f"{i:03}.txt": ARTICLE.replace("城西", f"城西{i}号") for i in range(300)}
    for i in (150, 151, 152, 153, 250):
        files[f"{i:03}.txt"] = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    src = tree(tmp_path / "in", files)
    out = tmp_path / "out"
    report = tmp_path / "run.json"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "2", "--fail-fast", "--report", str(report))
    assert done.returncode == 1, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    status = {Path(f["input"]).stem: f["status"] for f in data["files"]}
    written = {p.removesuffix(".md") for p in listing(out) if p.endswith(".md")}
    assert written == {name for name, st in status.items() if st == "converted"}
    assert {st for st in status.values()} <= {"converted", "failed", "not done"} and len(status) == 300
    assert data["stopped"] == "fail-fast" and data["failed"] >= 1  # (those converted before the stop)

def test_an_output_written_but_not_recorded_stays_the_batchs(tmp_path):
    """A worker stopped (a second Ctrl-C) between writing an output and reporting it: the
    journal still owns the file, so the rerun converts it again instead of refusing it; a file
    the run never wrote is not claimed."""
    from wenzhuan.batch import FileResult, Job, Journal

    out = tmp_path / "out"
    made, redone, never = (str(out / n) for n in ("made.md", "redone.md", "never.md"))
    fps = {"markdown": "fp"}
    first = Journal(out).open()
    (out / "redone.md").write_text("first", encoding="utf-8")
    result = FileResult(str(tmp_path / "r.txt"), {"markdown": redone}, "converted")
    result.output_stats[redone] = (os.stat(redone).st_size, os.stat(redone).st_mtime_ns)
    first.started([Job(str(tmp_path / "r.txt"), (("markdown", redone),))], fps)
    first.done(result, fps)
    first.close()

    run = Journal(out).open()
    run.started([Job(str(tmp_path / f"{n}.txt"), (("markdown", o),)) for n, o in
                 (("m", made), ("r", redone), ("n", never))], fps)
    time.sleep(0.01)
    (out / "made.md").write_text("complete", encoding="utf-8")  # written, then the worker stopped
    (out / "redone.md").write_text("second!", encoding="utf-8")
    run.close()

    (out / "never.md").write_text("someone else's", encoding="utf-8")
    rerun = Journal(out).open()
    assert rerun.foreign(made) is None and rerun.foreign(redone) is None
    assert rerun.foreign(never) == "already exists and was not made by this batch"
    assert not rerun.up_to_date(made, str(tmp_path / "m.txt"), "fp")
    rerun.close()


MANY_FDS = """
import os, resource, sys
from pathlib import Path
from wenzhuan.batch import Settings, default_patterns, plan_batch, run_batch
from wenzhuan.manager import default_host
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard != resource.RLIM_INFINITY and hard < 2048:
    print("limit", hard)
    sys.exit(0)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2048), hard))
held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]  # (the pipes come after them)
catalog = default_host().catalog
plan = plan_batch([sys.argv[1]], Path(sys.argv[2]), [catalog.writer("markdown")], default_patterns(catalog))
summary = run_batch(plan.jobs, Settings(("markdown",)), Path(sys.argv[2]), workers=2)
print(sorted(r.status for r in summary.results))
"""


def test_a_program_holding_many_descriptors_runs_batches(tmp_path):
    """Workers' pipes and watchdogs numbered above 1023 (a program that holds many files open):
    watched with poll, which select cannot do."""
    src = tree(tmp_path / "in", {f"{i}.txt": ARTICLE for i in range(6)})
    done = subprocess.run([sys.executable, "-c", MANY_FDS, str(src), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    if done.stdout.startswith("limit"):
        pytest.skip(f"cannot hold 1,100 descriptors here ({done.stdout.strip()})")
    assert done.stdout.strip() == str(["converted"] * 6)
    assert "Exception" not in done.stderr, done.stderr

def test_a_program_with_threads_gets_workers_that_are_not_forked_from_it(tmp_path):
    """Forking a process while another of its threads runs can deadlock the child: run_batch
    called from such a program (a server) takes its workers from a forkserver instead."""
    import threading

    from wenzhuan.batch import Settings, default_patterns, plan_batch, run_batch

    src = tree(tmp_path / "in", {f"{i}.txt": ARTICLE.replace("城西", f"城西{i}号") for i in range(4)})
    catalog = default_host().catalog
    plan = plan_batch([str(src)], tmp_path / "out", [catalog.writers["markdown"]], default_patterns(catalog))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        summary = run_batch(plan.jobs, Settings(("markdown",)), tmp_path / "out", workers=2)
    finally:
        stop.set()
        thread.join()
    assert [r.status for r in summary.results] == ["converted"] * 4
    for i in range(4):
        assert f"城西{i}号社区图书馆扩建完工" in (tmp_path / "out" / f"{i}.md").read_text(encoding="utf-8")


_POOL_SCRIPT = """
import json, os, sys, threading, time
from pathlib import Path
from wenzhuan.batch import Settings, default_patterns, plan_batch, run_batch
from wenzhuan.manager import default_host

def main():
    src, out = sys.argv[1], Path(sys.argv[2])
    catalog = default_host().catalog
    plan = plan_batch([src], out, [catalog.writers["markdown"]], default_patterns(catalog))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # (a thread: workers come from a forkserver)
    thread.start()
    pause = float(os.environ.get("WZ_POOL_PAUSE", "0"))  # on the first result: busy while workers go on

    def on_result(result, done, total):
        if done == 1:
            time.sleep(pause)

    try:
        summary = run_batch(plan.jobs, Settings(("markdown",)), out, workers=2, on_result=on_result)
    finally:
        stop.set()
        thread.join()
    print(json.dumps(sorted([Path(r.input).name, r.status, r.error] for r in summary.results)))


if __name__ == "__main__":  # (multiprocessing's workers import this module again)
    main()
"""


def test_a_pool_worker_that_dies_fails_only_its_file(tmp_path, testkit):
    """In a program with threads the workers come from a pool, which a dying worker breaks:
    every file it had in flight fails with it. Those are converted again one at a time, so only
    the files that kill their worker alone fail."""
    env, _ = testkit
    src = tree(tmp_path / "in", {f"{i:02}.txt": ARTICLE for i in range(40)})
    script = tmp_path / "pool.py"
    script.write_text(_POOL_SCRIPT, encoding="utf-8")
    env = {**os.environ, **env, "WZ_TESTKIT_KILL_ON": "05.txt,23.txt", "WZ_TESTKIT_MAIN_PARENT": str(os.getpid())}
    done = subprocess.run([sys.executable, str(script), str(src), str(tmp_path / "out")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) == 40
    failed = [(name, error) for name, status, error in results if status != "converted"]
    assert failed == [(name, "the worker converting it stopped (killed, or it crashed)") for name in ("05.txt", "23.txt")]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.md")) == [
        f"{i:02}.md" for i in range(40) if i not in (5, 23)]


def test_a_pool_worker_that_dies_while_the_main_process_is_busy_fails_only_its_file(tmp_path, testkit):
    """The pool is marked broken the moment a worker dies, whatever the main process is doing:
    here it is busy with the first result (a slow display) while 03.txt kills its worker, and
    then hands the pool more files, which it refuses at once (not by failing their futures)."""
    env, _ = testkit
    src = tree(tmp_path / "in", {f"{i:02}.txt": ARTICLE for i in range(8)})
    script = tmp_path / "pool.py"
    script.write_text(_POOL_SCRIPT, encoding="utf-8")
    env = {**os.environ, **env, "WZ_TESTKIT_KILL_ON": "03.txt", "WZ_TESTKIT_MAIN_PARENT": str(os.getpid()),
           "WZ_TESTKIT_DELAY": "0.3", "WZ_POOL_PAUSE": "3"}
    done = subprocess.run([sys.executable, str(script), str(src), str(tmp_path / "out")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [(name, status) for name, status, _ in results] == [
        (f"{i:02}.txt", "failed" if i == 3 else "converted") for i in range(8)]


def test_fail_fast_stops_at_the_first_failure(tmp_path):
    src = tree(tmp_path / "in", {"1.txt": ARTICLE, "2.txt": b"\xff", "3.txt": ARTICLE, "4.txt": ARTICLE})
    out = tmp_path / "out"
    report = tmp_path / "run.json"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1", "--fail-fast", "--report", str(report))
    assert done.returncode == 1
    assert [p for p in listing(out) if not p.startswith(".")] == ["1.md"]
    assert err_lines(done)[-1].startswith("wenzhuan: stopped at the first failure (--fail-fast): 4 files: "
                                          "1 converted, 0 up to date, 1 failed in ")
    assert err_lines(done)[-1].endswith("; 2 not done")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["stopped"], data["not_done"]) == ("fail-fast", 2)
    assert [(Path(f["input"]).name, f["status"]) for f in data["files"]] == [
        ("1.txt", "converted"), ("2.txt", "failed"), ("3.txt", "not done"), ("4.txt", "not done")]
    assert data["files"][3]["outputs"] == {"markdown": str(out / "4.md")}


def test_report_json(tmp_path, testkit):
    env, _ = testkit
    src = tree(tmp_path / "in", {"a.txt": "城市面貌\n\n　　旧城旧貌换新颜。\n", "b.txt": b"\x80abc", "c.md": "# 丙\n"})
    out, report = tmp_path / "out", tmp_path / "report.json"
    done = run_cli("convert", str(src), "-t", "md", "-t", "json", "-o", str(out), "--report", str(report),
                   plugins=True, env=env)
    assert done.returncode == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert {k: data[k] for k in ("wenzhuan_batch", "formats", "total", "converted", "skipped", "failed",
                                 "not_done", "stopped")} == {
        "wenzhuan_batch": 1, "formats": ["markdown", "json"], "total": 3, "converted": 2, "skipped": 0,
        "failed": 1, "not_done": 0, "stopped": None}
    files = {Path(f["input"]).name: f for f in data["files"]}
    a = files["a.txt"]
    assert a["status"] == "converted" and a["error"] is None
    assert a["outputs"] == {"markdown": str(out / "a.md"), "json": str(out / "a.json")}
    assert a["changes"]["testkit-renew"] == 2  # with whatever the built-in passes changed
    assert all(isinstance(v, int) and v > 0 for v in a["changes"].values())
    assert isinstance(a["seconds"], float) and a["seconds"] >= 0
    assert "新城新貌换新颜" in (out / "a.md").read_text(encoding="utf-8")
    b = files["b.txt"]
    assert b["status"] == "failed" and b["changes"] == {}
    assert b["error"] == cause(b"\x80abc")
    assert "testkit-renew" not in files["c.md"]["changes"]
    # one line per file: a file's whole record is found with grep
    lines = report.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line.strip().rstrip(",")) for line in lines if '"input": ' in line] == data["files"]


def test_report_json_is_the_summary_indented_with_one_line_per_file():
    from wenzhuan.batch import report_json

    empty = {"wenzhuan_batch": 1, "total": 0, "files": []}
    assert report_json(empty).decode() == json.dumps(empty, indent=2) + "\n"
    some = {"wenzhuan_batch": 1, "formats": ["markdown"], "stopped": None,
            "files": [{"input": "甲.txt", "changes": {"punctuation": 2}}, {"input": "b\n\"c\".txt"}]}
    assert report_json(some).decode() == (
        '{\n  "wenzhuan_batch": 1,\n  "formats": [\n    "markdown"\n  ],\n  "stopped": null,\n  "files": [\n'
        '    {"input": "甲.txt", "changes": {"punctuation": 2}},\n'
        '    {"input": "b\\n\\"c\\".txt"}\n'
        '  ]\n}\n')


# ---------------------------------------------------------------------------- resuming


def test_resume_skips_up_to_date_outputs_and_force_redoes_them(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b.txt": ARTICLE, "c.txt": ARTICLE})
    out = tmp_path / "out"
    args = ("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert run_cli(*args).returncode == 0
    again = run_cli(*args)
    assert out_lines(again) == [f"[1/3] skipped {src / 'a.txt'} (up to date)",
                                f"[2/3] skipped {src / 'b.txt'} (up to date)",
                                f"[3/3] skipped {src / 'c.txt'} (up to date)"]
    # an edited input and a deleted output are done again
    time.sleep(0.01)
    (src / "b.txt").write_text(ARTICLE + "补充一段。\n", encoding="utf-8")
    (out / "c.md").unlink()
    third = run_cli(*args)
    assert out_lines(third) == [f"[1/3] skipped {src / 'a.txt'} (up to date)",
                                f"[2/3] converted {src / 'b.txt'} -> {out / 'b.md'}",
                                f"[3/3] converted {src / 'c.txt'} -> {out / 'c.md'}"]
    assert "补充一段" in (out / "b.md").read_text(encoding="utf-8")
    # an output edited by hand is nobody's to overwrite without --force
    (out / "a.md").write_text("edited by hand", encoding="utf-8")
    fourth = run_cli(*args)
    assert fourth.returncode == 1
    assert out_lines(fourth) == [
        f"[1/3] failed {src / 'a.txt'}: {out / 'a.md'} was changed after this batch made it "
        f"(use --force to overwrite it)",
        f"[2/3] skipped {src / 'b.txt'} (up to date)",
        f"[3/3] skipped {src / 'c.txt'} (up to date)"]
    assert (out / "a.md").read_text(encoding="utf-8") == "edited by hand"
    forced = run_cli(*args, "--force")
    assert [line.split()[1] for line in out_lines(forced)] == ["converted"] * 3
    assert (out / "a.md").read_text(encoding="utf-8") != "edited by hand"


def test_changed_options_trigger_reconversion(tmp_path):
    src = tree(tmp_path / "in", {"post.md": JEKYLL})
    out = tmp_path / "out"
    args = ("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert run_cli(*args).returncode == 0
    assert (out / "post.md").read_text(encoding="utf-8").startswith("---\n")
    assert out_lines(run_cli(*args))[0].startswith("[1/1] skipped")
    done = run_cli(*args, "--no-front-matter")
    assert out_lines(done) == [f"[1/1] converted {src / 'post.md'} -> {out / 'post.md'}"]
    assert not (out / "post.md").read_text(encoding="utf-8").startswith("---")
    assert out_lines(run_cli(*args, "--no-front-matter"))[0].startswith("[1/1] skipped")
    # and back to the defaults: the fingerprint differs again
    assert out_lines(run_cli(*args))[0].startswith("[1/1] converted")


def test_existing_files_not_made_by_the_batch_need_force(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b.txt": ARTICLE})
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.md").write_text("mine", encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert done.returncode == 1
    assert (out / "a.md").read_text(encoding="utf-8") == "mine"
    assert (f"wenzhuan: error: {src / 'a.txt'}: {out / 'a.md'} already exists and was not made by this batch "
            f"(use --force to overwrite it)") in err_lines(done)
    assert run_cli("convert", str(src), "-t", "md", "-o", str(out), "--force").returncode == 0
    assert "图书馆" in (out / "a.md").read_text(encoding="utf-8")


def test_an_output_that_is_its_input_is_refused_even_with_force(tmp_path):
    src = tree(tmp_path / "in", {"a.md": "# 标题\n\n正文。\n"})
    for extra in ((), ("--force",)):
        done = run_cli("convert", str(src), "-t", "md", "-o", str(src), "-j", "1", *extra)
        assert done.returncode == 1
        assert (f"wenzhuan: error: {src / 'a.md'}: {src / 'a.md'} is the input itself; "
                f"give another output folder with -o") in err_lines(done)
        assert (src / "a.md").read_text(encoding="utf-8") == "# 标题\n\n正文。\n"


@pytest.mark.parametrize("force, advice", [(False, "run the same command again to finish"),
                                           (True, "run the same command again without --force to finish")])
def test_an_interrupted_run_says_how_to_finish(force, advice):
    from wenzhuan.batch import Summary, summary_lines
    lines = summary_lines(Summary(total=3, interrupted="interrupted"), force=force)
    assert lines[-1].startswith("wenzhuan: interrupted: 3 files: 0 converted") and lines[-1].endswith(
        f"; 3 not done: {advice}")


def _journal_line(out: Path, **entry) -> None:
    with open(out / ".wenzhuan-batch.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


def test_an_output_of_a_run_killed_before_recording_it_is_ours_and_an_older_file_is_not(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b.txt": ARTICLE})
    out = tmp_path / "out"
    out.mkdir()
    started = time.time_ns()
    # a.md: written by the killed run after it started; b.md: there before it started
    (out / "a.md").write_text("complete output", encoding="utf-8")
    (out / "b.md").write_text("someone's file", encoding="utf-8")
    os.utime(out / "b.md", ns=(started - 10**10, started - 10**10))
    for name in ("a", "b"):
        _journal_line(out, output=f"{name}.md", state="started", format="markdown",
                      input=str((src / f"{name}.txt").resolve()), fingerprint="x", at=started)
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert out_lines(done) == [
        f"[1/2] failed {src / 'b.txt'}: {out / 'b.md'} already exists and was not made by this batch "
        f"(use --force to overwrite it)",
        f"[2/2] converted {src / 'a.txt'} -> {out / 'a.md'}"]
    assert (out / "b.md").read_text(encoding="utf-8") == "someone's file"


def test_a_file_written_after_a_killed_run_stopped_is_not_ours(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE})
    out = tmp_path / "out"
    out.mkdir()
    started = time.time_ns()
    _journal_line(out, output="a.md", state="started", format="markdown",
                  input=str((src / "a.txt").resolve()), fingerprint="x", at=started)
    (out / "a.md").write_text("written by hand later", encoding="utf-8")
    later = (out / ".wenzhuan-batch.jsonl").stat().st_mtime_ns + 120 * 10**9  # two minutes after the kill
    os.utime(out / "a.md", ns=(later, later))
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert out_lines(done) == [f"[1/1] failed {src / 'a.txt'}: {out / 'a.md'} already exists and was not made "
                               f"by this batch (use --force to overwrite it)"]
    assert (out / "a.md").read_text(encoding="utf-8") == "written by hand later"


def test_an_output_whose_conversion_failed_is_nobodys_to_overwrite(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b.txt": b"\xff\xfe\x00garbage\x80"})
    out = tmp_path / "out"
    assert run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1").returncode == 1
    (out / "b.md").write_text("# 我手写的版本", encoding="utf-8")
    (src / "b.txt").write_text(ARTICLE, encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert f"{out / 'b.md'} already exists and was not made by this batch (use --force to overwrite it)" in \
        "\n".join(out_lines(done))
    assert (out / "b.md").read_text(encoding="utf-8") == "# 我手写的版本"


def test_formats_with_the_same_extension_get_their_own_names(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE})
    out = tmp_path / "out"
    # the format -o a.md would pick keeps a.md, whatever the order of -t
    for formats in (("-t", "md", "-t", "bilingual", "-t", "markdown"), ("-t", "bilingual", "-t", "md")):
        done = run_cli("convert", str(src / "a.txt"), *formats, "-o", f"{out}/", "-j", "1", "--force")
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.bilingual.md", "a.md"]
        assert "城西社區圖書館" not in (out / "a.md").read_text(encoding="utf-8")
        assert "城西社區圖書館" in (out / "a.bilingual.md").read_text(encoding="utf-8")


def _slow_tree(root: Path, n: int) -> Path:
    return tree(root, {f"part{i // 10}/article-{i:03}.txt": f"第{i}篇 旧闻\n\n　　正文{i}。\n" * 20
                       for i in range(n)})


def _wait_for(predicate, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _start(args: list[str], env: dict) -> subprocess.Popen:
    full = dict(os.environ)
    full.update(env)
    return subprocess.Popen([sys.executable, "-m", "wenzhuan", *args], env=full, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _reference(tmp_path: Path, src: Path, env: dict) -> dict[str, bytes]:
    ref = tmp_path / "reference"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(ref), "-j", "2", plugins=True,
                   env={**env, "WZ_TESTKIT_DELAY": "0"})
    assert done.returncode == 0, done.stderr
    return {p: (ref / p).read_bytes() for p in listing(ref) if not p.startswith(".")}


def _check_complete_or_absent(out: Path, reference: dict[str, bytes]) -> int:
    """No temporary or stray files; every output present is byte-identical to the reference."""
    names = [p for p in listing(out) if p != ".wenzhuan-batch.jsonl"]
    assert not [p for p in names if p.endswith(".part")], names
    assert set(names) <= set(reference), set(names) - set(reference)
    for name in names:
        assert (out / name).read_bytes() == reference[name], name
    return len(names)


@pytest.mark.parametrize("how", ["INT", "TERM", "TERM-group", "KILL-main", "KILL-group"])
def test_interrupted_run_leaves_no_partial_files_and_a_rerun_finishes(tmp_path, testkit, how):
    env, _ = testkit
    env = {**env, "WZ_TESTKIT_DELAY": "0.05"}
    src = _slow_tree(tmp_path / "in", 80)
    reference = _reference(tmp_path, src, env)
    assert len(reference) == 80
    out = tmp_path / "out"
    args = ["convert", str(src), "-t", "md", "-o", str(out), "-j", "2"]
    proc = _start(args, env)
    _wait_for(lambda: len([p for p in out.rglob("*.md")]) >= 3)
    if how == "INT":  # what Ctrl-C does: SIGINT to the whole foreground group
        os.killpg(proc.pid, signal.SIGINT)
    elif how == "TERM":  # `kill PID`
        proc.send_signal(signal.SIGTERM)
    elif how == "TERM-group":  # `kill -TERM -PGID`, a service manager's stop
        os.killpg(proc.pid, signal.SIGTERM)
    elif how == "KILL-main":  # `kill -9 PID`: the workers notice and stop by themselves
        proc.kill()
    else:  # everything at once, mid-write: temporary files may stay until the next run
        os.killpg(proc.pid, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=60)
    _wait_for(lambda: _group_gone(proc.pid), timeout=30)
    if how in ("INT", "TERM", "TERM-group"):
        assert proc.returncode == 130
        last = stderr.decode().splitlines()[-1]
        assert last.startswith("wenzhuan: interrupted: 80 files: ") and last.endswith(
            "not done: run the same command again to finish")
        assert " up to date, 0 failed in " in last  # files stopped midway are not done, not failed
    else:
        assert proc.returncode == -signal.SIGKILL
    if how != "KILL-group":
        made = _check_complete_or_absent(out, reference)
    else:
        made = len([p for p in listing(out) if p.endswith(".md")])
    assert 3 <= made < 80

    rerun = run_cli(*args, plugins=True, env={**env, "WZ_TESTKIT_DELAY": "0"})
    assert rerun.returncode == 0, rerun.stderr
    assert _check_complete_or_absent(out, reference) == 80
    summary = err_lines(rerun)[-1]
    converted = int(re.search(r"(\d+) converted", summary).group(1))
    skipped = int(re.search(r"(\d+) up to date", summary).group(1))
    assert converted + skipped == 80 and skipped >= made - 2  # at most the ones cut short are redone


def test_stale_temporary_files_of_a_killed_run_are_removed(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE})
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".a.md.x1y2z3_q.part"
    stale.write_bytes(b"half an outp")
    unrelated = out / ".notes.txt.abc.part"
    unrelated.write_bytes(b"not ours")
    assert run_cli("convert", str(src), "-t", "md", "-o", str(out)).returncode == 0
    assert not stale.exists() and unrelated.exists()


# ------------------------------------------------------------------ several formats at once


def test_several_formats_from_one_normalization(tmp_path, testkit):
    env, log = testkit
    src = tmp_path / "a.txt"
    src.write_text("一则消息\n\n　　旧闻一则。\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "markdown", "-t", "json", "-o", str(out), plugins=True, env=env)
    assert done.returncode == 0, done.stderr
    assert out_lines(done) == [f"[1/1] converted {src} -> {out / 'a.md'}, {out / 'a.json'}"]
    assert log.read_text(encoding="utf-8").splitlines() == [str(src)]  # normalized once
    assert "新闻一则" in (out / "a.md").read_text(encoding="utf-8")
    assert "新闻一则" in (out / "a.json").read_text(encoding="utf-8")
    # a folder: one normalization per file for both formats
    log.unlink()
    folder = tree(tmp_path / "in", {"x.txt": ARTICLE, "y/z.txt": ARTICLE})
    done = run_cli("convert", str(folder), "-t", "md", "-t", "json", "-o", str(tmp_path / "o2"), plugins=True,
                   env=env)
    assert done.returncode == 0, done.stderr
    assert sorted(log.read_text(encoding="utf-8").splitlines()) == [str(folder / "x.txt"), str(folder / "y/z.txt")]
    assert [p for p in listing(tmp_path / "o2") if not p.startswith(".")] == ["x.json", "x.md", "y/z.json", "y/z.md"]


def test_several_formats_without_an_output_folder(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-t", "json", cwd=tmp_path / ".")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.md").exists() and (tmp_path / "a.json").exists()
    done = run_cli("convert", str(src), "-t", "md", "-t", "json", "-o", "-")
    assert done.returncode == 2
    assert "several -t formats write several files: give an output folder with -o DIR/" in done.stderr.decode()


def test_writer_options_go_to_the_formats_that_declare_them(tmp_path):
    src = tmp_path / "post.md"
    src.write_text(JEKYLL, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "md", "-t", "json", "-o", str(out), "--no-front-matter",
                   "-O", "indent=4")
    assert done.returncode == 0, done.stderr
    assert not (out / "post.md").read_text(encoding="utf-8").startswith("---")
    assert (out / "post.json").read_text(encoding="utf-8").startswith('{\n    "')
    done = run_cli("convert", str(src), "-t", "md", "-t", "json", "-o", str(out), "-O", "colour=red")
    assert done.returncode == 2
    assert err_lines(done) == ["wenzhuan: error: no format of markdown, json has an option 'colour' "
                               "(options: markdown: front_matter; json: indent)"]


# ----------------------------------------------------------------- where -o points, output


def test_a_folder_with_an_output_file_is_one_collection(tmp_path):
    src = tree(tmp_path / "in", {"1.md": "---\ntitle: 第一篇\n---\n正文一。\n", "2.md": "---\ntitle: 第二篇\n---\n正文二。\n",
                                 "10.md": "---\ntitle: 第十篇\n---\n正文十。\n"})
    book = tmp_path / "book.md"
    done = run_cli("convert", str(src), "-o", str(book), "--title", "文集")
    assert done.returncode == 0, done.stderr
    text = book.read_text(encoding="utf-8")
    assert text.index("第一篇") < text.index("第二篇") < text.index("第十篇")  # natural order
    assert "文集" in text
    assert listing(tmp_path / "in") == ["1.md", "10.md", "2.md"]  # nothing written beside the inputs


def test_a_collection_says_which_folders_it_left_out(tmp_path):
    src = tree(tmp_path / "in", {"1.txt": ARTICLE, "ch2/2.txt": ARTICLE})
    assert run_cli("convert", str(src / "ch2"), "-t", "md", "-o", str(src / "ch2") + "/").returncode == 0
    book = tmp_path / "book.md"
    done = run_cli("convert", str(src), "-o", str(book))
    assert done.returncode == 0, done.stderr
    assert err_lines(done)[0] == (f"wenzhuan: {src / 'ch2'}: left out: it holds another batch's outputs; "
                                  "give it as an input of its own to convert them")
    assert run_cli("convert", str(src), "-o", str(book), "--force", "--quiet").stderr == b""


def test_a_collection_with_a_folder_that_cannot_be_read_is_not_made(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from wenzhuan.cli import cli

    src = tree(tmp_path / "in", {"1.txt": ARTICLE, "locked/2.txt": ARTICLE})
    refuse_to_list(monkeypatch, "locked")
    book = tmp_path / "book.md"
    done = CliRunner().invoke(cli, ["convert", str(src), "-o", str(book)])
    assert done.exit_code == 1, done.output
    assert done.output.splitlines()[-1] == (f"wenzhuan: error: {src / 'locked'}: cannot read this folder "
                                            "(Permission denied) (check its permissions)")
    assert not book.exists()  # (a book without that folder's chapters, saying nothing, would be worse)


def test_output_folder_rules(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "existing").mkdir()
    assert run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "existing")).returncode == 0
    assert (tmp_path / "existing/a.md").exists()
    assert run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "new") + "/").returncode == 0
    assert (tmp_path / "new/a.md").exists()
    folder = tree(tmp_path / "in", {"b.txt": ARTICLE})
    assert run_cli("convert", str(folder), "-t", "md", "-o", str(tmp_path / "noext")).returncode == 0
    assert (tmp_path / "noext/b.md").exists()
    done = run_cli("convert", str(folder), "-t", "md")
    assert done.returncode == 2 and "a folder needs -o" in done.stderr.decode()
    (tmp_path / "afile").write_text("x")
    done = run_cli("convert", str(src), "-t", "md", "-t", "json", "-o", str(tmp_path / "afile"))
    assert done.returncode == 1
    assert err_lines(done) == [f"wenzhuan: error: {tmp_path / 'afile'}: is a file, not a folder "
                               f"(give a folder with -o DIR/, or one output file without the /)"]
    done = run_cli("convert", str(src), "-o", str(tmp_path / "x.md"), "--jobs", "2")
    assert done.returncode == 2 and "--jobs, --fail-fast and --report apply to batch conversion" in done.stderr.decode()


def test_plain_lines_when_not_a_terminal(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b/c.md": "# 丙\n", "b/d.txt": b"\xff"})
    out = tmp_path / "out"
    done = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1")
    assert out_lines(done) == [
        f"[1/3] converted {src / 'a.txt'} -> {out / 'a.md'}",
        f"[2/3] converted {src / 'b/c.md'} -> {out / 'b/c.md'}",
        f"[3/3] failed {src / 'b/d.txt'}: {cause(bytes([0xff]))}",
    ]
    quiet = run_cli("convert", str(src), "-t", "md", "-o", str(out), "-j", "1", "--quiet")
    assert quiet.stdout == b""
    assert err_lines(quiet) == [f"wenzhuan: error: {src / 'b/d.txt'}: {cause(bytes([0xff]))}"]


def test_progress_bar_on_a_terminal(tmp_path):
    import pty

    src = tree(tmp_path / "in", {"a.txt": ARTICLE, "b.txt": b"\xff", "c.txt": ARTICLE})
    out = tmp_path / "out"
    master, slave = pty.openpty()
    env = dict(os.environ, WENZHUAN_LOAD_PLUGINS="", COLUMNS="120", TERM="xterm")
    proc = subprocess.Popen([sys.executable, "-m", "wenzhuan", "convert", str(src), "-t", "md", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    screen = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", b"".join(chunks)).decode("utf-8", "replace")
    assert proc.returncode == 1
    assert "3/3" in screen and "files/s" in screen and "1 failed" in screen
    assert f"failed {src / 'b.txt'}: cannot decode" in screen.replace("\r\n", "").replace("\n", "")
    # stdout is not a terminal: the per-file lines go there too
    lines = proc.stdout.read().decode().splitlines()
    assert sorted(line.split("] ", 1)[1].split()[0] for line in lines) == ["converted", "converted", "failed"]


def test_expand_inputs_orders_naturally(tmp_path):
    src = tree(tmp_path / "in", {"第2章.txt": "x", "第10章.txt": "x", "第1章.txt": "x", "a/第3章.txt": "x"})
    got = [rel for _, rel in expand_inputs([str(src)], ("*.txt",))]
    assert got == ["a/第3章.txt", "第1章.txt", "第2章.txt", "第10章.txt"]


def test_a_batch_keeps_what_the_calling_program_froze(tmp_path):
    """run_batch freezes what is alive for its run and unfreezes it after, unless the program
    had frozen objects of its own (a pre-fork server): those stay frozen."""
    import gc

    from wenzhuan.batch import Settings, plan_batch, run_batch

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("标题\n\n正文。\n", encoding="utf-8")
    writers = [default_host().catalog.writers["markdown"]]
    plan = plan_batch([str(tmp_path / "in" / "a.txt")], tmp_path / "out", writers, [])
    gc.freeze()
    try:
        summary = run_batch(plan.jobs, Settings(("markdown",)), tmp_path / "out")
        assert summary.results[0].status == "converted"
        assert gc.get_freeze_count() > 0  # (a count, not a list: frozen objects that die leave it)
    finally:
        gc.unfreeze()
    summary = run_batch(plan.jobs, Settings(("markdown",)), tmp_path / "out", force=True)
    assert summary.results[0].status == "converted" and gc.get_freeze_count() == 0


def test_an_unknown_pass_to_skip_is_refused_before_any_work(tmp_path):
    src = tree(tmp_path / "in", {"a.txt": ARTICLE})
    done = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "out"), "--skip-pass", "nope")
    assert done.returncode == 2
    assert err_lines(done)[-1].startswith("wenzhuan: error: unknown pass(es) to skip: nope; passes: debris")
    assert not (tmp_path / "out").exists()
