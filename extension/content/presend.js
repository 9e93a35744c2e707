/*
 * The pre-send check: when the user sends a post (the site's send button, Ctrl/Cmd+Enter, a bare
 * Enter where the adapter says the editor sends on Enter, or a form submit) while it still carries
 * an unacknowledged medium or high warning, the event is stopped once and the user is asked;
 * "Post anyway" sends it. Every watched editor the send covers is asked about together (Reddit's
 * title and body). Only the user's own (trusted) events are stopped, so our replay and the site's
 * own scripts pass through.
 */
(function (root) {
  "use strict";
  const I = root.Impartial;
  const PRESSABLE = 'button, [role="button"], input[type="submit"]';

  function installPresend(ctx, signal) {
    let asking = false;

    /** Findings to ask about across watchers, checking stale drafts first; [] lets the send through. */
    async function needs(watchers, first) {
      const all = [];
      for (const [i, w] of watchers.entries()) {
        let need = i === 0 ? first : w.needsConfirmation();
        if (need === "stale") need = await w.confirmationNow();
        if (need) all.push(...need);
      }
      return all;
    }

    async function guard(watchers, first, proceed, anchor) {
      asking = true;
      try {
        const findings = await needs(watchers, first);
        if (!findings.length) {
          proceed();
          return;
        }
        const lead = watchers[0];
        const rect = anchor || lead.editor.getBoundingClientRect();
        if (await lead.ui.ask(findings, rect)) {
          for (const w of watchers) w.acknowledge();
          proceed();
        } else {
          lead.editor.focus({ preventScroll: true });
        }
      } finally {
        asking = false;
      }
    }

    function stop(event) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }

    /** Watchers with a draft that needs asking about, the first one's need, in watcher order. */
    function pending(watchers) {
      const out = [];
      let first = false;
      for (const w of watchers) {
        const need = w.needsConfirmation();
        if (!need) continue;
        if (!out.length) first = need;
        out.push(w);
      }
      return { watchers: out, first };
    }

    function onClick(event) {
      if (!event.isTrusted || !ctx.preSendCheck) return;
      const path = event.composedPath();
      let button = null;
      const covered = [];
      // A form may hold several watched editors (Reddit's title and body): ask about all of them.
      for (const watcher of ctx.watchers.values()) {
        const found = watcher.submitIn(path);
        if (!found) continue;
        button = button || found;
        covered.push(watcher);
      }
      if (!covered.length) return;
      const { watchers, first } = pending(covered);
      if (!watchers.length) return;
      stop(event);
      if (asking) return;
      // Replay on the innermost pressable the user pressed (the real button inside a shadow root).
      const inner = path.find((n) => n instanceof Element && n.matches(PRESSABLE) && deepContains(button, n)) || button;
      guard(watchers, first, () => inner.click(), button.getBoundingClientRect());
    }

    function onKeydown(event) {
      if (!event.isTrusted || !ctx.preSendCheck || event.key !== "Enter" || event.isComposing) return;
      const mod = event.ctrlKey || event.metaKey;
      const target = I.dom.eventTarget(event);
      const watcher = [...ctx.watchers.values()].find((w) => w.editor === target || w.editor.contains(target));
      if (!watcher) return;
      const bare = !mod && !event.shiftKey && !event.altKey;
      if (!mod && !(bare && watcher.enterSends())) return;
      const { watchers, first } = pending([watcher, ...watcher.siblings()]);
      if (!watchers.length) return;
      stop(event);
      if (asking) return;
      const init = { key: "Enter", code: "Enter", keyCode: 13, which: 13, ctrlKey: event.ctrlKey, metaKey: event.metaKey, bubbles: true, cancelable: true, composed: true };
      guard(watchers, first, () => {
        // Enter-to-send boxes get their Enter back (the site's own handler sends); others their button.
        const button = bare ? null : watcher.findSubmit();
        if (button) button.click();
        else target.dispatchEvent(new KeyboardEvent("keydown", init));
      });
    }

    function onSubmit(event) {
      if (!event.isTrusted || !ctx.preSendCheck) return;
      const form = I.dom.eventTarget(event);
      const covered = [...ctx.watchers.values()].filter((w) => form instanceof Element && form.contains(w.editor));
      const { watchers, first } = pending(covered);
      if (!watchers.length) return;
      stop(event);
      if (asking) return;
      const submitter = event.submitter || null;
      guard(watchers, first, () => form.requestSubmit(submitter));
    }

    const opts = { capture: true, signal };
    addEventListener("click", onClick, opts);
    addEventListener("keydown", onKeydown, opts);
    addEventListener("submit", onSubmit, opts);
  }

  function deepContains(ancestor, node) {
    for (let n = node; n; n = n.parentNode || (n.host instanceof Element ? n.host : null)) {
      if (n === ancestor) return true;
    }
    return false;
  }

  I.installPresend = installPresend;
})(globalThis);
