/*
 * Text extraction and offset mapping. Pure: it only reads nodeType, nodeName, childNodes,
 * data and getAttribute, so node tests drive it with plain objects.
 *
 * extract(root) reads an editor's text the way the user sees it (blocks and <br> become
 * "\n") and keeps, for each piece of the text, the DOM node it came from. Offsets are
 * UTF-16 code units, the same units the service returns, so a finding's start/end can be
 * turned back into DOM boundary points with boundary()/applyRange().
 */
(function (root) {
  "use strict";

  const TEXT_NODE = 3;
  const ELEMENT_NODE = 1;
  const BLOCKS = new Set([
    "ADDRESS", "ARTICLE", "ASIDE", "BLOCKQUOTE", "DD", "DETAILS", "DIV", "DL", "DT", "FIELDSET",
    "FIGCAPTION", "FIGURE", "FOOTER", "FORM", "H1", "H2", "H3", "H4", "H5", "H6", "HEADER", "HR",
    "LI", "MAIN", "NAV", "OL", "P", "PRE", "SECTION", "SUMMARY", "TABLE", "TBODY", "TD", "TFOOT",
    "TH", "THEAD", "TR", "UL",
  ]);
  const SKIP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "IFRAME", "OBJECT", "VIDEO", "AUDIO", "CANVAS", "SVG", "TEXTAREA", "INPUT", "SELECT"]);

  function nameOf(node) {
    return String(node.nodeName || "").toUpperCase();
  }

  function hasBlockChild(node) {
    for (const child of node.childNodes) if (child.nodeType === ELEMENT_NODE && BLOCKS.has(nameOf(child))) return true;
    return false;
  }

  /** Reads the text of an editor element: {text, segments}. */
  function extract(rootNode) {
    const lines = [];
    let current = null;
    const line = () => current || (current = []);
    const flush = () => {
      if (current !== null) lines.push(current);
      current = null;
    };

    function visit(node) {
      const blocky = hasBlockChild(node);
      for (const child of node.childNodes) {
        if (child.nodeType === TEXT_NODE) {
          const data = child.data || "";
          // Source-formatting whitespace between blocks is not part of what the user typed.
          if (blocky && /^\s*$/.test(data) && data.includes("\n")) continue;
          if (data.length) line().push({ kind: "text", node: child, text: data.replace(/\u00a0/g, " ") });
          else line();
        } else if (child.nodeType === ELEMENT_NODE) {
          const name = nameOf(child);
          if (SKIP.has(name)) continue;
          if (name === "BR") {
            line().push({ kind: "break", node: child, text: "\n" });
          } else if (name === "IMG") {
            const alt = child.getAttribute ? child.getAttribute("alt") : null;
            if (alt) line().push({ kind: "atom", node: child, text: alt });
          } else if (BLOCKS.has(name)) {
            flush();
            const before = lines.length;
            visit(child);
            flush();
            if (lines.length === before) lines.push([]);
          } else {
            visit(child);
          }
        }
      }
    }

    visit(rootNode);
    flush();

    let text = "";
    const segments = [];
    lines.forEach((pieces, i) => {
      // A <br> that ends a line is the browser's placeholder for an empty or trailing line.
      const last = pieces[pieces.length - 1];
      const kept = last && last.kind === "break" ? pieces.slice(0, -1) : pieces;
      if (i > 0) {
        segments.push({ kind: "separator", node: null, start: text.length, end: text.length + 1 });
        text += "\n";
      }
      for (const p of kept) {
        segments.push({ kind: p.kind, node: p.node, start: text.length, end: text.length + p.text.length });
        text += p.text;
      }
    });
    return { text, segments };
  }

  /**
   * The DOM boundary point for a UTF-16 offset. edge "start" looks forward from the
   * offset, "end" looks back, so a range never begins or ends on a synthetic newline.
   * Returns {node, offset} inside a text node, {node, side: "before"|"after"} for an
   * element (a <br> or an <img>), or null; `at` is the text offset the point stands for.
   */
  function boundary(map, offset, edge) {
    const segs = map.segments.filter((s) => s.kind !== "separator" && s.end > s.start);
    if (edge === "start") {
      for (const s of segs) {
        if (s.end <= offset) continue;
        if (s.kind === "text") return { node: s.node, offset: Math.max(0, offset - s.start), at: Math.max(offset, s.start) };
        return { node: s.node, side: "before", at: s.start };
      }
      return null;
    }
    for (let i = segs.length - 1; i >= 0; i--) {
      const s = segs[i];
      if (s.start >= offset) continue;
      if (s.kind === "text") return { node: s.node, offset: Math.min(offset, s.end) - s.start, at: Math.min(offset, s.end) };
      return { node: s.node, side: "after", at: s.end };
    }
    return null;
  }

  /** Sets a DOM Range (or anything with setStart/setEnd/...) to [start, end); false when empty. */
  function applyRange(range, map, start, end) {
    if (!(end > start)) return false;
    const a = boundary(map, start, "start");
    const b = boundary(map, end, "end");
    if (!a || !b || a.at >= b.at) return false;
    if (a.side === "before") range.setStartBefore(a.node);
    else range.setStart(a.node, a.offset);
    if (b.side === "after") range.setEndAfter(b.node);
    else range.setEnd(b.node, b.offset);
    return true;
  }

  /**
   * Moves findings computed for oldText onto newText: findings before the edit stay,
   * findings after it shift, findings the edit touched are dropped until the next check.
   */
  function relocateFindings(findings, oldText, newText) {
    if (oldText === newText) return findings.slice();
    let prefix = 0;
    const max = Math.min(oldText.length, newText.length);
    while (prefix < max && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (
      suffix < max - prefix &&
      oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)
    ) suffix++;
    const delta = newText.length - oldText.length;
    const out = [];
    for (const f of findings) {
      let moved = null;
      if (f.end <= prefix) moved = f;
      else if (f.start >= oldText.length - suffix) moved = { ...f, start: f.start + delta, end: f.end + delta };
      if (moved && newText.slice(moved.start, moved.end) === f.match) out.push(moved);
    }
    return out;
  }

  /** Splits text into runs for highlighting: [{start, end, findings: [indexes]}], covering it all. */
  function highlightRuns(text, findings) {
    const cuts = new Set([0, text.length]);
    for (const f of findings) {
      if (f.start >= 0 && f.end <= text.length && f.end > f.start) {
        cuts.add(f.start);
        cuts.add(f.end);
      }
    }
    const points = [...cuts].sort((a, b) => a - b);
    const runs = [];
    for (let i = 0; i < points.length - 1; i++) {
      const start = points[i];
      const end = points[i + 1];
      const covering = [];
      findings.forEach((f, idx) => {
        if (f.start <= start && f.end >= end) covering.push(idx);
      });
      runs.push({ start, end, findings: covering });
    }
    return runs;
  }

  const api = { extract, boundary, applyRange, relocateFindings, highlightRuns, BLOCKS };
  root.Impartial = Object.assign(root.Impartial || {}, { textmap: api });
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
