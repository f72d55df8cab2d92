"""The team's shared research material (read-only), for the few tests that need it.

The seed thesis, the study's codebook table, the matrix template and the published agreement
examples are the study's, not the repository's: a contributor's clone has none of them. They are
looked for in CONCORD_SHARED_DIR, else in a `shared` folder beside the checkout; when absent,
the tests that need them skip with a reason that says how to provide them, and the rest of the
suite runs on fixtures the repository makes itself.
"""

import os
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]
# One file every copy of the material has, to tell the folder from an unrelated `shared`.
_MARKER = Path("method") / "codebook.csv"


def shared_dir() -> Path | None:
    """The shared material's folder, or None when this machine does not have it."""
    configured = os.environ.get("CONCORD_SHARED_DIR")
    candidate = Path(configured) if configured else CHECKOUT.parent / "shared"
    return candidate if (candidate / _MARKER).is_file() else None


SKIP_REASON = (
    "needs the study's shared research material: set CONCORD_SHARED_DIR to its folder, "
    "or place it in a folder named `shared` beside the checkout"
)


def shared_path(*parts: str) -> Path:
    """A file of the shared material; skips the calling test when the material is absent."""
    root = shared_dir()
    if root is None:
        pytest.skip(SKIP_REASON)
    path = root.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{SKIP_REASON} (the copy found lacks {Path(*parts)})")
    return path
