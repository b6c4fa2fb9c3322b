"""A trained model's directory: tagger, relation weights and a manifest (meta.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TAGGER_FILE = "tagger.crfsuite"
RELATIONS_FILE = "relations.npz"
META_FILE = "meta.json"
DEFAULT_MODEL_DIR = Path(__file__).parent / "model"


def write_meta(model_dir: Path, meta: dict[str, Any]) -> None:
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def read_meta(model_dir: Path) -> dict[str, Any]:
    """The manifest, or a one-line error naming the directory when it is not a model."""
    path = model_dir / META_FILE
    for name in (META_FILE, TAGGER_FILE, RELATIONS_FILE):
        if not (model_dir / name).is_file():
            raise FileNotFoundError(f"{model_dir}: not a learned model directory (no {name})")
    return json.loads(path.read_text())
