"""The deployment files: the Dockerfile linted, every manifest checked against Kubernetes' schemas."""
import base64
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from scripts import k8s_rules
from service.rules import read_files
from tests.conftest import ROOT, RULES

DEPLOY = ROOT / "deploy"
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml"))
KUBERNETES = kubernetes_validate.latest_version()
BIN = Path(sys.executable).parent
# Set by the proxy-trust and host-check work; the deployment files already name them.
PROXY_SETTINGS = {"IMPARTIAL_TRUSTED_PROXIES", "IMPARTIAL_ALLOWED_HOSTS"}


def hadolint(path):
    return subprocess.run([str(BIN / "hadolint"), "--no-color", str(path)], capture_output=True, text=True)


def documents(path):
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def deployment():
    return next(doc for path in MANIFESTS for doc in documents(path) if doc["kind"] == "Deployment")


def container():
    return deployment()["spec"]["template"]["spec"]["containers"][0]


def test_the_dockerfile_passes_hadolint():
    result = hadolint(ROOT / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_really_lints(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian:latest\nRUN apt-get install -y curl\n", encoding="utf-8")
    result = hadolint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # :latest


def test_the_manifests_are_all_there():
    kinds = {doc["kind"] for path in MANIFESTS for doc in documents(path)}
    assert kinds == {"Namespace", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"}


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_passes_the_kubernetes_schemas(path):
    for doc in documents(path):
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_the_schema_check_rejects_a_broken_manifest():
    broken = deployment()
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = [8765]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)
    unknown = deployment()
    unknown["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(unknown, KUBERNETES, strict=True)


def test_the_rules_configmaps_pass_the_schemas_and_hold_every_file_byte_for_byte(tmp_path):
    text = subprocess.run([sys.executable, str(ROOT / "scripts" / "k8s_rules.py"), str(RULES)],
                          capture_output=True, text=True, check=True).stdout
    rules, model = list(yaml.safe_load_all(text))
    files = read_files(RULES)
    for configmap in (rules, model):
        kubernetes_validate.validate(configmap, KUBERNETES, strict=True)
        # A ConfigMap holds at most 1 MiB.
        assert len(yaml.safe_dump(configmap).encode("utf-8")) < 1024 * 1024
    assert rules["data"] == {rel.replace("/", "."): data.decode("utf-8") for rel, data in files.items()
                             if rel != "model/model.json"}
    # Laid out as the projected volume does, the folder reads as the same rules, model included.
    folder = tmp_path / "rules"
    for key, body in rules["data"].items():
        path = folder / next(i["path"] for i in k8s_rules.items(RULES) if i["key"] == key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    (folder / "model" / "model.json.gz").write_bytes(base64.b64decode(model["binaryData"]["model.json.gz"]))
    assert read_files(folder) == files


def test_the_rules_volume_lays_every_rule_file_out_at_its_path():
    volume = next(v for v in deployment()["spec"]["template"]["spec"]["volumes"] if v["name"] == "rules")
    rules, model = volume["projected"]["sources"]
    assert rules["configMap"]["name"] == "impartial-rules"
    assert rules["configMap"]["items"] == k8s_rules.items(RULES), \
        "the rule files changed: paste the output of `.venv/bin/python scripts/k8s_rules.py --items` into deploy/k8s/deployment.yaml"
    assert model["configMap"] == {"name": "impartial-model",
                                  "items": [{"key": "model.json.gz", "path": "model/model.json.gz"}]}


def test_the_deployment_runs_as_the_image_expects():
    pod = deployment()["spec"]["template"]["spec"]
    main = container()
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    assert main["securityContext"]["readOnlyRootFilesystem"] is True
    assert main["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {m["mountPath"] for m in main["volumeMounts"]} == {"/rules", "/tmp"}
    assert main["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert main["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"requests", "limits"} <= set(main["resources"])
    env = {e["name"]: e for e in main["env"]}
    assert env["IMPARTIAL_RULES_DIR"]["value"] == "/rules"
    assert float(env["IMPARTIAL_RULES_POLL_SECONDS"]["value"]) > 0
    assert env["IMPARTIAL_ADMIN_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "impartial-admin"
    assert env["IMPARTIAL_TRUSTED_PROXIES"]["value"] == "1"
    ingress = next(doc for path in MANIFESTS for doc in documents(path) if doc["kind"] == "Ingress")
    hosts = env["IMPARTIAL_ALLOWED_HOSTS"]["value"].split(",")
    assert ingress["spec"]["rules"][0]["host"] in hosts and "impartial" in hosts
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]


def test_the_probes_and_ingress_paths_are_real_endpoints(client):
    main = container()
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert client.get(main[probe]["httpGet"]["path"]).status_code == 200
    ingress = next(doc for path in MANIFESTS for doc in documents(path) if doc["kind"] == "Ingress")
    paths = [p["path"] for p in ingress["spec"]["rules"][0]["http"]["paths"]]
    assert not any(p.startswith(("/admin", "/metrics")) for p in paths)
    assert client.get("/v1/rules").status_code == 200 and "/v1" in paths


def _documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"IMPARTIAL_[A-Z_]+", readme))


def _named_in(path):
    return set(re.findall(r"IMPARTIAL_[A-Z_]+", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", [ROOT / "Dockerfile", *MANIFESTS, DEPLOY / "compose.yaml",
                                  DEPLOY / "systemd" / "impartial.service", DEPLOY / "nginx" / "impartial.conf"],
                         ids=lambda p: p.name)
def test_configuration_is_only_documented_variables(path):
    from service.app import DEFAULTS

    known = {f"IMPARTIAL_{key}" for key in DEFAULTS} | PROXY_SETTINGS
    named = _named_in(path) - {"IMPARTIAL_HOST", "IMPARTIAL_RULES"}  # compose's own substitutions
    assert named <= known, named - known
    assert named <= _documented(), named - _documented()


def test_compose_builds_this_repository_and_mounts_the_rules():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["impartial"]
    assert (DEPLOY / service["build"]["context"] / "Dockerfile").is_file()
    assert service["read_only"] is True and any(t.startswith("/tmp") for t in service["tmpfs"])
    assert any(v.endswith(":/rules:ro") for v in service["volumes"])
    assert service["environment"]["IMPARTIAL_TRUSTED_PROXIES"] == "1"
    proxy = compose["services"]["proxy"]
    for volume in proxy["volumes"]:
        source = volume.split(":")[0]
        if not source.endswith("/tls"):
            assert (DEPLOY / source).exists(), source
    assert proxy["depends_on"]["impartial"]["condition"] == "service_healthy"


def test_the_nginx_sample_terminates_tls_and_buffers_slow_clients():
    conf = (DEPLOY / "nginx" / "impartial.conf").read_text(encoding="utf-8")
    directives = {line.strip().rstrip(";") for line in conf.splitlines() if line.strip() and not line.strip().startswith("#")}
    assert {"proxy_request_buffering on", "proxy_buffering on",
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for"} <= directives
    assert any(d.startswith("listen 443 ssl") for d in directives)
    assert any(d.startswith("ssl_certificate ") for d in directives)


def _unit():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / "impartial.service", encoding="utf-8")
    return parser


def test_the_systemd_unit_starts_gunicorn_as_make_run_does():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    make_run = re.search(r"^run:.*\n\t\$\(BIN\)/(gunicorn .*)$", makefile, re.M).group(1).replace("'", "")
    assert _unit()["Service"]["ExecStart"] == "/opt/impartial/.venv/bin/" + make_run
    assert _unit()["Service"]["WorkingDirectory"] == "/opt/impartial"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None and os.environ.get("CI") != "true",
                    reason="systemd-analyze is not installed")
def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path):
    # At this checkout's path, so that the ExecStart it names exists.
    unit = tmp_path / "impartial.service"
    unit.write_text((DEPLOY / "systemd" / "impartial.service").read_text(encoding="utf-8")
                    .replace("/opt/impartial", str(ROOT)), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
