"""The one path from a request to the engine: every endpoint scores through score()."""
import time

from flask import g

from . import metrics


def score(ruleset, text, profile, context):
    """Score a text for the current request, recording its log fields and metrics (never the text)."""
    started = time.perf_counter()
    result = ruleset.score(text, profile, context)
    g.log_fields = {
        "length": len(text), "score": result["score"], "level": result["level"],
        "findings": len(result["findings"]), "engine_ms": round((time.perf_counter() - started) * 1000, 3),
        "profile": profile, "rules_version": ruleset.version,
    }
    metrics.LEVELS.labels(result["level"]).inc()
    for finding in result["findings"]:
        metrics.FINDINGS.labels(finding["category"]).inc()
    return result
