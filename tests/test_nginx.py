"""The nginx sample (deploy/nginx/impartial.conf) run for real in front of a real gunicorn.

nginx is Debian's binary, unpacked from `apt-get download nginx` into build/nginx/
(nothing is installed or started system-wide). The sample is used as written except
for its addresses, ports and certificate paths.
"""
import os
import shutil
import socket
import ssl
import subprocess
import time

import pytest
import requests

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow
SAMPLE = ROOT / "deploy" / "nginx" / "impartial.conf"
CACHE = ROOT / "build" / "nginx"
HOST = "impartial.example.gov"


def nginx_binary():
    """Debian's nginx, unpacked from its package into build/nginx/ on first use."""
    binary = CACHE / "usr" / "sbin" / "nginx"
    if binary.exists():
        return binary
    CACHE.mkdir(parents=True, exist_ok=True)
    download = ["apt-get", "download", "nginx"]
    if subprocess.run(download, cwd=CACHE, capture_output=True).returncode != 0:
        if os.geteuid() != 0 and os.environ.get("CI") != "true":
            pytest.skip("apt-get download nginx failed (run apt-get update as root)")
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-q"], capture_output=True, check=True)
        subprocess.run(download, cwd=CACHE, capture_output=True, check=True)
    package = next(CACHE.glob("nginx_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(package), str(CACHE)], check=True)
    return binary


def render(sample, upstream_port, https_port, http_port, tls):
    """The sample with this test's addresses, ports and certificate: nothing else changed."""
    text = sample.replace("server impartial:8765", f"server 127.0.0.1:{upstream_port}")
    text = text.replace("    listen [::]:80;\n", "").replace("    listen [::]:443 ssl http2;\n", "")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = text.replace("/etc/nginx/tls/", f"{tls}/")
    assert text.count(str(upstream_port)) == 1 and text.count(f"{tls}/") == 2
    return text


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """A one-thread gunicorn behind nginx with the sample config: (https url, http url, CA file)."""
    from tests.conftest import Service

    binary = nginx_binary()
    work = tmp_path_factory.mktemp("nginx")
    tls = work / "tls"
    tls.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1", "-keyout", str(tls / "privkey.pem"),
                    "-out", str(tls / "fullchain.pem")], capture_output=True, check=True)
    # One worker with one thread: a request the proxy did not buffer would hold it.
    service = Service(workers=1, env={"THREADS": "1", "IMPARTIAL_TRUSTED_PROXIES": "1",
                                                    "IMPARTIAL_ALLOWED_HOSTS": HOST})
    https_port, http_port = free_port(), free_port()
    (work / "impartial.conf").write_text(render(SAMPLE.read_text(encoding="utf-8"), service.port, https_port,
                                                http_port, tls), encoding="utf-8")
    (work / "logs").mkdir()
    (work / "nginx.conf").write_text(f"""
pid {work}/nginx.pid;
error_log {work}/logs/error.log warn;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/impartial.conf;
}}
""", encoding="utf-8")
    command = [str(binary), "-p", str(work), "-c", str(work / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield {"https_port": https_port, "http_port": http_port, "ca": str(tls / "fullchain.pem"), "service": service}
    finally:
        process.terminate()
        process.wait(timeout=30)
        service.stop()


def https(proxy, method, path, **kwargs):
    """A request to the proxy under its public name (the certificate also names 127.0.0.1)."""
    return requests.request(method, f"https://127.0.0.1:{proxy['https_port']}{path}", headers={"Host": HOST},
                            verify=proxy["ca"], timeout=60, **kwargs)


def test_the_api_answers_through_tls(proxy):
    assert https(proxy, "GET", "/readyz").json()["status"] == "ready"
    response = https(proxy, "POST", "/v1/score", json={"text": "Vote Labour on Thursday"})
    assert response.status_code == 200 and response.json()["warn"] is True


def test_plain_http_is_redirected_to_https(proxy):
    response = requests.get(f"http://127.0.0.1:{proxy['http_port']}/v1/rules", headers={"Host": HOST},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 308
    assert response.headers["Location"] == f"https://{HOST}/v1/rules"


def test_metrics_are_not_served_to_the_public_name(proxy):
    response = https(proxy, "GET", "/metrics")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    direct = requests.get(proxy["service"].url + "/metrics", headers={"Host": HOST}, timeout=30)
    assert "impartial_requests_total" in direct.text


def _slow_client(proxy):
    """A TLS client that sends its headers and half its body, then stalls."""
    context = ssl.create_default_context(cafile=proxy["ca"])
    raw = socket.create_connection(("127.0.0.1", proxy["https_port"]), timeout=30)
    conn = context.wrap_socket(raw, server_hostname="127.0.0.1")
    body = b'{"text": "a slow client"}'
    conn.sendall(b"POST /v1/score HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
    return conn


def test_slow_clients_wait_on_nginx_not_on_the_worker(proxy):
    # The service has one thread. Were these bodies streamed through, the first would hold
    # it until nginx's client_body_timeout, and the request below would wait behind it.
    slow = [_slow_client(proxy) for _ in range(3)]
    try:
        response = https(proxy, "POST", "/v1/score", json={"text": "A quiet day at the office"})
        assert response.status_code == 200
        # The slow clients are still waiting for nginx to read the rest of their bodies:
        # no answer, and no close, has reached any of them.
        for conn in slow:
            conn.setblocking(False)
            with pytest.raises(ssl.SSLWantReadError):
                conn.recv(1)
    finally:
        for conn in slow:
            conn.close()


def test_the_sample_needs_only_its_addresses_changed():
    sample = SAMPLE.read_text(encoding="utf-8")
    assert shutil.which("openssl") and "impartial:8765" in sample and "/etc/nginx/tls/fullchain.pem" in sample
