/*
 * Background entry point. Chromium runs it as a classic service worker (it imports the
 * other scripts); Firefox loads the same files as background.scripts, in manifest order.
 * This is the only place that touches extension storage and, through the service
 * client, the network.
 */
/* global importScripts */
if (typeof importScripts === "function" && !(globalThis.Impartial && globalThis.Impartial.router)) {
  importScripts(
    "/common/messages.js",
    "/common/settings.js",
    "/common/timing.js",
    "/background/service-client.js",
    "/background/router.js",
  );
}

(function (root) {
  "use strict";
  const { MSG, settings: S, serviceClient, router } = root.Impartial;

  // The content scripts, in load order; also registered for extra Mastodon instances.
  const CONTENT_JS = chrome.runtime.getManifest().content_scripts[0].js;
  const INSTANCE_SCRIPT_ID = "impartial-mastodon-instances";

  async function readManaged() {
    try {
      return (await chrome.storage.managed.get(null)) || {};
    } catch (_) {
      return {}; // no policy (Firefox throws when none is installed)
    }
  }

  const store = {
    async load() {
      const [{ settings: stored }, managed] = await Promise.all([chrome.storage.local.get("settings"), readManaged()]);
      return S.mergeSettings(stored || {}, managed);
    },
    async save(change) {
      const { settings: current, locked } = await this.load();
      const { settings: stored } = await chrome.storage.local.get("settings");
      const allowed = S.withoutLocked(change, locked);
      const next = S.sanitize(allowed, S.sanitize(stored || {}).settings).settings;
      await chrome.storage.local.set({ settings: next });
      const merged = await this.load();
      if (JSON.stringify(current.mastodonInstances) !== JSON.stringify(merged.settings.mastodonInstances)) {
        await syncInstanceScripts(merged.settings);
      }
      return merged;
    },
    async ignored() {
      const { ignored } = await sessionArea().get("ignored");
      return Array.isArray(ignored) ? ignored : [];
    },
    async ignore(key) {
      const list = await this.ignored();
      if (!list.includes(key)) list.push(key);
      await sessionArea().set({ ignored: list.slice(-500) });
      return list;
    },
  };

  // "Ignore this" lasts for the browser session; local storage is the fallback where
  // storage.session is missing, cleared again on startup.
  function sessionArea() {
    return chrome.storage.session || chrome.storage.local;
  }

  /** Registers the content scripts for the Mastodon instances the user enabled and granted. */
  async function syncInstanceScripts(settings) {
    if (!chrome.scripting || !chrome.scripting.registerContentScripts) return;
    try {
      await chrome.scripting.unregisterContentScripts({ ids: [INSTANCE_SCRIPT_ID] });
    } catch (_) {
      // not registered yet
    }
    const granted = [];
    for (const host of settings.mastodonInstances) {
      const origin = `https://${host}/*`;
      if (await chrome.permissions.contains({ origins: [origin] })) granted.push(origin);
    }
    if (!granted.length) return;
    await chrome.scripting.registerContentScripts([
      { id: INSTANCE_SCRIPT_ID, matches: granted, js: CONTENT_JS, runAt: "document_idle", persistAcrossSessions: true },
    ]);
  }

  async function broadcastStateChanged() {
    const tabs = await chrome.tabs.query({});
    for (const tab of tabs) {
      chrome.tabs.sendMessage(tab.id, { type: MSG.STATE_CHANGED }).catch(() => {});
    }
  }

  const client = serviceClient.createServiceClient();
  const route = router.createRouter({
    store,
    client,
    onStateChanged: () => broadcastStateChanged().catch(() => {}),
    extensionOrigin: new URL(chrome.runtime.getURL("/")).origin,
  });

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id) return false;
    route(message, sender).then(
      (value) => sendResponse({ ok: true, value }),
      (error) => sendResponse({ ok: false, error: String(error && error.message) }),
    );
    return true; // answer asynchronously
  });

  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "managed") {
      client.reset();
      broadcastStateChanged().catch(() => {});
      store.load().then(({ settings }) => syncInstanceScripts(settings)).catch(() => {});
    }
  });

  chrome.runtime.onStartup.addListener(() => {
    if (!chrome.storage.session) chrome.storage.local.remove("ignored");
  });

  chrome.permissions.onRemoved.addListener(() => {
    store.load().then(({ settings }) => syncInstanceScripts(settings)).catch(() => {});
  });

  // Exposed for diagnostics in the service worker console and for tests.
  root.Impartial.background = { store, client, route };
})(globalThis);
