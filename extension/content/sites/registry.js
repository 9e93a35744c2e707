/*
 * The one table of site adapters. An adapter names its site id (see common/settings.js),
 * a selector for its editors, a selector for its send buttons, and the replica page its
 * browser test uses. Optional hooks: accepts(el), isSubmit(el), container(editor).
 */
(function (root) {
  "use strict";
  const I = root.Impartial;
  const A = I.adapters;
  const ADAPTERS = Object.freeze([A.x, A.facebook, A.linkedin, A.bluesky, A.threads, A.mastodon, A.reddit]);

  I.registry = Object.freeze({
    ADAPTERS,
    GENERIC: A.generic,
    forSite: (id) => ADAPTERS.find((a) => a.id === id) || null,
  });
  if (typeof module !== "undefined" && module.exports) module.exports = I.registry;
})(globalThis);
