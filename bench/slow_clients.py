"""Slow and idle clients against a running service, on loopback only: do normal requests still get through?

    .venv/bin/python bench/slow_clients.py --url http://127.0.0.1:8765 --sockets 200 --seconds 60

Holds SOCKETS connections open for SECONDS: half send a request head one byte every
two seconds (slowloris), half connect and send nothing. Meanwhile one client posts a
normal score request every 50 ms and records each latency. Prints p50, p99, max and
failures as one JSON line. Bounded: it refuses non-loopback URLs and stops after SECONDS.
"""
import argparse
import json
import socket
import threading
import time
from urllib.parse import urlsplit

import requests

HEAD = b"POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 4000


def hold_slow_sockets(host, port, count, seconds, stop, counts):
    """Keep count sockets open, trickling bytes on half of them, reopening any the server closes."""
    sockets = [None] * count
    sent = [0] * count
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        for i in range(count):
            if sockets[i] is None:
                try:
                    sockets[i] = socket.create_connection((host, port), timeout=2)
                    sent[i] = 0
                    counts["opened"] += 1
                except OSError:
                    continue
            if i % 2 == 0:  # slowloris: one more byte of a head that never ends
                try:
                    sockets[i].send(HEAD[sent[i] % len(HEAD):][:1])
                    sent[i] += 1
                except OSError:
                    sockets[i].close()
                    sockets[i] = None
                    counts["closed_by_server"] += 1
        stop.wait(2.0)
    for s in sockets:
        if s is not None:
            s.close()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    parts = urlsplit(args.url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only: give http://127.0.0.1:PORT")
    stop, counts = threading.Event(), {"opened": 0, "closed_by_server": 0}
    holder = threading.Thread(target=hold_slow_sockets, daemon=True,
                              args=(parts.hostname, parts.port, args.sockets, args.seconds, stop, counts))
    holder.start()
    time.sleep(min(5.0, args.seconds / 4))  # let the slow sockets settle in first
    latencies, failures = [], 0
    session = requests.Session()
    body = {"text": "Proud to be out leafleting for Labour this weekend! Vote Labour on Thursday."}
    end = time.monotonic() + args.seconds - min(5.0, args.seconds / 4)
    while time.monotonic() < end:
        started = time.perf_counter()
        try:
            ok = session.post(args.url + "/v1/score", json=body, timeout=10).status_code == 200
        except requests.RequestException:
            ok = False
        latencies.append((time.perf_counter() - started) * 1000)
        failures += not ok
        time.sleep(0.05)
    stop.set()
    holder.join(timeout=10)
    print(json.dumps({"sockets": args.sockets, "seconds": args.seconds, "requests": len(latencies),
                      "failures": failures, "p50_ms": round(percentile(latencies, 0.5), 2),
                      "p99_ms": round(percentile(latencies, 0.99), 2), "max_ms": round(max(latencies), 2),
                      **counts}))


if __name__ == "__main__":
    main()
