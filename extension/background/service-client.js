/*
 * The only code that talks to the Impartial service. Caches answers (the same text is
 * never sent twice), drops a request when a newer one arrives from the same editor,
 * and backs off while the service is down. fetch, clock and randomness are injectable.
 */
(function (root) {
  "use strict";
  const node = typeof module !== "undefined" && module.exports;
  const { STATUS } = node ? require("../common/messages.js") : root.Impartial;
  const { LruCache, backoffDelay } = node ? require("../common/timing.js") : root.Impartial.timing;

  const TIMEOUT_MS = 5000;

  function createServiceClient({ fetch = root.fetch.bind(root), now = Date.now, random = Math.random, timeoutMs = TIMEOUT_MS } = {}) {
    const cache = new LruCache(200);
    const inflight = new Map(); // cache key -> promise of an outcome, so identical requests share one fetch
    const channels = new Map(); // editor channel -> {key, controller}
    const health = { failures: 0, retryAt: 0, reason: null, rulesVersion: null, requests: 0 };

    function offline() {
      return { status: STATUS.OFFLINE, reason: health.reason, retryIn: Math.max(0, health.retryAt - now()) };
    }

    function failed(reason) {
      health.failures += 1;
      health.reason = reason;
      health.retryAt = now() + backoffDelay(health.failures, { random });
      return offline();
    }

    function succeeded() {
      health.failures = 0;
      health.retryAt = 0;
      health.reason = null;
    }

    /** fetch with a timeout; resolves to {response} or {error: "timeout"|"unreachable"|"aborted"}. */
    async function request(url, init, outer) {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const onOuter = () => controller.abort();
      if (outer) outer.addEventListener("abort", onOuter, { once: true });
      try {
        health.requests += 1;
        const response = await fetch(url, { ...init, signal: controller.signal, credentials: "omit", cache: "no-store", redirect: "error" });
        const body = await response.json().catch(() => null);
        return { response, body };
      } catch (_) {
        if (outer && outer.aborted) return { error: "aborted" };
        return { error: timedOut ? "timeout" : "unreachable" };
      } finally {
        clearTimeout(timer);
        if (outer) outer.removeEventListener("abort", onOuter);
      }
    }

    async function send(settings, body, key, signal) {
      const got = await request(`${settings.serviceUrl}/v1/score`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }, signal);
      if (got.error === "aborted") return { status: STATUS.STALE };
      if (got.error) return failed(got.error);
      const { response, body: answer } = got;
      if (response.status >= 500 || response.status === 429) return failed(`http_${response.status}`);
      if (!response.ok || !answer || typeof answer !== "object") {
        succeeded();
        const error = answer && answer.error ? answer.error : { code: `http_${response.status}`, message: "unexpected answer" };
        return { status: STATUS.REFUSED, error: { code: String(error.code), message: String(error.message) } };
      }
      succeeded();
      if (answer.rules_version) health.rulesVersion = String(answer.rules_version);
      cache.set(key, answer);
      return { status: STATUS.OK, result: answer };
    }

    /**
     * Scores text. `channel` names the editor asking; a newer request on the same channel
     * makes the older one resolve as STALE (its fetch is aborted).
     */
    async function score(settings, { text, context, channel }) {
      const body = { text, profile: settings.profile, context };
      const key = JSON.stringify([settings.serviceUrl, body.profile, context, text]);
      const previous = channel ? channels.get(channel) : null;
      if (previous && previous.key !== key) previous.controller.abort();
      if (cache.has(key)) return { status: STATUS.OK, result: cache.get(key), cached: true };
      if (inflight.has(key)) return inflight.get(key);
      if (health.retryAt > now()) return offline();

      const controller = new AbortController();
      const entry = { key, controller };
      if (channel) channels.set(channel, entry);
      const pending = send(settings, body, key, controller.signal).finally(() => {
        inflight.delete(key);
        if (channel && channels.get(channel) === entry) channels.delete(channel);
      });
      inflight.set(key, pending);
      return pending;
    }

    /** GET /healthz: whether the service answers and its rules version. */
    async function checkHealth(settings) {
      const got = await request(`${settings.serviceUrl}/healthz`, { method: "GET" });
      if (got.error || !got.response.ok || !got.body || got.body.status !== "ok") {
        const reason = got.error || `http_${got.response.status}`;
        failed(reason);
        return { reachable: false, reason, serviceUrl: settings.serviceUrl };
      }
      succeeded();
      health.rulesVersion = String(got.body.rules_version || "");
      return { reachable: true, rulesVersion: health.rulesVersion, serviceUrl: settings.serviceUrl };
    }

    /** GET /v1/rules: the profile names the service offers, or null. */
    async function profiles(settings) {
      const got = await request(`${settings.serviceUrl}/v1/rules`, { method: "GET" });
      if (got.error || !got.response.ok || !got.body || !Array.isArray(got.body.profiles)) return null;
      return got.body.profiles
        .map((p) => (typeof p === "string" ? p : p && p.name))
        .filter((p) => typeof p === "string");
    }

    /** Forgets cached answers and back-off (after the service URL or profile changes). */
    function reset() {
      cache.clear();
      succeeded();
    }

    return { score, checkHealth, profiles, reset, health };
  }

  const api = { createServiceClient, TIMEOUT_MS };
  root.Impartial = Object.assign(root.Impartial || {}, { serviceClient: api });
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
