/*
 * Content script entry point: asks the background whether this site is enabled, finds
 * compose editors with the site's adapter (and the generic fallback for other editors the
 * user focuses), and attaches a watcher to each. Loaded last, after the other scripts.
 */
(function (root) {
  "use strict";
  const I = root.Impartial;
  if (I.contentStarted) return;
  I.contentStarted = true;
  const { MSG } = I;
  const HOST_TAG = "IMPARTIAL-WARNING";

  const ctx = {
    site: null,
    preSendCheck: true,
    ignored: new Set(),
    watchers: new Map(), // editor element -> EditorWatcher
    lastActive: null,
    misses: 0, // selector misses on this page (see reportMiss)
    send,
    refresh,
    safe,
    isIgnored: (f) => ctx.ignored.has(ignoreKey(f)),
    ignore(f) {
      const key = ignoreKey(f);
      ctx.ignored.add(key);
      for (const w of ctx.watchers.values()) w.scheduleFrame();
      send({ type: MSG.IGNORE_FINDING, key }).catch(() => {});
    },
    detach(watcher) {
      watcher.destroy();
      ctx.watchers.delete(watcher.editor);
    },
  };
  let session = null;

  function ignoreKey(f) {
    return `${f.rule}|${String(f.match).toLowerCase()}`;
  }

  /** Runs an adapter hook; an adapter that throws is logged and contained. */
  function safe(adapter, fn) {
    try {
      return fn();
    } catch (error) {
      console.warn(`Impartial: the ${adapter && adapter.id} adapter failed`, error);
      return null;
    }
  }

  async function send(message) {
    let reply;
    try {
      reply = await chrome.runtime.sendMessage(message);
    } catch (error) {
      if (/context invalidated/i.test(String(error && error.message))) stop();
      throw error;
    }
    if (!reply || !reply.ok) throw new Error((reply && reply.error) || "no answer from the extension");
    return reply.value;
  }

  async function refresh() {
    let state;
    try {
      state = await send({ type: MSG.GET_PAGE_STATE });
    } catch (_) {
      return;
    }
    ctx.ignored = new Set(state.ignored);
    ctx.preSendCheck = state.preSendCheck;
    if (!state.enabled) {
      stop();
      return;
    }
    if (session && ctx.site !== state.site) stop();
    ctx.site = state.site;
    if (!session) start();
    else {
      for (const w of ctx.watchers.values()) {
        // Settings changed (perhaps the service URL): an editor waiting to retry tries now.
        if (w.state === "offline") w.check();
        w.scheduleFrame();
      }
    }
  }

  function stop() {
    if (session) session.abort();
    session = null;
    for (const w of ctx.watchers.values()) w.destroy();
    ctx.watchers.clear();
  }

  function ours(node) {
    for (let n = node; n; n = n.parentNode || (n instanceof ShadowRoot ? n.host : null)) {
      if (n.nodeName === HOST_TAG) return true;
    }
    return false;
  }

  function inWatchedEditor(node) {
    for (const editor of ctx.watchers.keys()) if (editor === node || editor.contains(node)) return true;
    return false;
  }

  function accepts(adapter, el) {
    return safe(adapter, () => el.matches(adapter.editors) && (!adapter.accepts || adapter.accepts(el))) === true;
  }

  /**
   * A selector miss: the user writes in an editor the site's adapter does not know (the site's
   * markup changed, or a composer nobody mapped yet). The generic fallback still watches it; the
   * miss is counted and said on the console with the editor's shape (never its text), so a
   * changed site is visible rather than silently half-covered.
   */
  function reportMiss(adapter, editor) {
    ctx.misses += 1;
    const label = editor.getAttribute("aria-label");
    const shape = `${editor.nodeName.toLowerCase()}${editor.id ? `#${editor.id}` : ""}${[...editor.classList].slice(0, 3).map((c) => `.${c}`).join("")}${label ? `[aria-label="${label.slice(0, 60)}"]` : ""}`;
    console.warn(`Impartial: selector miss ${ctx.misses} on ${location.hostname}: the ${adapter.id} adapter (selectors checked ${adapter.checked}) does not know the editor ${shape}; the generic fallback watches it, without the site's send button.`);
  }

  function attach(el, adapter) {
    const editor = I.dom.editableRoot(el);
    if (!editor || ctx.watchers.has(editor) || ours(editor)) return;
    const watcher = safe(adapter, () => new I.EditorWatcher(editor, adapter, ctx));
    if (watcher) ctx.watchers.set(editor, watcher);
  }

  function start() {
    session = new AbortController();
    const { signal } = session;
    const adapter = I.registry.forSite(ctx.site);
    const generic = I.registry.GENERIC;
    const shadowRoots = new Set();
    const observed = new WeakSet();
    let scanTimer = null;

    function scan() {
      scanTimer = null;
      if (signal.aborted) return;
      for (const [editor, w] of ctx.watchers) if (!editor.isConnected) ctx.detach(w);
      if (adapter) {
        const found = safe(adapter, () => I.dom.deepQueryAll(document, adapter.editors, shadowRoots, ours)) || [];
        for (const el of found) if (accepts(adapter, el)) attach(el, adapter);
      }
      // Watch inside open shadow roots too: document-level observers do not see into them.
      for (const r of shadowRoots) {
        if (!observed.has(r)) {
          observed.add(r);
          observer.observe(r, { childList: true, subtree: true });
        }
      }
    }

    // At most one scan per half second, and in idle time, so a busy page never delays typing.
    function scheduleScan() {
      if (scanTimer !== null) return;
      scanTimer = setTimeout(() => {
        if (typeof requestIdleCallback === "function") requestIdleCallback(scan, { timeout: 1000 });
        else scan();
      }, 500);
    }

    const observer = new MutationObserver((records) => {
      if (records.every((r) => ours(r.target) || inWatchedEditor(r.target) || [...r.addedNodes].every(ours))) return;
      scheduleScan();
    });
    observer.observe(document, { childList: true, subtree: true });

    // Editors the scan has not seen yet (late shadow roots, other fields) are picked up on focus.
    addEventListener("focusin", (event) => {
      const target = I.dom.eventTarget(event);
      const editor = I.dom.editableRoot(target);
      if (!editor || ctx.watchers.has(editor) || ours(editor)) return;
      if (adapter && accepts(adapter, editor)) attach(editor, adapter);
      else if (accepts(generic, editor)) {
        if (adapter) reportMiss(adapter, editor);
        attach(editor, generic);
      }
    }, { capture: true, signal });

    I.installPresend(ctx, signal);
    signal.addEventListener("abort", () => {
      observer.disconnect();
      clearTimeout(scanTimer);
    });
    scan();
  }

  chrome.runtime.onMessage.addListener((message) => {
    if (message && message.type === MSG.STATE_CHANGED) refresh();
    return false;
  });

  refresh();
})(globalThis);
