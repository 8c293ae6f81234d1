"""文转 wenzhuan: a plugin-based converter for Chinese documents.

The stable API for plugin authors is `wenzhuan.api`; everything else may change.
"""


def __getattr__(name: str):
    # `wenzhuan.__version__`, looked up on first use: importing importlib.metadata costs more
    # than the rest of the CLI's start-up, and most commands never need the version.
    if name == "__version__":
        from importlib import metadata

        try:
            version = metadata.version("wenzhuan")
        except metadata.PackageNotFoundError:  # running from a source tree that is not installed
            version = "0.0.0"
        globals()["__version__"] = version
        return version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
