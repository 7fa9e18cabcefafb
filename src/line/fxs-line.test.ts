import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FXS_TIMINGS, fxsStep } from './fxs-line.js';
import { events, Harness, only, profile, tones } from './test-support/fxs-harness.js';
import type { FxsAction } from './fxs-types.js';

const T = DEFAULT_FXS_TIMINGS;

function offHook(h: Harness): FxsAction[] {
  return h.send({ type: 'off-hook' });
}

function dial(h: Harness, digits: string, type: 'dtmf' | 'pulse-digit' = 'dtmf'): FxsAction[] {
  const out: FxsAction[] = [];
  for (const d of digits) {
    h.advance(h.now + 200);
    out.push(...h.send({ type, digit: d as '0' }));
  }
  return out;
}

test('off hook from idle: seized, dial tone, the first-digit timer', () => {
  const h = new Harness();
  const a = offHook(h);
  assert.deepEqual(events(a), ['seized']);
  assert.deepEqual(tones(a), ['dial']);
  assert.equal(h.armed('dial'), T.firstDigitMs);
});

test('message waiting: visual indication on hook, stutter dial tone off hook', () => {
  const h = new Harness();
  const a = h.send({ type: 'mwi', waiting: true });
  assert.deepEqual(only(a, 'mwi-indication'), [{ type: 'mwi-indication', waiting: true }]);
  h.advance(5000);
  assert.deepEqual(tones(offHook(h)), ['stutter']);
  // Messages read while off hook: back to plain dial tone; the indication waits for on hook.
  const cleared = h.send({ type: 'mwi', waiting: false });
  assert.deepEqual(tones(cleared), ['dial']);
  assert.deepEqual(only(cleared, 'mwi-indication'), []);
  const hung = h.send({ type: 'on-hook' });
  assert.deepEqual(only(hung, 'mwi-indication'), [{ type: 'mwi-indication', waiting: false }]);
});

test('off hook while the MWI message is on the air stops it', () => {
  const h = new Harness();
  h.send({ type: 'mwi', waiting: true });
  h.advance(300);
  assert.equal(only(offHook(h), 'caller-id-stop').length, 1);
});

test('the first digit stops dial tone; a complete number is dialled at once', () => {
  const h = new Harness();
  offHook(h);
  const first = dial(h, '9');
  assert.deepEqual(tones(first), [null]);
  assert.equal(h.armed('dial'), h.now + T.interdigitLongMs);
  const rest = dial(h, '11');
  assert.deepEqual(only(rest, 'event').map((e) => e.event), [{ type: 'dialed', number: '911' }]);
  assert.equal(h.state.phase.name, 'proceeding');
  assert.equal(h.armed('dial'), undefined);
});

test('pulse digits are collected like DTMF', () => {
  const h = new Harness();
  offHook(h);
  const a = dial(h, '911', 'pulse-digit');
  assert.deepEqual(events(a), ['dialed']);
});

test('complete-on-timeout: the short timer dials; a further digit keeps collecting', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '2000');
  assert.equal(h.armed('dial'), h.now + T.interdigitShortMs);
  const fired = h.advance(h.now + T.interdigitShortMs);
  assert.deepEqual(only(fired.map((l) => l.action), 'event').map((e) => e.event), [{ type: 'dialed', number: '2000' }]);

  const g = new Harness();
  offHook(g);
  dial(g, '20001');
  assert.equal(g.armed('dial'), g.now + T.interdigitLongMs);
  const done = dial(g, '23');
  assert.deepEqual(only(done, 'event').map((e) => e.event), [{ type: 'dialed', number: '2000123' }]);
});

test('# sends the digits so far, without the #', () => {
  const h = new Harness();
  offHook(h);
  const a = dial(h, '20#');
  assert.deepEqual(only(a, 'event').map((e) => e.event), [{ type: 'dialed', number: '20' }]);
});

test('# is an ordinary digit where the map uses it', () => {
  const h = new Harness();
  offHook(h);
  assert.deepEqual(events(dial(h, '*#')), []);
  assert.deepEqual(only(dial(h, '5'), 'event').map((e) => e.event), [{ type: 'dialed', number: '*#5' }]);
});

test('an invalid number: event, reorder, pause, howler, then silence (GR-506 permanent signal)', () => {
  const h = new Harness();
  offHook(h);
  const a = dial(h, '3');
  const start = h.now;
  assert.deepEqual(only(a, 'event').map((e) => e.event), [{ type: 'invalid-number', digits: '3' }]);
  assert.deepEqual(tones(a), [null, 'reorder']);
  const later = h.advance(start + 200_000);
  assert.deepEqual(
    later.filter((l) => l.action.type === 'tone').map((l) => [l.atMs - start, l.action.type === 'tone' ? l.action.tone : '']),
    [
      [T.reorderMs, null],
      [T.offHookWarningDelayMs, 'howler'],
      [T.offHookWarningDelayMs + T.howlerMs, null],
    ],
  );
  assert.deepEqual(h.state.phase, { name: 'lockout', stage: 'silent', sinceMs: start, withCall: false });
  assert.deepEqual(events(h.send({ type: 'on-hook' })), ['hung-up']);
});

