import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BoardEvent } from '../../board/board.js';
import { fxoConfig } from './fxo-config.js';
import { createFxoLine, fxoStep } from './fxo-line.js';
import { FxoHarness, ringBurstEdges, ringCadenceEdges } from './test-support/fxo-harness.js';
import { regionProfile } from './region-profile.js';
import type { FxoEvent, FxoInput } from './fxo-types.js';

// The board's FXO events are inputs as they are (compile-time check).
type FxoBoardEvent = Extract<BoardEvent, { type: 'ring-detect' | 'loop-current' | 'line-polarity' | 'line-in-use' | 'device-lost' | 'device-restored' }>;
const _boardEventsAreInputs: (e: FxoBoardEvent) => FxoInput = (e) => e;
void _boardEventsAreInputs;

const US = regionProfile('US');
const types = (events: FxoEvent[]): string[] => events.map((e) => e.type);

/** An answered incoming call at 20 Hz on the US cadence; returns the harness after the answer at 2.5 s. */
function answeredCall(h = new FxoHarness(US)): FxoHarness {
  h.feed(...ringBurstEdges(0, 2000, 20), { type: 'answer', atMs: 2500 });
  return h;
}

describe('FXO incoming call', () => {
  it('counts rings, collects caller ID between them, answers, settles, connects', () => {
    const h = new FxoHarness(US);
    h.feed(...ringBurstEdges(0, 2000, 20));
    h.feed({ type: 'caller-id', info: { number: '5551234', time: { month: 1, day: 2, hour: 3, minute: 4 } }, atMs: 3000 });
    h.feed({ type: 'caller-id', info: { name: 'ALICE' }, atMs: 3100 });
    h.feed(...ringBurstEdges(6000, 2000, 20));
    const rings = h.events('ring');
    assert.equal(rings.length, 2);
    const [r1, r2] = rings;
    if (r1?.type !== 'ring' || r2?.type !== 'ring') throw new Error('rings expected');
    assert.deepEqual([r1.n, r1.callerId, r1.cadenceMatched], [1, undefined, undefined]);
    assert.deepEqual([r2.n, r2.burst, r2.callerId?.number, r2.callerId?.name, r2.cadenceMatched], [2, 1, '5551234', 'ALICE', true]);
    assert.equal(h.events('caller-id').length, 2);
    assert.equal(h.state.phase, 'ringing');

    h.feed({ type: 'answer', atMs: 6500 });
    assert.equal(h.state.phase, 'seized-incoming');
    assert.equal(h.seized, true);
    assert.equal(h.media, true);
    h.feed(...ringBurstEdges(6500, 150, 20).map((e) => ({ ...e, atMs: e.atMs + 1 }))); // ring-trip remnants
    h.feed({ type: 'loop-current', present: true, atMs: 6600 });
    h.advance(7100);
    assert.equal(h.state.phase, 'connected');
    assert.deepEqual(types(h.events()).slice(-2), ['answered', 'connected']);
    assert.equal(h.events('ring').length, 2, 'no ring while seized');
  });

  it('reports ring-stopped when the caller gives up (longest silence + 2 s, at least 6 s)', () => {
    const h = new FxoHarness(US);
    h.feed(...ringCadenceEdges(0, [2000, 4000], 2, 20));
    h.advance(30_000);
    const stopped = h.events('ring-stopped');
    assert.equal(stopped.length, 1);
    const end = h.events('ring-end').at(-1);
    if (stopped[0]?.type !== 'ring-stopped' || end?.type !== 'ring-end') throw new Error('events expected');
    assert.equal(stopped[0].reason, 'caller-gave-up');
    assert.ok(Math.abs(stopped[0].atMs - (8000 + 6000)) <= 60, `stopped at ${stopped[0].atMs}`);
    assert.equal(h.state.phase, 'idle');
    assert.equal(h.timers.size, 0);
  });

  it('counts a GB double ring as one ring of two bursts', () => {
    const h = new FxoHarness(regionProfile('GB'));
    h.feed(...ringCadenceEdges(0, [400, 200, 400, 2000], 2, 25));
    const rings = h.events('ring').map((e) => (e.type === 'ring' ? [e.n, e.burst] : []));
    assert.deepEqual(rings, [[1, 1], [1, 2], [2, 1], [2, 2]]);
  });

  it('attaches caller ID sent before the first ring (EN 300 659-1)', () => {
    const h = new FxoHarness(regionProfile('GB'));
    h.feed({ type: 'line-polarity', reversed: true, atMs: 0 }, { type: 'caller-id', info: { number: '01234567890' }, atMs: 400 });
    h.feed(...ringBurstEdges(1000, 400, 25));
    const r = h.events('ring')[0];
    assert.equal(r?.type === 'ring' ? r.callerId?.number : undefined, '01234567890');
  });

  it('reports message waiting on the idle line', () => {
    const h = new FxoHarness(US);
    h.feed({ type: 'caller-id', info: { messageWaiting: true }, atMs: 10 });
    assert.deepEqual(h.events(), [{ type: 'message-waiting', on: true, atMs: 10 }]);
    assert.equal(h.state.pendingCallerId, undefined);
  });

  it('stops ringing when an extension answers', () => {
    const h = new FxoHarness(US);
    h.feed(...ringBurstEdges(0, 2000, 20), { type: 'line-in-use', inUse: true, atMs: 3000 });
    assert.deepEqual(types(h.events()).slice(-2), ['line-in-use', 'ring-stopped']);
    assert.equal(h.state.phase, 'idle');
    h.feed({ type: 'answer', atMs: 3100 });
    assert.equal(h.seized, false);
  });

  it('hangup while ringing declines quietly; answer still takes the call', () => {
    const h = new FxoHarness(US);
    h.feed(...ringBurstEdges(0, 2000, 20), { type: 'hangup', atMs: 2500 });
    const before = h.events().length;
    h.feed(...ringBurstEdges(6000, 2000, 20));
    assert.equal(h.events().length, before, 'declined: nothing reported');
    h.feed({ type: 'answer', atMs: 8500 });
    assert.equal(h.state.phase, 'seized-incoming');
  });
});

