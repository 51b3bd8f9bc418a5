"""The methodology note: the methodology notebook run with papermill on a model and its data,
converted to a standalone HTML page with nbconvert (code cells hidden).

One notebook, one copy: ``notebooks/06_methodology.ipynb`` is the source; the package data
``scoring_reports/templates/methodology.ipynb`` is a symbolic link to it, which a wheel turns
into a copy of the notebook (so an installed package carries it too).
Every number in the note is computed during the run from the model artifact (metadata and
evaluation predictions) and the data.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

from scoring_core.errors import ScoringError
from scoring_core.io import atomic_path
from scoring_core.settings import get_settings

__all__ = ["ReportError", "calibration_statement", "methodology_template", "render_methodology"]

log = logging.getLogger(__name__)

_TEMPLATE = "methodology.ipynb"


class ReportError(ScoringError):
    """A report that cannot be produced (missing extra, failed notebook, bad output path)."""


def calibration_statement(metrics: dict) -> str:
    """The note's sentence on what the probabilities mean, from a trained model's ``metrics``:
    how they were calibrated and the hold-out Brier score and ECE before and after, next to the
    ECE a perfectly calibrated model would measure on as many clients."""
    cal = metrics.get("calibration") or {}
    if not cal or cal.get("method") in (None, "none"):
        return (
            f"**Calibration.** Brier score {metrics['holdout']['brier']:.4f} on the hold-out clients; the "
            "probabilities are not calibrated and would need calibrating before being read as default rates."
        )
    floor = cal.get("holdout_ece_noise_floor")
    return (
        f"**Calibration.** The probabilities are calibrated ({cal['method']}) on the out-of-fold predictions "
        f"of the training clients. On the hold-out clients: Brier {cal['holdout_brier_before']:.4f} before, "
        f"{cal['holdout_brier_after']:.4f} after; expected calibration error {cal['holdout_ece_before']:.4f} "
        f"before, {cal['holdout_ece_after']:.4f} after"
        + (
            f" (a perfectly calibrated model would itself measure about {floor:.4f} on "
            f"{cal['holdout_clients']:,} clients: smaller differences are noise)."
            if floor is not None
            else "."
        )
        + " Explanations are exact on the model's log-odds, before calibration."
    )


def methodology_template() -> Path:
    """Path of the methodology notebook shipped with the package."""
    with as_file(files("scoring_reports") / "templates" / _TEMPLATE) as path:
        return Path(path)


def _require_notebook_tools():
    try:
        import nbconvert  # noqa: F401
        import nbformat  # noqa: F401
        import papermill  # noqa: F401
    except ImportError as exc:
        raise ReportError(
            f"the methodology note needs the notebooks extra: pip install -e '.[notebooks]' ({exc.name} missing)"
        ) from None


def render_methodology(
    model_dir: str | os.PathLike,
    data_dir: str | os.PathLike,
    out: str | os.PathLike,
    *,
    parameters: dict | None = None,
    keep_notebook: str | os.PathLike | None = None,
    kernel_name: str = "python3",
    timeout: float | None = 1800,
    progress: bool = False,
) -> Path:
    """Run the methodology notebook on ``model_dir`` and ``data_dir`` and write ``out`` (HTML).

    Parameters
    ----------
    model_dir : the model artifact the note documents.
    data_dir : the data it was trained on (``application_train`` with ``TARGET``): the
        groups of the fairness check and the explained client come from it.
    out : the HTML file, written atomically (a reader never sees half a note).
    parameters : more notebook parameters (e.g. ``{"example_client": 100042}``).
    keep_notebook : also keep the executed notebook (with its outputs) there.
    kernel_name : Jupyter kernel that runs the notebook.
    timeout : seconds allowed per cell.
    progress : papermill's progress bar (on stderr; never with ``SCORING_NO_PROGRESS=1``).

    Raises
    ------
    ReportError
        Missing papermill / nbconvert, an output that is not ``.html``, or a notebook that
        failed (the message names the error raised in the notebook).
    ModelError, DataError
        The model or the data directory is not usable (checked before the run).
    """
    from scoring_core.model.artifact import load_model

    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ReportError(f"--out must be an .html file, got {out}")
    _require_notebook_tools()
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    model = load_model(model_dir)  # a clear error before a kernel starts
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ReportError(f"data directory {data_dir} does not exist or is not a directory")
    params = {
        "model_dir": str(Path(model_dir).resolve()),
        "data_dir": str(data_dir.resolve()),
        **(parameters or {}),
    }
    with tempfile.TemporaryDirectory(prefix="methodology-") as tmp:
        tmp = Path(tmp)
        params.setdefault("output_dir", str(tmp / "out"))
        executed = tmp / "methodology.ipynb"
        try:
            pm.execute_notebook(
                str(methodology_template()),
                str(executed),
                parameters=params,
                kernel_name=kernel_name,
                progress_bar=progress and not get_settings().no_progress,
                cwd=str(tmp),
                execution_timeout=timeout,
                log_output=False,
                extra_arguments=["--log-level=ERROR"],  # no kernel start-up chatter on stderr
                kernel_manager_class=_quiet_kernel_manager(),
            )
        except pm.PapermillExecutionError as exc:
            evalue = str(exc.evalue).splitlines()[0] if exc.evalue else ""
            raise ReportError(
                f"the methodology notebook failed in cell {exc.exec_count}: {exc.ename}: {evalue}"
            ) from None
        nb = nbformat.read(executed, as_version=4)
        nb.metadata["title"] = f"Methodology note: credit-scoring model {model.version}"
        exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
        body, _ = exporter.from_notebook_node(nb)
        with atomic_path(out, suffix=".html") as part:
            part.write_text(body, encoding="utf-8")
            os.chmod(part, 0o644)  # a document to share (the temporary file is created 0600)
        if keep_notebook is not None:
            with atomic_path(keep_notebook, suffix=".ipynb") as part:
                shutil.copyfile(executed, part)
    log.info("methodology note of model %s written to %s", model.version, out)
    return out


def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernel does not write to our stderr: the CLI's error must be its
    one line, not followed by what the kernel prints while it is shut down (for example
    libzmq's ``Assertion failed: pfd.revents & POLLIN``). The notebook's own output and errors
    come back as messages, not through the kernel's stderr."""
    import subprocess

    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = subprocess.DEVNULL
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager
