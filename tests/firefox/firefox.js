/*
 * Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi, with the
 * unpacked extension installed as a temporary add-on, and helpers to configure the
 * extension and read its UI.
 */
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const puppeteer = require("puppeteer-core");
const { PAGES, READY, serve, composer, serveFixture, FIXTURE_READY } = require("./sites.js");

const ROOT = path.join(__dirname, "..", "..");
const EXTENSION = path.join(ROOT, "extension");
const GECKO_ID = JSON.parse(fs.readFileSync(path.join(EXTENSION, "manifest.json"), "utf8")).browser_specific_settings.gecko.id;
// installExtension answers with the gecko id; fixing the internal UUID makes moz-extension:// URLs known.
const UUID = "3c1f6a52-8e0d-4b7a-9f21-6d4e5b7c8a90";
const TIMEOUT_MS = 30000;
// Nothing leaves the machine: every request that is neither intercepted nor to loopback (which
// Firefox never proxies) goes to a proxy on a closed loopback port, and no name is looked up.
const OFFLINE_PREFS = {
  "network.proxy.type": 1,
  "network.proxy.http": "127.0.0.1",
  "network.proxy.http_port": 9,
  "network.proxy.ssl": "127.0.0.1",
  "network.proxy.ssl_port": 9,
  "network.proxy.socks_remote_dns": true,
  "network.dns.disablePrefetch": true,
  "network.predictor.enabled": false,
  "network.prefetch-next": false,
  "network.dns.localDomains": "dummy.test",
  // and Firefox's own remote settings and experiments are not even tried.
  "services.settings.server": "http://127.0.0.1:9/",
  "messaging-system.rsexperimentloader.enabled": false,
  "app.shield.optoutstudies.enabled": false,
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Debian's firefox-esr (or $FIREFOX), or null when it is not installed. */
function firefoxPath() {
  if (process.env.FIREFOX) return fs.existsSync(process.env.FIREFOX) ? process.env.FIREFOX : null;
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    for (const name of ["firefox-esr", "firefox"]) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/**
 * Polls `fn` in the page until its value passes `accept` (by default: is truthy). On moz-extension:// pages Firefox
 * never reports the load to puppeteer and waitForFunction keeps polling the old document,
 * so waiting there is done with plain evaluate calls (which reach the current document).
 */
async function until(page, fn, arg, what = String(fn), accept = Boolean) {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = null;
  while (Date.now() < deadline) {
    try {
      const value = await page.evaluate(fn, arg);
      if (accept(value)) return value;
    } catch (error) {
      last = error; // the document is being replaced
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ""}`);
}

/** Starts a navigation without awaiting its load event (never seen on extension pages). */
function navigate(page, url) {
  page.goto(url, { timeout: 0 }).catch(() => {});
}

class Extension {
  constructor(browser, home) {
    this.browser = browser;
    this.home = home;
    this.control = null;
    this.pages = [];
  }

  url(file) {
    return `moz-extension://${UUID}/${file}`;
  }

  /** Opens an extension page in a new tab and waits for its ready flag. */
  async open(file, { width = 1100, height = 800 } = {}) {
    const page = await this.browser.newPage();
    this.pages.push(page);
    await page.setViewport({ width, height });
    navigate(page, this.url(file));
    await ready(page);
    return page;
  }

  /** (Re)installs the add-on; a reinstall keeps its UUID and storage, and re-reads its managed storage. */
  async install() {
    await this.browser.installExtension(EXTENSION);
    const control = await this.open("popup/popup.html");
    this.pages.pop();
    if (this.control) await this.control.close().catch(() => {}); // a reinstall closed it already
    this.control = control;
  }

  /** Sends a message to the background from an extension page, as the popup and options do. */
  async send(message) {
    const reply = await this.control.evaluate((m) => chrome.runtime.sendMessage(m), message);
    if (!reply || !reply.ok) throw new Error(`background refused ${message.type}: ${reply && reply.error}`);
    return reply.value;
  }

  /** Saves settings as the options page would. */
  async configure(settings) {
    const reply = await this.send({ type: "save-settings", settings });
    if (!reply.saved) throw new Error(`settings not saved: ${JSON.stringify(reply.errors)}`);
    return reply.settings;
  }

  /** Defaults pointing at `serviceUrl`, and no finding ignored. */
  async reset(serviceUrl) {
    await this.configure({
      serviceUrl, profile: "public-servant", electionPeriod: false, officialAccount: false, preSendCheck: true,
      sites: Object.fromEntries(Object.keys(PAGES).map((name) => [name, true])), mastodonInstances: [],
    });
    await this.control.evaluate(() => chrome.storage.session.clear());
  }

  /**
   * Sets the administrator's policy the way Firefox reads it on Linux: a managed-storage
   * manifest in ~/.mozilla/managed-storage/ (null removes it), then restarts the add-on,
   * since Firefox reads managed storage once per add-on start.
   */
  async setPolicy(data) {
    const dir = path.join(this.home, ".mozilla", "managed-storage");
    const file = path.join(dir, `${GECKO_ID}.json`);
    if (data) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ name: GECKO_ID, description: "Impartial test policy", type: "storage", data }));
    } else fs.rmSync(file, { force: true });
    await this.install();
  }
}

