"""Print docs/hooks.md, the hook reference, from the hookspecs' docstrings.

    .venv/bin/python scripts/hooks_doc.py > docs/hooks.md

tests/test_docs.py fails when docs/hooks.md differs from this output.
"""

from __future__ import annotations

import inspect

from wenzhuan import hookspecs


def hook_names() -> list[str]:
    return [name for name, fn in vars(hookspecs).items()
            if callable(fn) and name.startswith("register_") and hasattr(fn, "wenzhuan_spec")]


def render() -> str:
    parts = [
        "# Hook reference",
        "",
        "<!-- Generated from core/hookspecs.py by scripts/hooks_doc.py; do not edit by hand. -->",
        "",
        inspect.getdoc(hookspecs),
        "",
        "Every hook is used the same way: import `hookimpl` from `wenzhuan.api`, define a function",
        "with the hook's name that takes `register`, and call `register(...)` once per thing the",
        "plugin provides. See [plugins.md](plugins.md) for a complete plugin.",
    ]
    for name in hook_names():
        fn = getattr(hookspecs, name)
        args = ", ".join(inspect.signature(fn).parameters)
        parts += ["", f"## {name}({args})", "", inspect.getdoc(fn)]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
