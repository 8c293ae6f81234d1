import os
import tempfile
from pathlib import Path

import pytest

# Third-party plugins installed in the venv stay out of tests unless a test asks for them.
os.environ.setdefault("WENZHUAN_LOAD_PLUGINS", "")
# Built tables are cached in a folder of this run, not in the user's cache (wenzhuan.disk_cache).
os.environ.setdefault("WENZHUAN_CACHE_DIR", tempfile.mkdtemp(prefix="wenzhuan-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/, or a clean skip where that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (third-party test data lives in ../shared/)")
    return path


@pytest.fixture(autouse=True)
def _fresh_default_host():
    from wenzhuan.manager import reset_default_host

    reset_default_host()
    yield
    reset_default_host()
