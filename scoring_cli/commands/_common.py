"""Helpers shared by the command modules."""

from __future__ import annotations

import sys

__all__ = ["print_scored", "warn_missing_tables"]


def warn_missing_tables(missing: list[str]) -> None:
    if missing:
        print(
            f"warning: data WITHOUT table(s) {', '.join(missing)} that the model was trained with: "
            "every client reads as having no history there",
            file=sys.stderr,
        )


def print_scored(
    n: int, which: str, model, refused_share: float, out, missing: list[str], how: str = ""
) -> None:
    """``score``'s summary line: clients scored, refusal rate, output, missing tables."""
    print(
        f"scored {n:,} clients of application_{which} with model {model.version}: "
        f"{refused_share:.1%} refused at threshold {model.threshold:.4f}; wrote {out}{how}"
        + (f"; missing tables: {', '.join(missing)}" if missing else "")
    )
