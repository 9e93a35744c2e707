"""Reading, validating and versioning rule packs from a rules directory.

A rules directory holds guidance.yaml, profiles.yaml, lexicons/*.yaml and
packs/*.yaml, each validated by schema.json. Loading is all or nothing: every
problem is collected as (file, rule id, what is wrong) and raised together, so
an invalid directory never replaces the rules in force.
"""
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from .model import model_findings_problems, model_problems

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "shared-rules" / "schema.json"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule file."""

    file: str
    rule: str | None
    message: str

    def as_dict(self):
        return {"file": self.file, "rule": self.rule, "message": self.message}


class RulesError(Exception):
    """A rules directory that cannot be loaded; carries every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in rule files")


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases (and so alias bombs)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", event.start_mark)
        node = super().compose_node(parent, index)
        if getattr(node, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", node.start_mark)
        return node


# The learned model and the wording of its findings, versioned and validated with the rules.
MODEL_FILES = {"model/model.json": "model", "model/findings.yaml": "model-findings"}
MAX_MODEL_BYTES = 8 * 1024 * 1024


def _kind(relpath):
    """Which schema definition a file under the rules directory validates against."""
    parts = relpath.split("/")
    if relpath == "guidance.yaml":
        return "guidance"
    if relpath == "profiles.yaml":
        return "profiles"
    if len(parts) == 2 and parts[0] in ("packs", "lexicons") and parts[1].endswith(".yaml"):
        return parts[0][:-1]
    return MODEL_FILES.get(relpath)


def rule_files(rules_dir):
    """Relative paths of the files that make up the rules in force, sorted."""
    root = Path(rules_dir)
    found = []
    for sub in ("", "packs", "lexicons", "model"):
        folder = root / sub if sub else root
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            rel = f"{sub}/{entry.name}" if sub else entry.name
            if entry.name.startswith("."):
                continue
            if entry.is_file() and (entry.suffix in (".yaml", ".yml") or rel in MODEL_FILES) and (_kind(rel) or sub):
                found.append(rel)
    return sorted(found)


def read_files(rules_dir):
    """Read every rule file as bytes: {relpath: bytes}. Size limits apply here."""
    root = Path(rules_dir)
    if not root.is_dir():
        raise RulesError([Problem(str(rules_dir), None, "rules directory does not exist")])
    files, problems, total = {}, [], 0
    for rel in rule_files(root):
        path = root / rel
        size = path.stat().st_size
        limit = MAX_MODEL_BYTES if _kind(rel) == "model" else MAX_FILE_BYTES
        if size > limit:
            problems.append(Problem(rel, None, f"file is {size} bytes; the limit is {limit}"))
            continue
        total += size
        if total > MAX_TOTAL_BYTES:
            problems.append(Problem(rel, None, f"rule files exceed {MAX_TOTAL_BYTES} bytes in all"))
            break
        files[rel] = path.read_bytes()
    if problems:
        raise RulesError(problems)
    return files


def version_of(files):
    """Content hash of a set of rule files: changes whenever any file's bytes change."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(files[rel]).digest())
    return digest.hexdigest()[:16]


def directory_version(rules_dir):
    """Content hash of a rules directory as it is on disk now."""
    return version_of(read_files(rules_dir))


_schema_validators = {}


def _validator(kind):
    if kind not in _schema_validators:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        sub = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"}
        _schema_validators[kind] = jsonschema.Draft202012Validator(sub)
    return _schema_validators[kind]


def _error_rule(doc, path):
    """The rule id an error path points into, if any."""
    path = list(path)
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        try:
            rule = doc["rules"][path[1]]
        except (KeyError, IndexError, TypeError):
            return None
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            return rule["id"]
        return f"rules[{path[1]}]"
    return None


def _describe(error):
    where = "/".join(str(p) for p in error.absolute_path)
    message = error.message
    if len(message) > 240:
        message = message[:237] + "..."
    return f"{where}: {message}" if where else message


def parse_files(files):
    """Decode, parse and schema-check raw files: ({relpath: document}, [Problem])."""
    docs, problems = {}, []
    for rel in sorted(files):
        kind = _kind(rel)
        if kind is None:
            problems.append(Problem(rel, None, "unexpected file: rules live in packs/, lexicons/, guidance.yaml, profiles.yaml"))
            continue
        raw = files[rel]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(rel, None, f"not valid UTF-8 (byte {exc.start})"))
            continue
        if "\r" in text:
            problems.append(Problem(rel, None, "line endings must be LF"))
            continue
        if kind == "model":
            problems.extend(Problem(rel, None, reason) for reason in model_problems(text))
            if not problems or problems[-1].file != rel:
                docs[rel] = json.loads(text)
            continue
        try:
            doc = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - safe loader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = f"line {mark.line + 1}: " if mark else ""
            problems.append(Problem(rel, None, f"{line}invalid YAML: {getattr(exc, 'problem', None) or exc}"))
            continue
        if kind == "model-findings":
            problems.extend(Problem(rel, rule, reason) for rule, reason in model_findings_problems(doc))
            if not problems or problems[-1].file != rel:
                docs[rel] = doc
            continue
        errors = sorted(_validator(kind).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            for error in errors[:50]:
                problems.append(Problem(rel, _error_rule(doc, error.absolute_path), _describe(error)))
            continue
        docs[rel] = doc
    return docs, problems


def check_names(docs):
    """Cross-file checks: unique pack, lexicon and rule ids, and every reference resolves."""
    problems = []
    lexicons, packs, rule_ids = {}, {}, {}
    guidance = {}
    profiles = None
    for rel, doc in sorted(docs.items()):
        kind = _kind(rel)
        if kind == "lexicon":
            name = doc["lexicon"]
            if name in lexicons:
                problems.append(Problem(rel, None, f"lexicon id {name!r} is also defined in {lexicons[name]}"))
            lexicons[name] = rel
        elif kind == "pack":
            name = doc["pack"]
            if name in packs:
                problems.append(Problem(rel, None, f"pack id {name!r} is also defined in {packs[name]}"))
            packs[name] = rel
            for rule in doc["rules"]:
                if rule["id"] in rule_ids:
                    problems.append(Problem(rel, rule["id"], f"duplicate rule id, first defined in {rule_ids[rule['id']]}"))
                else:
                    rule_ids[rule["id"]] = rel
        elif kind == "guidance":
            guidance = doc["guidance"]
        elif kind == "profiles":
            profiles = doc
    if "guidance.yaml" not in docs and not any(p.file == "guidance.yaml" for p in problems):
        problems.append(Problem("guidance.yaml", None, "missing: every rule's guidance is defined there"))
    if profiles is None:
        problems.append(Problem("profiles.yaml", None, "missing: profiles select the packs in force"))
    if not packs:
        problems.append(Problem("packs/", None, "no rule packs"))
    for rel, doc in sorted(docs.items()):
        if _kind(rel) != "pack":
            continue
        for rule in doc["rules"]:
            if rule["guidance"] not in guidance:
                problems.append(Problem(rel, rule["id"], f"guidance {rule['guidance']!r} is not defined in guidance.yaml"))
            for field in ("terms", "entity", "cue", "exceptions"):
                for name in rule.get(field, {}).get("lexicons", []):
                    if name not in lexicons:
                        problems.append(Problem(rel, rule["id"], f"{field}: unknown lexicon {name!r}"))
            for name in rule.get("unless_near", {}).get("terms", {}).get("lexicons", []):
                if name not in lexicons:
                    problems.append(Problem(rel, rule["id"], f"unless_near: unknown lexicon {name!r}"))
    findings = docs.get("model/findings.yaml")
    if "model/model.json" in docs and findings is None and not any(p.file == "model/findings.yaml" for p in problems):
        problems.append(Problem("model/findings.yaml", None, "missing: the model's findings need their wording (they come together)"))
    if findings is not None:
        for category, entry in findings["model"].items():
            rule_ids.setdefault(f"model.{category}", "model/findings.yaml")
            if entry["guidance"] not in guidance:
                problems.append(Problem("model/findings.yaml", f"model.{category}",
                                        f"guidance {entry['guidance']!r} is not defined in guidance.yaml"))
    if profiles is not None:
        if profiles["default"] not in profiles["profiles"]:
            problems.append(Problem("profiles.yaml", None, f"default profile {profiles['default']!r} is not defined"))
        for name, profile in profiles["profiles"].items():
            for pack in profile["packs"]:
                if pack not in packs:
                    problems.append(Problem("profiles.yaml", None, f"profile {name!r}: unknown pack {pack!r}"))
            for rule_id in list(profile.get("severity", {})) + profile.get("disable", []):
                if rule_id not in rule_ids:
                    problems.append(Problem("profiles.yaml", rule_id, f"profile {name!r}: unknown rule id"))
        for name, adjustment in profiles["contexts"].items():
            for pack in adjustment.get("packs", []):
                if pack not in packs:
                    problems.append(Problem("profiles.yaml", None, f"context {name!r}: unknown pack {pack!r}"))
    return problems


def load_documents(rules_dir):
    """Read and parse a rules directory: (version, files, docs). Raises RulesError."""
    files = read_files(rules_dir)
    docs, problems = parse_files(files)
    if not problems:
        problems = check_names(docs)
    if problems:
        raise RulesError(problems)
    return version_of(files), files, docs


def env_rules_dir():
    """The rules directory named by IMPARTIAL_RULES_DIR, or the bundled one."""
    return os.environ.get("IMPARTIAL_RULES_DIR", "shared-rules")
