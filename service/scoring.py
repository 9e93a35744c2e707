"""The one path from a request to the engine: every endpoint scores through score()."""
import time
from collections import Counter

from flask import current_app, g

from . import budget, metrics


def score(ruleset, text, profile, context):
    """Score a text within the time budget, recording its log fields and metrics (never the text)."""
    started = time.perf_counter()
    result = budget.call(current_app.config["TIME_BUDGET_MS"] / 1000, ruleset.score, text, profile, context)
    g.log_fields = {
        "length": len(text), "score": result["score"], "risk_level": result["level"],
        "findings": len(result["findings"]), "engine_ms": round((time.perf_counter() - started) * 1000, 3),
        "profile": profile, "rules_version": ruleset.version,
    }
    metrics.LEVELS.labels(result["level"]).inc()
    # One increment per category, not per finding: each is a locked write to a shared file.
    for category, count in Counter(finding["category"] for finding in result["findings"]).items():
        metrics.FINDINGS.labels(category).inc(count)
    return result
