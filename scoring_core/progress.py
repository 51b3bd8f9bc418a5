"""Progress bars for long work (stderr, quiet when not wanted)."""

from __future__ import annotations

import os

from tqdm.auto import tqdm

__all__ = ["progress_bar"]


def progress_bar(
    *, total: int | None = None, desc: str = "", unit: str = "it", disable: bool = False
) -> tqdm:
    """A tqdm bar on stderr; disabled with ``disable`` or ``SCORING_NO_PROGRESS=1``."""
    disable = disable or os.environ.get("SCORING_NO_PROGRESS") == "1"
    return tqdm(total=total, desc=desc, unit=unit, disable=disable, leave=False, dynamic_ncols=True)
