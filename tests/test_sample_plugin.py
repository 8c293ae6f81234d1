"""The sample plugin package, samples/wenzhuan-plaintext, installed as a third party would be
(scripts/setup.sh runs `pip install -e samples/wenzhuan-plaintext`); its own tests run from the
README's test command through pyproject's testpaths."""

import re
from importlib import metadata

import pytest

from .conftest import ROOT, SAMPLES
from .helpers import run_cli


@pytest.fixture(scope="module")
def installed():
    try:
        dist = metadata.distribution("wenzhuan-plaintext")
    except metadata.PackageNotFoundError:
        pytest.fail("the sample plugin is not installed: run `bash scripts/setup.sh` "
                    "(or .venv/bin/pip install -e samples/wenzhuan-plaintext)")
    return dist


def test_its_tests_are_part_of_the_test_command():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^testpaths = \[.*"samples/wenzhuan-plaintext/tests".*\]$', text, re.M)
    assert "pip install -q -e samples/wenzhuan-plaintext" in (ROOT / "scripts" / "setup.sh").read_text()


def test_formats_lists_it_from_its_distribution(installed):
    [ep] = [e for e in installed.entry_points if e.group == "wenzhuan"]
    assert (ep.name, ep.value) == ("plaintext", "wenzhuan_plaintext")
    listing = run_cli("formats", plugins=True).stdout.decode()
    assert re.search(rf"^plaintext +\.txt +text/plain +wenzhuan-plaintext {re.escape(installed.version)}$",
                     listing, re.M), listing
    assert "plaintext" not in run_cli("formats").stdout.decode()  # third-party loading switched off


def test_it_converts_a_sample_with_a_width_from_the_command_line(installed):
    done = run_cli("convert", str(SAMPLES / "hans-library-plain.txt"), "-t", "plaintext", "--width", "30",
                   "-o", "-", plugins=True)
    assert done.returncode == 0, done.stderr
    from wenzhuan_plaintext import columns

    lines = done.stdout.decode().splitlines()
    assert len(lines) > 10 and max(columns(line) for line in lines) <= 30
    assert "图书馆" in done.stdout.decode()
