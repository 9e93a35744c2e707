/* What the Firefox tests measure in a page: the editor's box, its words' layout and the extension's underlines. */
"use strict";

/** An element's box, as a plain object. */
const rect = (el) => {
  const r = el.getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
};
/** Where the overlay draws a finding's underline, and where the browser lays out its words. */
const markVsText = ({ editor, needle, rule }) => {
  const walker = document.createTreeWalker(document.querySelector(editor), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(needle);
    if (i < 0) continue;
    const range = document.createRange();
    range.setStart(n, i);
    range.setEnd(n, i + needle.length);
    const markEl = document.querySelector("impartial-warning").shadowRoot.querySelector(`.mark[data-rule="${rule}"]`);
    if (!markEl) return null;
    const box = (r) => [r.left, r.top, r.width, r.height].map(Math.round);
    return { text: box(range.getBoundingClientRect()), mark: box(markEl.getBoundingClientRect()) };
  }
  return null;
};
/** Every underline's box, read in one call: the overlay redraws them, so a handle to one may be gone the next moment. */
const markRects = (site) => site.page.evaluate(() => {
  const marks = document.querySelector("impartial-warning").shadowRoot.querySelectorAll(".mark");
  return [...marks].map((m) => {
    const r = m.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
});

module.exports = { rect, markRects, markVsText };
