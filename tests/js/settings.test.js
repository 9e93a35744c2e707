"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const S = require("../../extension/common/settings.js");

test("should default to the local service and every site on", () => {
  assert.deepEqual(S.sanitize({}).settings, {
    serviceUrl: "http://127.0.0.1:8765",
    profile: "public-servant",
    electionPeriod: false,
    officialAccount: false,
    preSendCheck: true,
    sites: { x: true, facebook: true, linkedin: true, bluesky: true, threads: true, mastodon: true, reddit: true },
    mastodonInstances: [],
  });
});

for (const [input, expected] of [
  ["http://127.0.0.1:8765/", { ok: true, url: "http://127.0.0.1:8765" }],
  ["http://localhost:5000", { ok: true, url: "http://localhost:5000" }],
  ["https://impartial.example.gov.uk/api/", { ok: true, url: "https://impartial.example.gov.uk/api" }],
  ["http://impartial.example.gov.uk", { ok: false, error: "service URL must use https unless it is on this computer (127.0.0.1 or localhost)" }],
  ["https://user:pw@example.org", { ok: false, error: "service URL must not contain credentials" }],
  ["ftp://127.0.0.1", { ok: false, error: "service URL must use http or https" }],
  ["not a url", { ok: false, error: "service URL is not a valid URL" }],
  ["", { ok: false, error: "service URL is required" }],
]) {
  test(`should judge the service URL ${JSON.stringify(input)}`, () => {
    assert.deepEqual(S.normalizeServiceUrl(input), expected);
  });
}

test("should report bad fields and keep the good ones", () => {
  const { settings, errors } = S.sanitize({ serviceUrl: "http://evil.example", electionPeriod: "yes", profile: "us-federal", mastodonInstances: ["https://Fosstodon.org/", "bad host"] });
  assert.deepEqual({ serviceUrl: settings.serviceUrl, profile: settings.profile, electionPeriod: settings.electionPeriod, instances: settings.mastodonInstances, errors }, {
    serviceUrl: "http://127.0.0.1:8765",
    profile: "us-federal",
    electionPeriod: false,
    instances: ["fosstodon.org"],
    errors: [
      { field: "serviceUrl", message: "service URL must use https unless it is on this computer (127.0.0.1 or localhost)" },
      { field: "electionPeriod", message: "electionPeriod must be true or false" },
      { field: "mastodonInstances", message: "not an instance host name: bad host" },
    ],
  });
});

test("should let policy win and lock what it sets", () => {
  const stored = { serviceUrl: "http://localhost:9000", profile: "us-federal", electionPeriod: true, sites: { x: false, reddit: false } };
  const managed = { serviceUrl: "https://impartial.dept.example", profile: "uk-civil-service", sites: { reddit: true } };
  const { settings, locked } = S.mergeSettings(stored, managed);
  assert.deepEqual({ settings, locked }, {
    settings: {
      serviceUrl: "https://impartial.dept.example",
      profile: "uk-civil-service",
      electionPeriod: true,
      officialAccount: false,
      preSendCheck: true,
      sites: { x: false, facebook: true, linkedin: true, bluesky: true, threads: true, mastodon: true, reddit: true },
      mastodonInstances: [],
    },
    locked: ["serviceUrl", "profile", "sites.reddit"],
  });
});

test("should ignore an invalid policy value and not lock it", () => {
  assert.deepEqual(S.mergeSettings({}, { serviceUrl: "http://plain.example" }).locked, []);
});

test("should drop locked keys from a user's change", () => {
  const change = { serviceUrl: "http://localhost:1", profile: "us-federal", sites: { x: false, reddit: false } };
  assert.deepEqual(S.withoutLocked(change, ["serviceUrl", "sites.reddit"]), { profile: "us-federal", sites: { x: false } });
});

test("should name the site of a host, including subdomains and enabled instances", () => {
  const settings = { ...S.DEFAULTS, mastodonInstances: ["fosstodon.org"] };
  const hosts = ["x.com", "mobile.twitter.com", "www.facebook.com", "www.linkedin.com", "bsky.app", "www.threads.com", "threads.net", "mastodon.social", "fosstodon.org", "www.reddit.com", "example.org", "notx.com"];
  assert.deepEqual(hosts.map((h) => S.siteForHost(h, settings)), ["x", "x", "facebook", "linkedin", "bluesky", "threads", "threads", "mastodon", "mastodon", "reddit", null, null]);
});

test("should build the score context from the modes", () => {
  assert.deepEqual(S.scoreContext({ electionPeriod: true, officialAccount: true }, "x.com"), { election_period: true, account: "official", site: "x.com" });
});
