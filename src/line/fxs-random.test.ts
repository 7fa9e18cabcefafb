/**
 * Random sequences of every kind of input, in every state, against invariants:
 * the machine never throws, the ringer is never on while the phone is off hook,
 * one tone at a time and never with the call's audio, nothing on the port once
 * on hook, every timer named and in the future, and the state agreeing with the
 * actions it emitted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../audio/seeded-random.js';
import type { ToneKind } from '../../audio/tones/types.js';
import { fxsInitial, fxsStep, isOnHook } from './fxs-line.js';
import { fakePlanner, profile, TEST_MAP } from './test-support/fxs-harness.js';
import { FXS_TIMER_NAMES, type FxsConfig, type FxsInput, type FxsState, type FxsTimerName } from './fxs-types.js';
import type { Digit } from './types.js';

const DIGITS: readonly Digit[] = ['0', '1', '2', '3', '5', '9', '*', '#', 'A', 'D'];
const INFO = { number: '5551234567', name: 'RANDOM' };

const CONFIGS: readonly FxsConfig[] = [
  { profile: profile('US'), digitMap: TEST_MAP },
  { profile: profile('US'), digitMap: TEST_MAP, polarityReversal: true, callerIdPlanner: fakePlanner({ method: 'after-first-ring', dataMs: 3500, offHookMs: { alertMs: 80, fskMs: 400 } }) },
  { profile: profile('GB'), digitMap: TEST_MAP, polarityReversal: true },
  { profile: profile('DE'), digitMap: TEST_MAP, callerIdPlanner: fakePlanner({ method: 'rp-as', dataMs: 800 }), timings: { reorderMs: 500, offHookWarningDelayMs: 400, howlerMs: 700, firstDigitMs: 900 } },
  { profile: profile('DE', { standard: 'dtmf', method: 'line-reversal' }), digitMap: TEST_MAP, polarityReversal: true, callWaiting: false },
];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  const x = xs[Math.floor(rnd() * xs.length)];
  if (x === undefined) throw new Error('empty choice');
  return x;
}

function randomInput(rnd: () => number, atMs: number): FxsInput {
  const digit = pick(rnd, DIGITS);
  const callerId = rnd() < 0.7 ? INFO : undefined;
  const inputs: FxsInput[] = [
    { type: 'off-hook', atMs },
    { type: 'on-hook', atMs },
    { type: 'flash', atMs },
    { type: 'pulse-digit', digit: pick(rnd, ['1', '2', '9', '0'] as const), atMs },
    { type: 'dtmf', digit, atMs },
    { type: 'timer', name: pick(rnd, FXS_TIMER_NAMES), atMs },
    { type: 'ring', callerId, callWaiting: rnd() < 0.5, atMs },
    { type: 'stop-ring', atMs },
    { type: 'progress', tone: pick(rnd, ['ringback', 'busy', 'reorder', null] as const), atMs },
    { type: 'connected', atMs },
    { type: 'far-end-hangup', atMs },
    { type: 'call-waiting', callerId, atMs },
    { type: 'call-waiting-end', atMs },
    { type: 'collect-digits', atMs },
    { type: 'mwi', waiting: rnd() < 0.5, atMs },
    { type: 'confirm', then: rnd() < 0.5 ? 'dial-tone' : 'silence', atMs },
    { type: 'reject', atMs },
    { type: 'invalid-number', atMs },
    { type: 'release', atMs },
  ];
  // Hook events and digits are the commonest inputs on a real line.
  if (rnd() < 0.3) return pick(rnd, inputs.slice(0, 5));
  return pick(rnd, inputs);
}

interface Port {
  offHook: boolean;
  ringing: boolean;
  tone: ToneKind | null;
  media: boolean;
  reversed: boolean;
  timers: Map<FxsTimerName, number>;
}

function check(state: FxsState, port: Port, where: string): void {
  assert.equal(isOnHook(state.phase), !port.offHook, `${where}: hook state`);
  if (port.offHook) assert.equal(port.ringing, false, `${where}: ringing while off hook`);
  else {
    assert.equal(port.tone, null, `${where}: tone while on hook`);
    assert.equal(port.media, false, `${where}: media while on hook`);
  }
  if (port.media) assert.equal(port.tone, null, `${where}: tone with media`);
  assert.equal(state.ringing, port.ringing, `${where}: ringer`);
  assert.equal(state.tone, port.tone, `${where}: tone`);
  assert.equal(state.media, port.media, `${where}: media`);
  assert.equal(state.reversed, port.reversed, `${where}: polarity`);
  if (port.reversed) assert.equal(state.config.polarityReversal, true, `${where}: reversal without board support`);
  assert.deepEqual(new Map(Object.entries(state.timers)), port.timers, `${where}: timers`);
}

test('random inputs: never throws, invariants hold', () => {
  let steps = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const rnd = seededRandom(seed);
    const config = pick(rnd, CONFIGS);
    let now = Math.floor(rnd() * 1000);
    const startOffHook = rnd() < 0.2;
    let state = fxsInitial(config, now, startOffHook);
    const port: Port = { offHook: startOffHook, ringing: false, tone: null, media: false, reversed: false, timers: new Map() };
    for (let i = 0; i < 150; i++, steps++) {
      let input: FxsInput;
      const due = [...port.timers.entries()].sort((a, b) => a[1] - b[1])[0];
      if (due !== undefined && rnd() < 0.45) {
        // The runtime fires the earliest timer, sometimes late.
        now = Math.max(now, due[1] + (rnd() < 0.2 ? Math.floor(rnd() * 50) : 0));
        input = { type: 'timer', name: due[0], atMs: now };
      } else {
        now += Math.floor(rnd() * (rnd() < 0.1 ? 20_000 : 800));
        input = randomInput(rnd, now);
      }
      const where = `seed ${seed} step ${i} ${JSON.stringify(input)} in ${state.phase.name}`;
      const result = fxsStep(state, input);
      state = result.state;
      if (input.type === 'off-hook') port.offHook = true;
      if (input.type === 'on-hook') port.offHook = false;
      let toneActions = 0;
      for (const a of result.actions) {
        switch (a.type) {
          case 'ring':
            port.ringing = a.on;
            assert.ok(!port.offHook || !a.on, `${where}: ring on while off hook`);
            break;
          case 'tone':
            port.tone = a.tone;
            toneActions++;
            break;
          case 'media':
            port.media = a.on;
            break;
          case 'polarity':
            port.reversed = a.reversed;
            break;
          case 'timer':
            assert.ok(FXS_TIMER_NAMES.includes(a.name), `${where}: timer name ${String(a.name)}`);
            assert.ok(Number.isFinite(a.atMs) && a.atMs >= input.atMs, `${where}: timer in the past`);
            port.timers.set(a.name, a.atMs);
            break;
          case 'cancel-timer':
            port.timers.delete(a.name);
            break;
          case 'caller-id':
            if (a.mode === 'off-hook') assert.ok(port.offHook, `${where}: type II on hook`);
            else assert.ok(!port.offHook, `${where}: on-hook caller ID off hook`);
            break;
          case 'caller-id-stop':
          case 'mwi-indication':
          case 'event':
            break;
        }
      }
      // A fired timer is disarmed unless the step re-armed it.
      if (input.type === 'timer' && state.timers[input.name] === undefined) port.timers.delete(input.name);
      assert.ok(toneActions <= 2, `${where}: ${toneActions} tone actions`);
      check(state, port, where);
    }
  }
  assert.ok(steps >= 60_000);
});
