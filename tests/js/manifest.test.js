"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const S = require("../../extension/common/settings.js");

const ROOT = path.join(__dirname, "..", "..");
const EXT = path.join(ROOT, "extension");
const manifest = JSON.parse(fs.readFileSync(path.join(EXT, "manifest.json"), "utf8"));

function sources(dir = EXT) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.(js|html)$/.test(d.name) ? [p] : [];
  });
}

function loadRegistry() {
  for (const file of manifest.content_scripts[0].js.filter((f) => f.startsWith("content/sites/"))) {
    require(path.join(EXT, file));
  }
  return require(path.join(EXT, "content/sites/registry.js"));
}

test("should name only files that exist", () => {
  const files = [
    ...manifest.background.scripts,
    manifest.background.service_worker,
    ...manifest.content_scripts.flatMap((c) => c.js),
    manifest.action.default_popup,
    manifest.options_ui.page,
    manifest.storage.managed_schema,
    ...Object.values(manifest.icons),
  ];
  assert.deepEqual(files.filter((f) => !fs.existsSync(path.join(EXT, f))), []);
});

test("should import the same background scripts in Chromium and Firefox", () => {
  const worker = fs.readFileSync(path.join(EXT, manifest.background.service_worker), "utf8");
  const imported = [...worker.match(/importScripts\(([\s\S]*?)\)/)[1].matchAll(/"\/([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...imported, manifest.background.service_worker], manifest.background.scripts);
});

test("should run on every supported site and reach only the sites and the local service", () => {
  const matches = manifest.content_scripts[0].matches;
  const uncovered = S.SITES.flatMap((s) => s.hosts).filter((h) => !matches.some((m) => m === `https://${h}/*` || m === `https://*.${h}/*`));
  assert.deepEqual({ uncovered, hosts: manifest.host_permissions }, {
    uncovered: [],
    hosts: ["http://127.0.0.1/*", "http://localhost/*", ...matches],
  });
  assert.deepEqual([manifest.permissions, manifest.optional_host_permissions], [["storage", "scripting"], ["https://*/*"]]);
});

test("should keep a strict content security policy", () => {
  const csp = manifest.content_security_policy.extension_pages;
  assert.deepEqual(csp.split(";").map((d) => d.trim().split(/\s+/)[0]), ["default-src", "script-src", "object-src", "base-uri", "form-action", "img-src", "style-src", "connect-src"]);
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe/);
});

test("should have one adapter per site, each naming its test page", () => {
  const registry = loadRegistry();
  const rows = registry.ADAPTERS.map((a) => [a.id, fs.existsSync(path.join(ROOT, a.testPage))]);
  assert.deepEqual(rows, S.SITES.map((s) => [s.id, true]));
  assert.equal(fs.existsSync(path.join(ROOT, registry.GENERIC.testPage)), true);
});

test("should record where each adapter's selectors come from and when they were checked", () => {
  const registry = loadRegistry();
  const source = (a) => fs.readFileSync(path.join(EXT, "content/sites", `${a.id}.js`), "utf8");
  const rows = registry.ADAPTERS.map((a) => [a.id, /^\d{4}-\d{2}-\d{2}$/.test(a.checked), /Evidence, checked \d{4}-\d{2}-\d{2}/.test(source(a))]);
  assert.deepEqual(rows, S.SITES.map((s) => [s.id, true, true]));
});

test("should name every composer variant of the fixture table in its site's adapter", () => {
  const registry = loadRegistry();
  const table = JSON.parse(fs.readFileSync(path.join(ROOT, "tests/e2e/fixtures/composers.json"), "utf8"));
  const bySite = (id) => table.composers.filter((c) => c.site === id).map((c) => c.id);
  assert.deepEqual(registry.ADAPTERS.map((a) => [a.id, a.composers]), registry.ADAPTERS.map((a) => [a.id, bySite(a.id)]));
  for (const c of table.composers) assert.ok(table.pages[c.url], `${c.id}: ${c.url} has no page`);
});

test("should never parse strings as HTML", () => {
  const offenders = sources().filter((f) => /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(fs.readFileSync(f, "utf8")));
  assert.deepEqual(offenders, []);
});

test("should talk to the network and storage only from the background", () => {
  const rel = (f) => path.relative(EXT, f);
  const fetching = sources().filter((f) => /\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon/.test(fs.readFileSync(f, "utf8"))).map(rel);
  const storing = sources().filter((f) => /chrome\.storage|localStorage|indexedDB/.test(fs.readFileSync(f, "utf8"))).map(rel);
  assert.deepEqual({ fetching, storing }, { fetching: ["background/service-client.js"], storing: ["background/worker.js"] });
});

test("should load no inline scripts in its pages", () => {
  const inline = sources().filter((f) => f.endsWith(".html") && /<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|style=/i.test(fs.readFileSync(f, "utf8")));
  assert.deepEqual(inline, []);
});
