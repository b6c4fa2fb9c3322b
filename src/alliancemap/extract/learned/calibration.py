"""Decision threshold and confidence calibration from held-out predictions.

The classifier's probabilities are not precisions. Cross-validation gives predictions on
passages the model never saw; the threshold with the best F1 there becomes the model's, and
an isotonic fit of "was this claim right" on the raw probability turns a probability into the
confidence a claim carries (so "confidence 0.9" means right about nine times in ten).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


def filter_confidence(preds: Sequence[dict], threshold: float) -> list[dict]:
    """Predicted records keeping only relations with confidence >= `threshold`."""
    return [
        dict(p, relations=[r for r in p.get("relations", []) if r["confidence"] >= threshold])
        for p in preds
    ]


def threshold_table(gold: Sequence[dict], preds: Sequence[dict]) -> list[dict[str, float]]:
    """P/R/F1 at every candidate threshold."""
    from alliancemap.evaluate import evaluate

    rows = []
    for t in THRESHOLDS:
        r = evaluate(list(gold), filter_confidence(preds, t))
        rows.append(
            {
                "threshold": t,
                "precision": round(r.precision, 4),
                "recall": round(r.recall, 4),
                "f1": round(r.f1, 4),
            }
        )
    return rows


def calibration_curve(
    gold: Sequence[dict], preds: Sequence[dict], threshold: float, points: int = 20
) -> dict[str, list[float]] | None:
    """Isotonic map raw probability -> observed precision, as at most `points` knots."""
    from sklearn.isotonic import IsotonicRegression

    from alliancemap.evaluate import claim_outcomes, evaluate

    kept = filter_confidence(preds, threshold)
    outcomes = claim_outcomes(kept, evaluate(list(gold), kept))
    if len(outcomes) < 20:
        return None
    x = np.array([c for c, _ in outcomes])
    y = np.array([float(ok) for _, ok in outcomes])
    iso = IsotonicRegression(y_min=0.01, y_max=0.99, out_of_bounds="clip").fit(x, y)
    grid = np.linspace(threshold, 1.0, points)
    return {
        "raw": [round(float(v), 4) for v in grid],
        "calibrated": iso.predict(grid).round(4).tolist(),
    }


def calibrate(raw: float, curve: dict[str, Any] | None) -> float:
    """The calibrated confidence of a raw probability (the raw value when there is no curve)."""
    if not curve:
        return raw
    return float(np.interp(raw, curve["raw"], curve["calibrated"]))
