"""What the app serves: the :class:`ScoringService` of the model loaded, and how to reload it."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from scoring_core.data import Dataset
from scoring_core.errors import ScoringError
from scoring_core.model.artifact import load_model
from scoring_core.service import ScoringService

__all__ = ["ApiState"]


class ApiState:
    """The service currently serving, and how to rebuild it.

    Parameters
    ----------
    service : the service serving now.
    dataset : the clients' data (kept to build the service of a reloaded model).
    model_dir : the model artifact :meth:`reload` loads again (``None``: no reload).
    allow_missing_tables : passed to every service built here (``SCORING_API_ALLOW_MISSING_TABLES``).
    freeze_gc : after a reload, collect once and freeze what is left (:func:`gc.freeze`) as the
        server does after start-up (see :func:`scoring_api.app.build`).
    """

    def __init__(
        self,
        service: ScoringService,
        dataset: Dataset,
        model_dir: Path | None,
        *,
        allow_missing_tables: bool = False,
        freeze_gc: bool = False,
    ):
        self.service = service
        self.dataset = dataset
        self.model_dir = model_dir
        self.allow_missing_tables = allow_missing_tables
        self.freeze_gc = freeze_gc
        self._lock = threading.Lock()

    def reload(self) -> str:
        """Load the artifact again and swap it in; the current model keeps serving on failure."""
        if self.model_dir is None:
            raise ScoringError("this server was not started from a model directory")
        with self._lock:
            new = ScoringService(
                load_model(self.model_dir), self.dataset, allow_missing_tables=self.allow_missing_tables
            )
            self.service = new  # atomic swap of the reference
            if self.freeze_gc:  # the old model's cycles are collected, the new one frozen
                gc.unfreeze()
                gc.collect()
                gc.freeze()
        return new.model.version
