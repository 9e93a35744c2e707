/*
 * The inline warning UI of one editor: a badge, underlines in an overlay, a findings card
 * and the pre-send question. Everything lives in a shadow root under one host element
 * appended to <html>; nothing is inserted into the editor or next to it. All strings
 * from the page or the service go in through textContent.
 */
(function (root) {
  "use strict";
  const I = root.Impartial;
  const { el, safeUrl } = I.build;

  const WORDS = { none: "Clear", low: "Low", medium: "Medium", high: "High", unknown: "Offline" };
  const GLYPHS = { none: "\u2713", low: "i", medium: "!", high: "!!", unknown: "\u2013" };
  const DESCRIPTIONS = {
    none: "no impartiality issues",
    low: "low risk",
    medium: "medium risk",
    high: "high risk",
  };
  const OFFLINE_WORDS = { timeout: "Slow", unreachable: "Offline", refused: "Unchecked" };

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.layer { position: fixed; left: 0; top: 0; width: 0; height: 0; overflow: visible; pointer-events: none;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
.marks { position: absolute; left: 0; top: 0; }
.mark { position: fixed; pointer-events: none; border-bottom: 2px solid var(--c); background: var(--t); border-radius: 1px; }
.mark[data-severity="low"] { --c: #1a73e8; --t: rgba(26, 115, 232, .08); }
.mark[data-severity="medium"] { --c: #c77700; --t: rgba(199, 119, 0, .10); }
.mark[data-severity="high"] { --c: #d93025; --t: rgba(217, 48, 37, .10); }
.badge { position: fixed; pointer-events: auto; display: inline-flex; align-items: center; gap: 4px; height: 22px;
  padding: 0 8px 0 6px; border: 1px solid var(--b); border-radius: 11px; background: var(--bg); color: var(--fg);
  font: 600 12px/20px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; cursor: pointer; opacity: .92;
  box-shadow: 0 1px 2px rgba(0,0,0,.15); white-space: nowrap; }
.badge:hover, .badge:focus-visible { opacity: 1; outline: 2px solid var(--b); outline-offset: 1px; }
.badge[hidden] { display: none; }
.glyph { display: inline-block; min-width: 14px; height: 14px; border-radius: 7px; background: var(--fg); color: var(--bg);
  font-size: 10px; line-height: 14px; text-align: center; padding: 0 2px; }
[data-level="none"] { --bg: #e6f4ea; --fg: #1e6b34; --b: #1e6b34; }
[data-level="low"] { --bg: #e8f0fe; --fg: #1a4d8f; --b: #1a4d8f; }
[data-level="medium"] { --bg: #fff4d6; --fg: #7a4b00; --b: #b06d00; }
[data-level="high"] { --bg: #fde7e9; --fg: #a3121f; --b: #a3121f; }
[data-level="unknown"] { --bg: #eceff1; --fg: #4a5258; --b: #8a949c; }
.panel { position: fixed; pointer-events: auto; width: 340px; max-width: calc(100vw - 16px); max-height: 60vh; overflow: auto;
  background: #fff; color: #1f2328; border: 1px solid #d0d7de; border-radius: 8px; box-shadow: 0 8px 24px rgba(0,0,0,.18);
  padding: 10px 12px; }
.panel[hidden] { display: none; }
.head { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-bottom: 6px; font-weight: 600; }
.close { border: 0; background: none; font-size: 16px; line-height: 1; cursor: pointer; color: #57606a; padding: 2px 4px; }
ul { list-style: none; margin: 0; padding: 0; }
li { padding: 8px 0; border-top: 1px solid #eaeef2; }
li:first-child { border-top: 0; }
.sev { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em;
  padding: 0 6px; border-radius: 4px; background: var(--bg); color: var(--fg); margin-right: 6px; }
.match { font-style: italic; }
p { margin: 4px 0; }
.sugg { color: #1e6b34; }
a { color: #0969da; }
.row { display: flex; gap: 8px; align-items: center; justify-content: space-between; margin-top: 4px; }
button.ignore, .actions button { font: inherit; white-space: nowrap; flex: none; border: 1px solid #d0d7de; background: #f6f8fa; color: #1f2328;
  border-radius: 6px; padding: 2px 10px; cursor: pointer; }
.actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 8px; }
.actions .post { background: #fff; }
.actions .keep { background: #1f6feb; border-color: #1f6feb; color: #fff; }
.note { color: #57606a; }
`;

  let sheet = null;
  function styleInto(shadow) {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      shadow.adoptedStyleSheets = [sheet];
      // Firefox content scripts may not adopt a sheet made in their own compartment.
      if (shadow.adoptedStyleSheets.length !== 1) throw new Error("stylesheet not adopted");
    } catch (_) {
      const style = document.createElement("style");
      style.textContent = CSS;
      shadow.appendChild(style);
    }
  }

  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

  class WarningUI {
    constructor({ site, signal, onIgnore }) {
      this.onIgnore = onIgnore;
      this.host = document.createElement("impartial-warning");
      for (const [prop, value] of Object.entries({
        all: "initial", position: "fixed", left: "0", top: "0", width: "0", height: "0",
        "z-index": "2147483647", display: "block", overflow: "visible", "pointer-events": "none",
      })) this.host.style.setProperty(prop, value, "important");
      this.host.dataset.impartialSite = site;
      this.host.dataset.impartialLevel = "none";
      this.host.dataset.impartialFindings = "0";
      this.host.dataset.impartialState = "idle";
      this.shadow = this.host.attachShadow({ mode: "open" });
      styleInto(this.shadow);
      this.layer = el("div", { class: "layer" });
      this.marks = el("div", { class: "marks", "aria-hidden": "true" });
      this.measure = el("div", { class: "marks", "aria-hidden": "true" });
      this.badge = el("button", { class: "badge", type: "button", "data-level": "none", "aria-haspopup": "dialog", "aria-expanded": "false" });
      this.badge.hidden = true;
      this.glyph = el("span", { class: "glyph", "aria-hidden": "true" });
      this.word = el("span", { class: "word", "aria-live": "polite" });
      this.badge.append(this.glyph, this.word);
      this.card = el("div", { class: "panel card", role: "dialog", "aria-label": "Impartial findings" });
      this.card.hidden = true;
      this.confirm = el("div", { class: "panel confirm", role: "alertdialog", "aria-modal": "false" });
      this.confirm.hidden = true;
      this.layer.append(this.marks, this.measure, this.badge, this.card, this.confirm);
      this.shadow.append(this.layer);
      this.hideTimer = null;
      this.view = { level: "none", state: "idle", findings: [], reason: null };

      const opts = { signal };
      this.badge.addEventListener("click", () => {
        if (!this.card.hidden && this.cardPinned) this.closeCard();
        else this.openCard(null, this.badge.getBoundingClientRect(), true);
      }, opts);
      this.badge.addEventListener("mouseenter", () => this.hoverOpen(null, () => this.badge.getBoundingClientRect()), opts);
      this.badge.addEventListener("mouseleave", () => this.hoverLeave(), opts);
      this.card.addEventListener("mouseenter", () => clearTimeout(this.hideTimer), opts);
      this.card.addEventListener("mouseleave", () => this.hoverLeave(), opts);
      this.shadow.addEventListener("keydown", (e) => {
        if (e.key === "Escape") {
          this.closeCard();
          if (!this.confirm.hidden && this.confirmCancel) this.confirmCancel();
        }
      }, opts);
    }

    mount() {
      if (!this.host.isConnected) document.documentElement.appendChild(this.host);
    }

    destroy() {
      clearTimeout(this.hideTimer);
      this.host.remove();
    }

    /** state: idle | typing | checking | done | offline. level: none..high or unknown. */
    update({ state, level, findings, reason }) {
      this.view = { state, level, findings, reason };
      const shownLevel = level || "none";
      this.host.dataset.impartialState = state;
      this.host.dataset.impartialLevel = shownLevel;
      this.host.dataset.impartialFindings = String(findings.length);
      const offline = state === "offline";
      const badgeLevel = offline ? "unknown" : shownLevel;
      this.badge.hidden = state === "idle";
      this.badge.dataset.level = badgeLevel;
      this.badge.dataset.state = state;
      this.glyph.textContent = GLYPHS[badgeLevel];
      const word = offline ? OFFLINE_WORDS[reason] || "Offline" : WORDS[badgeLevel];
      if (this.word.textContent !== word) this.word.textContent = word;
      const label = offline && reason === "refused"
        ? "Impartial: the service could not check this draft (it may be too long)"
        : offline
        ? "Impartial: the checking service is unavailable; typing is not affected and checks will retry"
        : `Impartial: ${DESCRIPTIONS[shownLevel] || shownLevel}, ${findings.length} finding${findings.length === 1 ? "" : "s"}. Show details`;
      this.badge.setAttribute("aria-label", label);
      this.badge.title = label;
      if (!this.card.hidden) this.renderCard(this.cardFocus);
    }

    /**
     * Puts the badge outside the editor's text box so that it never covers text: below its
     * bottom-right corner, else beside the site's send button, else above or to the right of the
     * editor. Each place must be on screen, next to a visible edge of the editor, and clear of the
     * editor and the send button; only when none is (an editor scrolled half out of view) does the
     * badge sit inside the visible part's bottom-right corner.
     */
    placeBadge(box, rect, button) {
      if (this.badge.hidden) return;
      const w = this.badge.offsetWidth || 70;
      const h = this.badge.offsetHeight || 22;
      const gap = 4;
      const obstacles = [rect, button].filter(Boolean);
      const clear = (l, t) => l >= 2 && t >= 2 && l + w <= innerWidth - 2 && t + h <= innerHeight - 2
        && obstacles.every((r) => l >= r.right || l + w <= r.left || t >= r.bottom || t + h <= r.top);
      const bottomShown = rect.bottom <= box.bottom + 1;
      const topShown = rect.top >= box.top - 1;
      const candidates = [
        bottomShown && [box.right - w, rect.bottom + gap],
        button && [button.left - w - 2 * gap, button.top + (button.height - h) / 2],
        topShown && [box.right - w, rect.top - h - gap],
        [rect.right + gap, Math.max(box.top, Math.min(box.bottom - h, rect.bottom - h))],
      ].filter(Boolean);
      const spot = candidates.find(([l, t]) => clear(l, t))
        || [Math.max(4, Math.min(box.right - w - 6, innerWidth - w - 4)), Math.max(4, Math.min(box.bottom - h - 6, innerHeight - h - 4))];
      this.badge.style.left = `${Math.round(spot[0])}px`;
      this.badge.style.top = `${Math.round(spot[1])}px`;
      this.badge.dataset.place = String(candidates.indexOf(spot));
    }

    /** items: [{finding, rects}] with rects in viewport coordinates. */
    drawMarks(items) {
      const nodes = [];
      for (const { finding, rects } of items) {
        for (const r of rects) {
          const mark = el("div", { class: "mark", "data-severity": finding.severity, "data-rule": finding.rule });
          Object.assign(mark.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
          nodes.push(mark);
        }
      }
      this.marks.replaceChildren(...nodes);
    }

    hoverOpen(finding, anchor) {
      clearTimeout(this.hideTimer);
      if (!this.card.hidden && this.cardPinned) return;
      if (this.card.hidden || this.cardFocus !== finding) this.openCard(finding, anchor(), false);
    }

    hoverLeave() {
      if (this.cardPinned) return;
      clearTimeout(this.hideTimer);
      this.hideTimer = setTimeout(() => this.closeCard(), 350);
    }

    /** Opens the card for one finding (hovered span) or for all (badge). */
    openCard(finding, anchorRect, pinned) {
      this.cardFocus = finding;
      this.cardPinned = pinned;
      this.renderCard(finding);
      this.card.hidden = false;
      this.badge.setAttribute("aria-expanded", "true");
      this.host.dataset.impartialCard = "open";
      this.position(this.card, anchorRect);
    }

    closeCard() {
      clearTimeout(this.hideTimer);
      this.card.hidden = true;
      this.cardPinned = false;
      this.cardFocus = null;
      this.badge.setAttribute("aria-expanded", "false");
      delete this.host.dataset.impartialCard;
    }

    renderCard(focus) {
      const { findings, state, level, reason } = this.view;
      const list = focus && findings.includes(focus) ? [focus, ...findings.filter((f) => f !== focus)] : findings;
      const head = el("div", { class: "head" });
      const title = el("span", { class: "title" });
      const close = el("button", { class: "close", type: "button", "aria-label": "Close" }, "\u00d7");
      close.addEventListener("click", () => this.closeCard());
      head.append(title, close);
      const body = [];
      if (state === "offline") {
        title.textContent = "Impartial cannot check right now";
        const notes = {
          timeout: "The checking service is slow to answer. Your typing is not affected; Impartial will retry.",
          refused: "The checking service could not check this draft (it may be too long). Shorten it to check again.",
        };
        body.push(el("p", { class: "note" }, notes[reason] || "The checking service is not reachable. Your typing is not affected; Impartial will retry."));
      } else if (!findings.length) {
        title.textContent = "No impartiality issues found";
        body.push(el("p", { class: "note" }, "Impartial found nothing in this draft that risks your political impartiality."));
      } else {
        title.textContent = `${cap(DESCRIPTIONS[level] || level)} \u00b7 ${findings.length} finding${findings.length === 1 ? "" : "s"}`;
        const ul = el("ul");
        for (const f of list) ul.append(this.findingItem(f, true));
        body.push(ul);
      }
      this.card.replaceChildren(head, ...body);
    }

    findingItem(f, withActions) {
      const li = el("li", { class: "item", "data-level": f.severity, "data-rule": f.rule });
      const top = el("p");
      top.append(el("span", { class: "sev" }, WORDS[f.severity] || f.severity), el("q", { class: "match" }, f.match));
      li.append(top, el("p", { class: "msg" }, f.message || ""));
      if (withActions && f.suggestion) {
        const sugg = el("p", { class: "sugg" });
        sugg.append(el("strong", {}, "Try: "), document.createTextNode(f.suggestion));
        li.append(sugg);
      }
      if (withActions) {
        const row = el("div", { class: "row" });
        const href = f.guidance && safeUrl(f.guidance.url);
        if (href) {
          const link = el("a", { class: "guide", href, target: "_blank", rel: "noopener noreferrer" }, (f.guidance.title || "Guidance") + " \u2197");
          row.append(link);
        } else row.append(el("span"));
        const ignore = el("button", { class: "ignore", type: "button" }, "Ignore this");
        ignore.setAttribute("aria-label", `Ignore "${f.match}" for this session`);
        ignore.addEventListener("click", () => this.onIgnore(f));
        row.append(ignore);
        li.append(row);
      }
      return li;
    }

    /** Asks before a risky post is sent; resolves true for "post anyway". */
    ask(findings, anchorRect) {
      this.closeCard();
      return new Promise((resolve) => {
        const done = (answer) => {
          this.confirm.hidden = true;
          this.confirmCancel = null;
          delete this.host.dataset.impartialConfirm;
          resolve(answer);
        };
        const title = el("p", { class: "head", id: "impartial-confirm-title" }, "Post anyway? This draft may affect your political impartiality.");
        const ul = el("ul", { id: "impartial-confirm-list" });
        for (const f of findings) ul.append(this.findingItem(f, false));
        const keep = el("button", { class: "keep", type: "button" }, "Keep editing");
        const post = el("button", { class: "post", type: "button" }, "Post anyway");
        keep.addEventListener("click", () => done(false));
        post.addEventListener("click", () => done(true));
        const actions = el("div", { class: "actions" });
        actions.append(keep, post);
        this.confirm.setAttribute("aria-labelledby", "impartial-confirm-title");
        this.confirm.setAttribute("aria-describedby", "impartial-confirm-list");
        this.confirm.replaceChildren(title, ul, actions);
        this.confirm.hidden = false;
        this.confirmCancel = () => done(false);
        this.host.dataset.impartialConfirm = "open";
        this.position(this.confirm, anchorRect);
        keep.focus({ preventScroll: true });
      });
    }

    /** Places a panel below the anchor, or above it when there is no room, inside the viewport. */
    position(panel, anchor) {
      const w = panel.offsetWidth || 340;
      const h = panel.offsetHeight || 160;
      let top = anchor.bottom + 6;
      if (top + h > innerHeight - 4 && anchor.top - h - 6 >= 4) top = anchor.top - h - 6;
      const left = Math.max(4, Math.min(anchor.left, innerWidth - w - 4));
      panel.style.left = `${left}px`;
      panel.style.top = `${Math.max(4, Math.min(top, innerHeight - h - 4))}px`;
    }
  }

  I.WarningUI = WarningUI;
})(globalThis);
