"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { MSG, STATUS } = require("../../extension/common/messages.js");
const S = require("../../extension/common/settings.js");
const { createServiceClient } = require("../../extension/background/service-client.js");
const { createRouter } = require("../../extension/background/router.js");

const RESULT = { score: 71, level: "high", warn: true, findings: [], profile: "public-servant", rules_version: "r1" };

// A fetch that records requests and answers when told to (or at once with `auto`).
function fakeFetch({ auto = true, answer = () => ({ status: 200, body: RESULT }) } = {}) {
  const calls = [];
  const fetch = (url, init) => new Promise((resolve, reject) => {
    const call = {
      url,
      body: init.body ? JSON.parse(init.body) : null,
      respond(status = 200, body = RESULT) {
        resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
      },
      fail() {
        reject(new TypeError("Failed to fetch"));
      },
    };
    init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
    calls.push(call);
    if (auto) {
      const a = answer(call);
      if (a === "fail") call.fail();
      else call.respond(a.status, a.body);
    }
  });
  return { fetch, calls };
}

function memoryStore(initial = {}, managed = {}) {
  let stored = initial;
  let ignored = [];
  return {
    async load() {
      return S.mergeSettings(stored, managed);
    },
    async save(change) {
      stored = S.sanitize(S.withoutLocked(change, S.mergeSettings(stored, managed).locked), S.sanitize(stored).settings).settings;
      return S.mergeSettings(stored, managed);
    },
    async ignored() {
      return ignored;
    },
    async ignore(key) {
      ignored = [...ignored, key];
      return ignored;
    },
  };
}

const TAB = { tab: { id: 7 }, frameId: 0, url: "https://x.com/home" };
const POPUP = { url: "chrome-extension://abc/popup/popup.html" };

function setup(opts = {}) {
  const { fetch, calls } = fakeFetch(opts);
  let clock = 1000;
  const client = createServiceClient({ fetch, now: () => clock, random: () => 0.5 });
  const changes = [];
  const store = opts.store || memoryStore();
  const route = createRouter({ store, client, onStateChanged: () => changes.push("changed"), extensionOrigin: "chrome-extension://abc" });
  return { route, calls, client, changes, store, tick: (ms) => (clock += ms) };
}

test("should score a draft from a page with the page's site and the settings' profile", async () => {
  const { route, calls } = setup();
  const reply = await route({ type: MSG.SCORE, text: "Vote Labour on Thursday!", editorId: 1 }, TAB);
  assert.deepEqual({ reply, sent: calls.map((c) => [c.url, c.body]) }, {
    reply: { status: STATUS.OK, result: RESULT },
    sent: [["http://127.0.0.1:8765/v1/score", { text: "Vote Labour on Thursday!", profile: "public-servant", context: { election_period: false, account: "personal", site: "x.com" } }]],
  });
});

test("should not send the same text twice", async () => {
  const { route, calls } = setup();
  const first = await route({ type: MSG.SCORE, text: "Proud Tory member", editorId: 1 }, TAB);
  const second = await route({ type: MSG.SCORE, text: "Proud Tory member", editorId: 1 }, TAB);
  assert.deepEqual({ calls: calls.length, first: first.status, second }, { calls: 1, first: STATUS.OK, second: { status: STATUS.OK, result: RESULT, cached: true } });
});

test("should share one request between identical texts in flight", async () => {
  const { route, calls } = setup({ auto: false });
  const a = route({ type: MSG.SCORE, text: "same", editorId: 1 }, TAB);
  const b = route({ type: MSG.SCORE, text: "same", editorId: 2 }, TAB);
  await new Promise((r) => setImmediate(r));
  calls[0].respond();
  assert.deepEqual([calls.length, (await a).status, (await b).status], [1, STATUS.OK, STATUS.OK]);
});

test("should drop a stale request when the same editor asks again", async () => {
  const { route, calls } = setup({ auto: false });
  const older = route({ type: MSG.SCORE, text: "Vote Lab", editorId: 1 }, TAB);
  await new Promise((r) => setImmediate(r));
  const newer = route({ type: MSG.SCORE, text: "Vote Labour", editorId: 1 }, TAB);
  await new Promise((r) => setImmediate(r));
  calls[1].respond();
  assert.deepEqual([await older, (await newer).status, calls.length], [{ status: STATUS.STALE }, STATUS.OK, 2]);
});

test("should go offline, back off without sending, then retry", async () => {
  let down = true;
  const { route, calls, tick } = setup({ answer: () => (down ? "fail" : { status: 200, body: RESULT }) });
  const first = await route({ type: MSG.SCORE, text: "one", editorId: 1 }, TAB);
  const during = await route({ type: MSG.SCORE, text: "two", editorId: 1 }, TAB);
  tick(1000);
  const second = await route({ type: MSG.SCORE, text: "two", editorId: 1 }, TAB);
  tick(2000);
  down = false;
  const third = await route({ type: MSG.SCORE, text: "two", editorId: 1 }, TAB);
  assert.deepEqual({ first, during, second, third: third.status, calls: calls.length }, {
    first: { status: STATUS.OFFLINE, reason: "unreachable", retryIn: 1000 },
    during: { status: STATUS.OFFLINE, reason: "unreachable", retryIn: 1000 },
    second: { status: STATUS.OFFLINE, reason: "unreachable", retryIn: 2000 },
    third: STATUS.OK,
    calls: 3,
  });
});

