"""Entry points remembered between runs: the same answer as importlib.metadata, and a snapshot
that notices every way a plugin can be installed, removed or changed."""

from __future__ import annotations

import os
import sys
import time
from importlib import metadata

import pytest

from wenzhuan import entry_points as ep_module
from wenzhuan.entry_points import EntryPoint, entry_points

from .helpers import make_plugin_dist

GROUP = "wenzhuan-test-group"
LONG_AGO = time.time() - 3600


def make_dist(root, dist, module, *, value=None, version="1.0"):
    make_plugin_dist(root, dist, module, "VALUE = 1\nclass Thing:\n    VALUE = 2\n", version=version)
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{module} = {value or module}\n", encoding="utf-8")
    return info


def age(*paths):
    """Date `paths` an hour back, so their snapshot may be stored (see `_RECENT_NS`)."""
    for path in paths:
        os.utime(path, (LONG_AGO, LONG_AGO))


def age_tree(root):
    for folder, dirs, files in os.walk(root):
        age(*(os.path.join(folder, n) for n in dirs + files))
    age(root)


@pytest.fixture
def site(tmp_path, monkeypatch):
    """An empty folder on sys.path (first, like a user's site-packages) and a cache of its own."""
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    return root


def names(found):
    return [(ep.name, ep.value, ep.distribution, ep.version) for ep in found]


def test_the_same_as_importlib_metadata_for_the_real_group():
    expected = sorted(((e.name, e.value, e.dist.name, e.dist.version)
                       for e in metadata.entry_points(group="wenzhuan")), key=lambda row: row[0])
    assert names(entry_points("wenzhuan")) == expected  # (cached or not)
    assert names(entry_points("wenzhuan")) == expected  # (cached by now when it could be)


def test_a_snapshot_unchanged_answers_without_reading_the_distributions(site, monkeypatch):
    make_dist(site, "plugin-a", "plug_a")
    age_tree(site)
    assert names(entry_points(GROUP)) == [("plug_a", "plug_a", "plugin-a", "1.0")]

    def no_scan(group):
        raise AssertionError("read the distributions again")

    monkeypatch.setattr(ep_module, "_scan", no_scan)
    assert names(entry_points(GROUP)) == [("plug_a", "plug_a", "plugin-a", "1.0")]


@pytest.mark.parametrize("change", ["install", "remove", "edit", "upgrade", "move"])
def test_a_change_to_the_installed_plugins_is_seen(site, tmp_path, monkeypatch, change):
    info = make_dist(site, "plugin-a", "plug_a")
    age_tree(site)
    assert names(entry_points(GROUP)) == [("plug_a", "plug_a", "plugin-a", "1.0")]
    if change == "install":
        make_dist(site, "plugin-b", "plug_b")
        expected = [("plug_a", "plug_a", "plugin-a", "1.0"), ("plug_b", "plug_b", "plugin-b", "1.0")]
    elif change == "remove":
        for f in info.iterdir():
            f.unlink()
        info.rmdir()
        expected = []
    elif change == "edit":  # the same file rewritten in place: only its own mtime moves
        with open(info / "entry_points.txt", "r+", encoding="utf-8") as fh:
            fh.write(f"[{GROUP}]\nplug_a = plug_a:Thing\n")
        os.utime(info / "entry_points.txt", (LONG_AGO + 1, LONG_AGO + 1))
        expected = [("plug_a", "plug_a:Thing", "plugin-a", "1.0")]
    elif change == "upgrade":
        for f in info.iterdir():
            f.unlink()
        info.rmdir()
        make_dist(site, "plugin-a", "plug_a", version="2.0")
        expected = [("plug_a", "plug_a", "plugin-a", "2.0")]
    else:  # another folder on sys.path: another search
        other = tmp_path / "other"
        make_dist(other, "plugin-c", "plug_c")
        age_tree(other)
        monkeypatch.syspath_prepend(str(other))
        expected = [("plug_a", "plug_a", "plugin-a", "1.0"), ("plug_c", "plug_c", "plugin-c", "1.0")]
    assert names(entry_points(GROUP)) == expected


def test_files_written_beside_the_distributions_keep_the_cache(site, monkeypatch):
    """A current folder on sys.path (`python -m wenzhuan`) changes with every output written to
    it: only its distributions' metadata counts."""
    make_dist(site, "plugin-a", "plug_a")
    age_tree(site)
    entry_points(GROUP)
    (site / "article.md").write_text("新的文章", encoding="utf-8")
    (site / "out").mkdir()
    monkeypatch.setattr(ep_module, "_scan", lambda group: pytest.fail("read the distributions again"))
    assert names(entry_points(GROUP)) == [("plug_a", "plug_a", "plugin-a", "1.0")]


