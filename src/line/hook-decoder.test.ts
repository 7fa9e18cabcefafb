import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../errors.js';
import { HookDecoder, type HookDecoderOptions } from './hook-decoder.js';
import type { HookEvent } from './types.js';

/** A raw edge: the hook input became `off` (off hook) at `t`. */
interface Edge { readonly t: number; readonly off: boolean }

const US: HookDecoderOptions = { flash: { minMs: 300, maxMs: 1100 } };
const TBR: HookDecoderOptions = { flash: { minMs: 90, maxMs: 400 } };

/**
 * Feeds edges in time order, polling at every deadline reached before the next
 * edge (as the runtime's timer would), then polls on until `untilMs`. Each event
 * is returned with the time of the call that produced it.
 */
function drive(d: HookDecoder, edges: readonly Edge[], untilMs: number): { ev: HookEvent; at: number }[] {
  const out: { ev: HookEvent; at: number }[] = [];
  const pollUntil = (limit: number, inclusive: boolean): void => {
    for (let guard = 0; guard < 10_000; guard++) {
      const dl = d.nextDeadline();
      if (dl === undefined || dl > limit || (!inclusive && dl === limit)) return;
      for (const ev of d.poll(dl)) out.push({ ev, at: dl });
    }
    assert.fail('poll made no progress');
  };
  for (const e of edges) {
    pollUntil(e.t, false);
    for (const ev of d.transition(e.off, e.t)) out.push({ ev, at: e.t });
  }
  pollUntil(untilMs, true);
  return out;
}

function events(opts: HookDecoderOptions, edges: readonly Edge[], untilMs: number, initialOff = true): HookEvent[] {
  return drive(new HookDecoder(opts, { offHook: initialOff, atMs: 0 }), edges, untilMs).map((x) => x.ev);
}

/** The edges of dialling `digits` on a rotary dial, starting at `startMs`, off hook throughout. */
function dial(digits: string, pps: number, breakRatio: number, startMs: number, pauseMs = 700): { edges: Edge[]; endMs: number } {
  const period = 1000 / pps;
  const brk = period * breakRatio;
  const edges: Edge[] = [];
  let t = startMs;
  for (const ch of digits) {
    const n = ch === '0' ? 10 : Number(ch);
    for (let i = 0; i < n; i++) {
      edges.push({ t, off: false }, { t: t + brk, off: true });
      t += period;
    }
    t += pauseMs - (period - brk);
  }
  return { edges, endMs: t };
}

function digitsOf(evs: readonly HookEvent[]): string {
  return evs.map((e) => (e.type === 'pulse-digit' ? e.digit : `<${e.type}>`)).join('');
}

test('a lift with contact bounce gives one off-hook, dated at the first edge, once confirmed', () => {
  const d = new HookDecoder(US, { offHook: false, atMs: 0 });
  assert.equal(d.offHook, false);
  assert.deepEqual(d.transition(true, 1000), []);
  assert.deepEqual(d.transition(false, 1002), []);
  assert.deepEqual(d.transition(true, 1004), []);
  assert.deepEqual(d.transition(false, 1005), []);
  assert.deepEqual(d.transition(true, 1007), []);
  assert.equal(d.offHook, false);
  assert.equal(d.nextDeadline(), 1017);
  assert.deepEqual(d.poll(1016), []);
  assert.deepEqual(d.poll(1017), [{ type: 'off-hook', atMs: 1000 }]);
  assert.equal(d.offHook, true);
  assert.equal(d.nextDeadline(), undefined);
});

test('a short touch of the hook (under the debounce time) is ignored', () => {
  assert.deepEqual(events(US, [{ t: 100, off: true }, { t: 105, off: false }], 5000, false), []);
  // And a glitch while off hook does not break the line either.
  assert.deepEqual(events(US, [{ t: 100, off: false }, { t: 104, off: true }], 5000), []);
});

test('pulse trains at 8, 10 and 12 pulses/s with 60/40 and 67/33 (and 55/45, 70/30) ratios decode', () => {
  for (const opts of [US, TBR]) {
    for (const pps of [8, 10, 12]) {
      for (const ratio of [0.6, 0.67, 0.55, 0.7]) {
        const { edges, endMs } = dial('1234567890', pps, ratio, 1000);
        const got = events(opts, edges, endMs + 2000);
        assert.equal(digitsOf(got), '1234567890', `${pps} pps, ${ratio * 100}% break, flash ${opts.flash.minMs}`);
      }
    }
  }
});

