"""文转 wenzhuan: a plugin-based converter for Chinese documents.

The stable API for plugin authors is `wenzhuan.api`; everything else may change.
"""

# The one place the version is written: pyproject.toml reads it from here (setuptools' `attr:`),
# so no command needs importlib.metadata (slow to import) to know its own version.
__version__ = "0.1.0"
