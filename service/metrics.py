"""Prometheus metrics: counts, latency and findings per category. Labels never carry text."""
import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

REQUESTS = Counter("impartial_requests_total", "HTTP requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "impartial_request_seconds", "Time to answer a request", ["endpoint"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
FINDINGS = Counter("impartial_findings_total", "Findings returned, by category", ["category"])
LEVELS = Counter("impartial_scores_total", "Texts scored, by level", ["level"])
OVER_BUDGET = Counter("impartial_over_time_budget_total", "Requests stopped at their time budget (503)", ["endpoint"])
RELOADS = Counter("impartial_rules_reloads_total", "Rule reloads, by result", ["result"])


def exposition():
    """(body, content type) of every metric, merged across worker processes when multiprocess."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
