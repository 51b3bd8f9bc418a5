"""The model artifact: a directory that can be verified before it is trusted.

Layout::

    MODEL_DIR/
      model.txt        LightGBM booster in its text format (no code runs on load)
      model.skops      or: a scikit-learn pipeline in skops format (loaded with an allow-list)
      features.json    the fitted feature builder (parameters, columns, category levels)
      metadata.json    format version, creation time, package versions, features and dtypes,
                       threshold, cost weights, metrics, training-data fingerprint, and the
                       sha256 of every other file
      manifest.json    the sha256 of every file, metadata.json included, optionally signed
                       (HMAC with ``SCORING_MODEL_SIGNING_KEY``; see :mod:`.manifest`)

Writing is atomic: the new model is written and verified in a temporary directory next to
``MODEL_DIR``, then swapped in; a failure leaves the previous model untouched. Loading checks
the manifest (every file, its signature when a key is set), the types of the decision-relevant
metadata fields, the format version and the library versions, and refuses with a clear message
(:class:`ModelTamperedError` for a changed artifact).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..features import FeatureBuilder
from ._hooks import pause_point
from .manifest import (
    ModelError,
    ModelTamperedError,
    file_sha256,
    signing_key,
    validate_metadata,
    verify_manifest,
    write_manifest,
)
from .scoring import ScoringModel

__all__ = [
    "ModelError",
    "ModelTamperedError",
    "save_model",
    "load_model",
    "read_metadata",
    "FORMAT_VERSION",
    "file_sha256",
    "package_versions",
]

#: Major.minor of the artifact layout; a different major is refused (1.1: manifest.json).
FORMAT_VERSION = "1.1"
_META = "metadata.json"
_FEATURES = "features.json"
_BOOSTER = "model.txt"
_SKOPS = "model.skops"
_PACKAGES = ("scoring_core", "lightgbm", "scikit-learn", "numpy", "pandas", "pyarrow", "skops")
# skops: only these modules' types may be loaded from a .skops file
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "imblearn.", "lightgbm.", "builtins.")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        dist = "pret-a-depenser-scoring" if name == "scoring_core" else name
        try:
            out[name] = version(dist)
        except PackageNotFoundError:
            continue
    return out


def _dump_json(path: Path, obj) -> None:
    path.write_text(
        json.dumps(obj, indent=1, sort_keys=False, default=_json_default) + "\n", encoding="utf-8"
    )


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def save_model(
    model: ScoringModel,
    model_dir: str | os.PathLike,
    *,
    extra_files: dict[str, bytes] | None = None,
    key: str | bytes | None = None,
) -> Path:
    """Write ``model`` to ``model_dir`` atomically; returns the directory.

    ``model.metadata`` is completed with the format version, creation time, package versions,
    feature names and dtypes, threshold and file hashes. ``extra_files`` (name -> bytes) are
    written alongside and hashed too. ``manifest.json`` is written last, hashing every file
    (``metadata.json`` included) and signed with ``key`` (default: the setting
    ``SCORING_MODEL_SIGNING_KEY``; unsigned without one).
    """
    hmac_key = signing_key(key)
    import lightgbm as lgb

    model_dir = Path(model_dir)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{model_dir.name}.new-", dir=model_dir.parent))
    try:
        files = []
        if isinstance(model.estimator, lgb.Booster):
            model.estimator.save_model(str(tmp / _BOOSTER))
            files.append(_BOOSTER)
            kind = "lightgbm-booster"
        else:
            import skops.io as sio

            sio.dump(model.estimator, tmp / _SKOPS)
            files.append(_SKOPS)
            kind = "sklearn-skops"
        _dump_json(tmp / _FEATURES, model.builder.to_state())
        files.append(_FEATURES)
        for name, data in (extra_files or {}).items():
            (tmp / name).write_bytes(data)
            files.append(name)
        created = datetime.now(UTC)
        meta = dict(model.metadata)
        meta.update(
            format_version=FORMAT_VERSION,
            created_at=created.isoformat(timespec="seconds"),
            model_kind=kind,
            packages=package_versions(),
            threshold=float(model.threshold),
            feature_names=list(model.builder.feature_names_),
            feature_dtypes=dict(model.builder.dtypes_),
            files={name: file_sha256(tmp / name) for name in files},
        )
        meta.setdefault("model_version", f"{created:%Y%m%d-%H%M%S}-{meta['files'][files[0]][:8]}")
        model.metadata = meta
        _dump_json(tmp / _META, meta)
        write_manifest(tmp, hmac_key)
        pause_point("saving")
        load_model(tmp, key=hmac_key or "")  # verify before it replaces anything
        _swap_in(tmp, model_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return model_dir


def _swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``; the previous version is restored if the swap fails."""
    old = None
    if target.exists():
        if not (target / _META).exists() and any(target.iterdir()):
            raise ModelError(f"{target} exists and is not a model directory; refusing to replace it")
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _major(v: str) -> str:
    return str(v).split(".")[0]


