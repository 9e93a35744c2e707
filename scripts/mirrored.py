"""Even-handedness: score every mirrored post (eval/mirrored.py) through the HTTP API and report splits.

    make mirrored                      # starts a service on a free port
    make mirrored MIRRORED_ARGS="--url http://127.0.0.1:8765"

Prints how often two variants of one template (the same sentence about another party
or politician) got a different level or warn, and lists every template that split
with the entities that left the usual level.
"""
import argparse
import importlib.util
import json
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mirrored = _load("impartial_mirrored", ROOT / "eval" / "mirrored.py")


def score_variants(url, items, profile=None):
    """The variants with the service's level and warn added."""
    session = requests.Session()
    scored = []
    for item in items:
        body = {"text": item["text"]}
        if profile:
            body["profile"] = profile
        response = session.post(url + "/v1/score", json=body, timeout=30)
        response.raise_for_status()
        result = response.json()
        scored.append(dict(item, level=result["level"], warn=result["warn"],
                           rules=sorted({f["rule"] for f in result["findings"]})))
    return scored


def report(summary):
    print(f"mirrored variants {summary['variants']} from {summary['templates']} templates, {summary['pairs']} pairs")
    print(f"pairs that disagree: level {summary['level_disagreement']:.2%}  warn {summary['warn_disagreement']:.2%}")
    for split in summary["split_templates"]:
        print(f"  SPLIT {split['template']!r} {split['levels']} (usual {split['usual']})")
        for entity, jurisdiction, level in split["odd"]:
            print(f"      {entity} ({jurisdiction}): {level}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="service base URL (default: start one on a free port)")
    parser.add_argument("--profile")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()
    start_service = _load("impartial_eval", ROOT / "scripts" / "eval.py").start_service
    proc, url = None, args.url
    try:
        if url is None:
            proc, url = start_service()
        scored = score_variants(url.rstrip("/"), mirrored.variants(), args.profile)
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
    summary = mirrored.disagreement(scored)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        report(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
