"""Synthetic Home Credit data, calibrated on summary statistics of the real data."""

from .generator import (
    SynthConfig,
    SynthSummary,
    ensure_synthetic,
    generate,
    generate_tables,
    load_calibration,
)

__all__ = [
    "SynthConfig",
    "SynthSummary",
    "ensure_synthetic",
    "generate",
    "generate_tables",
    "load_calibration",
]
