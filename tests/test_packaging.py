"""The installed layout: everything under `wenzhuan`, no bare `core` or `plugins`."""

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = None

import pytest

from .conftest import ROOT


def test_every_package_folder_is_listed_in_pyproject():
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = set()
    for top, prefix in (("core", "wenzhuan"), ("plugins", "wenzhuan.plugins")):
        # every folder of the source tree: a package, or data (the service's static page)
        for folder in (ROOT / top, *(p for p in (ROOT / top).rglob("*") if p.is_dir())):
            rel = folder.relative_to(ROOT / top)
            if "__pycache__" not in rel.parts and any(folder.iterdir()):
                found.add(".".join([prefix, *rel.parts]))
    assert found == listed


def test_no_bare_core_or_plugins_import():
    import wenzhuan
    import wenzhuan.plugins

    # editable installs map core/ to wenzhuan; a normal install copies it to site-packages/wenzhuan
    assert Path(wenzhuan.__file__).parent.name in ("core", "wenzhuan")
    assert Path(wenzhuan.plugins.__file__).parent.name in ("plugins",)
    assert "core" not in sys.modules and "plugins" not in sys.modules
