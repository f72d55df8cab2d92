"""Where the team's shared research material lives (read-only; tests may read it).

CI runs on a fresh clone that may sit anywhere, so look in CONCORD_SHARED_DIR, then in a
`shared` folder beside any parent of the checkout, then at the workplace's fixed location.
"""

import os
from pathlib import Path


def _find_shared() -> Path:
    candidates = []
    if os.environ.get("CONCORD_SHARED_DIR"):
        candidates.append(Path(os.environ["CONCORD_SHARED_DIR"]))
    candidates += [parent / "shared" for parent in Path(__file__).resolve().parents]
    candidates.append(Path("/work/shared"))
    for candidate in candidates:
        if (candidate / "method" / "codebook.csv").is_file():
            return candidate
    raise RuntimeError(
        "The shared research material was not found; set CONCORD_SHARED_DIR to its folder."
    )


SHARED = _find_shared()
