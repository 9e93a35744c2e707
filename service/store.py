"""The rules in force, shared by every worker process of one server.

A reload validates and compiles the rules directory, writes the validated files
as a snapshot in a runtime directory shared by the server's workers, and points
`current` at it. Every worker checks that pointer before it scores, so once the
reload has answered 200, every request on every worker is scored by the new
rules. A request in flight keeps the rules it started with.
"""
import fcntl
import json
import logging
import os
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from . import engine
from .rules import RulesError, directory_version, load_documents, parse_files, check_names

log = logging.getLogger("impartial.rules")
KEEP_SNAPSHOTS = 4
WATCH_SECONDS = 0.05
READY_WAIT_SECONDS = 30.0


def default_runtime_dir(rules_dir):
    """A runtime directory shared by the workers of one gunicorn master, private otherwise."""
    configured = os.environ.get("IMPARTIAL_RUNTIME_DIR")
    if configured:
        return configured
    if "gunicorn.arbiter" in sys.modules:
        # Workers are forked by one master: its pid names their shared directory.
        tag = f"{os.getppid()}-{abs(hash(os.path.abspath(rules_dir))) % 10**8}"
        return os.path.join(tempfile.gettempdir(), f"impartial-{tag}")
    return tempfile.mkdtemp(prefix="impartial-")


