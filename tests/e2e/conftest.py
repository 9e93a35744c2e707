"""Browser fixtures: Debian's Chromium with the unpacked extension, pages served at the sites'
real addresses, and helpers to configure the extension and read its UI.

Two kinds of page: the fixture pages (fixtures/composers.json), built on the real editor
libraries and served by the context's route, and the hand-written replicas (sites/), served by
a page's own route, which log any DOM mutation they did not make (proof that the extension
never writes to the page, which the real libraries cannot give).

One browser context serves the whole session; each test opens its own pages.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
SITES_DIR = Path(__file__).resolve().parent / "sites"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
COMPOSERS = json.loads((FIXTURES_DIR / "composers.json").read_text(encoding="utf-8"))
FIXTURE_BUNDLE = FIXTURES_DIR / "build" / "fixtures.js"
# Assets of the fixture pages: the bundle, the pages' CSS and the libraries' own stylesheets.
FIXTURE_ASSETS = {
    "fixtures.js": FIXTURE_BUNDLE,
    "fixtures.css": FIXTURES_DIR / "pages" / "fixtures.css",
    "quill.core.css": ROOT / "node_modules" / "quill" / "dist" / "quill.core.css",
    "Draft.css": ROOT / "node_modules" / "draft-js" / "dist" / "Draft.css",
}

# The replica of each site's composer, served at the site's real address.
SITES = {
    "x": "https://x.com/home",
    "facebook": "https://www.facebook.com/",
    "linkedin": "https://www.linkedin.com/feed/",
    "bluesky": "https://bsky.app/",
    "threads": "https://www.threads.com/",
    "mastodon": "https://mastodon.social/home",
    "reddit": "https://www.reddit.com/r/unitedkingdom/submit",
    "generic": "https://x.com/messages",
}
EDITORS = {
    "x": '[data-testid="tweetTextarea_0"]',
    "facebook": "[data-lexical-editor]",
    "linkedin": ".ql-editor",
    "bluesky": ".ProseMirror",
    "threads": "[data-lexical-editor]",
    "mastodon": "textarea.autosuggest-textarea__textarea",
    "reddit": 'shreddit-composer [role="textbox"]',
    "generic": "#note",
}
# A strict policy like the real sites', so the extension's UI is proven to work under one.
PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'"
LOOPBACK = {"127.0.0.1", "localhost"}


def _page_for(url):
    parts = urlsplit(url)
    for name, address in SITES.items():
        site = urlsplit(address)
        if parts.hostname == site.hostname and parts.path == site.path:
            return SITES_DIR / f"{name}.html"
    return None


def _fulfil_page(route, page):
    route.fulfill(status=200, body=page.read_bytes(),
                  headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PAGE_CSP})


def _router(prefix, asset_for, page_for):
    """A route handler: assets under prefix and pages at the sites' addresses; loopback passes;
    everything else is refused."""
    def serve(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            route.fallback()
            return
        if parts.hostname in LOOPBACK:
            route.continue_()
            return
        if parts.path.startswith(prefix):
            asset = asset_for(parts.path.rsplit("/", 1)[-1])
            if asset is not None and asset.is_file():
                kind = "text/css" if asset.suffix == ".css" else "text/javascript"
                route.fulfill(status=200, body=asset.read_bytes(), headers={"Content-Type": kind})
                return
        page = page_for(url, parts)
        if page is not None:
            _fulfil_page(route, page)
            return
        route.abort("blockedbyclient")
    return serve


def _fixture_page(url, parts):
    name = COMPOSERS["pages"].get(f"{parts.scheme}://{parts.netloc}{parts.path}")
    return FIXTURES_DIR / "pages" / name if name is not None else None


# Fixture pages (the real editor libraries) and replica pages (the sites' markup), each with its assets.
_serve_fixture = _router("/__fixture__/", FIXTURE_ASSETS.get, _fixture_page)
_serve = _router("/__replica__/", lambda name: SITES_DIR / name, lambda url, parts: _page_for(url))


def _fixture_bundle():
    """Builds the editor-library bundle when it is missing or older than its source (make test builds it first)."""
    source = FIXTURES_DIR / "src" / "index.js"
    if FIXTURE_BUNDLE.is_file() and FIXTURE_BUNDLE.stat().st_mtime >= source.stat().st_mtime:
        return
    if not (ROOT / "node_modules" / ".bin" / "esbuild").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("node_modules is missing: make test installs it")
        pytest.skip("node_modules is missing: run `make fixtures`")
    subprocess.run(["npm", "run", "--silent", "build:fixtures"], cwd=ROOT, check=True)


def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is not installed (make chromium installs it)")
        pytest.skip("chromium is not installed: run `make chromium`")
    return path


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """A persistent Chromium context with the unpacked extension loaded."""
    executable = chromium_path()
    _fixture_bundle()
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            ignore_default_args=["--disable-extensions"],
            args=[
                "--headless=new",
                f"--disable-extensions-except={EXTENSION}",
                f"--load-extension={EXTENSION}",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
            viewport={"width": 1100, "height": 800},
        )
        context.route("**/*", _serve_fixture)
        # Failures show in seconds rather than half a minute; every wait here is for an event, never a sleep.
        context.set_default_timeout(15000)
        try:
            yield context
        finally:
            context.close()


def _worker(context):
    workers = [w for w in context.service_workers if w.url.startswith("chrome-extension://")]
    return workers[0] if workers else context.wait_for_event("serviceworker")


@pytest.fixture(scope="session")
def extension_id(browser_context):
    return urlsplit(_worker(browser_context).url).hostname


class Extension:
    """Drives the extension's background directly, as its own pages would."""

    def __init__(self, context, ext_id):
        self.context = context
        self.id = ext_id

    def url(self, path):
        return f"chrome-extension://{self.id}/{path}"

    def route(self, message):
        """Sends a message through the background router, as the options page does."""
        return _worker(self.context).evaluate(
            "([m, url]) => Impartial.background.route(m, {url})", [message, self.url("options/options.html")])

    def configure(self, **settings):
        """Saves settings as the options page would (this also resets the service client's cache and back-off)."""
        reply = self.route({"type": "save-settings", "settings": settings})
        assert reply["saved"], reply
        return reply["settings"]

    def reset(self, service_url):
        defaults = {"serviceUrl": service_url, "profile": "public-servant", "electionPeriod": False,
                    "officialAccount": False, "preSendCheck": True,
                    "sites": {name: True for name in SITES if name != "generic"}, "mastodonInstances": []}
        self.configure(**defaults)
        _worker(self.context).evaluate(
            "async () => { Impartial.background.client.reset(); await chrome.storage.session.clear(); }")


