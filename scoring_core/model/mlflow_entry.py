"""The MLflow pyfunc model of a saved scoring model, logged "from code" (MLflow copies this file
into the logged model and runs it on load; nothing is pickled).

Not imported by the library: :func:`scoring_core.tracking.log_training` passes this file's path
to ``mlflow.pyfunc.log_model``, and MLflow executes it when the model is loaded. It needs the
``[tracking]`` extra (MLflow). The scoring logic is :class:`~scoring_core.model.pyfunc.ScoringPredictor`.
"""

from __future__ import annotations

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel

from scoring_core.model.pyfunc import ARTIFACT_KEY, ScoringPredictor

__all__ = ["ScoringPyfunc"]


class ScoringPyfunc(PythonModel):
    """Raw tables in, ``SK_ID_CURR, probability, decision, grade`` out (see :mod:`scoring_core.model.pyfunc`).

    The model directory is the logged model's artifact :data:`ARTIFACT_KEY`; loading it with
    ``model_config={"allow_missing_tables": True}`` scores data lacking a history table the
    model was trained with.
    """

    def load_context(self, context) -> None:
        config = context.model_config or {}
        self._predictor = ScoringPredictor(
            context.artifacts[ARTIFACT_KEY],
            allow_missing_tables=bool(config.get("allow_missing_tables", False)),
        )

    # The hint tells MLflow not to infer a schema or validate (the model normalizes its input,
    # a DataFrame or a mapping of tables, itself), and to skip its "add type hints" warning.
    def predict(self, context, model_input: pd.DataFrame, params=None):
        # MLflow passes the signature's default (false) when a request gives no parameter: a
        # true parameter allows missing tables, otherwise the loaded model's setting applies
        allow = True if (params or {}).get("allow_missing_tables") else None
        return self._predictor.predict(model_input, allow_missing_tables=allow)


mlflow.models.set_model(ScoringPyfunc())
