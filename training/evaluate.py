"""Honest figures for the hybrid engine (rules + model): `make eval`.

1. k-fold cross-validation on the training posts: each fold's model is trained without the
   fold, written as a real model file and served by the real engine, so every post is
   scored by a model that never saw it, through the same code as /v1/score.
2. The held-back slice (training/config.json `held_back`), scored once through the HTTP API
   of a service running the shipped model, which was never trained or tuned on it.
3. Through the same service: the dev corpus (trained on: flattering) and the team's check
   sets in eval/ (the rules' authors knew of them: flattering too).
"""
import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import eval as http_eval  # noqa: E402
from service import engine  # noqa: E402
from training import train as trainer  # noqa: E402


def serving_ruleset(rules_dir, doc):
    """The real engine with the rules of rules_dir and the given model document."""
    base = trainer.rules_only(rules_dir)
    docs = dict(base.docs)
    docs["model/model.json"] = json.loads(json.dumps(doc))
    docs["model/findings.yaml"] = yaml.safe_load((Path(rules_dir) / "model" / "findings.yaml").read_text(encoding="utf-8"))
    return engine.build(base.version, docs, check_examples=False)


def cross_validated(config, rules_dir, folds=None):
    """Figures of the hybrid over k folds of the training posts, scored by the real engine."""
    rows = trainer.load_rows(config)
    base = trainer.rules_only(rules_dir)
    feat = trainer.Featurised(base, rows, config["profile"])
    train_idx = [i for i, r in enumerate(rows) if not trainer.held_back(r, config)]
    shipped = json.loads((Path(rules_dir) / "model" / "model.json").read_text(encoding="utf-8"))
    results = {}
    for number, (fit, test) in enumerate(trainer.folds(rows, train_idx, config, folds), start=1):
        print(f"fold {number}: training on {len(fit)} posts, scoring {len(test)}", file=sys.stderr)
        fitted = trainer.train(feat, rows, fit, config)
        doc = trainer.artifact(fitted, shipped["thresholds"], shipped["card"], config, base)
        ruleset = serving_ruleset(rules_dir, doc)
        for i in test:
            results[i] = ruleset.score(rows[i]["text"], config["profile"], {})
    scored = [rows[i] for i in sorted(results)]
    by_text = {rows[i]["text"]: result for i, result in results.items()}
    hybrid = http_eval.evaluate_with(by_text.__getitem__, scored)
    rules = http_eval.evaluate_with(lambda text: base.score(text, config["profile"], {}), scored)
    return hybrid, rules


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "training" / "config.json"))
    parser.add_argument("--rules", default=str(ROOT / "shared-rules"))
    parser.add_argument("--folds", type=int, help="override the config's fold count")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    parser.add_argument("--url", help="a running service (default: start one on a free port)")
    parser.add_argument("--corpus", help="only score this labelled file through the service, misses listed")
    args = parser.parse_args(argv)
    config = trainer.load_config(args.config)
    if args.corpus:
        return _one_file(Path(args.corpus), args.url)
    if not args.no_cv:
        hybrid, rules = cross_validated(config, args.rules, args.folds)
        print("\n== cross-validated on the training posts (hybrid: rules + model, real engine) ==")
        http_eval.report(hybrid, show_misses=False)
        print("\n== the same posts, rules alone ==")
        http_eval.report(rules, show_misses=False)
    rows = trainer.load_rows(config)
    sets = [("held-back slice (never trained or tuned on)", [r for r in rows if trainer.held_back(r, config)])]
    for name in ("dev.jsonl",):
        path = ROOT / "training" / "data" / name
        if path.exists():
            sets.append((f"{name} (trained on: flattering)", _read(path)))
    for path in sorted((ROOT / "eval").glob("*.jsonl")):
        sets.append((f"eval/{path.name} (not trained on)", _read(path)))
    proc, url = (None, args.url) if args.url else http_eval.start_service()
    try:
        for title, items in sets:
            if items:
                print(f"\n== {title} ==")
                http_eval.report(http_eval.evaluate(url.rstrip("/"), items), show_misses=False)
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def _one_file(path, url):
    proc, url = (None, url) if url else http_eval.start_service()
    try:
        http_eval.report(http_eval.evaluate(url.rstrip("/"), _read(path)))
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    main()
