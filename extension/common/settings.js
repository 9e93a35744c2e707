/* Settings: defaults, the sites table, validation and the merge with managed policy. Pure. */
(function (root) {
  "use strict";

  const DEFAULT_SERVICE_URL = "http://127.0.0.1:8765";
  const PROFILES = Object.freeze(["public-servant", "uk-civil-service", "us-federal", "official-account"]);

  // One row per supported site. Adapters in content/sites/ use the same ids.
  const SITES = Object.freeze([
    { id: "x", label: "X (Twitter)", hosts: ["x.com", "twitter.com"] },
    { id: "facebook", label: "Facebook", hosts: ["facebook.com"] },
    { id: "linkedin", label: "LinkedIn", hosts: ["linkedin.com"] },
    { id: "bluesky", label: "Bluesky", hosts: ["bsky.app"] },
    { id: "threads", label: "Threads", hosts: ["threads.com", "threads.net"] },
    { id: "mastodon", label: "Mastodon", hosts: ["mastodon.social"] },
    { id: "reddit", label: "Reddit", hosts: ["reddit.com"] },
  ].map(Object.freeze));

  const DEFAULTS = Object.freeze({
    serviceUrl: DEFAULT_SERVICE_URL,
    profile: "public-servant",
    electionPeriod: false,
    officialAccount: false,
    preSendCheck: true,
    sites: Object.freeze(Object.fromEntries(SITES.map((s) => [s.id, true]))),
    mastodonInstances: Object.freeze([]),
  });

  const KEYS = Object.freeze(Object.keys(DEFAULTS));
  const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

  /** Validates a service URL: https anywhere, plain http only on loopback. */
  function normalizeServiceUrl(value) {
    if (typeof value !== "string" || !value.trim()) return { ok: false, error: "service URL is required" };
    let url;
    try {
      url = new URL(value.trim());
    } catch (_) {
      return { ok: false, error: "service URL is not a valid URL" };
    }
    if (url.username || url.password) return { ok: false, error: "service URL must not contain credentials" };
    if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) {
      return { ok: false, error: "service URL must use https unless it is on this computer (127.0.0.1 or localhost)" };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, error: "service URL must use http or https" };
    const path = url.pathname.replace(/\/+$/, "");
    return { ok: true, url: `${url.origin}${path}` };
  }

  /** Normalises a Mastodon instance host name ("https://fosstodon.org/" -> "fosstodon.org"). */
  function normalizeInstance(value) {
    if (typeof value !== "string") return null;
    let host = value.trim().toLowerCase();
    if (!host) return null;
    if (!/^[a-z]+:\/\//.test(host)) host = `https://${host}`;
    try {
      const url = new URL(host);
      if (url.protocol !== "https:" || !url.hostname.includes(".")) return null;
      return url.hostname;
    } catch (_) {
      return null;
    }
  }

  /** Keeps the known keys of a settings object with the right types; returns {settings, errors}. */
  function sanitize(input, base = DEFAULTS) {
    const out = { ...base, sites: { ...base.sites }, mastodonInstances: [...base.mastodonInstances] };
    const errors = [];
    if (!input || typeof input !== "object") return { settings: out, errors };
    if ("serviceUrl" in input) {
      const r = normalizeServiceUrl(input.serviceUrl);
      if (r.ok) out.serviceUrl = r.url;
      else errors.push({ field: "serviceUrl", message: r.error });
    }
    if ("profile" in input) {
      if (typeof input.profile === "string" && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(input.profile)) out.profile = input.profile;
      else errors.push({ field: "profile", message: "profile must be a profile name" });
    }
    for (const key of ["electionPeriod", "officialAccount", "preSendCheck"]) {
      if (key in input) {
        if (typeof input[key] === "boolean") out[key] = input[key];
        else errors.push({ field: key, message: `${key} must be true or false` });
      }
    }
    if ("sites" in input) {
      if (input.sites && typeof input.sites === "object") {
        for (const site of SITES) {
          if (typeof input.sites[site.id] === "boolean") out.sites[site.id] = input.sites[site.id];
        }
      } else errors.push({ field: "sites", message: "sites must map site ids to true or false" });
    }
    if ("mastodonInstances" in input) {
      if (Array.isArray(input.mastodonInstances)) {
        const hosts = [];
        for (const item of input.mastodonInstances) {
          const host = normalizeInstance(item);
          if (host === null) errors.push({ field: "mastodonInstances", message: `not an instance host name: ${String(item).slice(0, 80)}` });
          else if (!hosts.includes(host)) hosts.push(host);
        }
        out.mastodonInstances = hosts;
      } else errors.push({ field: "mastodonInstances", message: "mastodonInstances must be a list of host names" });
    }
    return { settings: out, errors };
  }

  /**
   * Merges the user's stored settings with the administrator's managed policy.
   * Policy wins; every key it sets is locked (per site for `sites`).
   */
  function mergeSettings(stored, managed) {
    const user = sanitize(stored).settings;
    const policy = managed && typeof managed === "object" ? managed : {};
    const merged = sanitize(policy, user).settings;
    const locked = [];
    for (const key of KEYS) {
      if (!(key in policy)) continue;
      if (key === "sites") {
        if (policy.sites && typeof policy.sites === "object") {
          for (const site of SITES) if (typeof policy.sites[site.id] === "boolean") locked.push(`sites.${site.id}`);
        }
      } else if (JSON.stringify(sanitize({ [key]: policy[key] }).errors) === "[]") {
        locked.push(key);
      }
    }
    return { settings: merged, locked };
  }

  /** Drops locked keys from a change the user asked for, so policy cannot be overridden. */
  function withoutLocked(change, locked) {
    const out = { ...change };
    for (const key of locked) {
      if (key.startsWith("sites.")) {
        if (out.sites) {
          out.sites = { ...out.sites };
          delete out.sites[key.slice(6)];
        }
      } else delete out[key];
    }
    return out;
  }

  function hostMatches(hostname, host) {
    return hostname === host || hostname.endsWith(`.${host}`);
  }

  /** The site id for a page's host name, or null. Extra Mastodon instances count as "mastodon". */
  function siteForHost(hostname, settings = DEFAULTS) {
    const name = String(hostname || "").toLowerCase();
    for (const site of SITES) if (site.hosts.some((h) => hostMatches(name, h))) return site.id;
    if ((settings.mastodonInstances || []).some((h) => hostMatches(name, h))) return "mastodon";
    return null;
  }

  /** The context object the service expects for a page. */
  function scoreContext(settings, site) {
    const ctx = { election_period: !!settings.electionPeriod, account: settings.officialAccount ? "official" : "personal" };
    if (site) ctx.site = site;
    return ctx;
  }

  const api = {
    DEFAULT_SERVICE_URL, PROFILES, SITES, DEFAULTS, KEYS,
    normalizeServiceUrl, normalizeInstance, sanitize, mergeSettings, withoutLocked, siteForHost, hostMatches, scoreContext,
  };
  root.Impartial = Object.assign(root.Impartial || {}, { settings: api });
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
