"""Hardening figures against a running service, on loopback only: crafted texts, and reloads under load.

    .venv/bin/python bench/hardening.py crafted --url http://127.0.0.1:8765
    .venv/bin/python bench/hardening.py reloads --url http://127.0.0.1:8765 --rules DIR --token TOKEN

`crafted` times a normal post and each crafted 20,000-character text (median of 5 HTTP
round trips each) and prints each as a multiple of the normal post. `reloads` scores a
normal post from two clients without pause while it makes 40 reloads, each changing a
comment in DIR/guidance.yaml so that every reload compiles, and prints the slowest score
request and the reload times. The service must serve DIR.
"""
import argparse
import json
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

NORMAL = "Proud to be out leafleting for Labour this weekend! Vote Labour on Thursday."
CRAFTED = {
    "reported speech": "DEI Tories " + "said " * 2000 + "!?" * 5000,
    "sentences": "Labour. " * 2500,
    "emoji": "😀 Vote Labour " * 1400,
    "rtl": "שלום Vote Labour עולם " * 900,
    "nbsp": "Vote\u00a0Labour\u00a0" * 1400,
}


def post(session, url, text):
    started = time.perf_counter()
    response = session.post(url + "/v1/score", data=json.dumps({"text": text[:20000]}), timeout=120,
                            headers={"Content-Type": "application/json"})
    return (time.perf_counter() - started) * 1000, response.status_code


def crafted(url):
    session = requests.Session()
    post(session, url, NORMAL)
    normal = statistics.median(post(session, url, NORMAL)[0] for _ in range(21))
    print(json.dumps({"text": "normal post", "ms": round(normal, 2)}))
    for name, text in CRAFTED.items():
        runs = [post(session, url, text) for _ in range(5)]
        ms = statistics.median(r[0] for r in runs)
        print(json.dumps({"text": name, "chars": len(text[:20000]), "ms": round(ms, 2),
                          "times_normal": round(ms / normal, 1), "statuses": sorted({r[1] for r in runs})}))


def reloads(url, rules, token, count=40):
    guidance = Path(rules) / "guidance.yaml"
    original = guidance.read_text(encoding="utf-8")
    stop, latencies, statuses = threading.Event(), [], []

    def load():
        session = requests.Session()
        while not stop.is_set():
            ms, status = post(session, url, NORMAL)
            latencies.append(ms)
            statuses.append(status)

    clients = [threading.Thread(target=load) for _ in range(2)]
    for client in clients:
        client.start()
    reload_ms, reload_statuses = [], []
    try:
        time.sleep(2)
        for index in range(count):
            guidance.write_text(original + f"# reload {index} {time.time()}\n", encoding="utf-8")
            started = time.perf_counter()
            response = requests.post(url + "/admin/rules/reload", headers={"Authorization": f"Bearer {token}"},
                                     timeout=120)
            reload_ms.append((time.perf_counter() - started) * 1000)
            reload_statuses.append(response.status_code)
        time.sleep(1)
    finally:
        stop.set()
        for client in clients:
            client.join()
        guidance.write_text(original, encoding="utf-8")
    ordered = sorted(latencies)
    print(json.dumps({"reloads": count, "reload_statuses": sorted(set(reload_statuses)),
                      "reload_ms_median": round(statistics.median(reload_ms)), "reload_ms_max": round(max(reload_ms)),
                      "score_requests": len(latencies), "score_statuses": sorted(set(statuses)),
                      "score_ms_p50": round(ordered[len(ordered) // 2], 2),
                      "score_ms_p99": round(ordered[int(len(ordered) * 0.99)], 2),
                      "score_ms_max": round(ordered[-1], 2)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["crafted", "reloads"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rules")
    parser.add_argument("--token")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only: give http://127.0.0.1:PORT")
    if args.what == "crafted":
        crafted(args.url.rstrip("/"))
    else:
        reloads(args.url.rstrip("/"), args.rules, args.token)


if __name__ == "__main__":
    main()
