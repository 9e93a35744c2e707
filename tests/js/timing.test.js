"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { createDebouncer, LruCache, backoffDelay } = require("../../extension/common/timing.js");

// Timers driven by hand: advance(ms) runs what is due.
function fakeTimers() {
  let now = 0;
  let next = 1;
  const due = new Map();
  return {
    setTimeout(fn, ms) {
      due.set(next, { fn, at: now + ms });
      return next++;
    },
    clearTimeout(id) {
      due.delete(id);
    },
    advance(ms) {
      now += ms;
      for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          due.delete(id);
          t.fn();
        }
      }
    },
  };
}

test("should call once, after the pause, with the last arguments", () => {
  const timers = fakeTimers();
  const calls = [];
  const d = createDebouncer((...args) => calls.push(args), 500, timers);
  d.schedule("V");
  timers.advance(200);
  d.schedule("Vo");
  timers.advance(200);
  d.schedule("Vote");
  timers.advance(499);
  const before = calls.slice();
  timers.advance(1);
  assert.deepEqual({ before, after: calls, pending: d.pending }, { before: [], after: [["Vote"]], pending: false });
});

test("should call once per pause across several pauses", () => {
  const timers = fakeTimers();
  const calls = [];
  const d = createDebouncer((t) => calls.push(t), 500, timers);
  for (const t of ["a", "ab", "abc"]) {
    d.schedule(t);
    timers.advance(100);
  }
  timers.advance(500);
  d.schedule("abcd");
  timers.advance(600);
  assert.deepEqual(calls, ["abc", "abcd"]);
});

test("should run at once on flush and not at all after cancel", () => {
  const timers = fakeTimers();
  const calls = [];
  const d = createDebouncer((t) => calls.push(t), 500, timers);
  d.schedule("x");
  const flushed = d.flush();
  d.schedule("y");
  d.cancel();
  timers.advance(1000);
  assert.deepEqual({ flushed, calls, again: d.flush() }, { flushed: true, calls: ["x"], again: false });
});

test("should forget the least recently used entry", () => {
  const cache = new LruCache(2);
  cache.set("a", 1).set("b", 2);
  cache.get("a");
  cache.set("c", 3);
  assert.deepEqual([...cache.map.entries()], [["a", 1], ["c", 3]]);
});

test("should back off exponentially up to the cap", () => {
  const delays = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, { random: () => 0.5 }));
  assert.deepEqual(delays, [0, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

test("should jitter the back-off by at most a fifth", () => {
  assert.deepEqual([backoffDelay(2, { random: () => 0 }), backoffDelay(2, { random: () => 1 })], [1600, 2400]);
});