async function ready(page) {
  return until(page, () => document.readyState === "complete" && document.documentElement.dataset.ready, undefined, "the page's ready flag");
}

/** One local composer page at its site's address: type into its editor, read the extension's warning host. */
class Site {
  constructor(page, name) {
    this.page = page;
    this.name = name;
    this.spec = PAGES[name];
  }

  async type(text) {
    await this.page.click(this.spec.editor);
    await this.page.keyboard.type(text);
  }

  /** Waits until the warning host reaches `state` and returns its contract attributes. */
  async settled(state = "done") {
    await this.page.waitForSelector(`impartial-warning[data-impartial-state="${state}"]`, { timeout: TIMEOUT_MS });
    return this.attributes();
  }

  attributes() {
    return this.page.evaluate(() => {
      const h = document.querySelector("impartial-warning");
      return { level: h.dataset.impartialLevel, findings: Number(h.dataset.impartialFindings), state: h.dataset.impartialState };
    });
  }

  /** What the page saw: foreign mutations, each editor's text and whether it is as the page rendered it, posts. */
  replica() {
    return this.page.evaluate(() => Replica.check());
  }
}

/** Launches Firefox with a private HOME (where managed-storage manifests go) and installs the extension. */
async function launch() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "impartial-firefox-"));
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefoxPath(),
    headless: true,
    // Needed to open moz-extension:// pages from the remote protocol.
    args: ["--remote-allow-system-access"],
    // MOZ_REMOTE_SETTINGS_DEVTOOLS lets release builds honour services.settings.server.
    env: { ...process.env, HOME: home, MOZ_REMOTE_SETTINGS_DEVTOOLS: "1" },
    extraPrefsFirefox: { "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }), ...OFFLINE_PREFS },
    timeout: 120000,
    dumpio: process.env.FIREFOX_DUMPIO === "1", // Firefox's own console (the background's errors too), for debugging
  });
  const extension = new Extension(browser, home);
  await extension.install();
  const pages = [];

  async function openSite(name) {
    const page = await browser.newPage();
    pages.push(page);
    await page.setViewport({ width: 1100, height: 800 });
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      serve(request).catch(() => {}); // the page went away mid-request
    });
    await page.goto(PAGES[name].url);
    await page.waitForSelector(READY, { timeout: TIMEOUT_MS });
    return new Site(page, name);
  }

  /** Opens a composer variant of the real-library pages (composers.json) and returns its page, editor open. */
  async function openComposer(id) {
    const variant = composer(id);
    const page = await browser.newPage();
    pages.push(page);
    await page.setViewport({ width: 1100, height: 800 });
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      serveFixture(request).catch(() => {});
    });
    await page.goto(variant.url);
    await page.waitForSelector(FIXTURE_READY, { timeout: TIMEOUT_MS });
    if (variant.open) await page.click(variant.open);
    await page.waitForSelector(variant.editor, { timeout: TIMEOUT_MS });
    return { page, variant };
  }

  async function closePages() {
    for (const page of [...pages.splice(0), ...extension.pages.splice(0)]) await page.close().catch(() => {}); // a reinstall closed it already
  }

  async function close() {
    await browser.close();
    fs.rmSync(home, { recursive: true, force: true });
  }

  return { browser, extension, openSite, openComposer, closePages, close };
}

module.exports = { firefoxPath, launch, until, navigate, ready, Extension, Site };