@pytest.fixture(scope="session")
def test_service_url(request):
    """The service the extension talks to: IMPARTIAL_TEST_SERVICE_URL if set (an already running
    service, handy while developing), else the session's real gunicorn service."""
    return os.environ.get("IMPARTIAL_TEST_SERVICE_URL") or request.getfixturevalue("service_url")


@pytest.fixture
def start_test_service(start_service):
    """start_service over IMPARTIAL_TEST_RULES_DIR if set (a known-good rules snapshot while developing)."""
    rules = os.environ.get("IMPARTIAL_TEST_RULES_DIR")

    def start(**kwargs):
        if rules:
            kwargs.setdefault("rules_dir", Path(rules))
        return start_service(**kwargs)

    return start


@pytest.fixture(scope="session")
def extension(browser_context, extension_id, test_service_url):
    ext = Extension(browser_context, extension_id)
    ext.reset(test_service_url)
    return ext


@pytest.fixture
def ext(extension, test_service_url):
    """The extension, reset to defaults pointing at the test service after each test."""
    yield extension
    extension.reset(test_service_url)


@pytest.fixture(scope="session")
def expected(test_service_url):
    """The service's own answer for a draft, so tests follow the rules as they evolve."""

    def score(text, site=None):
        context = {"election_period": False, "account": "personal"}
        if site:
            context["site"] = urlsplit(SITES[site]).hostname.removeprefix("www.")
        body = {"text": text, "profile": "public-servant", "context": context}
        return requests.post(f"{test_service_url}/v1/score", json=body, timeout=10).json()

    return score


class Site:
    """One replica page: type into its editor, read the extension's warning host."""

    def __init__(self, page, name):
        self.page = page
        self.name = name
        self.editor = page.locator(EDITORS[name])
        self.host = page.locator("impartial-warning")

    def type(self, text, delay=0):
        self.editor.click()
        self.page.keyboard.type(text, delay=delay)

    def settled(self, state="done"):
        """Waits until the warning host reaches `state` and returns its contract attributes."""
        self.page.wait_for_selector(f'impartial-warning[data-impartial-state="{state}"]', state="attached")
        return self.attributes()

    def attributes(self):
        return self.host.evaluate(
            "h => ({level: h.dataset.impartialLevel, findings: Number(h.dataset.impartialFindings),"
            " state: h.dataset.impartialState})")

    def replica(self):
        return self.page.evaluate("() => Replica.check()")


@pytest.fixture
def open_site(ext):
    pages = []

    def open_(name):
        page = ext.context.new_page()
        pages.append(page)
        page.route("**/*", _serve)
        page.goto(SITES[name])
        page.wait_for_selector("html[data-replica-ready]", state="attached")
        return Site(page, name)

    yield open_
    for page in pages:
        page.close()


def dump(value):
    return json.dumps(value, indent=2, sort_keys=True)



@pytest.fixture
def composer(ext):
    """Opens a composer variant of fixtures/composers.json (by id or row) in a new page of the session's context."""
    from .composers import Composer

    pages = []

    def open_(variant):
        if isinstance(variant, str):
            variant = next(v for v in COMPOSERS["composers"] if v["id"] == variant)
        page = ext.context.new_page()
        pages.append(page)
        return Composer(page, variant).open()

    yield open_
    for page in pages:
        page.close()
