"""The CLI as a user meets it: conversions, listings and every error path."""

from .conftest import SAMPLES
from .helpers import run_cli

SAMPLE = SAMPLES / "hans-library-plain.txt"


def test_convert_sample_to_markdown_with_front_matter(tmp_path):
    out = tmp_path / "out.md"
    done = run_cli("convert", str(SAMPLE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntitle: 城西社区图书馆扩建完工 周末起延长开放时间\nauthors:\n- 王晓梅\n- 李建国\n"
        "date: 2023-04-15\nsource: 城西日报\nlanguage: zh-Hans\n---\n\n"
        "4月14日，城西社区图书馆扩建工程通过验收。")
    assert text.endswith("\n\n社区居民张女士表示，以前自习室一座难求，现在终于不用早早排队了。\n")
    assert done.stderr.decode().strip() == f"wrote {out}"


def test_stdout_output_and_format_option(tmp_path):
    done = run_cli("convert", str(SAMPLE), "-t", "md", "-o", "-")
    assert done.returncode == 0
    assert "图书馆" in done.stdout.decode()


def test_default_output_name_in_current_folder(tmp_path):
    done = run_cli("convert", str(SAMPLE), "-t", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "hans-library-plain.json").exists()


def test_missing_file():
    done = run_cli("convert", "nope.txt", "-t", "md")
    assert done.returncode == 1
    assert done.stderr.decode().strip() == "wenzhuan: error: nope.txt: no such file"


def test_unknown_format(tmp_path):
    done = run_cli("convert", str(SAMPLE), "-t", "markdwn", "-o", str(tmp_path / "x"))
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "wenzhuan: error: unknown output format 'markdwn'; known: bilingual, docx, epub, json, markdown (did you mean 'markdown'?)")


def test_format_not_guessable_from_extension(tmp_path):
    done = run_cli("convert", str(SAMPLE), "-o", str(tmp_path / "x.xyz"))
    assert done.returncode == 2
    assert "cannot tell the output format from" in done.stderr.decode()


def test_output_exists_needs_force(tmp_path):
    out = tmp_path / "o.md"
    out.write_text("keep me")
    done = run_cli("convert", str(SAMPLE), "-o", str(out))
    assert done.returncode == 1
    assert done.stderr.decode().strip() == f"wenzhuan: error: {out}: already exists (use --force to overwrite it)"
    assert out.read_text() == "keep me"
    assert run_cli("convert", str(SAMPLE), "-o", str(out), "--force").returncode == 0
    assert "图书馆" in out.read_text(encoding="utf-8")


def test_never_overwrites_the_input(tmp_path):
    src = tmp_path / "a.md"
    src.write_text("# 标题\n\n正文\n", encoding="utf-8")
    done = run_cli("convert", str(src), "-o", str(src), "--force")
    assert done.returncode == 1
    assert "is also an input; refusing to overwrite it" in done.stderr.decode()
    assert src.read_text(encoding="utf-8") == "# 标题\n\n正文\n"


def test_unreadable_input(tmp_path):
    src = tmp_path / "secret.txt"
    src.write_text("x")
    src.chmod(0)
    try:
        import os
        if os.access(src, os.R_OK):  # root reads anything (and a folder is now a collection's input)
            import pytest
            pytest.skip("running as root: every file is readable")
        expected = "permission denied"
        done = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "o.md"))
        assert done.returncode == 1
        assert expected in done.stderr.decode()
    finally:
        (tmp_path / "secret.txt").chmod(0o644)


def test_undecodable_input_is_a_clear_error(tmp_path):
    src = tmp_path / "bad.txt"
    src.write_bytes(b"abc\xff\xfe\xfd")
    done = run_cli("convert", str(src), "-t", "md", "-o", str(tmp_path / "o.md"))
    assert done.returncode == 1
    assert "bad.txt: cannot decode" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("convert").returncode == 2
    done = run_cli("convert", str(SAMPLE), "-t", "md", "-o", "-", "--no-such-flag")
    assert done.returncode == 2
    assert "no such option: --no-such-flag" in done.stderr.decode()


