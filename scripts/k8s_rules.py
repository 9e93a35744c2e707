"""The rules directory as a Kubernetes ConfigMap, and the volume items that lay it out again.

    .venv/bin/python scripts/k8s_rules.py [RULES_DIR] > rules-configmap.yaml
    .venv/bin/python scripts/k8s_rules.py --items [RULES_DIR]   # the rules volume's items

ConfigMap keys cannot hold "/", so packs/core.yaml is stored under the key
packs.core.yaml and deploy/k8s/deployment.yaml maps each key back to its path.
The model (over a ConfigMap's 1 MiB) goes gzip-compressed into a second ConfigMap,
impartial-model; the Deployment's projected volume lays both out as one rules folder.
"""
import argparse
import base64
import gzip
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.rules import read_files  # noqa: E402  (needs the repo root on sys.path)

NAME = "impartial-rules"
NAMESPACE = "impartial"


def key_of(relpath):
    """The ConfigMap key of a file under the rules directory."""
    return relpath.replace("/", ".")


MODEL = "model/model.json"
MODEL_NAME = "impartial-model"


def configmap(rules_dir):
    """The ConfigMap holding every rule file of rules_dir but the model, byte for byte."""
    files = read_files(rules_dir)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": {"app.kubernetes.io/name": "impartial"}},
        "data": {key_of(rel): data.decode("utf-8") for rel, data in sorted(files.items()) if rel != MODEL},
    }


def model_configmap(rules_dir):
    """The model, gzip-compressed, in a ConfigMap of its own: a ConfigMap holds at most 1 MiB,
    and the model alone is larger. The service reads model/model.json.gz as model/model.json."""
    data = read_files(rules_dir).get(MODEL)
    if data is None:
        return None
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": MODEL_NAME, "namespace": NAMESPACE, "labels": {"app.kubernetes.io/name": "impartial"}},
        "binaryData": {"model.json.gz": base64.b64encode(gzip.compress(data, 9, mtime=0)).decode("ascii")},
    }


def items(rules_dir):
    """The configMap volume items that put each key back at its path."""
    return [{"key": key_of(rel), "path": rel} for rel in sorted(read_files(rules_dir)) if rel != MODEL]


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as literal blocks, so the rule files stay readable."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules_dir", nargs="?", default=str(ROOT / "shared-rules"))
    parser.add_argument("--items", action="store_true", help="print the volume items instead of the ConfigMap")
    args = parser.parse_args(argv)
    if args.items:
        sys.stdout.write(yaml.dump(items(args.rules_dir), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096))
        return
    documents = [d for d in (configmap(args.rules_dir), model_configmap(args.rules_dir)) if d is not None]
    sys.stdout.write(yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096))


if __name__ == "__main__":
    main()
