"""Helpers shared by tests: run the CLI as a user would, and make throwaway plugin distributions."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, input: bytes | None = None,
            plugins: bool = False) -> subprocess.CompletedProcess:
    """Run `wenzhuan ARGS` in a subprocess; third-party plugins load only with plugins=True."""
    full_env = dict(os.environ)
    full_env.pop("WENZHUAN_LOAD_PLUGINS", None)
    if not plugins:
        full_env["WENZHUAN_LOAD_PLUGINS"] = ""
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "wenzhuan", *args], cwd=cwd, env=full_env,
                          input=input, capture_output=True, timeout=300)


def make_plugin_dist(root: Path, dist: str, module: str, source: str, *, entry_name: str | None = None,
                     version: str = "1.0") -> Path:
    """Write a module and a .dist-info with a `wenzhuan` entry point under `root` (put it on PYTHONPATH)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[wenzhuan]\n{entry_name or module} = {module}\n", encoding="utf-8")
    return root
