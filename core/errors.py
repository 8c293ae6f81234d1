"""The user-facing error types.

Anything a user can act on is raised as a `WenzhuanError` (or a subclass): the CLI shows it as
one line, `wenzhuan: FILE: MESSAGE`, plus a hint when there is one, and no traceback unless
`--debug`. The HTTP service maps the subclasses to status codes. Anything else escaping is a bug.
"""

from __future__ import annotations


class WenzhuanError(Exception):
    """An error the user can act on: what file, what went wrong, what to do."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint

    def with_path(self, path: str | None) -> "WenzhuanError":
        if self.path is None and path is not None:
            self.path = str(path)
        return self

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text} ({self.hint})" if self.hint else text


class InputError(WenzhuanError):
    """The input cannot be read: missing, unreadable, undecodable, not a document, too large."""


class UnsupportedInputError(InputError):
    """The input is not a kind of document any reader handles (a PNG, a ZIP, ...)."""


class InputTooLargeError(InputError):
    """The input is larger than the configured limit."""


#: the limit when none is given (`--max-input-size`), in bytes
DEFAULT_MAX_INPUT = 100 * 1024 * 1024


class FormatError(WenzhuanError):
    """An unknown input or output format name."""


class OptionError(WenzhuanError):
    """A writer, reader or transform option that is unknown or has a bad value."""


class OutputError(WenzhuanError):
    """The output cannot be written where asked (exists, is a directory, is the input, ...)."""


class PluginError(WenzhuanError):
    """A plugin failed: it did not import, registered a clash, or raised while working."""

    def __init__(self, message: str, *, plugin: str, distribution: str | None = None, **kw):
        self.plugin = plugin
        self.distribution = distribution
        where = f"plugin {plugin!r}" + (f" (from {distribution})" if distribution else "")
        super().__init__(f"{where}: {message}", **kw)
