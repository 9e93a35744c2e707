/* DOM helpers for the content script: finding editors (also in open shadow roots) and measuring text. Read-only towards the page. */
(function (root) {
  "use strict";
  const I = root.Impartial;

  /** The element an event really started on, inside open shadow roots too. */
  function eventTarget(event) {
    const path = event.composedPath ? event.composedPath() : [];
    return path.length ? path[0] : event.target;
  }

  /** Every element matching selector under rootNode, looking inside open shadow roots; also returns the roots seen. */
  function deepQueryAll(rootNode, selector, shadowRoots = new Set(), skip = () => false) {
    const found = [];
    const seen = new Set();
    const visit = (scope) => {
      for (const el of scope.querySelectorAll(selector)) found.push(el);
      const walker = (scope.ownerDocument || scope).createTreeWalker(scope, 1 /* SHOW_ELEMENT */);
      for (let el = walker.nextNode(); el; el = walker.nextNode()) {
        if (el.shadowRoot && !seen.has(el.shadowRoot) && !skip(el)) {
          seen.add(el.shadowRoot);
          shadowRoots.add(el.shadowRoot);
          visit(el.shadowRoot);
        }
      }
    };
    visit(rootNode);
    return found;
  }

  function isTextField(el) {
    return el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && /^(text|search|)$/i.test(el.type || ""));
  }

  /** The outermost contenteditable element containing el (editors nest editable spans). */
  function editableRoot(el) {
    if (!el || el.nodeType !== 1) return null;
    if (isTextField(el)) return el;
    if (!el.isContentEditable) return null;
    let top = el;
    while (top.parentElement && top.parentElement.isContentEditable) top = top.parentElement;
    return top;
  }

  function isShown(el) {
    if (!el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return false;
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none";
  }

  /** Client rects of [start, end) in a rich editor, via a Range over its own text nodes. */
  function editorRects(map, start, end) {
    const range = document.createRange();
    if (!I.textmap.applyRange(range, map, start, end)) return [];
    return [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
  }

  const MIRRORED = [
    "boxSizing", "width", "height", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
    "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth",
    "fontFamily", "fontSize", "fontWeight", "fontStyle", "fontVariant", "fontStretch", "lineHeight",
    "letterSpacing", "wordSpacing", "textIndent", "textTransform", "tabSize", "direction", "textAlign",
  ];

  /**
   * Client rects of [start, end) in a textarea or input. Text fields expose no Range over
   * their text, so a hidden copy with the same box and font is laid out in our own shadow
   * root at the same place; the field itself is never touched.
   */
  function fieldRects(field, spans, mirrorParent) {
    const rect = field.getBoundingClientRect();
    const style = getComputedStyle(field);
    const mirror = document.createElement("div");
    for (const prop of MIRRORED) mirror.style[prop] = style[prop];
    Object.assign(mirror.style, {
      position: "fixed",
      left: `${rect.left}px`,
      top: `${rect.top}px`,
      width: `${field.clientWidth + parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth)}px`,
      height: `${rect.height}px`,
      boxSizing: "border-box",
      borderStyle: "solid",
      borderColor: "transparent",
      whiteSpace: field instanceof HTMLTextAreaElement ? "pre-wrap" : "pre",
      overflowWrap: "break-word",
      overflow: "hidden",
      visibility: "hidden",
      pointerEvents: "none",
      margin: "0",
    });
    const textNode = document.createTextNode(`${field.value}\u200b`);
    mirror.appendChild(textNode);
    mirrorParent.appendChild(mirror);
    const dx = field.scrollLeft;
    const dy = field.scrollTop;
    const out = spans.map(([start, end]) => {
      const range = document.createRange();
      range.setStart(textNode, Math.min(start, field.value.length));
      range.setEnd(textNode, Math.min(end, field.value.length));
      return [...range.getClientRects()]
        .filter((r) => r.width > 0 && r.height > 0)
        .map((r) => new DOMRect(r.left - dx, r.top - dy, r.width, r.height));
    });
    mirror.remove();
    return out;
  }

  /** Keeps the parts of rects inside clip (the editor's visible box). */
  function clip(rects, box) {
    const out = [];
    for (const r of rects) {
      const left = Math.max(r.left, box.left);
      const right = Math.min(r.right, box.right);
      const top = Math.max(r.top, box.top);
      const bottom = Math.min(r.bottom, box.bottom);
      if (right > left && bottom > top) out.push(new DOMRect(left, top, right - left, bottom - top));
    }
    return out;
  }

  /** The part of the viewport where el is visible, after clipping by scrolling ancestors. */
  function visibleBox(el) {
    let box = el.getBoundingClientRect();
    box = { left: box.left, top: box.top, right: box.right, bottom: box.bottom };
    let node = el.parentElement || (el.getRootNode() && el.getRootNode().host);
    while (node && node !== document.documentElement) {
      const style = getComputedStyle(node);
      if (/(auto|scroll|hidden|clip)/.test(style.overflow + style.overflowX + style.overflowY)) {
        const r = node.getBoundingClientRect();
        box = { left: Math.max(box.left, r.left), top: Math.max(box.top, r.top), right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom) };
      }
      node = node.parentElement || (node.getRootNode() && node.getRootNode().host) || null;
    }
    return {
      left: Math.max(box.left, 0),
      top: Math.max(box.top, 0),
      right: Math.min(box.right, innerWidth),
      bottom: Math.min(box.bottom, innerHeight),
    };
  }

  I.dom = { eventTarget, deepQueryAll, isTextField, editableRoot, isShown, editorRects, fieldRects, clip, visibleBox };
})(globalThis);
