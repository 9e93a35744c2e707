/*
 * The one table of site adapters. An adapter names its site id (see common/settings.js),
 * a selector for its editors, a selector for its send buttons, the date its selectors were
 * last checked against their evidence (written at the top of its file), the replica page and
 * the composer variants (tests/e2e/fixtures/composers.json) its browser tests use. Optional
 * hooks: accepts(el), isSubmit(el), container(editor), enterSends(editor).
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
