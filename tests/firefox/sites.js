/*
 * The local composer pages the Firefox tests load, each served at its real site's address
 * through request interception. PAGES is the one table of pages and URLs (shared with the
 * Chromium tests' tests/e2e/sites/): repoint it here when those pages move or are renamed.
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
  if (page) {
    return request.respond({
      status: 200,
      contentType: TYPES[".html"],
      headers: { "Content-Security-Policy": PAGE_CSP },
      body: fs.readFileSync(path.join(SITES_DIR, page.file)),
    });
  }
  return request.abort("blockedbyclient");
}

module.exports = { PAGES, READY, SITES_DIR, serve };
