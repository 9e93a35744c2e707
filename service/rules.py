"""Reading, validating and versioning rule packs from a rules directory.

A rules directory holds guidance.yaml, profiles.yaml, lexicons/*.yaml and
packs/*.yaml, each validated by schema.json. Loading is all or nothing: every
problem is collected as (file, rule id, what is wrong) and raised together, so
an invalid directory never replaces the rules in force.
"""
import errno
import gzip
import hashlib
import io
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from .model import model_findings_problems, model_problems

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024
MAX_YAML_DEPTH = 32
MAX_LEXICON_ENTRIES = 10000
MAX_TOTAL_ENTRIES = 50000
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
        # Every problem in the message too, so a server that cannot start says why.
        listed = "; ".join(f"{p.file}{f' ({p.rule})' if p.rule else ''}: {p.message}" for p in self.problems[:50])
        super().__init__(f"{len(self.problems)} problem(s) in rule files: {listed}")


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases (and so alias bombs) and deep nesting."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", event.start_mark)
        # Composing and constructing recurse once per level: refuse depth before Python's stack does.
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", self.peek_event().start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if getattr(node, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", node.start_mark)
        return node


# The learned model and the wording of its findings, versioned and validated with the rules.
MODEL_FILES = {"model/model.json": "model", "model/findings.yaml": "model-findings"}
# The model may also come gzip-compressed (a Kubernetes ConfigMap holds at most 1 MiB); it is
# read as model/model.json, so the rules version is the same either way.
MODEL_GZ = "model/model.json.gz"
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


def _inside(root, path):
    """The real path of path if it stays inside root (symbolic links resolved), else None."""
    real = os.path.realpath(path)
    return real if real == root or real.startswith(root + os.sep) else None


def _is_rule_name(rel, sub):
    return rel in MODEL_FILES or rel == MODEL_GZ or (rel.rsplit("/", 1)[-1].endswith((".yaml", ".yml")) and bool(_kind(rel) or sub))


def _limit(rel):
    return MAX_MODEL_BYTES if rel == MODEL_GZ or _kind(rel) == "model" else MAX_FILE_BYTES