test("should treat a 5xx as offline and a 413 as refused", async () => {
  const { route } = setup({ answer: (c) => (c.body.text === "long" ? { status: 413, body: { error: { code: "text_too_long", message: "text is longer than 20000 characters" } } } : { status: 503, body: {} }) });
  const refused = await route({ type: MSG.SCORE, text: "long", editorId: 1 }, TAB);
  const failing = await route({ type: MSG.SCORE, text: "short", editorId: 1 }, TAB);
  assert.deepEqual([refused, failing], [
    { status: STATUS.REFUSED, error: { code: "text_too_long", message: "text is longer than 20000 characters" } },
    { status: STATUS.OFFLINE, reason: "http_503", retryIn: 1000 },
  ]);
});

test("should send nothing for a site the user switched off", async () => {
  const { route, calls } = setup({ store: memoryStore({ sites: { x: false } }) });
  const reply = await route({ type: MSG.SCORE, text: "Vote Labour", editorId: 1 }, TAB);
  assert.deepEqual([reply, calls.length], [{ status: STATUS.DISABLED }, 0]);
});

test("should score popup text without a site", async () => {
  const { route, calls } = setup();
  await route({ type: MSG.SCORE, text: "Vote Labour" }, POPUP);
  assert.deepEqual(calls[0].body.context, { election_period: false, account: "personal" });
});

test("should tell a page whether it is enabled, its site and what is ignored", async () => {
  const { route } = setup();
  await route({ type: MSG.IGNORE_FINDING, key: "party.vote-for|vote labour" }, TAB);
  const states = [await route({ type: MSG.GET_PAGE_STATE }, TAB), await route({ type: MSG.GET_PAGE_STATE }, { ...TAB, url: "https://example.org/" })];
  assert.deepEqual(states, [
    { enabled: true, site: "x", preSendCheck: true, ignored: ["party.vote-for|vote labour"] },
    { enabled: false, site: null, preSendCheck: true, ignored: ["party.vote-for|vote labour"] },
  ]);
});

test("should save settings from the options page, refuse bad ones and keep policy", async () => {
  const store = memoryStore({}, { profile: "uk-civil-service" });
  const { route, changes } = setup({ store });
  const bad = await route({ type: MSG.SAVE_SETTINGS, settings: { serviceUrl: "http://remote.example" } }, POPUP);
  const good = await route({ type: MSG.SAVE_SETTINGS, settings: { serviceUrl: "http://127.0.0.1:9999", profile: "us-federal", electionPeriod: true } }, POPUP);
  assert.deepEqual({ bad, settings: good.settings.serviceUrl, profile: good.settings.profile, election: good.settings.electionPeriod, locked: good.locked, changes }, {
    bad: { saved: false, errors: [{ field: "serviceUrl", message: "service URL must use https unless it is on this computer (127.0.0.1 or localhost)" }] },
    settings: "http://127.0.0.1:9999",
    profile: "uk-civil-service",
    election: true,
    locked: ["profile"],
    changes: ["changed"],
  });
});

test("should not let a page read or change settings", async () => {
  const { route } = setup();
  await assert.rejects(route({ type: MSG.GET_SETTINGS }, TAB), { message: "only extension pages may read or change settings" });
  await assert.rejects(route({ type: MSG.SAVE_SETTINGS, settings: {} }, TAB), { message: "only extension pages may read or change settings" });
});

test("should report the service's health and profiles", async () => {
  const { route } = setup({
    answer: (c) => (c.url.endsWith("/healthz") ? { status: 200, body: { status: "ok", rules_version: "2025.11" } } : { status: 200, body: { version: "2025.11", profiles: ["public-servant", "us-federal"] } }),
  });
  assert.deepEqual([await route({ type: MSG.HEALTH }, POPUP), await route({ type: MSG.GET_PROFILES }, POPUP)], [
    { reachable: true, rulesVersion: "2025.11", serviceUrl: "http://127.0.0.1:8765" },
    { profiles: ["public-servant", "us-federal"], source: "service" },
  ]);
});

test("should fall back to the built-in profiles when the service is down", async () => {
  const { route } = setup({ answer: () => "fail" });
  assert.deepEqual(await route({ type: MSG.GET_PROFILES }, POPUP), { profiles: ["public-servant", "uk-civil-service", "us-federal", "official-account"], source: "built-in" });
});

test("should throw on an unknown message id", async () => {
  const { route } = setup();
  await assert.rejects(route({ type: "nope" }, TAB), { message: "unknown message type: nope" });
});
