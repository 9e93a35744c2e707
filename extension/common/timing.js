/* Debounce, a small LRU cache and retry back-off. Pure: timers and randomness are injectable. */
(function (root) {
  "use strict";

  /** Calls fn(...lastArgs) once, `wait` ms after the last schedule(). */
  function createDebouncer(fn, wait, timers = globalThis) {
    let handle = null;
    let args = [];
    const fire = () => {
      handle = null;
      fn(...args);
    };
    return {
      schedule(...next) {
        args = next;
        if (handle !== null) timers.clearTimeout(handle);
        handle = timers.setTimeout(fire, wait);
      },
      cancel() {
        if (handle !== null) timers.clearTimeout(handle);
        handle = null;
      },
      flush() {
        if (handle === null) return false;
        timers.clearTimeout(handle);
        fire();
        return true;
      },
      get pending() {
        return handle !== null;
      },
    };
  }

  /** A Map that forgets its least recently used entry beyond `limit`. */
  class LruCache {
    constructor(limit) {
      this.limit = limit;
      this.map = new Map();
    }
    get(key) {
      if (!this.map.has(key)) return undefined;
      const value = this.map.get(key);
      this.map.delete(key);
      this.map.set(key, value);
      return value;
    }
    has(key) {
      return this.map.has(key);
    }
    set(key, value) {
      this.map.delete(key);
      this.map.set(key, value);
      while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value);
      return this;
    }
    clear() {
      this.map.clear();
    }
    get size() {
      return this.map.size;
    }
  }

  /** Delay before retry number `failures` (1-based): doubling from base to max, +/-20% jitter. */
  function backoffDelay(failures, { base = 1000, max = 30000, random = Math.random } = {}) {
    if (failures <= 0) return 0;
    const raw = Math.min(max, base * 2 ** (failures - 1));
    return Math.round(raw * (0.8 + 0.4 * random()));
  }

  const api = { createDebouncer, LruCache, backoffDelay };
  root.Impartial = Object.assign(root.Impartial || {}, { timing: api });
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