def _gunzip(data):
    """A compressed model's bytes, never more than the model limit (no gzip bombs)."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
        out = handle.read(MAX_MODEL_BYTES + 1)
    if len(out) > MAX_MODEL_BYTES:
        raise ValueError(f"decompresses to more than {MAX_MODEL_BYTES} bytes")
    return out


def rule_files(rules_dir, problems=None):
    """Relative paths of the files that make up the rules in force, sorted; problems collects what is refused.

    The directory is untrusted input: a symbolic link may point only inside it (as a
    Kubernetes ConfigMap's do), and an entry named like a rule file must be a regular file.
    """
    problems = [] if problems is None else problems
    root = os.path.realpath(rules_dir)
    found = []
    for sub in ("", "packs", "lexicons", "model"):
        folder = os.path.join(root, sub) if sub else root
        if sub and os.path.lexists(folder):
            if _inside(root, folder) is None:
                problems.append(Problem(f"{sub}/", None, "symbolic link to a place outside the rules directory"))
                continue
            if not os.path.isdir(folder):
                problems.append(Problem(f"{sub}/", None, "not a folder"))
                continue
        elif sub:
            continue
        try:
            entries = sorted(os.listdir(folder))
        except OSError as exc:
            problems.append(Problem(f"{sub}/" if sub else ".", None, f"folder cannot be read: {_os_reason(exc)}"))
            continue
        for name in entries:
            rel = f"{sub}/{name}" if sub else name
            if name.startswith(".") or not _is_rule_name(rel, sub):
                continue
            path = os.path.join(folder, name)
            real = _inside(root, path)
            if real is None:
                problems.append(Problem(rel, None, "symbolic link to a place outside the rules directory"))
            elif not stat.S_ISREG(os.stat(real).st_mode):
                problems.append(Problem(rel, None, "not a regular file"))
            else:
                found.append(rel)
    return sorted(found)


def _os_reason(exc):
    # The reason only (errno's text), never the path or anything read.
    return os.strerror(exc.errno).lower() if exc.errno else type(exc).__name__


def _read(root, rel):
    """A rule file's bytes, opened without following a last-moment link and without blocking on a FIFO."""
    real = _inside(root, os.path.join(root, rel))
    if real is None:
        raise OSError(errno.ELOOP, "symbolic link")
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        limit = _limit(rel)
        if info.st_size > limit:
            return info.st_size, None
        return info.st_size, handle.read(limit + 1)


def read_files(rules_dir):
    """Read every rule file as bytes: {relpath: bytes}. Size limits apply here."""
    if not os.path.isdir(rules_dir):
        raise RulesError([Problem(str(rules_dir), None, "rules directory does not exist")])
    root = os.path.realpath(rules_dir)
    problems = []
    files, total = {}, 0
    for rel in rule_files(root, problems):
        try:
            size, data = _read(root, rel)
        except OSError as exc:
            problems.append(Problem(rel, None, f"file cannot be read: {_os_reason(exc)}"))
            continue
        limit = _limit(rel)
        if data is None or len(data) > limit:
            problems.append(Problem(rel, None, f"file is {size} bytes; the limit is {limit}"))
            continue
        if rel == MODEL_GZ:
            try:
                data = _gunzip(data)
            except (OSError, EOFError, ValueError, zlib.error) as exc:
                problems.append(Problem(rel, None, f"not a valid gzip file: {exc if isinstance(exc, ValueError) else 'corrupt'}"))
                continue
            if "model/model.json" in rule_files(root):
                problems.append(Problem(rel, None, "model/model.json is there too: keep one of them"))
                continue
            rel = "model/model.json"
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            problems.append(Problem(rel, None, f"rule files exceed {MAX_TOTAL_BYTES} bytes in all"))
            break
        files[rel] = data
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


_NAME = re.compile(r"[A-Za-z0-9_.-]{1,60}")


def _name(value):
    """A key or id fit to repeat in a message (short, plain); anything else is not repeated."""
    return value if isinstance(value, str) and _NAME.fullmatch(value) else None


def _error_rule(doc, path):
    """The rule id an error path points into, if any."""
    path = list(path)
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        try:
            rule = doc["rules"][path[1]]
        except (KeyError, IndexError, TypeError):
            return None
        if isinstance(rule, dict) and _name(rule.get("id")):
            return rule["id"]
        return f"rules[{path[1]}]"
    return None


def _reason(error):
    """What a schema error means, from the schema alone: a file's values are never quoted."""
    keyword, expected = error.validator, error.validator_value
    if keyword == "enum":
        return "must be one of: " + ", ".join(map(str, expected))[:200]
    if keyword == "const":
        return f"must be {expected}"
    if keyword == "type":
        return f"must be of type {expected if isinstance(expected, str) else ' or '.join(expected)}"
    if keyword == "required":
        missing = [name for name in expected if isinstance(error.instance, dict) and name not in error.instance]
        return f"{missing[0] if missing else 'a field'} is required"
    if keyword == "additionalProperties":
        extra = [key for key in (error.instance if isinstance(error.instance, dict) else {})
                 if key not in error.schema.get("properties", {})]
        named = [_name(key) or "(unnamed)" for key in extra[:3]]
        return "unknown field(s): " + ", ".join(named)
    limits = {"minLength": "is too short", "maxLength": "is too long", "minItems": "has too few items",
              "maxItems": "has too many items", "minimum": "is too small", "maximum": "is too large",
              "pattern": "is not in the required format", "uniqueItems": "has duplicate items",
              "format": "is not in the required format"}
    if keyword in limits:
        bound = f" ({keyword} {expected})" if keyword != "pattern" else ""
        return limits[keyword] + bound
    return f"does not satisfy the schema ({keyword})"


def _describe(error):
    where = "/".join(str(p) if isinstance(p, int) else (_name(p) or "?") for p in error.absolute_path)
    message = _reason(error)
    return f"{where}: {message}" if where else message


def _yaml_reason(exc):
    # PyYAML's problem text can quote a fragment of the file: keep it only when it is a few characters.
    problem = str(getattr(exc, "problem", None) or type(exc).__name__)
    return re.sub(r"'(?!<)[^']{5,}'", "'...'", problem)[:200]


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
            problems.append(Problem(rel, None, f"{line}invalid YAML: {_yaml_reason(exc)}"))
            continue
        except RecursionError:
            problems.append(Problem(rel, None, f"invalid YAML: nested deeper than {MAX_YAML_DEPTH} levels"))
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
        if kind == "lexicon" and len(doc["entries"]) > MAX_LEXICON_ENTRIES:
            problems.append(Problem(rel, None, f"lexicon has {len(doc['entries'])} entries; "
                                               f"the limit is {MAX_LEXICON_ENTRIES}"))
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
    entries = sum(len(doc["entries"]) for rel, doc in docs.items() if _kind(rel) == "lexicon")
    if entries > MAX_TOTAL_ENTRIES:
        problems.append(Problem("lexicons/", None, f"lexicons hold {entries} entries in all; "
                                                   f"the limit is {MAX_TOTAL_ENTRIES}"))
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
