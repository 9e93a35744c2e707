"""A real LanguageTool client, language_tool_python, in remote-server mode against a real gunicorn.

language_tool_python downloads and starts LanguageTool itself unless it is given a remote server.
Its download hosts are pointed at a local trap that records every request, and its download folder
at an empty one: the tests prove neither is touched, and that the trap does see a download attempt.
"""
import importlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest
import requests

pytestmark = pytest.mark.slow

DOWNLOAD_HOSTS = ("LTP_DOWNLOAD_HOST_SNAPSHOT", "LTP_DOWNLOAD_HOST_NEW_RELEASES", "LTP_DOWNLOAD_HOST_RELEASE",
                  "LTP_DOWNLOAD_HOST_ARCHIVE")
TEXTS = [
    "Vote Labour on Thursday!",
    "🇬🇧😀 𝒜 Proud to be out leafleting for Labour this weekend! Vote Labour.",
    "Labour announced its manifesto today. 🎉 The Chancellor's plan is a total disgrace, frankly.",
    "Lovely walk by the river this morning.",
]
CANARY = "Zq7canaryXv9"


class Trap:
    """A local HTTP server that answers 404 and remembers every path asked of it."""

    def __init__(self):
        self.paths = []
        paths = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                paths.append(self.path)
                self.send_error(404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def trap():
    trap = Trap()
    yield trap
    trap.close()


@pytest.fixture(scope="module")
def ltp(trap, tmp_path_factory):
    """language_tool_python, imported with its download hosts on the trap and an empty download folder."""
    folder = tmp_path_factory.mktemp("ltp-downloads")
    with pytest.MonkeyPatch.context() as env:
        for name in DOWNLOAD_HOSTS:
            env.setenv(name, trap.url + "/")
        env.setenv("LTP_PATH", str(folder))
        env.delenv("LTP_JAR_DIR_PATH", raising=False)
        module = importlib.import_module("language_tool_python")
        from language_tool_python import download_lt

        # The hosts are read at import: this fails if anything imported the module earlier.
        assert download_lt.BASE_URL_NEW_RELEASES.startswith(trap.url)
        module.download_folder = folder
        yield module


@pytest.fixture
def tool(ltp, service_url):
    tool = ltp.LanguageTool("en-GB", remote_server=service_url)
    yield tool
    tool.close()


def v1_findings(url, text, **body):
    return requests.post(url + "/v1/score", json={"text": text, **body}, timeout=10).json()["findings"]


def codepoint(text, unit):
    """Python's index of the character at a UTF-16 offset."""
    return len(text.encode("utf-16-le")[:2 * unit].decode("utf-16-le"))


def seen(matches):
    return [(m.rule_id, m.offset, m.error_length, m.message, m.replacements, m.category) for m in matches]


def expected(text, findings):
    # language_tool_python turns LanguageTool's UTF-16 offsets into Python's; lengths it keeps.
    return [(f["rule"], codepoint(text, f["start"]), f["end"] - f["start"], f["message"],
             [f["suggestion"]] if f["suggestion"] else [], f["category"]) for f in findings]


@pytest.mark.parametrize("text", TEXTS)
def test_matches_are_the_findings_of_v1_score(tool, service_url, text):
    matches = tool.check(text)
    assert seen(matches) == expected(text, v1_findings(service_url, text))
    for match in matches:
        # error_length stays in UTF-16 units, as LanguageTool's own: a span holding an emoji counts it twice.
        spanned = text[match.offset:].encode("utf-16-le")[:2 * match.error_length].decode("utf-16-le")
        assert spanned == next(f["match"] for f in v1_findings(service_url, text) if f["rule"] == match.rule_id)
        assert match.rule_issue_type in ("style", "legal") and match.sentence and match.context


def test_an_emoji_before_a_finding_shifts_nothing(tool):
    text = "🇬🇧😀 𝒜 Vote Labour"
    match = next(m for m in tool.check(text) if m.rule_id == "party.vote-for")
    assert text[match.offset:match.offset + match.error_length] == "Vote Labour"
    assert match.replacements == ["Leave out who you are voting for; encourage people to vote without naming a party."]


def test_disabled_rules_and_categories_remove_exactly_those(tool):
    text = TEXTS[1]
    every = seen(tool.check(text))
    assert {"party.vote-for", "campaigning.volunteer-party", "party.stance"} <= {m[0] for m in every}
    tool.disabled_rules = {"party.vote-for", "campaigning.volunteer-party"}
    assert seen(tool.check(text)) == [m for m in every if m[0] not in tool.disabled_rules]
    tool.disabled_rules = set()
    tool.disable_spellchecking()  # sends disabledCategories=TYPOS, which changes nothing here
    tool.disabled_categories |= {"party_political"}
    assert seen(tool.check(text)) == [m for m in every if m[5] != "party_political"] != []


def test_enabled_rules_only(tool):
    text = TEXTS[1]
    every = seen(tool.check(text))
    tool.enabled_rules = {"party.vote-for"}
    tool.enabled_categories = {"campaigning"}
    assert seen(tool.check(text)) == every
    tool.enabled_rules_only = True
    assert seen(tool.check(text)) == [m for m in every if m[0] == "party.vote-for" or m[5] == "campaigning"]


def test_picky_mother_tongue_and_auto_with_a_preferred_variant(tool, ltp, service_url):
    text = TEXTS[2]
    every = seen(tool.check(text))
    tool.picky = True
    tool.mother_tongue = "en-US"  # the client accepts only languages that /v2/languages lists
    assert seen(tool.check(text)) == every
    with ltp.LanguageTool("auto", remote_server=service_url) as auto:
        auto.preferred_variants = {"en-AU"}
        assert seen(auto.check(text)) == every


def test_errors_reach_the_client_as_languagetool_errors(tool, ltp, service_url):
    with pytest.raises(ltp.exceptions.LanguageToolError, match="limit is 20000") as info:
        tool.check(CANARY + "a" * 20000)
    assert CANARY not in str(info.value)
    # The client checks a language against /v2/languages before it sends anything.
    with pytest.raises(ValueError, match="unsupported language"):
        ltp.LanguageTool("de-DE", remote_server=service_url)


def test_nothing_is_downloaded_or_started(ltp, trap, service_url):
    before = list(trap.paths)
    with ltp.LanguageTool("en-GB", remote_server=service_url) as tool:
        assert tool.is_remote and tool.check(TEXTS[0])
    assert trap.paths == before
    assert list(ltp.download_folder.iterdir()) == []
    assert ltp.server.RUNNING_SERVER_PROCESSES == []


def test_the_trap_sees_a_download_attempt(ltp, trap, tmp_path):
    """The check above can fail: the library's own download goes to the trap, and is refused there."""
    from language_tool_python import download_lt

    before = len(trap.paths)
    local = download_lt.LocalLanguageTool.from_version_name(download_lt.LTP_DOWNLOAD_VERSION)
    with open(tmp_path / "lt.zip", "wb") as handle, pytest.raises(ltp.exceptions.PathError):
        local._get_remote_zip(handle)
    assert len(trap.paths) == before + 1 and trap.paths[-1].endswith(".zip")


def test_v2_responses_match_the_openapi_document(service_url):
    spec = requests.get(service_url + "/openapi.json", timeout=5).json()

    def validate(path, method, body):
        schema = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator({**schema, "components": spec["components"]}).validate(body)

    for text in TEXTS:
        response = requests.post(service_url + "/v2/check", data={"text": text, "language": "en-GB"}, timeout=10)
        validate("/v2/check", "post", response.json())
    validate("/v2/languages", "get", requests.get(service_url + "/v2/languages", timeout=5).json())
    validate("/v2/info", "get", requests.get(service_url + "/v2/info", timeout=5).json())
    error = requests.post(service_url + "/v2/check", data={"language": "en-GB"}, timeout=5)
    assert error.status_code == 400 and "text/plain" in spec["paths"]["/v2/check"]["post"]["responses"]["400"]["content"]
    assert error.headers["Content-Type"].startswith("text/plain") and error.text.startswith("Error: ")


def test_draft_text_never_reaches_logs_or_metrics(ltp, tmp_path, start_service):
    log_path = tmp_path / "service.log"
    service = start_service(log_path=log_path, workers=2)
    secret = f"Vote Labour {CANARY} now"
    with ltp.LanguageTool("en-GB", remote_server=service.url) as tool:
        assert tool.check(secret)
        with pytest.raises(ltp.exceptions.LanguageToolError):
            tool.check(secret * 2000)
    url = service.url + "/v2/check"
    bad = [{"data": "{" + secret, "language": "en"}, {"data": json.dumps({"annotation": [{"text": secret, "markup": "x"}]}),
                                                        "language": "en"},
           {"text": secret, "language": secret}, {"text": secret, "language": "en", "profile": secret}]
    for params in bad:
        response = requests.post(url, data=params, timeout=5)
        assert response.status_code == 400 and CANARY not in response.text
    assert CANARY not in requests.get(service.url + "/metrics", timeout=5).text
    service.stop()
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert '"endpoint": "/v2/check"' in log
    assert CANARY not in log and "Labour" not in log
