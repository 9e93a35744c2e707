/*
 * The local composer pages the Firefox tests load, each served at its real site's address
 * through request interception. PAGES is the table of the hand-written replicas
 * (tests/e2e/sites/); the real-library pages come from tests/e2e/fixtures/composers.json.
 * The tests also use what those pages offer: the READY marker, `Replica.check()` (foreign
 * mutations, editors' text, posts) and, on x, `openComposeDialog(draft)`.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const SITES_DIR = path.join(__dirname, "..", "e2e", "sites");

// name -> the address it is served at, its page file, its editor and its Post button.
const PAGES = {
  x: { url: "https://x.com/home", file: "x.html", editor: '[data-testid="tweetTextarea_0"]', post: '[data-testid="tweetButtonInline"]' },
  facebook: { url: "https://www.facebook.com/", file: "facebook.html", editor: "[data-lexical-editor]", post: '[aria-label="Post"][role="button"]' },
  linkedin: { url: "https://www.linkedin.com/feed/", file: "linkedin.html", editor: ".ql-editor", post: ".share-actions__primary-action" },
  bluesky: { url: "https://bsky.app/", file: "bluesky.html", editor: ".ProseMirror", post: '[data-testid="composerPublishBtn"]' },
  threads: { url: "https://www.threads.com/", file: "threads.html", editor: "[data-lexical-editor]", post: '.bar [role="button"]' },
  mastodon: { url: "https://mastodon.social/home", file: "mastodon.html", editor: "textarea.autosuggest-textarea__textarea", post: "form.compose-form button[type=submit]" },
  // Reddit's editor is inside open shadow roots: `editor` is evaluated with deepQuery.
  reddit: { url: "https://www.reddit.com/r/unitedkingdom/submit", file: "reddit.html", editor: "shreddit-composer >>> [role=\"textbox\"]", post: "r-post-form-submit-button >>> #inner-post-submit-button" },
};
// Issue 10's pages on the real editor libraries, from their own table (tests/e2e/fixtures/composers.json):
// its pages by address, and the composer variants by id. `make fixtures` builds their bundle.
const FIXTURES_DIR = path.join(__dirname, "..", "e2e", "fixtures");
const COMPOSERS = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, "composers.json"), "utf8"));
const FIXTURE_ASSETS = {
  "fixtures.js": path.join(FIXTURES_DIR, "build", "fixtures.js"),
  "fixtures.css": path.join(FIXTURES_DIR, "pages", "fixtures.css"),
  "quill.core.css": path.join(__dirname, "..", "..", "node_modules", "quill", "dist", "quill.core.css"),
  "Draft.css": path.join(__dirname, "..", "..", "node_modules", "draft-js", "dist", "Draft.css"),
};
const FIXTURE_READY = "html[data-fixture-ready]";
/**
 * The table's selectors are Playwright CSS, whose descendant combinator pierces open shadow
 * roots; puppeteer's `>>>` reaches into them, so each descendant space (outside quotes and brackets) becomes one.
 */
function deep(selector) {
  let out = "";
  let quote = null;
  let depth = 0;
  for (const ch of selector) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "[" || ch === "(") depth += 1;
    else if (ch === "]" || ch === ")") depth -= 1;
    else if (ch === " " && depth === 0) {
      out += " >>> ";
      continue;
    }
    out += ch;
  }
  return out;
}
const composer = (id) => {
  const c = COMPOSERS.composers.find((v) => v.id === id);
  const either = (sel) => (deep(sel) === sel ? sel : `${sel}, ${deep(sel)}`); // >>> alone skips the light DOM
  return { ...c, editor: either(c.editor), open: c.open && either(c.open) };
};

// Where page assets are asked for, under any site's origin, and the marker a loaded page sets.
const ASSET_PREFIX = "/__replica__/";
const READY = "html[data-replica-ready]";
// A strict policy like the real sites', so the extension's UI is proven to work under one.
const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const LOOPBACK = new Set(["127.0.0.1", "localhost"]);
const TYPES = { ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html; charset=utf-8" };

function pageFor(url) {
  const { hostname, pathname } = new URL(url);
  return Object.values(PAGES).find((p) => {
    const site = new URL(p.url);
    return site.hostname === hostname && site.pathname === pathname;
  });
}

function respondPage(request, file) {
  return request.respond({
    status: 200,
    contentType: TYPES[".html"],
    headers: { "Content-Security-Policy": PAGE_CSP },
    body: fs.readFileSync(file),
  });
}

/** serve() for the real-library pages: the fixture pages and their assets at the sites' addresses. */
function serveFixture(request) {
  const url = new URL(request.url());
  if (url.protocol !== "http:" && url.protocol !== "https:") return request.continue();
  if (LOOPBACK.has(url.hostname)) return request.continue();
  if (url.pathname.startsWith("/__fixture__/")) {
    const asset = FIXTURE_ASSETS[path.basename(url.pathname)];
    if (asset && fs.existsSync(asset)) return request.respond({ status: 200, contentType: TYPES[path.extname(asset)] || "text/javascript", body: fs.readFileSync(asset) });
  }
  const name = COMPOSERS.pages[`${url.origin}${url.pathname}`];
  if (name) return respondPage(request, path.join(FIXTURES_DIR, "pages", name));
  return request.abort("blockedbyclient");
}

/** Answers one intercepted request: local pages and assets for the sites, loopback passes, the rest is refused. */
function serve(request) {
  const url = new URL(request.url());
  if (url.protocol !== "http:" && url.protocol !== "https:") return request.continue();
  if (LOOPBACK.has(url.hostname)) return request.continue();
  if (url.pathname.startsWith(ASSET_PREFIX)) {
    const asset = path.join(SITES_DIR, path.basename(url.pathname));
    if (fs.existsSync(asset)) {
      return request.respond({ status: 200, contentType: TYPES[path.extname(asset)] || "application/octet-stream", body: fs.readFileSync(asset) });
    }
  }
  const page = pageFor(url.href);
  if (page) return respondPage(request, path.join(SITES_DIR, page.file));
  return request.abort("blockedbyclient");
}

module.exports = { PAGES, READY, SITES_DIR, serve, composer, serveFixture, FIXTURE_READY };
