import os
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# The claims board keeps sentence vectors in a user cache; tests must not write to the user's.
# (Set on import: subprocesses started by tests inherit it.)
if "CLAIMLEDGER_CACHE" not in os.environ:
    import tempfile

    os.environ["CLAIMLEDGER_CACHE"] = tempfile.mkdtemp(prefix="claimledger-test-cache-")


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline, loaded once for the whole test session."""
    from claimledger.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.skip(f"evaluation data not present at {EVAL_DIR}")
    return EVAL_DIR


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path (str -> UTF-8, bytes as is) and return its path."""

    def _write(name: str, content) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


def pytest_configure(config):
    # Keep Rich from wrapping or colouring output that tests read.
    os.environ.setdefault("COLUMNS", "200")
    os.environ.setdefault("NO_COLOR", "1")
