/*
 * The extension in Debian's Firefox ESR against a real gunicorn service: inline warnings on
 * the local composer pages at the sites' real addresses, the pre-send stop, the popup, the
 * options page with a real managed-storage policy, and the offline state.
 * One Firefox serves the whole file; each test opens its own tabs.
 */
"use strict";
const { describe, test, before, after, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { firefoxPath, launch, until, navigate } = require("./firefox.js");
const { PYTHON, freePort, startService, expected } = require("./service.js");
const { PAGES } = require("./sites.js");
const { rect, markRects, markVsText } = require("./probes.js");

const RISKY = "Vote Labour on Thursday!";
const BENIGN = "Lovely walk by the river this morning.";
const host = (name) => new URL(PAGES[name].url).hostname;

// Missing tools skip the suite on a developer's machine; under CI they fail it.
const missing = [firefoxPath() ? null : "firefox-esr", fs.existsSync(PYTHON) ? null : ".venv"].filter(Boolean);
const skip = missing.length && process.env.CI !== "true" ? `not installed: ${missing.join(", ")} (make test-firefox installs them as root)` : false;

describe("the extension in Firefox", { skip }, () => {
  let ff;
  let service;
  const started = [];

  async function extraService() {
    const s = await startService({ workers: 1 });
    started.push(s);
    return s;
  }

  before(async () => {
    assert.deepEqual(missing, [], "make test-firefox installs firefox-esr and .venv");
    // Both at once (each takes seconds); whichever started is stopped in after() if the other failed.
    const [s, f] = await Promise.allSettled([startService({ workers: 2 }), launch()]);
    service = s.value;
    ff = f.value;
    for (const r of [s, f]) if (r.status === "rejected") throw r.reason;
    await ff.extension.reset(service.url);
  });

  afterEach(async () => {
    await ff.closePages();
    await ff.extension.reset(service.url);
    for (const s of started.splice(0)) await s.stop();
  });

  after(async () => {
    if (ff) await ff.close();
    if (service) await service.stop();
  });

  describe("inline warnings", () => {
    for (const name of ["mastodon", "facebook", "bluesky", "linkedin", "x", "threads", "reddit"]) {
      test(`should underline a risky draft on ${name} and leave its editor untouched`, async () => {
        const site = await ff.openSite(name);
        await site.type(RISKY);
        const attrs = await site.settled();
        const answer = await expected(service.url, RISKY, host(name));
        assert.deepEqual(attrs, { level: answer.level, findings: answer.findings.length, state: "done" });
        assert.ok(["medium", "high"].includes(attrs.level));
        // Underlines sit on the editor's first line of text, inside its box.
        const box = await site.page.$eval(site.spec.editor, rect);
        const marks = await markRects(site);
        assert.ok(marks.length >= 1);
        for (const m of marks) {
          assert.ok(box.x <= m.x + 1 && m.x + m.width <= box.x + box.width + 1, JSON.stringify({ box, m }));
          assert.ok(box.y <= m.y + 1 && m.y + m.height <= box.y + 60, JSON.stringify({ box, m }));
        }
        const replica = await site.replica();
        assert.deepEqual(replica.foreign, []);
        assert.deepEqual(replica.editors[0], { matches: true, text: RISKY });
      });
    }

    for (const name of ["mastodon", "facebook", "bluesky"]) {
      test(`should show a benign draft on ${name} as clear`, async () => {
        const site = await ff.openSite(name);
        await site.type(BENIGN);
        assert.deepEqual(await site.settled(), { level: "none", findings: 0, state: "done" });
        assert.equal((await site.page.$$("impartial-warning >>> .mark")).length, 0);
        assert.deepEqual((await site.replica()).foreign, []);
      });
    }

    test("should keep the underline on the words after emoji and a line break, through scrolling and resizing", async () => {
      const site = await ff.openSite("x");
      await site.type("\u{1F5F3}\uFE0F Big day for #democracy\n");
      await site.type("Please Vote Labour on Thursday");
      assert.equal((await site.settled()).level, "high");
      const text = (await site.replica()).editors[0].text;
      const [finding] = (await expected(service.url, text, host("x"))).findings;
      const args = { editor: site.spec.editor, needle: finding.match, rule: finding.rule };
      const close = (r) => r !== null && r.mark.every((m, i) => Math.abs(m - r.text[i]) <= 1);
      const atRest = await until(site.page, markVsText, args, "the underline on its words", close);
      await site.page.mouse.move(500, 100);
      await site.page.mouse.wheel({ deltaY: 40 });
      await until(site.page, markVsText, args, "the underline after scrolling", (r) => close(r) && r.text[1] < atRest.text[1]);
      // Narrowing the window moves the text; the underline follows.
      await site.page.setViewport({ width: 420, height: 800 });
      await until(site.page, markVsText, args, "the underline after resizing", (r) => close(r) && r.text[0] < atRest.text[0]);
      assert.deepEqual((await site.replica()).foreign, []);
    });

    test("should open the card on hover, styled by the extension under the page's strict CSP, and Ignore this lasts for the session", async () => {
      const site = await ff.openSite("facebook");
      await site.type(RISKY);
      await site.settled();
      const { findings } = await expected(service.url, RISKY, host("facebook"));
      const [mark] = await markRects(site);
      await site.page.mouse.move(mark.x + mark.width / 2, mark.y + mark.height / 2);
      await site.page.waitForSelector("impartial-warning >>> .card:not([hidden])", { timeout: 30000 });
      const card = await site.page.evaluate(() => {
        const root = document.querySelector("impartial-warning").shadowRoot;
        const style = (sel, prop) => getComputedStyle(root.querySelector(sel)).getPropertyValue(prop);
        return {
          items: [...root.querySelectorAll(".card li.item")].map((li) => ({
            rule: li.dataset.rule, match: li.querySelector(".match").textContent, msg: li.querySelector(".msg").textContent,
            href: li.querySelector("a.guide").getAttribute("href"), rel: li.querySelector("a.guide").getAttribute("rel"),
          })),
          badge: [style(".badge", "position"), style(".badge", "display"), style(".badge", "border-top-left-radius")],
          panel: [style(".card", "position"), style(".card", "width")],
          mark: style(".mark", "border-bottom-style"),
          label: root.querySelector(".badge").getAttribute("aria-label"),
        };
      });
      assert.deepEqual(card.items, findings.map((f) => ({ rule: f.rule, match: f.match, msg: f.message, href: f.guidance.url, rel: "noopener noreferrer" })));
      // The shadow root's stylesheet applies in Firefox too: the UI is laid out, not raw markup.
      assert.deepEqual([card.badge, card.panel, card.mark], [["fixed", "flex", "11px"], ["fixed", "340px"], "solid"]);
      const n = findings.length;
      assert.equal(card.label, `Impartial: high risk, ${n} finding${n === 1 ? "" : "s"}. Show details`);
      assert.deepEqual((await site.replica()).foreign, []);

      // "Ignore this" on every finding clears the warning, and lasts for the session (other tabs too).
      const buttons = await site.page.$$("impartial-warning >>> .card button.ignore");
      for (const button of buttons.reverse()) await button.click();
      await site.page.waitForSelector('impartial-warning[data-impartial-findings="0"]', { timeout: 30000 });
      assert.deepEqual(await site.attributes(), { level: "none", findings: 0, state: "done" });
      const again = await ff.openSite("threads");
      await again.type(RISKY);
      assert.deepEqual(await again.settled(), { level: "none", findings: 0, state: "done" });
    });

    test("should find an editor the page adds later, without focus, and guard its own Post button", async () => {
      const site = await ff.openSite("x");
      await site.page.evaluate((draft) => openComposeDialog(`Quoting: ${draft}`), RISKY);
      await site.page.waitForSelector('impartial-warning[data-impartial-state="done"]', { timeout: 30000 });
      assert.equal(await site.page.$eval('impartial-warning[data-impartial-state="done"]', (h) => h.dataset.impartialLevel), "high");
      await site.page.click('[data-testid="tweetButton"]');
      await site.page.waitForSelector('impartial-warning[data-impartial-confirm="open"]', { timeout: 30000 });
      const replica = await site.replica();
      assert.deepEqual([replica.foreign, replica.editors.map((e) => e.matches), replica.posted], [[], [true, true], []]);
    });
  });

  describe("inline warnings on the real editor libraries", () => {
    for (const id of ["x.post", "facebook.post", "linkedin.post", "bluesky.post"]) {
      test(`should underline a risky draft in ${id}, and the library's own model holds what was typed`, async () => {
        const { page, variant } = await ff.openComposer(id);
        await page.click(variant.editor);
        await page.keyboard.type(RISKY);
        await page.waitForFunction(() => [...document.querySelectorAll("impartial-warning")].some((h) => h.dataset.impartialState === "done"), { timeout: 30000 });
        const shown = await page.evaluate((fixture) => {
          const h = [...document.querySelectorAll("impartial-warning")].find((w) => w.dataset.impartialState === "done");
          return { level: h.dataset.impartialLevel, marks: h.shadowRoot.querySelectorAll(".mark").length, model: Fixture.text(fixture) };
        }, variant.fixture);
        const answer = await expected(service.url, RISKY, new URL(variant.url).hostname);
        assert.deepEqual(shown, { level: answer.level, marks: shown.marks, model: RISKY });
        assert.ok(["medium", "high"].includes(shown.level) && shown.marks >= 1, JSON.stringify(shown));
      });
    }
  });

  describe("the pre-send check", () => {
    const question = (site) => site.page.waitForSelector('impartial-warning[data-impartial-confirm="open"]', { timeout: 30000 });
    const posted = (site, n) => site.page.waitForFunction((count) => Replica.check().posted.length === count, { timeout: 30000 }, n);

    for (const name of ["mastodon", "facebook", "bluesky"]) {
      test(`should stop the Post button once on ${name}, then Post anyway sends`, async () => {
        const site = await ff.openSite(name);
        await site.type(RISKY);
        await site.settled();
        await site.page.click(site.spec.post);
        await question(site);
        assert.deepEqual((await site.replica()).posted, []);
        const { findings } = await expected(service.url, RISKY, host(name));
        const listed = await site.page.$$eval("impartial-warning >>> .confirm li .match", (els) => els.map((e) => e.textContent));
        assert.deepEqual(listed, findings.map((f) => f.match));
        await site.page.click("impartial-warning >>> .confirm button.post");
        await posted(site, 1);
        const replica = await site.replica();
        assert.deepEqual([replica.posted, replica.foreign], [[RISKY], []]);
      });
    }

    test("should stop Ctrl+Enter, and Keep editing keeps the draft", async () => {
      const site = await ff.openSite("mastodon");
      await site.type(RISKY);
      await site.settled();
      const ctrlEnter = async () => {
        await site.page.keyboard.down("Control");
        await site.page.keyboard.press("Enter");
        await site.page.keyboard.up("Control");
      };
      await ctrlEnter();
      await question(site);
      await site.page.click("impartial-warning >>> .confirm button.keep");
      await site.page.waitForSelector("impartial-warning:not([data-impartial-confirm])", { timeout: 30000 });
      assert.deepEqual([(await site.replica()).editors[0].text, (await site.replica()).posted], [RISKY, []]);
      // Still unacknowledged: asked again, and this time sent.
      await site.page.focus(site.spec.editor);
      await ctrlEnter();
      await question(site);
      await site.page.click("impartial-warning >>> .confirm button.post");
      await posted(site, 1);
      assert.deepEqual((await site.replica()).posted, [RISKY]);
    });

    test("should let a benign post straight through", async () => {
      const site = await ff.openSite("bluesky");
      await site.type(BENIGN);
      await site.settled();
      await site.page.click(site.spec.post);
      await posted(site, 1);
      assert.deepEqual((await site.replica()).posted, [BENIGN]);
      assert.equal(await site.page.$eval("impartial-warning", (h) => h.dataset.impartialConfirm ?? null), null);
    });
  });

  describe("the popup", () => {
    const check = async (popup, text, submit) => {
      await popup.evaluate(() => { document.getElementById("draft").value = ""; });
      await popup.type("#draft", text);
      await submit();
      await until(popup, () => document.documentElement.dataset.state === "done", undefined, "the popup's check");
      return popup.evaluate(() => {
        const result = document.getElementById("result");
        return { level: result.dataset.impartialLevel, findings: Number(result.dataset.impartialFindings) };
      });
    };

    test("should check a pasted draft and highlight the service's spans", async () => {
      const popup = await ff.extension.open("popup/popup.html", { width: 400, height: 560 });
      const { rules_version: rulesVersion } = await (await fetch(`${service.url}/healthz`)).json();
      await until(popup, () => document.getElementById("service").dataset.state, undefined, "the service state");
      assert.deepEqual(await popup.evaluate(() => [document.getElementById("service").dataset.state, document.getElementById("service-text").textContent]),
        ["reachable", `Service reachable \u00b7 rules ${rulesVersion}`]);
      const text = "\u{1F5F3}\uFE0F Big day tomorrow.\nVote Labour on Thursday!";
      const answer = await expected(service.url, text);
      assert.deepEqual(await check(popup, text, () => popup.click("#check")), { level: answer.level, findings: answer.findings.length });
      const shown = await popup.evaluate(() => ({
        level: document.getElementById("level").textContent,
        score: document.getElementById("score").textContent,
        marks: [...document.querySelectorAll("#highlighted mark")].map((m) => m.textContent),
        highlighted: document.getElementById("highlighted").textContent,
        first: [document.querySelector("#findings li").dataset.rule, document.querySelector("#findings li a").getAttribute("href")],
      }));
      assert.deepEqual(shown, {
        level: "High risk", score: `Score ${answer.score} / 100`, marks: answer.findings.map((f) => f.match), highlighted: text,
        first: [answer.findings[0].rule, answer.findings[0].guidance.url],
      });
    });

    test("should check with Ctrl+Enter and show a benign draft as clear", async () => {
      const popup = await ff.extension.open("popup/popup.html", { width: 400, height: 560 });
      const ctrlEnter = async () => {
        await popup.keyboard.down("Control");
        await popup.keyboard.press("Enter");
        await popup.keyboard.up("Control");
      };
      assert.deepEqual(await check(popup, BENIGN, ctrlEnter), { level: "none", findings: 0 });
      assert.equal(await popup.evaluate(() => document.getElementById("level").textContent), "No issues");
    });
  });

  describe("the options page", () => {
    const save = async (page, count) => {
      await page.click("#save");
      await until(page, (n) => document.documentElement.dataset.saved === String(n), count, `save number ${count}`);
    };
    const reload = async (page) => {
      await page.evaluate(() => { window.previousDocument = true; });
      navigate(page, ff.extension.url("options/options.html"));
      await until(page, () => !window.previousDocument && document.readyState === "complete" && document.documentElement.dataset.ready, undefined, "the reloaded page");
    };

    test("should save the service URL and settings, keep them after a reload, and use the new service", async () => {
      const other = await extraService();
      const page = await ff.extension.open("options/options.html");
      assert.equal(await page.$eval("#serviceUrl", (i) => i.value), service.url);
      await until(page, () => document.documentElement.dataset.profiles, undefined, "the service's profiles");
      await page.$eval("#serviceUrl", (i) => { i.value = ""; });
      await page.type("#serviceUrl", `${other.url}/`);
      await page.select("#profile", "us-federal");
      await page.click("#electionPeriod");
      await page.click("#site-reddit");
      await save(page, 1);
      assert.equal(await page.$eval("#status", (s) => s.textContent), "Saved.");
      await until(page, () => document.getElementById("service-state").dataset.state, undefined, "the service state");
      assert.equal(await page.$eval("#service-state", (s) => s.textContent.startsWith("Service reachable")), true);

      await reload(page);
      const form = await page.evaluate(() => ({
        serviceUrl: document.getElementById("serviceUrl").value, profile: document.getElementById("profile").value,
        electionPeriod: document.getElementById("electionPeriod").checked, reddit: document.getElementById("site-reddit").checked,
        x: document.getElementById("site-x").checked,
      }));
      assert.deepEqual(form, { serviceUrl: other.url, profile: "us-federal", electionPeriod: true, reddit: false, x: true });
      const stored = await ff.extension.send({ type: "get-settings" });
      assert.deepEqual([stored.locked, stored.settings.serviceUrl, stored.settings.profile], [[], other.url, "us-federal"]);
      // The background now asks the new service, with the saved profile and context.
      const reply = await ff.extension.send({ type: "score", text: RISKY });
      assert.deepEqual([reply.status, reply.result.profile], ["ok", "us-federal"]);
      await other.stop();
      assert.equal((await ff.extension.send({ type: "health" })).reachable, false);
    });

    test("should refuse a plain-http service that is not on this computer", async () => {
      const page = await ff.extension.open("options/options.html");
      await page.$eval("#serviceUrl", (i) => { i.value = "http://impartial.example.org"; });
      await page.click("#save");
      await until(page, () => !document.getElementById("serviceUrl-error").hidden, undefined, "the field's error");
      assert.equal(await page.$eval("#serviceUrl-error", (e) => e.textContent),
        "service URL must use https unless it is on this computer (127.0.0.1 or localhost)");
      assert.equal(await page.evaluate(() => document.documentElement.dataset.saved ?? null), null);
    });

    test("should show the settings an administrator's policy sets as locked, and keep them", async () => {
      // The user's own URL leads nowhere; the policy's is the running service.
      const own = `http://127.0.0.1:${await freePort()}`;
      await ff.extension.configure({ serviceUrl: own });
      await ff.extension.setPolicy({ serviceUrl: service.url, profile: "uk-civil-service", sites: { x: true } });
      try {
        const page = await ff.extension.open("options/options.html");
        const shown = await page.evaluate(() => ({
          serviceUrl: document.getElementById("serviceUrl").value,
          disabled: ["serviceUrl", "profile", "site-x", "site-reddit", "electionPeriod"].map((id) => document.getElementById(id).disabled),
          lock: document.querySelector('[data-setting="serviceUrl"] .lock').textContent,
          note: !document.getElementById("managed-note").hidden,
        }));
        assert.deepEqual(shown, { serviceUrl: service.url, disabled: [true, true, true, false, false], lock: "Locked by your organisation", note: true });
        await page.click("#electionPeriod");
        await save(page, 1);
        const { settings, locked } = await ff.extension.send({ type: "get-settings" });
        assert.deepEqual([settings.serviceUrl, settings.profile, settings.electionPeriod, locked], [service.url, "uk-civil-service", true, ["serviceUrl", "profile", "sites.x"]]);
        // A change to a locked key sent anyway is dropped by the background: checks still go to the policy's service.
        await ff.extension.send({ type: "save-settings", settings: { profile: "us-federal", serviceUrl: own } });
        const reply = await ff.extension.send({ type: "score", text: RISKY });
        assert.deepEqual([reply.status, reply.result.profile], ["ok", "uk-civil-service"]);
      } finally {
        await ff.extension.setPolicy(null);
      }
      assert.deepEqual((await ff.extension.send({ type: "get-settings" })).locked, []);
    });
  });

  describe("a stopped service", () => {
    test("should turn the badge to Offline without blocking typing or posting, then recover", async () => {
      // The one that comes back later is started now too, to spare a second start-up wait.
      const [first, again] = await Promise.all([extraService(), extraService()]);
      await ff.extension.configure({ serviceUrl: first.url });
      const site = await ff.openSite("mastodon");
      await site.type(RISKY);
      assert.equal((await site.settled()).level, "high");

      await first.stop();
      await site.type(" And again.");
      await site.settled("offline");
      const badge = await site.page.evaluate(() => {
        const b = document.querySelector("impartial-warning").shadowRoot.querySelector(".badge");
        return { level: b.dataset.level, word: b.querySelector("[aria-live=polite]").textContent, label: b.getAttribute("aria-label") };
      });
      assert.deepEqual([badge.level, badge.word], ["unknown", "Offline"]);
      assert.match(badge.label, /unavailable/);
      const replica = await site.replica();
      assert.deepEqual([replica.editors[0].text, replica.foreign], [`${RISKY} And again.`, []]);
      // Posting while offline is never blocked by our failure.
      await site.page.click(site.spec.post);
      await site.page.waitForFunction(() => Replica.check().posted.length === 1, { timeout: 30000 });

      // A service comes back (here: a new one, set in the options): the pending retry finds it.
      await ff.extension.configure({ serviceUrl: again.url });
      await site.type(RISKY);
      assert.equal((await site.settled()).level, "high");
    });

    test("should say in the popup that the service cannot be reached", async () => {
      const gone = { url: `http://127.0.0.1:${await freePort()}` }; // nothing listens there
      await ff.extension.configure({ serviceUrl: gone.url });
      const popup = await ff.extension.open("popup/popup.html", { width: 400, height: 560 });
      await until(popup, () => document.getElementById("service").dataset.state, undefined, "the service state");
      assert.deepEqual(await popup.evaluate(() => [document.getElementById("service").dataset.state, document.getElementById("service-text").textContent]),
        ["unreachable", `Service not reachable at ${gone.url}`]);
      await popup.type("#draft", RISKY);
      await popup.click("#check");
      await until(popup, () => document.documentElement.dataset.state === "offline", undefined, "the offline state");
      assert.deepEqual(await popup.evaluate(() => [document.getElementById("error").hidden, document.getElementById("result").hidden]), [false, true]);
    });
  });
});
