"""Detection quality on a labelled corpus, through the HTTP API of a running service.

    make eval                      # starts a service on a free port if none answers
    make eval EVAL_ARGS="--url http://127.0.0.1:8765 --corpus ../shared/corpus/dev.jsonl"

Prints precision, recall and F1 of `warn`, the false-warning rate, recall per
category (warned, and warned with a finding of that category), the share of
risky spans covered by findings, and every miss.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"


def utf16_index(text, index):
    return len(text[:index].encode("utf-16-le", "surrogatepass")) // 2


def span_coverage(text, span, findings):
    """Share of a span's UTF-16 units covered by findings."""
    at = text.find(span)
    if at < 0:
        return 0.0
    start, end = utf16_index(text, at), utf16_index(text, at + len(span))
    covered = set()
    for f in findings:
        covered.update(range(max(start, f["start"]), min(end, f["end"])))
    return len(covered) / max(1, end - start)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service():
    port = free_port()
    env = dict(os.environ, PORT=str(port), WORKERS="2", IMPARTIAL_RULES_DIR=str(ROOT / "shared-rules"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "service" / "gunicorn_conf.py"), "service:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the service did not start: are the rules valid?")
        try:
            if requests.get(url + "/healthz", timeout=2).ok:
                return proc, url
        except requests.RequestException:
            pass  # not listening yet, or slow on a busy machine: ask again
        time.sleep(0.1)
    proc.terminate()
    proc.wait(timeout=30)
    raise SystemExit("the service did not answer within 60 s")


def http_scorer(url, profile=None):
    """score(text) -> the /v1/score response of a running service."""
    session = requests.Session()

    def score(text):
        body = {"text": text}
        if profile:
            body["profile"] = profile
        response = session.post(url + "/v1/score", json=body, timeout=30)
        response.raise_for_status()
        return response.json()
    return score


def evaluate(url, items, profile=None):
    return evaluate_with(http_scorer(url, profile), items)


def evaluate_with(score, items):
    """Figures for labelled items, each scored by score(text)."""
    tp = fp = fn = tn = 0
    hard_negatives = hard_fp = 0
    per_cat = defaultdict(lambda: [0, 0, 0])  # items, warned, warned with a finding of that category
    coverage, misses = [], []
    for item in items:
        result = score(item["text"])
        warned = result["warn"]
        found_cats = {f["category"] for f in result["findings"]}
        if item["should_warn"]:
            tp += warned
            fn += not warned
            for cat in item["categories"]:
                per_cat[cat][0] += 1
                per_cat[cat][1] += warned
                per_cat[cat][2] += warned and cat in found_cats
            for span in item["spans"]:
                coverage.append(span_coverage(item["text"], span, result["findings"]))
        else:
            fp += warned
            tn += not warned
            if item.get("note", "").startswith("Hard negative"):
                hard_negatives += 1
                hard_fp += warned
        if warned != item["should_warn"]:
            misses.append((item, result))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "items": len(items), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": precision, "recall": recall, "f1": f1,
        "false_warning_rate": fp / (fp + tn) if fp + tn else 0.0,
        "hard_negative_false_warning_rate": hard_fp / hard_negatives if hard_negatives else 0.0,
        "span_coverage": sum(1 for c in coverage if c >= 0.5) / len(coverage) if coverage else 0.0,
        "categories": {cat: {"items": n, "recall": w / n, "recall_with_category": c / n}
                       for cat, (n, w, c) in sorted(per_cat.items())},
        "misses": [{"id": item["id"], "expected": item["level"], "got": result["level"], "score": result["score"],
                    "categories": item["categories"], "rules": [f["rule"] for f in result["findings"]],
                    "text": item["text"]} for item, result in misses],
    }


def report(summary, show_misses=True):
    print(f"items {summary['items']}  tp {summary['tp']}  fp {summary['fp']}  fn {summary['fn']}  tn {summary['tn']}")
    print(f"precision {summary['precision']:.3f}  recall {summary['recall']:.3f}  F1 {summary['f1']:.3f}")
    print(f"false warnings {summary['false_warning_rate']:.1%} of posts that should not warn, "
          f"{summary['hard_negative_false_warning_rate']:.1%} of hard negatives")
    print(f"risky spans covered (>=50% of the span under a finding) {summary['span_coverage']:.1%}")
    print(f"{'category':24} {'items':>5} {'recall':>7} {'with category':>14}")
    for cat, row in summary["categories"].items():
        print(f"{cat:24} {row['items']:5d} {row['recall']:7.3f} {row['recall_with_category']:14.3f}")
    if show_misses:
        print(f"\nmisses ({len(summary['misses'])}):")
        for miss in summary["misses"]:
            kind = "FALSE WARNING" if miss["got"] in ("medium", "high") else "MISSED"
            print(f"  {miss['id']} {kind}: expected {miss['expected']}, got {miss['got']} ({miss['score']}) "
                  f"{','.join(miss['categories']) or '-'} rules={','.join(miss['rules']) or '-'}")
            print(f"      {miss['text'][:160]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="service base URL (default: start one on a free port)")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--profile")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--no-misses", action="store_true")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_file():
        raise SystemExit(f"eval: no corpus at {corpus}. The labelled corpus lives in ../shared/corpus/ beside the "
                         f"clone; pass another file in the same schema with --corpus FILE "
                         f"(for instance eval/team-check-1.jsonl).")
    try:
        items = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SystemExit(f"eval: cannot read {corpus}: {type(exc).__name__}") from None
    proc = None
    url = args.url
    try:
        if url is None:
            proc, url = start_service()
        summary = evaluate(url.rstrip("/"), items, args.profile)
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        report(summary, not args.no_misses)


if __name__ == "__main__":
    main()
