/* Building DOM safely, for the content UI and the extension pages: text goes in through textContent only. */
(function (root) {
  "use strict";

  /** A new element with attributes and, optionally, text (never parsed as HTML). */
  function el(tag, attrs = {}, text = null) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== null) node.textContent = text;
    return node;
  }

  /** The URL if it is http(s), else null: guidance links from the service never run script. */
  function safeUrl(url) {
    try {
      const u = new URL(String(url));
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (_) {
      return null;
    }
  }

  root.Impartial = Object.assign(root.Impartial || {}, { build: { el, safeUrl } });
  if (typeof module !== "undefined") module.exports = { el, safeUrl };
})(globalThis);