def read_metadata(model_dir: str | os.PathLike) -> dict:
    """``metadata.json`` of a model directory (a JSON object; no integrity verification)."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ModelError(f"model directory {model_dir} does not exist")
    path = model_dir / _META
    if not path.is_file():
        raise ModelError(f"{model_dir} is not a model: {_META} is missing")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{model_dir}: {_META} must hold a JSON object, found a JSON {type(meta).__name__}")
    return meta


def load_model(model_dir: str | os.PathLike, *, key: str | bytes | None = None) -> ScoringModel:
    """Load and verify a model directory.

    ``key`` checks the manifest's signature (default: the setting
    ``SCORING_MODEL_SIGNING_KEY``; ``""`` explicitly checks none).

    Raises
    ------
    ModelTamperedError
        No manifest (an artifact older than format 1.1), a missing, changed or unlisted file,
        or a missing or wrong signature when a key is set.
    ModelError
        Metadata fields of the wrong type (e.g. a boolean threshold), unknown format version,
        incompatible LightGBM major version, or a feature list that does not match the model.
    """
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ModelError(f"model directory {model_dir} does not exist")
    if not (model_dir / _META).is_file():
        raise ModelError(f"{model_dir} is not a model: {_META} is missing")
    hashes = verify_manifest(model_dir, signing_key(key))  # before anything is parsed
    meta = validate_metadata(read_metadata(model_dir), model_dir)
    fmt = meta["format_version"]
    if _major(fmt) != _major(FORMAT_VERSION):
        raise ModelError(
            f"{model_dir}: model format {fmt} is not supported by this version (expects {FORMAT_VERSION}); "
            "retrain the model"
        )
    files = meta["files"]
    for name, digest in files.items():  # every file is hashed by the manifest: compare, no re-hash
        if hashes.get(name) != digest:
            raise ModelTamperedError(
                f"{model_dir}: file {name} was modified (sha256 mismatch with {_META}); refusing to load it"
            )
    trained = meta["packages"].get("lightgbm")
    current = package_versions().get("lightgbm")
    if trained and current and _major(trained) != _major(current):
        raise ModelError(
            f"{model_dir}: trained with LightGBM {trained}, this environment has {current} (major versions differ)"
        )
    try:
        builder = FeatureBuilder.from_state(json.loads((model_dir / _FEATURES).read_text(encoding="utf-8")))
    except (ValueError, json.JSONDecodeError) as exc:
        raise ModelError(f"{model_dir}: {_FEATURES} is not usable ({exc})") from None
    if list(builder.feature_names_) != list(meta.get("feature_names", [])):
        raise ModelError(f"{model_dir}: the feature list of {_FEATURES} does not match {_META}")
    kind = meta.get("model_kind")
    if kind == "lightgbm-booster" and _BOOSTER in files:
        import lightgbm as lgb

        try:
            estimator = lgb.Booster(model_file=str(model_dir / _BOOSTER))
        except lgb.basic.LightGBMError as exc:
            raise ModelError(f"{model_dir}: {_BOOSTER} is not a LightGBM model ({exc})") from None
        if list(estimator.feature_name()) != list(builder.feature_names_):
            raise ModelError(f"{model_dir}: the booster's features do not match {_FEATURES}")
    elif kind == "sklearn-skops" and _SKOPS in files:
        import skops.io as sio

        untrusted = sio.get_untrusted_types(file=model_dir / _SKOPS)
        refused = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
        if refused:
            raise ModelError(
                f"{model_dir}: {_SKOPS} holds types outside the allow-list: {', '.join(refused[:5])}"
            )
        estimator = sio.load(model_dir / _SKOPS, trusted=untrusted)
    else:
        raise ModelError(f"{model_dir}: unknown model kind {kind!r}")
    return ScoringModel(
        builder=builder, estimator=estimator, threshold=float(meta["threshold"]), metadata=meta
    )
