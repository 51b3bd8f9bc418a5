"""Progress bars for long work (stderr, only on a terminal, quiet when not wanted)."""

from __future__ import annotations

import sys

from tqdm.auto import tqdm

from .settings import get_settings

__all__ = ["progress_bar"]


def progress_bar(
    *, total: int | None = None, desc: str = "", unit: str = "it", disable: bool = False
) -> tqdm:
    """A tqdm bar on stderr when stderr is a terminal (a widget in Jupyter); none with
    ``disable``, ``SCORING_NO_PROGRESS=1``, or when stderr is a file or a pipe (a log then
    gets no ``\\r`` redraws)."""
    if disable or get_settings().no_progress:
        off: bool | None = True
    else:  # None: tqdm shows the bar only on a terminal; in a Jupyter kernel, as a widget
        off = False if "ipykernel" in sys.modules else None
    return tqdm(total=total, desc=desc, unit=unit, disable=off, leave=False, dynamic_ncols=True)
