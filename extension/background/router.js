/*
 * Routes messages from content scripts, the popup and the options page. Storage and the
 * service are reached only through the injected `store` and `client`.
 */
(function (root) {
  "use strict";
  const node = typeof module !== "undefined" && module.exports;
  const { MSG, STATUS } = node ? require("../common/messages.js") : root.Impartial;
  const S = node ? require("../common/settings.js") : root.Impartial.settings;

  /** The page's host name without "www.", as sent in the score context. */
  function siteHost(url) {
    try {
      return new URL(url).hostname.replace(/^www\./, "");
    } catch (_) {
      return null;
    }
  }

  /**
   * store: {load() -> {settings, locked}, save(change) -> {settings, locked},
   *         ignored() -> [keys], ignore(key) -> [keys]}
   * client: the service client. onStateChanged(): tell open tabs to reload their state.
   */
  function createRouter({ store, client, onStateChanged = () => {}, extensionOrigin = null }) {
    function fromExtensionPage(sender) {
      return !sender.tab || (extensionOrigin && String(sender.url || "").startsWith(extensionOrigin));
    }

    async function pageState(sender) {
      const { settings } = await store.load();
      const host = siteHost(sender.url);
      const site = host ? S.siteForHost(host, settings) : null;
      return { settings, host, site, enabled: !!(site && settings.sites[site]) };
    }

    async function route(message, sender = {}) {
      const type = message && message.type;
      switch (type) {
        case MSG.SCORE: {
          if (typeof message.text !== "string") throw new Error("text must be a string");
          if (fromExtensionPage(sender)) {
            const { settings } = await store.load();
            return client.score(settings, { text: message.text, context: S.scoreContext(settings, null), channel: "popup" });
          }
          const page = await pageState(sender);
          if (!page.enabled) return { status: STATUS.DISABLED };
          const channel = `${sender.tab.id}:${sender.frameId || 0}:${message.editorId}`;
          return client.score(page.settings, { text: message.text, context: S.scoreContext(page.settings, page.host), channel });
        }
        case MSG.GET_PAGE_STATE: {
          const page = await pageState(sender);
          return {
            enabled: page.enabled,
            site: page.site,
            preSendCheck: page.settings.preSendCheck,
            ignored: await store.ignored(),
          };
        }
        case MSG.IGNORE_FINDING: {
          if (typeof message.key !== "string" || !message.key) throw new Error("key must be a string");
          const ignored = await store.ignore(message.key.slice(0, 500));
          onStateChanged();
          return { ignored };
        }
        case MSG.HEALTH: {
          const { settings } = await store.load();
          return client.checkHealth(settings);
        }
        case MSG.GET_SETTINGS: {
          requireExtensionPage(sender);
          return { ...(await store.load()), defaults: S.DEFAULTS, sites: S.SITES };
        }
        case MSG.SAVE_SETTINGS: {
          requireExtensionPage(sender);
          const { errors } = S.sanitize(message.settings);
          if (errors.length) return { saved: false, errors };
          const before = (await store.load()).settings;
          const after = await store.save(message.settings);
          if (before.serviceUrl !== after.settings.serviceUrl || before.profile !== after.settings.profile) client.reset();
          onStateChanged();
          return { saved: true, ...after };
        }
        case MSG.GET_PROFILES: {
          const { settings } = await store.load();
          const fromService = await client.profiles(settings);
          return fromService ? { profiles: fromService, source: "service" } : { profiles: [...S.PROFILES], source: "built-in" };
        }
        default:
          throw new Error(`unknown message type: ${String(type)}`);
      }
    }

    function requireExtensionPage(sender) {
      if (!fromExtensionPage(sender)) throw new Error("only extension pages may read or change settings");
    }

    return route;
  }

  const api = { createRouter, siteHost };
  root.Impartial = Object.assign(root.Impartial || {}, { router: api });
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