describe('FXO outgoing call', () => {
  it('seizes, waits for dial tone, dials digit by digit with a comma pause, connects', () => {
    const h = new FxoHarness(US);
    h.feed({ type: 'dial', digits: '12,3#', atMs: 0 });
    assert.equal(h.seized, true);
    assert.equal(h.state.phase, 'seizing-outgoing');
    h.feed({ type: 'loop-current', present: true, atMs: 50 }, { type: 'line-tone', tone: 'dial', atMs: 600 });
    assert.equal(h.dtmf(), '1');
    h.feed({ type: 'loop-current', present: false, atMs: 650 }, { type: 'loop-current', present: true, atMs: 690 }); // a blip
    h.advance(10_000);
    assert.equal(h.dtmf(), '123#');
    const dtmf = h.actions.find((a) => a.type === 'dtmf');
    assert.deepEqual(dtmf, { type: 'dtmf', digits: '1', toneMs: 100, pauseMs: 100 });
    const dialed = h.events('dialed')[0];
    assert.equal(dialed?.atMs, 600 + 200 * 4 + 2000);
    assert.deepEqual(types(h.events()), ['dialed', 'connected']);
    assert.equal(h.state.phase, 'connected');
    assert.equal(h.media, true);
  });

  it('releases and reports when no dial tone comes', () => {
    const h = new FxoHarness(US);
    h.feed({ type: 'dial', digits: '5', atMs: 0 }, { type: 'line-tone', tone: 'silence', atMs: 1000 });
    h.advance(4000);
    assert.deepEqual(types(h.events()), ['dial-tone-missing']);
    assert.equal(h.seized, false);
    assert.equal(h.state.phase, 'releasing');
    h.feed({ type: 'dial', digits: '5', atMs: 4100 });
    assert.deepEqual(h.events().at(-1), { type: 'busy', reason: 'not-idle', atMs: 4100 });
    h.advance(5500);
    assert.equal(h.state.phase, 'idle');
  });

  it('dials after a fixed delay without dial tone detection', () => {
    const h = new FxoHarness(fxoConfig(US, { dialToneDetection: false }));
    h.feed({ type: 'dial', digits: '42', atMs: 0 });
    h.advance(2000);
    assert.equal(h.dtmf(), '4');
    h.advance(3000);
    assert.equal(h.dtmf(), '42');
  });

  it('refuses to dial while an extension is off hook, while ringing, with bad digits', () => {
    const h = new FxoHarness(US);
    h.feed({ type: 'line-in-use', inUse: true, atMs: 0 }, { type: 'dial', digits: '1', atMs: 10 });
    h.feed({ type: 'line-in-use', inUse: false, atMs: 20 }, { type: 'dial', digits: '1x', atMs: 30 });
    h.feed(...ringBurstEdges(100, 1000, 20), { type: 'dial', digits: '1', atMs: 1200 });
    assert.deepEqual(h.events('busy').map((e) => (e.type === 'busy' ? e.reason : '')), ['line-in-use', 'invalid-digits', 'ringing']);
    assert.equal(h.actions.some((a) => a.type === 'seize'), false);
  });
});

