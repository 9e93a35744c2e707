/* Fallback for editors on enabled sites that no adapter knows: large visible text fields. */
(function (root) {
  "use strict";
  const adapters = ((root.Impartial = root.Impartial || {}).adapters = root.Impartial.adapters || {});
  adapters.generic = {
    id: "generic",
    testPage: "tests/e2e/sites/generic.html",
    editors: 'textarea, [contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]',
    submit: 'button[type="submit"], input[type="submit"]',
    // Search boxes, one-line fields and read-only areas are not posts.
    accepts: (el) => {
      if (el.readOnly || el.disabled) return false;
      const role = el.getAttribute("role");
      if (role === "searchbox" || role === "combobox") return false;
      const r = el.getBoundingClientRect();
      // One-line comment boxes are about 20 px high when focused (LinkedIn's, Facebook's).
      return r.width >= 120 && r.height >= 16;
    },
    container: (editor) => editor.closest('form, [role="dialog"], dialog'),
  };
})(globalThis);
