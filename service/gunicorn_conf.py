"""gunicorn settings for `make run`: `gunicorn -c service/gunicorn_conf.py 'service:create_app()'`."""
import multiprocessing
import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8765')}"
workers = int(os.environ.get("WORKERS") or min(8, multiprocessing.cpu_count() * 2 + 1))
# gthread keeps client connections alive (sync workers close each one), which the
# extension's steady trickle of small requests and a proxy's pooled connections both want;
# service.worker.Worker is gthread reading each request in its event loop, so slow or idle
# clients hold a socket, never a thread, and get 408 after 10 s (see README, "Slow clients").
worker_class = os.environ.get("WORKER_CLASS", "service.worker.Worker")
threads = int(os.environ.get("THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 0
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# The app logs each request as JSON (no query string, User-Agent or Referer); gunicorn's
# access log only when asked for with ACCESS_LOG=1.
_access = os.environ.get("ACCESS_LOG", "") not in ("", "0")
accesslog = "-" if _access else None
errorlog = "-"
# gunicorn 27's control socket defaults to one path per user, so a second server would take
# over the first one's: off.
control_socket_disable = True
loglevel = os.environ.get("LOG_LEVEL", "info")
proc_name = "impartial"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stderr"] if _access else [], "level": "INFO" if _access else "CRITICAL",
                            "propagate": False},
    },
}

# One runtime directory per server: workers share the rules in force through it,
# and Prometheus merges their metrics from it. Both are made before any worker starts.
_created = not os.environ.get("IMPARTIAL_RUNTIME_DIR")
_runtime = os.environ.get("IMPARTIAL_RUNTIME_DIR") or tempfile.mkdtemp(prefix="impartial-run-")
os.environ["IMPARTIAL_RUNTIME_DIR"] = _runtime
os.makedirs(_runtime, exist_ok=True)
# A new server starts from the rules directory as it is, not a pointer left by an old one.
if os.path.exists(os.path.join(_runtime, "current")):
    os.unlink(os.path.join(_runtime, "current"))
_metrics = os.path.join(_runtime, "metrics")
os.makedirs(_metrics, exist_ok=True)
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", _metrics)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _created:
        shutil.rmtree(_runtime, ignore_errors=True)