test('no digit before the first-digit timeout: reorder, then howler', () => {
  const h = new Harness();
  offHook(h);
  const fired = h.advance(T.firstDigitMs);
  assert.deepEqual(tones(fired.map((l) => l.action)), ['reorder']);
  assert.equal(h.state.phase.name, 'lockout');
});

test('the long interdigit timer on a partial number: invalid', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '20001');
  const fired = h.advance(h.now + T.interdigitLongMs).map((l) => l.action);
  assert.deepEqual(only(fired, 'event').map((e) => e.event), [{ type: 'invalid-number', digits: '20001' }]);
  assert.deepEqual(tones(fired), ['reorder']);
});

test('stale timers are ignored: not armed, or re-armed for later', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '2');
  const due = h.armed('dial') ?? 0;
  dial(h, '0'); // re-arms 'dial' later
  assert.deepEqual(h.apply({ type: 'timer', name: 'dial', atMs: due }), []);
  assert.deepEqual(h.apply({ type: 'timer', name: 'ring', atMs: h.now }), []);
  assert.deepEqual(h.apply({ type: 'timer', name: 'warning', atMs: h.now }), []);
  assert.equal(h.state.phase.name, 'dialing');
});

test('hanging up at dial tone is abandoned; after a digit, hung-up', () => {
  const h = new Harness();
  offHook(h);
  const a = h.send({ type: 'on-hook' });
  assert.deepEqual(events(a), ['abandoned']);
  assert.deepEqual(tones(a), [null]);
  assert.deepEqual(only(a, 'cancel-timer').map((c) => c.name), ['dial']);
  offHook(h);
  dial(h, '2');
  assert.deepEqual(events(h.send({ type: 'on-hook' })), ['hung-up']);
});

test('a flash at dial tone (no call) gives fresh dial tone and clears the digits', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '20');
  const a = h.send({ type: 'flash' });
  assert.deepEqual(events(a), []);
  assert.deepEqual(tones(a), ['dial']);
  assert.deepEqual(h.state.phase, { name: 'dialing', digits: '', pending: 'none', withCall: false });
});

test('outgoing call: ringback, answer with polarity reversal, far-end hang-up, reorder, howler', () => {
  const h = new Harness({ polarityReversal: true });
  offHook(h);
  dial(h, '911');
  assert.deepEqual(tones(h.send({ type: 'progress', tone: 'ringback' })), ['ringback']);
  const c = h.send({ type: 'connected' });
  assert.deepEqual(c, [
    { type: 'tone', tone: null },
    { type: 'media', on: true },
    { type: 'polarity', reversed: true },
  ]);
  assert.deepEqual(events(h.send({ type: 'dtmf', digit: '5' })), ['digit']);
  assert.deepEqual(events(h.send({ type: 'pulse-digit', digit: '7' })), ['digit']);
  const hang = h.send({ type: 'far-end-hangup' });
  assert.deepEqual(hang, [
    { type: 'media', on: false },
    { type: 'polarity', reversed: false },
    { type: 'tone', tone: 'reorder' },
    { type: 'timer', name: 'warning', atMs: h.now + T.reorderMs },
  ]);
  h.advance(h.now + T.offHookWarningDelayMs);
  assert.equal(h.state.tone, 'howler');
  assert.deepEqual(events(h.send({ type: 'on-hook' })), ['hung-up']);
  assert.equal(h.state.tone, null);
});

test('without polarity reversal on the board, no polarity actions', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '911');
  assert.deepEqual(only(h.send({ type: 'connected' }), 'polarity'), []);
});

test('ETSI region: busy tone after the far end hangs up', () => {
  const h = new Harness({ profile: profile('DE') });
  offHook(h);
  dial(h, '911');
  h.send({ type: 'connected' });
  assert.deepEqual(tones(h.send({ type: 'far-end-hangup' })), ['busy']);
});

test('early media: local tone off, media on, digits forwarded; busy progress starts the permanent signal', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '911');
  h.send({ type: 'progress', tone: 'ringback' });
  const em = h.send({ type: 'progress', tone: null });
  assert.deepEqual(em, [
    { type: 'tone', tone: null },
    { type: 'media', on: true },
  ]);
  assert.deepEqual(events(h.send({ type: 'dtmf', digit: '1' })), ['digit']);
  const busy = h.send({ type: 'progress', tone: 'busy' });
  assert.deepEqual(tones(busy), ['busy']);
  assert.equal(h.state.media, false);
  assert.equal(h.state.phase.name, 'lockout');
});

