"""Helpers shared by the command modules."""

from __future__ import annotations

import sys

__all__ = ["warn_missing_tables"]


def warn_missing_tables(missing: list[str]) -> None:
    if missing:
        print(
            f"warning: data WITHOUT table(s) {', '.join(missing)} that the model was trained with: "
            "every client reads as having no history there",
            file=sys.stderr,
        )