def test_a_recent_change_is_not_trusted(site, monkeypatch):
    """Changed within the last two seconds, a file may change again with the same mtime."""
    make_dist(site, "plugin-a", "plug_a")  # (just now)
    scans = []
    real_scan = ep_module._scan
    monkeypatch.setattr(ep_module, "_scan", lambda group: scans.append(group) or real_scan(group))
    entry_points(GROUP)
    entry_points(GROUP)
    assert scans == [GROUP, GROUP]
    age_tree(site)
    entry_points(GROUP)
    entry_points(GROUP)
    assert scans == [GROUP] * 3


def test_the_current_folder_on_sys_path_is_the_folder_at_the_time(site, tmp_path, monkeypatch):
    """`""` on sys.path (python -c, the REPL) means the current folder: two folders, two answers."""
    here, there = tmp_path / "here", tmp_path / "there"
    make_dist(here, "plugin-h", "plug_h")
    make_dist(there, "plugin-t", "plug_t")
    age_tree(here)
    age_tree(there)
    monkeypatch.syspath_prepend("")
    monkeypatch.chdir(here)
    assert [ep.name for ep in entry_points(GROUP)] == ["plug_h"]
    monkeypatch.chdir(there)
    assert [ep.name for ep in entry_points(GROUP)] == ["plug_t"]


def test_another_finder_of_distributions_turns_the_cache_off(site, monkeypatch):
    class Bundled:
        @staticmethod
        def find_distributions(context=None):
            return iter(())

        @staticmethod
        def find_spec(*args, **kwargs):
            return None

    make_dist(site, "plugin-a", "plug_a")
    age_tree(site)
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Bundled])
    calls = []
    monkeypatch.setattr(ep_module, "_scan", lambda group: calls.append(group) or [])
    entry_points(GROUP)
    entry_points(GROUP)
    assert calls == [GROUP, GROUP]


def test_load_imports_the_module_and_follows_the_attributes(site):
    make_dist(site, "plugin-a", "plug_load")
    assert EntryPoint("x", "plug_load").load().VALUE == 1
    assert EntryPoint("x", "plug_load:Thing.VALUE").load() == 2
    assert EntryPoint("x", "plug_load : Thing [extra]").load().VALUE == 2
    with pytest.raises(ValueError, match="is not an entry point"):
        EntryPoint("x", "not a value!").load()
    with pytest.raises(ModuleNotFoundError):
        EntryPoint("x", "no_such_module_here").load()


def test_a_zip_on_sys_path_is_read_again_when_it_changes(site, tmp_path, monkeypatch):
    import zipfile

    bundle = tmp_path / "bundle.zip"

    def write(value, when):
        with zipfile.ZipFile(bundle, "w") as z:
            z.writestr("plug_z.py", "VALUE = 1\nclass Thing:\n    VALUE = 2\n")
            z.writestr("plugin_z-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: plugin-z\nVersion: 1.0\n")
            z.writestr("plugin_z-1.0.dist-info/entry_points.txt", f"[{GROUP}]\nplug_z = {value}\n")
        os.utime(bundle, (when, when))

    write("plug_z", LONG_AGO)
    age_tree(site)
    monkeypatch.syspath_prepend(str(bundle))
    assert names(entry_points(GROUP)) == [("plug_z", "plug_z", "plugin-z", "1.0")]
    write("plug_z:Thing", LONG_AGO + 1)
    assert names(entry_points(GROUP)) == [("plug_z", "plug_z:Thing", "plugin-z", "1.0")]
    assert entry_points(GROUP)[0].load().VALUE == 2


def test_a_change_in_the_same_clock_tick_as_a_slow_read_is_not_trusted(site, monkeypatch):
    """On a file system with coarse mtimes (FAT's 2 s), a file changed again in the same tick
    keeps its mtime. Whether the snapshot is old enough to store is judged from the time before
    the distributions were read: a read that took long must not make recent mtimes look old."""
    info = make_dist(site, "plugin-a", "plug_a")
    tick = time.time_ns() - 1_500_000_000  # 1.5 s ago: recent
    for path in (info, info / "entry_points.txt", info / "METADATA", site):
        os.utime(path, ns=(tick, tick))
    real_scan, clock = ep_module._scan, [0]

    def slow_scan(group):  # the read takes a second (a loaded machine, a slow disk)
        found = real_scan(group)
        clock[0] += 1_000_000_000
        return found

    monkeypatch.setattr(ep_module, "_scan", slow_scan)
    monkeypatch.setattr(ep_module.time, "time_ns", lambda real=time.time_ns: real() + clock[0])
    assert names(entry_points(GROUP)) == [("plug_a", "plug_a", "plugin-a", "1.0")]
    with open(info / "entry_points.txt", "r+", encoding="utf-8") as fh:  # rewritten in the same tick
        fh.write(f"[{GROUP}]\nplug_a = plug_a:Thing\n")
    os.utime(info / "entry_points.txt", ns=(tick, tick))
    assert names(entry_points(GROUP)) == [("plug_a", "plug_a:Thing", "plugin-a", "1.0")]
