/*
 * Watches one editor: reads its text when it changes, asks the background for a score
 * after a pause, and keeps the warning UI in step with typing, scrolling and resizing.
 * It only reads the editor (text, geometry) and listens passively; it never writes to it.
 */
(function (root) {
  "use strict";
  const I = root.Impartial;
  const { MSG, STATUS } = I;
  const { createDebouncer } = I.timing;

  const DEBOUNCE_MS = 500;
  const POLL_MS = 750;
  let nextId = 1;

  class EditorWatcher {
    constructor(editor, adapter, ctx) {
      this.editor = editor;
      this.adapter = adapter;
      this.ctx = ctx;
      this.id = nextId++;
      this.controller = new AbortController();
      const signal = this.controller.signal;
      this.isField = I.dom.isTextField(editor);
      this.ui = new I.WarningUI({ site: ctx.site, signal, onIgnore: (f) => ctx.ignore(f) });
      this.result = null;
      this.resultText = null;
      this.sentText = null;
      this.seq = 0;
      this.state = "idle";
      this.reason = null;
      this.acknowledgedText = null;
      this.lastActive = 0;
      this.items = [];
      this.signature = "";
      this.frame = 0;
      this.retryTimer = null;
      this.lastRect = "";
      this.lastValue = this.isField ? editor.value : null;
      this.debouncer = createDebouncer(() => this.check(), DEBOUNCE_MS);

      const passive = { passive: true, signal };
      const onEdit = () => this.onEdit();
      editor.addEventListener("input", onEdit, passive);
      editor.addEventListener("compositionend", onEdit, passive);
      editor.addEventListener("focus", () => this.touch(), passive);
      editor.addEventListener("mousemove", (e) => this.onPointer(e, false), passive);
      editor.addEventListener("click", (e) => this.onPointer(e, true), passive);
      editor.addEventListener("mouseleave", () => this.ui.hoverLeave(), passive);
      if (!this.isField) {
        // Rich editors may change their text without an input event (paste handling, undo, collaboration).
        const mo = new MutationObserver(onEdit);
        mo.observe(editor, { childList: true, subtree: true, characterData: true });
        signal.addEventListener("abort", () => mo.disconnect());
      }
      signal.addEventListener("abort", () => {
        clearTimeout(this.retryTimer);
        cancelAnimationFrame(this.frame);
        this.debouncer.cancel();
        this.ui.destroy();
      });
      this.active = false;
      if (this.read().text.trim()) this.onEdit();
    }

    /**
     * Follows geometry (scroll, resize, layout) only once the editor is used: a feed can hold
     * dozens of empty comment editors, and those cost nothing but a few idle listeners.
     */
    activate() {
      if (this.active || !this.alive) return;
      this.active = true;
      const { signal } = this.controller;
      const passive = { passive: true, signal };
      addEventListener("scroll", () => this.scheduleFrame(), { passive: true, capture: true, signal });
      addEventListener("resize", () => this.scheduleFrame(), passive);
      const ro = new ResizeObserver(() => this.scheduleFrame());
      ro.observe(this.editor);
      const poll = setInterval(() => this.poll(), POLL_MS);
      signal.addEventListener("abort", () => {
        ro.disconnect();
        clearInterval(poll);
      });
    }

    destroy() {
      this.controller.abort();
    }

    get alive() {
      return !this.controller.signal.aborted;
    }

    touch() {
      this.lastActive = performance.now();
      this.ctx.lastActive = this;
      this.activate();
    }

    read() {
      if (this.isField) return { text: this.editor.value, map: null };
      const map = I.textmap.extract(this.editor);
      return { text: map.text, map };
    }

    onEdit() {
      if (!this.alive) return;
      this.touch();
      if (this.state !== "offline") this.state = "typing";
      this.debouncer.schedule();
      this.scheduleFrame();
    }

    poll() {
      if (!this.editor.isConnected) {
        this.ctx.detach(this);
        return;
      }
      // Sites reset controlled textareas (after posting) without an input event.
      if (this.isField && this.editor.value !== this.lastValue) {
        this.lastValue = this.editor.value;
        this.onEdit();
      }
      const r = this.editor.getBoundingClientRect();
      const key = `${r.left},${r.top},${r.width},${r.height}`;
      if (key !== this.lastRect) {
        this.lastRect = key;
        this.scheduleFrame();
      }
    }

    /** Sends the current text unless it was already sent or answered; resolves when answered. */
    async check() {
      if (!this.alive) return;
      clearTimeout(this.retryTimer);
      // Counts pauses handled, sent or not, so tests can wait for one without sleeping.
      this.checks = (this.checks || 0) + 1;
      this.ui.host.dataset.impartialChecks = String(this.checks);
      const { text } = this.read();
      if (this.isField) this.lastValue = text;
      if (!text.trim()) {
        this.result = null;
        this.resultText = text;
        this.sentText = null;
        this.seq++;
        this.state = "idle";
        this.scheduleFrame();
        return;
      }
      if (text === this.resultText && this.result) {
        this.state = "done";
        this.scheduleFrame();
        return;
      }
      if (text === this.sentText) return this.pending;
      const seq = ++this.seq;
      this.sentText = text;
      if (this.state !== "offline") this.state = "checking";
      this.scheduleFrame();
      this.pending = this.ctx
        .send({ type: MSG.SCORE, text, editorId: this.id })
        .catch(() => ({ status: STATUS.OFFLINE, reason: "extension", retryIn: 5000 }))
        .then((reply) => this.answer(seq, text, reply));
      return this.pending;
    }

    answer(seq, text, reply) {
      if (seq !== this.seq || !this.alive) return;
      this.sentText = null;
      switch (reply.status) {
        case STATUS.OK:
          this.result = reply.result;
          this.resultText = text;
          this.reason = null;
          this.state = this.debouncer.pending ? "typing" : "done";
          break;
        case STATUS.OFFLINE:
        case STATUS.REFUSED:
          this.state = "offline";
          this.reason = reply.status === STATUS.REFUSED ? "refused" : reply.reason || "unreachable";
          if (reply.status === STATUS.OFFLINE) {
            this.retryTimer = setTimeout(() => this.check(), Math.max(1000, reply.retryIn || 0));
          }
          break;
        case STATUS.DISABLED:
          this.ctx.refresh();
          return;
        default: // STALE: a newer request replaced this one
          return;
      }
      this.scheduleFrame();
    }

    /** Findings of the last answer that still apply to text and are not ignored. */
    visibleFindings(text) {
      if (!this.result) return [];
      const moved = I.textmap.relocateFindings(this.result.findings || [], this.resultText, text);
      return moved.filter((f) => !this.ctx.isIgnored(f));
    }

    level(findings) {
      if (!this.result) return this.state === "offline" ? "unknown" : "none";
      if (!findings.length && (this.result.findings || []).length) return "none";
      return this.result.level;
    }

    scheduleFrame() {
      if (!this.frame && this.alive) {
        this.frame = requestAnimationFrame(() => {
          this.frame = 0;
          try {
            this.render();
          } catch (error) {
            console.warn("Impartial: could not draw the warning", error);
          }
        });
      }
    }

    render() {
      const { text, map } = this.read();
      const findings = this.visibleFindings(text);
      const level = this.level(findings);
      const state = !text.trim() ? "idle" : this.state;
      const signature = JSON.stringify([state, level, this.reason, findings.map((f) => [f.rule, f.start, f.end])]);
      // No host in the page until there is something to show.
      if (state === "idle" && !this.ui.host.isConnected) return;
      if (signature !== this.signature) {
        this.signature = signature;
        this.ui.update({ state, level, findings, reason: this.reason });
      }
      this.ui.mount();
      const box = I.dom.visibleBox(this.editor);
      const shown = box.right > box.left && box.bottom > box.top && I.dom.isShown(this.editor);
      this.ui.layer.style.display = shown ? "" : "none";
      if (!shown) return;
      const rects = this.isField
        ? I.dom.fieldRects(this.editor, findings.map((f) => [f.start, f.end]), this.ui.measure)
        : findings.map((f) => I.dom.editorRects(map, f.start, f.end));
      this.items = findings.map((finding, i) => ({ finding, rects: I.dom.clip(rects[i], box) }));
      this.ui.drawMarks(this.items);
      this.ui.placeBadge(box, this.editor.getBoundingClientRect(), this.sendButtonRect());
    }

    /** The send button's box, looked up at most once a second (it moves rarely and the lookup walks the container). */
    sendButtonRect() {
      const now = performance.now();
      if (!this.buttonAt || now - this.buttonAt > 1000 || (this.button && !this.button.isConnected)) {
        this.buttonAt = now;
        this.button = this.findSubmit();
      }
      if (!this.button) return null;
      const r = this.button.getBoundingClientRect();
      return r.width && r.height ? r : null;
    }

    onPointer(event, click) {
      for (const { finding, rects } of this.items) {
        for (const r of rects) {
          if (event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top - 2 && event.clientY <= r.bottom + 2) {
            if (click) this.ui.openCard(finding, r, true);
            else this.ui.hoverOpen(finding, () => r);
            return;
          }
        }
      }
      if (!click) this.ui.hoverLeave();
    }

    /**
     * What the pre-send check should do: false (let it through), "stale" (no answer for
     * this text yet) or the findings to ask about.
     */
    needsConfirmation() {
      const { text } = this.read();
      if (!text.trim() || this.acknowledgedText === text) return false;
      if (text !== this.resultText || !this.result) return this.state === "offline" ? false : "stale";
      const findings = this.visibleFindings(text);
      const level = this.level(findings);
      return (level === "medium" || level === "high") && findings.length ? findings : false;
    }

    /** Checks now (no debounce) and answers like needsConfirmation, never "stale". */
    async confirmationNow() {
      this.debouncer.cancel();
      await Promise.race([this.check(), new Promise((r) => setTimeout(r, 3000))]);
      const need = this.needsConfirmation();
      return need === "stale" ? false : need;
    }

    acknowledge() {
      this.acknowledgedText = this.read().text;
    }

    container() {
      if (!this.adapter.container) return null;
      return this.ctx.safe(this.adapter, () => this.adapter.container(this.editor));
    }

    /** Whether a bare Enter sends this editor's draft (Facebook comments, Messenger, DMs), per its adapter. */
    enterSends() {
      const a = this.adapter;
      return Boolean(a.enterSends) && this.ctx.safe(a, () => a.enterSends(this.editor)) === true;
    }

    /** The other watched editors that one send posts together with this one (same container). */
    siblings() {
      const scope = this.container();
      if (!scope) return [];
      return [...this.ctx.watchers.values()].filter((w) => w !== this && w.container() === scope);
    }

    /** The site's send button for this editor among the elements of an event path, if any. */
    submitIn(path) {
      const container = this.container();
      for (const node of path) {
        if (!(node instanceof Element) || !this.isSubmit(node)) continue;
        if (container ? deepContains(container, node) : this.ctx.lastActive === this) return node;
      }
      return null;
    }

    isSubmit(node) {
      const a = this.adapter;
      return this.ctx.safe(a, () => node.matches(a.submit) && (!a.isSubmit || a.isSubmit(node))) === true;
    }

    /** The send button near this editor (for "post anyway" after Ctrl/Cmd+Enter). */
    findSubmit() {
      const scope = this.container();
      if (!scope) return null;
      const candidates = I.dom.deepQueryAll(scope, this.adapter.submit);
      return candidates.find((b) => this.isSubmit(b)) || null;
    }
  }

  function deepContains(ancestor, node) {
    for (let n = node; n; n = n.parentNode || (n.host instanceof Element ? n.host : null)) {
      if (n === ancestor) return true;
    }
    return false;
  }

  I.EditorWatcher = EditorWatcher;
  I.DEBOUNCE_MS = DEBOUNCE_MS;
})(globalThis);