describe('FXO disconnect supervision', () => {
  it('a loop-current drop longer than loopDropMs disconnects; shorter ones do not', () => {
    const h = answeredCall();
    h.feed({ type: 'loop-current', present: true, atMs: 2600 });
    h.feed({ type: 'loop-current', present: false, atMs: 5000 }, { type: 'loop-current', present: true, atMs: 5150 });
    h.advance(6000);
    assert.equal(h.state.phase, 'connected');
    h.feed({ type: 'loop-current', present: false, atMs: 7000 });
    h.advance(7300);
    assert.deepEqual(h.events().at(-1), { type: 'disconnected', reason: 'loop-current-drop', atMs: 7200 });
    assert.equal(h.seized, false);
    assert.equal(h.media, false);
  });

  it('ignores loop current when the board has no detector', () => {
    const h = answeredCall(new FxoHarness(fxoConfig(US, { loopCurrentDetect: false })));
    h.feed({ type: 'loop-current', present: true, atMs: 2600 }, { type: 'loop-current', present: false, atMs: 5000 });
    h.advance(9000);
    assert.equal(h.state.phase, 'connected');
  });

  it('sustained busy tone disconnects; silence does not break it, voice does', () => {
    const h = answeredCall();
    h.advance(3100);
    h.feed({ type: 'line-tone', tone: 'busy', atMs: 4000 }, { type: 'line-tone', tone: 'voice', atMs: 5000 });
    h.advance(8000);
    assert.equal(h.state.phase, 'connected');
    h.feed({ type: 'line-tone', tone: 'reorder', atMs: 9000 }, { type: 'line-tone', tone: 'silence', atMs: 9500 }, { type: 'line-tone', tone: 'reorder', atMs: 10_000 });
    h.advance(13_000);
    assert.deepEqual(h.events().at(-1), { type: 'disconnected', reason: 'reorder-tone', atMs: 12_000 });
  });

  it('polarity reversal: ignored by default, a disconnect when configured, answer then disconnect with answer supervision', () => {
    const ignore = answeredCall();
    ignore.feed({ type: 'line-polarity', reversed: false, atMs: 3000 }, { type: 'line-polarity', reversed: true, atMs: 4000 });
    assert.equal(ignore.state.phase, 'connected');

    const disc = answeredCall(new FxoHarness(fxoConfig(US, { polarityReversal: 'disconnect' })));
    disc.feed({ type: 'line-polarity', reversed: false, atMs: 3000 }, { type: 'line-polarity', reversed: true, atMs: 4000 });
    assert.deepEqual(disc.events().at(-1), { type: 'disconnected', reason: 'polarity-reversal', atMs: 4000 });

    const sup = new FxoHarness(fxoConfig(US, { polarityReversal: 'answer-and-disconnect', dialToneDetection: false }));
    sup.feed({ type: 'line-polarity', reversed: false, atMs: 0 }, { type: 'dial', digits: '1', atMs: 0 });
    sup.advance(3000);
    sup.feed({ type: 'line-polarity', reversed: true, atMs: 5000 }, { type: 'line-polarity', reversed: false, atMs: 9000 });
    assert.deepEqual(types(sup.events()), ['dialed', 'connected', 'far-end-answered', 'disconnected']);
  });

  it('device lost mid-call: disconnected, unavailable, refuses dial, restored to idle', () => {
    const h = answeredCall();
    h.feed({ type: 'device-lost', reason: 'usb unplugged', atMs: 4000 });
    assert.deepEqual(types(h.events()).slice(-2), ['disconnected', 'device']);
    assert.equal(h.seized, false);
    assert.equal(h.timers.size, 0);
    h.feed({ type: 'dial', digits: '1', atMs: 4100 }, { type: 'device-restored', atMs: 5000 });
    assert.deepEqual(types(h.events()).slice(-2), ['busy', 'device']);
    assert.equal(h.state.phase, 'idle');
  });
});

describe('FXO timers and purity', () => {
  it('ignores stale and unknown timers', () => {
    const h = new FxoHarness(US);
    h.feed({ type: 'dial', digits: '1', atMs: 0 });
    const due = h.state.timers['dial-tone'];
    assert.equal(due, 4000);
    for (const input of [{ type: 'timer', name: 'dial-tone', atMs: 3999 }, { type: 'timer', name: 'loop-drop', atMs: 5000 }, { type: 'timer', name: 'nonsense', atMs: 5000 }] as const) {
      assert.deepEqual(h.step(input), []);
    }
    assert.equal(h.state.phase, 'seizing-outgoing');
  });

  it('never changes the state it is given', () => {
    const s0 = createFxoLine(fxoConfig(US));
    const frozen = JSON.stringify(s0);
    fxoStep(s0, { type: 'dial', digits: '1', atMs: 0 });
    assert.equal(JSON.stringify(s0), frozen);
  });

  it('hangup in every phase leaves the line on hook', () => {
    const phases: [string, (h: FxoHarness) => void][] = [
      ['ringing', (h) => h.feed(...ringBurstEdges(0, 500, 20))],
      ['seized-incoming', (h) => h.feed(...ringBurstEdges(0, 500, 20), { type: 'answer', atMs: 600 })],
      ['seizing-outgoing', (h) => h.feed({ type: 'dial', digits: '1', atMs: 0 })],
      ['dialing', (h) => h.feed({ type: 'dial', digits: '123', atMs: 0 }, { type: 'line-tone', tone: 'dial', atMs: 100 })],
      ['connected', (h) => { answeredCall(h); h.advance(3100); }],
      ['releasing', (h) => { answeredCall(h); h.feed({ type: 'hangup', atMs: 3000 }); }],
      ['unavailable', (h) => h.feed({ type: 'device-lost', reason: 'x', atMs: 0 })],
    ];
    for (const [phase, setup] of phases) {
      const h = new FxoHarness(US);
      setup(h);
      assert.equal(h.state.phase, phase);
      h.step({ type: 'hangup', atMs: h.now + 1 });
      assert.equal(h.seized, false, phase);
      assert.equal(h.media, false, phase);
    }
  });
});