test('hotline: progress right after seizure ends digit collection', () => {
  const h = new Harness();
  offHook(h);
  const a = h.send({ type: 'progress', tone: 'ringback' });
  assert.deepEqual(only(a, 'cancel-timer').map((c) => c.name), ['dial']);
  assert.equal(h.state.tone, 'ringback');
});

test('connected: flash goes to the call layer; collect-digits gives dial tone with the call held', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '911');
  h.send({ type: 'connected' });
  assert.deepEqual(events(h.send({ type: 'flash' })), ['flash']);
  const cd = h.send({ type: 'collect-digits' });
  assert.deepEqual(cd, [
    { type: 'media', on: false },
    { type: 'tone', tone: 'dial' },
    { type: 'timer', name: 'dial', atMs: h.now + T.firstDigitMs },
  ]);
  // A flash now returns to the held call (the call layer's decision).
  assert.deepEqual(events(h.send({ type: 'flash' })), ['flash']);
  assert.deepEqual(only(dial(h, '2001234'), 'event').map((e) => e.event), [{ type: 'dialed', number: '2001234' }]);
  h.send({ type: 'connected' });
  assert.equal(h.state.media, true);
  // Hanging up with a call: hung-up, not abandoned, even from that dial tone.
  h.send({ type: 'collect-digits' });
  assert.deepEqual(events(h.send({ type: 'on-hook' })), ['hung-up']);
});

test('confirm: confirmation tone (region length), then dial tone or silence then howler', () => {
  const h = new Harness();
  offHook(h);
  dial(h, '*72');
  const a = h.send({ type: 'confirm', then: 'dial-tone' });
  assert.deepEqual(tones(a), ['confirmation']);
  assert.equal(h.armed('confirm'), h.now + 500); // NANP: three 100 ms bursts
  const after = h.advance(h.now + 500).map((l) => l.action);
  assert.deepEqual(tones(after), ['dial']);
  assert.equal(h.state.phase.name, 'dialing');

  dial(h, '*78');
  h.send({ type: 'confirm', then: 'silence' });
  const start = h.now;
  const quiet = h.advance(start + 500);
  assert.deepEqual(tones(quiet.map((l) => l.action)), [null]);
  h.advance(start + 500 + T.offHookWarningDelayMs);
  assert.equal(h.state.tone, 'howler');
});

test('reject / invalid-number from the call layer: reorder', () => {
  for (const type of ['reject', 'invalid-number'] as const) {
    const h = new Harness();
    offHook(h);
    dial(h, '911');
    h.send({ type: 'progress', tone: 'ringback' });
    assert.deepEqual(tones(h.send({ type })), ['reorder']);
  }
});

test('release: off hook back to fresh dial tone, on hook nothing', () => {
  const h = new Harness({ polarityReversal: true });
  offHook(h);
  dial(h, '911');
  h.send({ type: 'connected' });
  const a = h.send({ type: 'release' });
  assert.deepEqual(a, [
    { type: 'polarity', reversed: false },
    { type: 'media', on: false },
    { type: 'tone', tone: 'dial' },
    { type: 'timer', name: 'dial', atMs: h.now + T.firstDigitMs },
  ]);
  h.send({ type: 'on-hook' });
  assert.deepEqual(h.send({ type: 'release' }), []);
});

test('a phone off hook at start-up hears silence; a flash or hanging up resets it', () => {
  const h = new Harness({}, { offHook: true });
  assert.deepEqual(h.state.phase, { name: 'lockout', stage: 'silent', sinceMs: 0, withCall: false });
  assert.deepEqual(tones(h.send({ type: 'flash' })), ['dial']);
  const g = new Harness({}, { offHook: true });
  assert.deepEqual(events(g.send({ type: 'on-hook' })), ['hung-up']);
  assert.equal(g.state.phase.name, 'idle');
});

test('inputs that do not apply are ignored, and the state is not replaced', () => {
  const h = new Harness();
  const s = h.state;
  for (const input of [
    { type: 'on-hook', atMs: 1 },
    { type: 'flash', atMs: 1 },
    { type: 'pulse-digit', digit: '3', atMs: 1 },
    { type: 'dtmf', digit: '#', atMs: 1 },
    { type: 'progress', tone: 'ringback', atMs: 1 },
    { type: 'connected', atMs: 1 },
    { type: 'far-end-hangup', atMs: 1 },
    { type: 'call-waiting', atMs: 1 },
    { type: 'collect-digits', atMs: 1 },
    { type: 'confirm', then: 'silence', atMs: 1 },
    { type: 'reject', atMs: 1 },
    { type: 'timer', name: 'cw', atMs: 1 },
    { type: 'off-hook', atMs: Number.NaN },
  ] as const) {
    const r = fxsStep(s, input);
    assert.deepEqual(r.actions, [], input.type);
    assert.deepEqual(r.state.phase, s.phase, input.type);
  }
});
