"""Test hooks of the crash-safety tests (no effect unless their environment variables are set)."""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["pause_point"]


def pause_point(stage: str) -> None:
    """With ``SCORING_TEST_PAUSE_AT=<stage>``, announce the stage in the file named by
    ``SCORING_TEST_PAUSE_FILE`` and wait there to be killed, so that a test can kill the process
    (``kill -9``) at an exact stage of a retrain instead of racing a timer.

    Stages: ``saving`` (artifact files written in their temporary directory), ``after-save``
    (challenger saved in staging), ``before-promote`` (intent written, nothing moved),
    ``after-promote`` (``current`` exchanged, journal not yet written).
    """
    if os.environ.get("SCORING_TEST_PAUSE_AT") != stage:
        return
    marker = os.environ.get("SCORING_TEST_PAUSE_FILE")
    if marker:
        Path(marker).write_text(f"{stage} {os.getpid()}\n", encoding="utf-8")
    while True:  # pragma: no cover - the test kills the process here
        time.sleep(60)