test('a pulse digit is sent from poll once the make has lasted interdigitMs, dated at the end of its last break', () => {
  const d = new HookDecoder(US, { offHook: true, atMs: 0 });
  // Digit 2 at 10 pps, 60/40: breaks 1000-1060 and 1100-1160.
  const out = drive(d, [{ t: 1000, off: false }, { t: 1060, off: true }, { t: 1100, off: false }, { t: 1160, off: true }], 1400);
  assert.deepEqual(out, [{ ev: { type: 'pulse-digit', digit: '2', atMs: 1160 }, at: 1310 }]);
});

test('contact bounce on every pulse edge does not change the digits', () => {
  const { edges, endMs } = dial('907', 10, 0.62, 1000);
  const bouncy: Edge[] = [];
  for (const e of edges) bouncy.push(e, { t: e.t + 1, off: !e.off }, { t: e.t + 3, off: e.off });
  assert.equal(digitsOf(events(US, bouncy, endMs + 1000)), '907');
});

test('a break too short to be a pulse is ignored, even in the middle of a digit', () => {
  // 15 ms break: longer than the debounce, shorter than a pulse.
  assert.deepEqual(events(US, [{ t: 1000, off: false }, { t: 1015, off: true }], 3000), []);
  const { edges, endMs } = dial('3', 10, 0.6, 1000);
  // A 15 ms hit 20 ms into the make after the second pulse.
  edges.splice(4, 0, { t: 1180, off: false }, { t: 1195, off: true });
  assert.equal(digitsOf(events(US, edges, endMs + 1000)), '3');
});

test('flash at both edges of the window; just outside is a pulse or a hang-up', () => {
  for (const opts of [US, TBR]) {
    const { minMs, maxMs } = opts.flash;
    assert.deepEqual(events(opts, [{ t: 1000, off: false }, { t: 1000 + minMs, off: true }], 5000), [{ type: 'flash', atMs: 1000 + minMs }]);
    assert.deepEqual(events(opts, [{ t: 1000, off: false }, { t: 1000 + maxMs, off: true }], 5000), [{ type: 'flash', atMs: 1000 + maxMs }]);
    assert.deepEqual(events(opts, [{ t: 1000, off: false }, { t: 999 + minMs, off: true }], 5000), [{ type: 'pulse-digit', digit: '1', atMs: 999 + minMs }]);
    assert.deepEqual(events(opts, [{ t: 1000, off: false }, { t: 1001 + maxMs, off: true }], 5000), [
      { type: 'on-hook', atMs: 1000 },
      { type: 'off-hook', atMs: 1001 + maxMs },
    ]);
  }
});

test('the flash is sent at the make, not before', () => {
  const d = new HookDecoder(US, { offHook: true, atMs: 0 });
  assert.deepEqual(d.transition(false, 1000), []);
  assert.deepEqual(d.poll(1500), []);
  assert.deepEqual(d.transition(true, 1600), []);
  assert.equal(d.nextDeadline(), 1610);
  assert.deepEqual(d.poll(1610), [{ type: 'flash', atMs: 1600 }]);
});

test('hang-up: on-hook from poll as soon as the break exceeds flash.maxMs, dated at the break', () => {
  const d = new HookDecoder(US, { offHook: true, atMs: 0 });
  assert.deepEqual(d.transition(false, 5000), []);
  assert.equal(d.nextDeadline(), 5010);
  assert.deepEqual(d.poll(5010), []);
  assert.equal(d.offHook, false);
  assert.equal(d.nextDeadline(), 6100);
  assert.deepEqual(d.poll(6099), []);
  assert.deepEqual(d.poll(6100), [{ type: 'on-hook', atMs: 5000 }]);
  assert.equal(d.nextDeadline(), undefined);
  // A make pending confirmation when the window closes wins: that break was a flash.
  const e = new HookDecoder(US, { offHook: true, atMs: 0 });
  e.transition(false, 5000);
  e.transition(true, 6095);
  assert.deepEqual(e.poll(6100), []);
  assert.deepEqual(e.poll(6105), [{ type: 'flash', atMs: 6095 }]);
});

test('hang-up during a digit: the cut-short digit is dropped, on-hook is dated at the last break', () => {
  const { edges } = dial('5', 10, 0.6, 1000);
  // Third pulse's break never ends: 1200 on.
  const cut = edges.slice(0, 5);
  assert.deepEqual(cut[4], { t: 1200, off: false });
  assert.deepEqual(events(US, cut, 5000), [{ type: 'on-hook', atMs: 1200 }]);
  assert.deepEqual(events(TBR, cut, 5000), [{ type: 'on-hook', atMs: 1200 }]);
});