class RulesStore:
    """Holds the RuleSet in force and keeps it in step with the other workers."""

    def __init__(self, rules_dir, runtime_dir=None, poll_seconds=0):
        self.rules_dir = str(rules_dir)
        self.runtime = Path(runtime_dir or default_runtime_dir(self.rules_dir))
        self.runtime.mkdir(parents=True, exist_ok=True)
        self.pointer = self.runtime / "current"
        # A reload first names the new version in `next`; every worker compiles it in the
        # background and says so in ready-<pid>; only then does `current` move, so no request
        # ever waits on a compile.
        self.next_pointer = self.runtime / "next"
        self._ready = self.runtime / f"ready-{os.getpid()}"
        self._compiled = {}
        self._swap_lock = threading.Lock()
        self._pointer_stamp = None
        self._next_stamp = None
        self._refused_version = None
        with self._exclusive():
            published = self._read_pointer()
            if published and (self.runtime / f"snapshot-{published}.json").exists():
                self.current = self._load_snapshot(published)
            else:
                version, files, docs = load_documents(self.rules_dir)
                self.current = engine.build(version, docs)
                self._publish(version, files)
        self._pointer_stamp = self._stamp()
        self._compiled[self.current.version] = self.current
        self._mark_ready(self.current.version)
        self._stop = threading.Event()
        self._threads = []
        self._start(self._watch_pointer, WATCH_SECONDS)
        if poll_seconds and poll_seconds > 0:
            self._start(self._poll_directory, poll_seconds)

    # --- the hot path -----------------------------------------------------------
    def get(self):
        """The RuleSet in force, after catching up with a reload made by another worker."""
        stamp = self._stamp()
        if stamp != self._pointer_stamp:
            self._catch_up(stamp)
        return self.current

    def _stamp(self, path=None):
        try:
            st = os.stat(path or self.pointer)
        except FileNotFoundError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def _catch_up(self, stamp):
        with self._swap_lock:
            if stamp == self._pointer_stamp:
                return
            version = self._read_pointer()
            if version and version != self.current.version:
                self.current = self._compiled.get(version) or self._load_snapshot(version)
                log.info("rules swapped", extra={"event": "rules_swapped", "rules_version": version})
            self._pointer_stamp = stamp

    # --- reloading --------------------------------------------------------------
    def reload(self):
        """Validate the rules directory and put it in force everywhere: (new, previous) RuleSets."""
        with self._exclusive():
            previous = self.get()
            version, files, docs = load_documents(self.rules_dir)
            ruleset = previous if version == previous.version else engine.build(version, docs)
            if ruleset is not previous:
                self._write_snapshot(version, files)
                self._remember(ruleset)
                _atomic_write(self.next_pointer, version.encode("ascii"))
                self._wait_until_ready(version)
            with self._swap_lock:
                self._publish(version, files)
                self.current = ruleset
                self._pointer_stamp = self._stamp()
            return ruleset, previous

    def _remember(self, ruleset):
        self._compiled[ruleset.version] = ruleset
        for old in [v for v in self._compiled if v not in (ruleset.version, self.current.version)]:
            del self._compiled[old]
        self._mark_ready(ruleset.version)

    def _mark_ready(self, version):
        _atomic_write(self._ready, version.encode("ascii"))

    def _wait_until_ready(self, version):
        """Until every live worker of this server has compiled version (bounded: a stuck worker compiles on swap)."""
        deadline = time.monotonic() + READY_WAIT_SECONDS
        while time.monotonic() < deadline:
            waiting = []
            for path in self.runtime.glob("ready-*"):
                pid = int(path.name.split("-", 1)[1])
                if not _alive(pid):
                    path.unlink(missing_ok=True)
                    continue
                try:
                    if path.read_text(encoding="ascii").strip() != version:
                        waiting.append(pid)
                except FileNotFoundError:
                    continue
            if not waiting:
                return
            time.sleep(0.02)
        log.warning("workers slow to compile a reload", extra={"event": "rules_ready_timeout", "workers": waiting})

    def _publish(self, version, files):
        self._write_snapshot(version, files)
        _atomic_write(self.pointer, version.encode("ascii"))
        self._prune(version)

    def _write_snapshot(self, version, files):
        snapshot = self.runtime / f"snapshot-{version}.json"
        if not snapshot.exists():
            payload = {"version": version, "files": {rel: data.decode("utf-8") for rel, data in files.items()}}
            _atomic_write(snapshot, json.dumps(payload).encode("utf-8"))

    def _prune(self, keep):
        snapshots = sorted(self.runtime.glob("snapshot-*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in snapshots[:-KEEP_SNAPSHOTS]:
            if old.name != f"snapshot-{keep}.json":
                old.unlink(missing_ok=True)

    def _read_pointer(self):
        try:
            return self.pointer.read_text(encoding="ascii").strip() or None
        except FileNotFoundError:
            return None

    def _load_snapshot(self, version):
        payload = json.loads((self.runtime / f"snapshot-{version}.json").read_text(encoding="utf-8"))
        files = {rel: text.encode("utf-8") for rel, text in payload["files"].items()}
        docs, problems = parse_files(files)
        problems = problems or check_names(docs)
        if problems:
            raise RulesError(problems)
        # Validated (examples included) by the worker that published it.
        return engine.build(version, docs, check_examples=False)

    @contextmanager
    def _exclusive(self):
        with open(self.runtime / "lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- background threads -----------------------------------------------------
    def _start(self, target, interval):
        thread = threading.Thread(target=self._loop, args=(target, interval), daemon=True, name=target.__name__)
        thread.start()
        self._threads.append(thread)

    def _loop(self, target, interval):
        while not self._stop.wait(interval):
            try:
                target()
            except Exception:  # noqa: BLE001 - a background check must never die
                log.exception("rules background check failed", extra={"event": "rules_check_failed"})

    def _watch_pointer(self):
        """Compile a reload another worker announced in `next` before any request needs it."""
        stamp = self._stamp(self.next_pointer)
        if stamp is not None and stamp != self._next_stamp:
            try:
                version = self.next_pointer.read_text(encoding="ascii").strip()
            except FileNotFoundError:
                version = None
            if version and version not in self._compiled:
                try:
                    self._remember(self._load_snapshot(version))
                except (FileNotFoundError, RulesError):
                    pass  # pruned or refused meanwhile: the swap, if any, compiles it
            elif version:
                self._mark_ready(version)
            self._next_stamp = stamp
        self.get()

    def _poll_directory(self):
        """Reload when the directory's content hash differs from the rules in force."""
        try:
            version = directory_version(self.rules_dir)
        except RulesError as exc:
            self._refuse(None, exc)
            return
        if version in (self.get().version, self._refused_version):
            return
        try:
            ruleset, previous = self.reload()
        except RulesError as exc:
            self._refuse(version, exc)
            return
        self._refused_version = None
        log.info("rules reloaded from directory", extra={
            "event": "rules_polled", "rules_version": ruleset.version, "previous_version": previous.version})

    def _refuse(self, version, exc):
        if version is not None and version == self._refused_version:
            return
        self._refused_version = version
        log.warning("rules directory refused; the rules in force stay", extra={
            "event": "rules_refused", "problems": [p.as_dict() for p in exc.problems][:20]})

    def close(self):
        self._stop.set()
        self._ready.unlink(missing_ok=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _atomic_write(path, data):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # mtime granularity can hide two writes in one tick: bump it so watchers see the change.
    now = time.time_ns()
    os.utime(path, ns=(now, now))
