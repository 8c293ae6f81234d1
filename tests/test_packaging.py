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
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top)
            found.add(".".join([prefix, *rel.parts]))
    assert found == listed


def test_no_bare_core_or_plugins_import():
    import wenzhuan
    import wenzhuan.plugins

    # editable installs map core/ to wenzhuan; a normal install copies it to site-packages/wenzhuan
    assert Path(wenzhuan.__file__).parent.name in ("core", "wenzhuan")
    assert Path(wenzhuan.plugins.__file__).parent.name in ("plugins",)
    assert "core" not in sys.modules and "plugins" not in sys.modules