def test_bad_option_value(tmp_path):
    done = run_cli("convert", str(SAMPLE), "-t", "json", "-o", "-", "-O", "indent=wide")
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        f"wenzhuan: error: {SAMPLE}: option 'indent' of format 'json' takes integer, not 'wide'")


def test_no_front_matter_flag(tmp_path):
    src = SAMPLES / "hans-port-jekyll.md"
    with_fm = run_cli("convert", str(src), "-t", "md", "-o", "-").stdout.decode()
    without = run_cli("convert", str(src), "-t", "md", "-o", "-", "--no-front-matter").stdout.decode()
    assert with_fm.startswith("---\ntitle: 港口物流数字化转型观察\n")
    assert not without.startswith("---")
    assert without.strip() and without in with_fm


def test_debug_shows_traceback():
    done = run_cli("--debug", "convert", "nope.txt", "-t", "md")
    assert "Traceback" in done.stderr.decode()


def test_formats_and_plugins_listings():
    formats = run_cli("formats").stdout.decode()
    assert "markdown (md, commonmark)" in formats and "json" in formats and "built-in" in formats
    one = run_cli("formats", "markdown").stdout.decode()
    assert "--front-matter/--no-front-matter" in one
    plugins = run_cli("plugins").stdout.decode()
    assert "wenzhuan.plugins.markdown  [built-in]  register_writers" in plugins


def test_inspect_prints_model_json():
    done = run_cli("inspect", str(SAMPLE))
    import json
    data = json.loads(done.stdout)
    assert data["wenzhuan_model"] == 1 and data["blocks"]


def test_version_and_help():
    assert run_cli("--version").stdout.decode().startswith("wenzhuan, version ")
    helptext = run_cli("convert", "--help").stdout.decode()
    assert "Examples:" in helptext and "wenzhuan convert a.txt b.md -o book.epub" in helptext


def test_outputs_get_the_usual_file_mode(tmp_path):
    # temporary files are created 0600; the renamed output must be readable as any new file is
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    out = tmp_path / "o.md"
    assert run_cli("convert", str(SAMPLE), "-o", str(out)).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_warnings_reach_stderr_when_the_output_is_stdout(tmp_path):
    src = tmp_path / "img.md"
    src.write_text("正文![图](a.png)。\n", encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-o", "-")
    assert done.returncode == 0
    assert done.stderr.decode().strip() == (
        "wenzhuan: warning: [read:markdown] images are not supported; kept the alt text")


def test_stdout_without_a_format_says_so():
    done = run_cli("convert", str(SAMPLE), "-o", "-")
    assert done.returncode == 2
    assert "with -o - (standard output) give the format with -t FORMAT" in done.stderr.decode()


def test_title_replaces_the_one_inputs_title(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("原来的标题\n\n正文第一段。\n", encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-o", "-", "--title", "新的标题")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "---\ntitle: 新的标题\nlanguage: zh-Hans\n---\n\n正文第一段。\n"


def test_formats_shows_only_meaningful_defaults():
    out = run_cli("formats", "epub").stdout.decode()
    assert "[default: None]" not in out and '[default: ""]' not in out
    assert "--split-kb INTEGER  (-O split_kb=...)  start a new XHTML file after this many kilobytes of text " \
           "[default: 256]" in out
    assert "(-O vertical=...)  vertical writing (writing-mode: vertical-rl), pages turn right to left " \
           "[default: false]" in out


def test_convert_warns_about_garbled_text_it_could_not_repair(tmp_path):
    from .garble import gbk_lost_byte

    src = tmp_path / "lost.txt"
    src.write_text(gbk_lost_byte("A鑫“双十一”期间，全国快递业务量再创新高。", 2) + "\n", encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-o", "-")
    assert done.returncode == 0
    assert done.stdout.decode().rstrip("\n").endswith("A\ufffd“双十一”期间，全国快递业务量再创新高。")
    assert done.stderr.decode().splitlines() == [
        "wenzhuan: warning: could not repair [mojibake] mojibake-lost-character "
        "'\ufffd“双十一”期间，全国快递业务量再创新高。' → '' 1 character(s) lost with a byte; marked \ufffd "
        "(line 1)"]
