"""文转 wenzhuan: a plugin-based converter for Chinese documents.

The stable API for plugin authors is `wenzhuan.api`; everything else may change.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("wenzhuan")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
