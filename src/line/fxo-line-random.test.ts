/**
 * Randomized test of the FXO machine: random input sequences in random phases,
 * with timers fired in time order by the harness (as the runtime does), and
 * invariants checked after every step:
 * - it never throws;
 * - it never seizes while an extension is reported off hook (line-in-use);
 * - seize and media actions alternate on/off; media is on only while seized;
 * - the state's seized flag and phase agree with the actions sent;
 * - the timers the state records are exactly the ones armed and not cancelled,
 *   and none is armed in the past;
 * - after `hangup` the line is on hook; after a final hangup and a minute of
 *   quiet every sequence ends idle (or unavailable) with no timer left.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../audio/seeded-random.js';
import { fxoConfig } from './fxo-config.js';
import { isSeizedPhase } from './fxo-seized.js';
import { FxoHarness, ringBurstEdges } from './test-support/fxo-harness.js';
import { regionProfile } from './region-profile.js';
import type { FxoInput, FxoPhase, FxoTimerName, LineTone } from './fxo-types.js';

const TONES: readonly LineTone[] = ['dial', 'busy', 'reorder', 'ringback', 'silence', 'voice'];
const TIMER_NAMES = ['ring-detector', 'ring-stopped', 'answer-settle', 'dial-tone', 'digit', 'loop-drop', 'tone-disconnect', 'release-guard', 'bogus'];

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

/** A few random inputs at `t` (a ring burst is many edges). */
function randomInputs(rand: () => number, t: number): FxoInput[] {
  const r = rand();
  if (r < 0.12) return ringBurstEdges(t, 100 + rand() * 2000, pick(rand, [50 / 3, 20, 25, 50, 10, 90]));
  if (r < 0.17) return [{ type: 'ring-detect', active: rand() < 0.5, atMs: t }];
  if (r < 0.27) return [{ type: 'loop-current', present: rand() < 0.5, atMs: t }];
  if (r < 0.32) return [{ type: 'line-polarity', reversed: rand() < 0.5, atMs: t }];
  if (r < 0.39) return [{ type: 'line-in-use', inUse: rand() < 0.5, atMs: t }];
  if (r < 0.41) return [{ type: 'device-lost', reason: 'test', atMs: t }];
  if (r < 0.44) return [{ type: 'device-restored', atMs: t }];
  if (r < 0.49) return [{ type: 'caller-id', info: rand() < 0.2 ? { messageWaiting: rand() < 0.5 } : { number: String(Math.floor(rand() * 1e7)) }, atMs: t }];
  if (r < 0.62) return [{ type: 'line-tone', tone: pick(rand, TONES), atMs: t }];
  if (r < 0.67) return [{ type: 'timer', name: pick(rand, TIMER_NAMES), atMs: t }];
  if (r < 0.76) return [{ type: 'answer', atMs: t }];
  if (r < 0.88) return [{ type: 'dial', digits: pick(rand, ['1', '555,12', '', '9x', '*67#', 'abcd']), atMs: t }];
  return [{ type: 'hangup', atMs: t }];
}

function runSequence(seed: number, steps: number, visited: Set<string>): void {
  const rand = seededRandom(seed);
  const config = fxoConfig(regionProfile(pick(rand, ['US', 'GB', 'DE'])), {
    polarityReversal: pick(rand, ['ignore', 'disconnect', 'answer-and-disconnect'] as const),
    dialToneDetection: rand() < 0.7,
    loopCurrentDetect: rand() < 0.8,
  });
  const h = new FxoHarness(config);
  let inUseReported = false;
  let t = 0;

  const check = (input: FxoInput): void => {
    const where = `seed ${seed}, ${JSON.stringify(input)}, phase ${h.state.phase}`;
    const before = { seized: h.seized, media: h.media };
    const wasSeized = h.seized;
    const actions = h.step(input);
    let seized = before.seized;
    let media = before.media;
    for (const a of actions) {
      if (a.type === 'seize') {
        assert.notEqual(a.on, seized, `seize ${a.on} twice: ${where}`);
        assert.ok(!(a.on && inUseReported), `seized while line in use: ${where}`);
        seized = a.on;
      } else if (a.type === 'media') {
        assert.notEqual(a.on, media, `media ${a.on} twice: ${where}`);
        media = a.on;
      } else if (a.type === 'timer') {
        assert.ok(a.atMs >= input.atMs, `timer in the past: ${where}`);
      }
      assert.ok(!media || seized, `media on while on hook: ${where}`);
    }
    if (input.type === 'line-in-use' && !wasSeized) inUseReported = input.inUse;
    if (input.type === 'device-lost' || input.type === 'device-restored') inUseReported = false;
    if (input.type === 'hangup') assert.equal(h.seized, false, `still seized after hangup: ${where}`);
    assert.equal(h.state.seized, h.seized, where);
    assert.equal(h.state.media, h.media, where);
    assert.equal(isSeizedPhase(h.state.phase), h.seized, `phase/seize mismatch: ${where}`);
    assert.deepEqual(new Map(Object.entries(h.state.timers)), h.timers, `timer bookkeeping: ${where}`);
    visited.add(h.state.phase);
  };

  const feed = (input: FxoInput): void => {
    // Fire due timers first, each checked like any input.
    for (;;) {
      let next: [FxoTimerName, number] | undefined;
      for (const e of h.timers) if (next === undefined || e[1] < next[1]) next = e;
      if (next === undefined || next[1] > input.atMs) break;
      h.timers.delete(next[0]);
      check({ type: 'timer', name: next[0], atMs: next[1] });
    }
    h.now = Math.max(h.now, input.atMs);
    check(input);
  };

  for (let i = 0; i < steps; i++) {
    t += Math.floor(rand() * (rand() < 0.2 ? 8000 : 600));
    for (const input of randomInputs(rand, t)) {
      t = Math.max(t, input.atMs);
      feed(input);
    }
  }
  feed({ type: 'hangup', atMs: t + 1 });
  feed({ type: 'line-tone', tone: 'silence', atMs: t + 60_000 });
  assert.ok(h.state.phase === 'idle' || h.state.phase === 'unavailable', `seed ${seed} ends ${h.state.phase}`);
  assert.equal(h.seized, false);
  assert.equal(h.timers.size, 0, `seed ${seed} leaves timers ${[...h.timers.keys()].join()}`);
}

describe('FXO machine, randomized', () => {
  it('keeps its invariants over 400 random sequences of 150 inputs, visiting every phase', () => {
    const visited = new Set<string>();
    for (let seed = 1; seed <= 400; seed++) runSequence(seed, 150, visited);
    const all: FxoPhase[] = ['idle', 'ringing', 'seized-incoming', 'seizing-outgoing', 'dialing', 'connected', 'releasing', 'unavailable'];
    assert.deepEqual(all.filter((p) => !visited.has(p)), []);
  });
});
