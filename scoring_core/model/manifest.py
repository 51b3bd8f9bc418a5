"""Integrity of a model artifact: a manifest of every file, optionally signed, and the
validation of the decision-relevant fields of ``metadata.json``.

``manifest.json`` lists the sha256 of **every** file of the artifact directory, including
``metadata.json`` (whose own ``files`` section only covers the other files, so an edit of
the threshold there would otherwise go unnoticed). With a signing key
(``SCORING_MODEL_SIGNING_KEY``) the manifest also carries an HMAC-SHA256 of its file list:
without the key, nobody can change a file and re-hash it consistently.

Loading (see :func:`verify_manifest`) refuses, with :class:`ModelTamperedError`:

- a directory without a manifest (artifacts written before format 1.1: retrain them);
- a file listed in the manifest that is missing or whose hash differs, and a file in the
  directory that the manifest does not list;
- with a key configured: a manifest without a signature or with a wrong one.

:func:`validate_metadata` then checks the types of the fields that change decisions
(threshold, cost weights, package versions, feature list, file hashes), so that, for
example, ``"threshold": true`` is refused instead of being read as 1.0.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
from pathlib import Path

from ..errors import ScoringError

__all__ = [
    "ModelError",
    "ModelTamperedError",
    "MANIFEST",
    "file_sha256",
    "signing_key",
    "write_manifest",
    "verify_manifest",
    "validate_metadata",
]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_MANIFEST_FORMAT = "scoring-model-manifest/1"
_SIGNATURE_ALG = "hmac-sha256"


class ModelError(ScoringError):
    """A model artifact that is missing, tampered with or incompatible."""


class ModelTamperedError(ModelError):
    """A model artifact whose files do not match its manifest (or its signature)."""


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def signing_key(explicit: str | bytes | None = None) -> bytes | None:
    """The HMAC key: ``explicit`` if given, else the setting ``SCORING_MODEL_SIGNING_KEY``
    (``None`` when neither is set; an empty string means no key)."""
    if explicit is None:
        from ..settings import get_settings

        secret = get_settings().model_signing_key
        explicit = secret.get_secret_value() if secret is not None else None
    if not explicit:
        return None
    return explicit.encode("utf-8") if isinstance(explicit, str) else bytes(explicit)


def _canonical(files: dict[str, str]) -> bytes:
    return json.dumps(files, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _signature(files: dict[str, str], key: bytes) -> str:
    message = (_MANIFEST_FORMAT + "\n").encode("utf-8") + _canonical(files)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _artifact_files(model_dir: Path) -> list[str]:
    names = []
    for p in sorted(model_dir.iterdir()):
        if p.name == MANIFEST:
            continue
        if not p.is_file() or p.is_symlink():
            raise ModelError(f"{model_dir}: {p.name} is not a regular file; an artifact holds only files")
        names.append(p.name)
    return names


def write_manifest(model_dir: Path, key: bytes | None = None) -> dict:
    """Hash every file of ``model_dir`` into ``manifest.json`` (signed with ``key`` if given).

    Call it last, once every other file (``metadata.json`` included) is written.
    """
    files = {name: file_sha256(model_dir / name) for name in _artifact_files(model_dir)}
    manifest: dict = {"format": _MANIFEST_FORMAT, "algorithm": "sha256", "files": files}
    if key:
        manifest["signature"] = {"algorithm": _SIGNATURE_ALG, "value": _signature(files, key)}
    tmp = model_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, model_dir / MANIFEST)
    return manifest


def verify_manifest(model_dir: Path, key: bytes | None = None) -> dict[str, str]:
    """Check every file of ``model_dir`` against ``manifest.json``; returns ``{file: sha256}``.

    Raises
    ------
    ModelTamperedError
        No manifest, an unreadable one, a missing, changed or unlisted file, or (with
        ``key``) a missing or wrong signature.
    """
    path = model_dir / MANIFEST
    if not path.is_file():
        raise ModelTamperedError(
            f"{model_dir}: no {MANIFEST}, so metadata.json cannot be verified (artifacts written "
            "before format 1.1 have none); refusing to load it: retrain the model"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelTamperedError(
            f"{model_dir}: {MANIFEST} is not valid JSON ({exc}); the artifact was tampered with"
        ) from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if (
        not isinstance(files, dict)
        or not files
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
        or manifest.get("format") != _MANIFEST_FORMAT
    ):
        raise ModelTamperedError(f"{model_dir}: {MANIFEST} is malformed; the artifact was tampered with")
    if key is not None:
        sig = manifest.get("signature")
        value = sig.get("value") if isinstance(sig, dict) else None
        if not isinstance(value, str):
            raise ModelTamperedError(
                f"{model_dir}: the artifact is not signed but SCORING_MODEL_SIGNING_KEY is set; "
                "refusing to load it (sign it by retraining with the key)"
            )
        if sig.get("algorithm") != _SIGNATURE_ALG or not hmac.compare_digest(value, _signature(files, key)):
            raise ModelTamperedError(
                f"{model_dir}: the signature of {MANIFEST} does not match (tampered, or signed with another key)"
            )
    elif "signature" in manifest:
        log.info("%s is signed but no SCORING_MODEL_SIGNING_KEY is set: signature not checked", path)
    present = _artifact_files(model_dir)
    unlisted = sorted(set(present) - set(files))
    if unlisted:
        raise ModelTamperedError(
            f"{model_dir}: file {unlisted[0]} is not in {MANIFEST}; the artifact was tampered with"
        )
    for name, digest in files.items():
        if name != Path(name).name or name in ("", ".", ".."):
            raise ModelTamperedError(f"{model_dir}: {MANIFEST} names a file outside the artifact: {name!r}")
        if not (model_dir / name).is_file():
            raise ModelTamperedError(f"{model_dir}: file {name} is missing; the artifact was tampered with")
        if not hmac.compare_digest(file_sha256(model_dir / name), digest):
            raise ModelTamperedError(
                f"{model_dir}: file {name} was modified (sha256 mismatch with {MANIFEST}); "
                "the artifact was tampered with, refusing to load it"
            )
    return files


def _real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def validate_metadata(meta, model_dir: Path) -> dict:
    """Check the types of the decision-relevant fields of ``metadata.json``; returns ``meta``.

    Raises
    ------
    ModelError
        Naming the field and what was found.
    """

    def bad(field: str, expected: str, value) -> ModelError:
        shown = json.dumps(value, default=str)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return ModelError(f"{model_dir}: metadata.json field {field!r} must be {expected}, found {shown}")

    if not isinstance(meta, dict):
        raise ModelError(
            f"{model_dir}: metadata.json must hold a JSON object, found a JSON {type(meta).__name__}"
        )
    for field in ("format_version", "model_kind", "model_version"):
        if not isinstance(meta.get(field), str) or not meta.get(field):
            raise bad(field, "a non-empty string", meta.get(field))
    t = meta.get("threshold")
    # 0 refuses everyone and a value just above 1 approves everyone: both can come out of training
    if not _real(t) or not 0 <= t <= 1 + 1e-9:
        raise bad("threshold", "a probability (a number in [0, 1], not a boolean)", t)
    packages = meta.get("packages")
    if not isinstance(packages, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in packages.items()
    ):
        raise bad("packages", "an object of package name -> version string", packages)
    files = meta.get("files")
    if (
        not isinstance(files, dict)
        or not files
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    ):
        raise bad("files", "a non-empty object of file name -> sha256", files)
    names = meta.get("feature_names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise bad("feature_names", "a non-empty list of strings", names)
    if "cost_weights" in meta:
        cw = meta["cost_weights"]
        if not isinstance(cw, dict) or not all(_real(cw.get(k)) and cw[k] >= 0 for k in ("c_fn", "c_fp")):
            raise bad("cost_weights", "an object with numbers c_fn >= 0 and c_fp >= 0", cw)
    if "feature_dtypes" in meta and not isinstance(meta["feature_dtypes"], dict):
        raise bad("feature_dtypes", "an object", meta["feature_dtypes"])
    if "metrics" in meta and not isinstance(meta["metrics"], dict):
        raise bad("metrics", "an object", meta["metrics"])
    return meta
