/* Message ids shared by every part of the extension. The background routes them. */
(function (root) {
  "use strict";
  const MSG = Object.freeze({
    // content script or popup -> background
    SCORE: "score",               // {text, editorId?, site?} -> {status, result?}
    GET_PAGE_STATE: "get-page-state", // -> {enabled, site, preSendCheck, ignored}
    IGNORE_FINDING: "ignore-finding", // {key} -> {ignored}
    // popup / options -> background
    HEALTH: "health",             // -> {reachable, rulesVersion, serviceUrl, reason?}
    GET_SETTINGS: "get-settings", // -> {settings, locked, defaults}
    SAVE_SETTINGS: "save-settings", // {settings} -> {settings, locked}
    GET_PROFILES: "get-profiles", // -> {profiles, source}
    // background -> content scripts
    STATE_CHANGED: "state-changed",
  });

  // Outcomes of a SCORE request.
  const STATUS = Object.freeze({
    OK: "ok",           // result holds the service's answer
    STALE: "stale",     // a newer request from the same editor replaced this one
    OFFLINE: "offline", // service unreachable, slow or failing; retryIn says when to try
    REFUSED: "refused", // the service rejected the text (e.g. too long); not retried
    DISABLED: "disabled", // the site is switched off: nothing was sent
  });

  const LEVELS = Object.freeze(["none", "low", "medium", "high"]);

  const api = { MSG, STATUS, LEVELS };
  root.Impartial = Object.assign(root.Impartial || {}, api);
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
