"""YAML front matter, byte for byte as PyYAML's safe dumper writes it, without its cost.

`dump(mapping)` writes what `yaml.dump(mapping, Dumper=front_matter_dumper(), allow_unicode=True,
sort_keys=False, default_flow_style=False, width=10**9)` writes. The usual shapes (plain keys;
strings, lists of strings, dates, booleans, integers and null as values) are written here, each
string plain or single-quoted by PyYAML's own rules (`Emitter.analyze_scalar`,
`Emitter.choose_scalar_style` and the resolver's implicit types, restricted to strings that need
neither double quotes nor line breaks); anything else goes to PyYAML. The two agree on every
input (tests/test_front_matter.py checks them against each other).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Mapping

from wenzhuan import regex_cache

# PyYAML (nine milliseconds to import) is imported only for what the fast paths leave to it:
# most front matter is read (the Markdown reader's `_simple_front_matter`) and written here.


@functools.lru_cache(maxsize=None)
def front_matter_dumper() -> type:
    """PyYAML's safe dumper, but strings holding characters YAML treats as line breaks (NEL,
    U+2028, U+2029) are double-quoted, where they are escaped; plain or single-quoted, PyYAML
    folds them into spaces."""
    import yaml

    class FrontMatterDumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str):
        style = '"' if any(c in value for c in "\x85\u2028\u2029") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    FrontMatterDumper.add_representer(str, represent_str)
    return FrontMatterDumper


# Characters PyYAML does not write as they are in plain or single-quoted scalars (with
# allow_unicode): control characters, line breaks (NEL, U+2028, U+2029 too), surrogates, the BOM,
# U+FFFE, U+FFFF and U+10FFFF. (As a positive class: its complement takes 10 ms to compile.)
_NEEDS_PYYAML = regex_cache.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff\U0010ffff]")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}\Z")

# PyYAML's implicit types (`yaml.resolver.Resolver`, MIT licence), as it registers them: the tag,
# the regex, the first characters a plain scalar of that type can have. Copied so that the fast
# paths need not import PyYAML; tests/test_front_matter_writer.py checks them against its table.
_IMPLICIT = (
    ("tag:yaml.org,2002:bool", re.compile(r'''^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$''', re.X), "yYnNtTfFoO"),
    ("tag:yaml.org,2002:float", re.compile(r'''^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$''', re.X), "-+0123456789."),
    ("tag:yaml.org,2002:int", re.compile(r'''^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$''', re.X), "-+0123456789"),
    ("tag:yaml.org,2002:merge", re.compile(r'^(?:<<)$'), "<"),
    ("tag:yaml.org,2002:null", re.compile(r'''^(?: ~
                    |null|Null|NULL
                    | )$''', re.X), ("~", "n", "N", "")),
    ("tag:yaml.org,2002:timestamp", re.compile(r'''^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$''', re.X), "0123456789"),
    ("tag:yaml.org,2002:value", re.compile(r'^(?:=)$'), "="),
    ("tag:yaml.org,2002:yaml", re.compile(r'^(?:!|&|\*)$'), "!&*"),
)


def _by_first_character() -> dict[str, list[tuple[str, re.Pattern]]]:
    """`_IMPLICIT` as PyYAML keeps it: the (tag, regex) pairs for each first character."""
    table: dict[str, list[tuple[str, re.Pattern]]] = {}
    for tag, regexp, firsts in _IMPLICIT:
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    return table


_RESOLVERS = _by_first_character()


def reads_as_str(s: str) -> bool:
    """Whether a plain scalar `s` reads back as a string (not null, a boolean, a number, a date,
    `<<` or `=`): the resolver's implicit types, looked up as `Resolver.resolve` does."""
    for regexp in _implicit_types(s[0] if s else ""):
        if regexp.match(s):
            return False
    return True


@functools.lru_cache(maxsize=None)
def _implicit_types(first: str) -> tuple[re.Pattern, ...]:
    """The regexes of the implicit types a plain scalar starting with `first` may have."""
    return tuple(regexp for _, regexp in _RESOLVERS.get(first, []) + _RESOLVERS.get(None, []))


def _plain_allowed(s: str) -> bool:
    """`analyze_scalar`'s allow_block_plain for a non-empty string of `_NEEDS_PYYAML`-free
    characters: no blank at either end, no indicator where it means something."""
    if s[0] == " " or s[-1] == " " or s.startswith(("---", "...")):
        return False
    if s[0] in "#,[]{}&*!|>'\"%@`":
        return False
    if s[0] in "?:-" and (len(s) == 1 or s[1] == " "):
        return False
    return ": " not in s and not (len(s) > 1 and s[-1] == ":") and " #" not in s


def _scalar(s: str) -> str | None:
    """`s` as PyYAML writes a string value in block context, or None when PyYAML must decide."""
    if _NEEDS_PYYAML.search(s):
        return None
    if s and _plain_allowed(s) and reads_as_str(s):
        return s
    return "'" + s.replace("'", "''") + "'"


def _value(value: Any) -> str | None:
    """One mapping value after `key:` (with its leading space or line break), or None."""
    if isinstance(value, str):
        s = _scalar(value)
        return None if s is None else " " + s
    if value is True or value is False:
        return " true" if value else " false"
    if value is None:
        return " null"
    if type(value) is int:
        return f" {value}"
    if type(value) is dt.date:
        return " " + value.isoformat()
    if type(value) is list:
        if not value:
            return " []"
        items = [_scalar(v) if isinstance(v, str) else None for v in value]
        if None in items:
            return None
        return "".join("\n- " + item for item in items)
    return None


def _fast(mapping: Mapping[str, Any]) -> str | None:
    lines = []
    shared = set()  # PyYAML writes an object met twice (a list, a date) as an anchor and an alias
    for key, value in mapping.items():
        if not isinstance(key, str) or not _KEY.match(key) or not reads_as_str(key):
            return None
        if isinstance(value, (list, dt.date)):
            if id(value) in shared:
                return None
            shared.add(id(value))
        written = _value(value)
        if written is None:
            return None
        lines.append(f"{key}:{written}\n")
    return "".join(lines)


def dump(mapping: Mapping[str, Any]) -> str:
    """The mapping as a YAML block mapping, exactly as PyYAML writes it (see the module doc)."""
    fast = _fast(mapping) if mapping else None
    if fast is not None:
        return fast
    import yaml

    return yaml.dump(mapping, Dumper=front_matter_dumper(), allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=10**9)