test('more than 10 pulses is no digit: dropped, and the next digit still decodes', () => {
  const { edges } = dial('0', 10, 0.6, 1000);
  const more = [...edges, { t: 2000, off: false }, { t: 2060, off: true }, { t: 2100, off: false }, { t: 2160, off: true }];
  const next = dial('4', 10, 0.6, 3000);
  assert.equal(digitsOf(events(US, [...more, ...next.edges], next.endMs + 1000)), '4');
  // 40 pulses in a row: nothing, no crash.
  assert.equal(digitsOf(events(US, dial('0000', 10, 0.6, 1000, 100).edges, 9000)), '');
});

test('pulses then a flash-length break: the digit goes first, then the flash', () => {
  const { edges } = dial('2', 10, 0.6, 1000);
  const evs = events(US, [...edges, { t: 1200, off: false }, { t: 1700, off: true }], 4000);
  assert.deepEqual(evs, [{ type: 'pulse-digit', digit: '2', atMs: 1160 }, { type: 'flash', atMs: 1700 }]);
});

test('a full call: lift, dial, flash, dial, hang up, lift again', () => {
  const a = dial('12', 10, 0.6, 1000);
  const b = dial('3', 10, 0.6, a.endMs + 2000);
  const edges: Edge[] = [
    { t: 500, off: true },
    ...a.edges,
    { t: a.endMs + 500, off: false }, { t: a.endMs + 1000, off: true },
    ...b.edges,
    { t: b.endMs + 1000, off: false },
    { t: b.endMs + 5000, off: true },
  ];
  const evs = events(US, edges, b.endMs + 9000, false);
  assert.equal(digitsOf(evs), '<off-hook>12<flash>3<on-hook><off-hook>');
  assert.deepEqual(evs.at(-2), { type: 'on-hook', atMs: b.endMs + 1000 });
});

test('non-monotonic times are clamped to the latest time seen', () => {
  const d = new HookDecoder(US, { offHook: true, atMs: 1000 });
  assert.deepEqual(d.poll(900), []);
  // Dated 500, taken as 1000.
  assert.deepEqual(d.transition(false, 500), []);
  assert.equal(d.nextDeadline(), 1010);
  assert.deepEqual(d.poll(2099), []);
  assert.deepEqual(d.poll(2100), [{ type: 'on-hook', atMs: 1000 }]);
  // Going back after that changes nothing, and NaN is "now".
  assert.deepEqual(d.poll(10), []);
  assert.deepEqual(d.transition(true, Number.NaN), []);
  assert.deepEqual(d.poll(2110), [{ type: 'off-hook', atMs: 2100 }]);
  // Repeated states are ignored.
  assert.deepEqual(d.transition(true, 2200), []);
  assert.equal(d.nextDeadline(), undefined);
});

test('any order of calls is safe: random input keeps the events consistent', () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let round = 0; round < 50; round++) {
    const d = new HookDecoder(round % 2 === 0 ? US : TBR, { offHook: false, atMs: 0 });
    let t = 0;
    let offHook = false;
    let lastAt = -Infinity;
    for (let i = 0; i < 400; i++) {
      t += rnd() < 0.1 ? -rnd() * 200 : rnd() * (rnd() < 0.5 ? 40 : 1500);
      const evs = rnd() < 0.6 ? d.transition(rnd() < 0.5, t) : d.poll(t);
      for (const ev of evs) {
        if (ev.type === 'off-hook') { assert.equal(offHook, false); offHook = true; }
        else if (ev.type === 'on-hook') { assert.equal(offHook, true); offHook = false; }
        else assert.equal(offHook, true, `${ev.type} while on hook`);
        assert.ok(Number.isFinite(ev.atMs));
        // Events come out in time order, except on-hook, dated back to its break.
        if (ev.type !== 'on-hook') { assert.ok(ev.atMs >= lastAt); lastAt = ev.atMs; }
      }
      const dl = d.nextDeadline();
      assert.ok(dl === undefined || Number.isFinite(dl));
    }
  }
});

test('debounceMs 0 confirms edges at once; initial off hook emits nothing', () => {
  const d = new HookDecoder({ ...US, debounceMs: 0 }, { offHook: false, atMs: 0 });
  assert.deepEqual(d.transition(true, 100), [{ type: 'off-hook', atMs: 100 }]);
  assert.equal(d.offHook, true);
  assert.deepEqual(new HookDecoder(US, { offHook: true, atMs: 0 }).poll(100_000), []);
});

test('impossible options are refused with a ValidationError', () => {
  assert.throws(() => new HookDecoder({ flash: { minMs: 500, maxMs: 100 } }, { offHook: false, atMs: 0 }), ValidationError);
  assert.throws(() => new HookDecoder({ ...US, interdigitMs: 0 }, { offHook: false, atMs: 0 }), ValidationError);
  assert.throws(() => new HookDecoder({ ...US, debounceMs: Number.NaN }, { offHook: false, atMs: 0 }), ValidationError);
});
