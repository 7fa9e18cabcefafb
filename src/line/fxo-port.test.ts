import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { onHookFskPlan } from '../../audio/caller-id/index.js';
import { dbm0Of } from '../../audio/levels.js';
import { ToneGenerator, type ToneSpec } from '../../audio/tones/index.js';
import type { Board, BoardEvent } from '../../board/board.js';
import type { SimBoardOptions } from '../../board/sim/sim-board.js';
import { capture, simSetup } from '../../board/sim/test-support/harness.js';
import { MemoryLogger } from '../log.js';
import { fxoConfig, type FxoConfig } from './fxo-config.js';
import { FxoPort, type FxoPortStatus } from './fxo-port.js';
import type { FxoEvent } from './fxo-types.js';
import { regionProfile } from './region-profile.js';

const PORT = 3; // two FXS ports, then the FXO port
const TEST_TONE: ToneSpec = { frequencies: [1000], levelDbm0: -12, cadence: [], repeat: true };

function toneSamples(ms: number, spec: ToneSpec = TEST_TONE): Int16Array {
  return new ToneGenerator(spec).next(new Int16Array((ms * 8000) / 1000));
}

interface SetupOptions {
  readonly region?: string;
  readonly overrides?: Partial<FxoConfig>;
  readonly sim?: Partial<SimBoardOptions>;
  /** Wraps the board (to inject events). */
  readonly wrap?: (board: Board) => Board;
}

function setup(opts: SetupOptions = {}) {
  const profile = regionProfile(opts.region ?? 'US');
  const { h, board } = simSetup(profile.tones, { callerIdStandard: profile.callerId.standard, ringFrequencyHz: profile.ringFrequencyHz, ...opts.sim });
  const log = new MemoryLogger();
  const fxo = new FxoPort({ board: opts.wrap?.(board) ?? board, port: PORT, clock: h.clock, log, config: fxoConfig(profile, opts.overrides), profile });
  const events: FxoEvent[] = [];
  const statuses: FxoPortStatus[] = [];
  fxo.on('event', (e) => events.push(e));
  fxo.on('status', (s) => statuses.push(s));
  const of = <T extends FxoEvent['type']>(type: T): Extract<FxoEvent, { type: T }>[] =>
    events.filter((e): e is Extract<FxoEvent, { type: T }> => e.type === type);
  return { h, board, landline: board.landline(PORT), fxo, events, statuses, log, of };
}

/** Rings until the first ring and its caller ID are in, answers, waits for `connected`. */
function answeredCall(opts: SetupOptions = {}) {
  const t = setup(opts);
  t.landline.ring({ number: '5551234', name: 'ALICE' });
  t.h.run(4000);
  t.fxo.answer();
  t.h.run(800);
  assert.equal(t.of('connected').length, 1);
  return t;
}

describe('FxoPort', () => {
  it('reports rings and the caller ID of a ringing call, answers it and carries audio both ways', () => {
    const t = setup();
    t.landline.ring({ number: '5551234', name: 'ALICE' });
    t.h.run(6600); // first ring, caller ID in the pause, second ring
    const rings = t.of('ring');
    assert.deepEqual(rings.map((r) => r.n), [1, 2]);
    assert.equal(rings[0]?.callerId, undefined);
    assert.equal(rings[1]?.callerId?.number, '5551234');
    assert.equal(rings[1]?.callerId?.name, 'ALICE');
    const cid = t.of('caller-id');
    assert.equal(cid.length, 1);
    assert.equal(cid[0]?.info.number, '5551234');
    assert.equal(cid[0]?.info.name, 'ALICE');
    assert.deepEqual({ ...t.fxo.status(), callerId: t.fxo.status().callerId?.number }, {
      port: PORT, phase: 'ringing', seized: false, rings: 2, callerId: '5551234', lineInUse: false, available: true, fault: null,
    });
    assert.ok(t.statuses.some((s) => s.rings === 1 && s.phase === 'ringing'));

    t.fxo.answer();
    assert.equal(t.landline.state().offHook, true);
    assert.equal(t.fxo.status().seized, true);
    t.h.run(600);
    assert.deepEqual(t.events.slice(-2).map((e) => e.type), ['answered', 'connected']);
    assert.equal(t.fxo.status().phase, 'connected');
    assert.equal(t.fxo.callAudio.isOpen, true);

    // The call's audio reaches the landline...
    const stop = t.h.playTone(t.fxo.callAudio, TEST_TONE);
    t.h.run(800);
    stop();
    assert.equal(t.landline.state().hearing, 'voice');
    assert.ok(dbm0Of(t.landline.recording(0.3)) > -20);
    // ...and the far end's reaches the call.
    const heard = capture(t.fxo.callAudio);
    void t.landline.play(toneSamples(400));
    t.h.run(600);
    heard.stop();
    assert.ok(dbm0Of(heard.samples()) > -25, `call audio ${dbm0Of(heard.samples())} dBm0`);
    assert.equal(t.log.entries.filter((e) => e.level === 'error').length, 0);
  });

  it('keeps the caller ID while connected; the far end hanging up disconnects and releases the line', () => {
    const t = answeredCall();
    assert.equal(t.fxo.status().callerId?.name, 'ALICE');
    t.landline.hangup();
    t.h.run(400);
    assert.deepEqual(t.of('disconnected').map((e) => e.reason), ['loop-current-drop']);
    assert.equal(t.landline.state().offHook, false);
    assert.deepEqual({ phase: t.fxo.status().phase, seized: t.fxo.status().seized, callerId: t.fxo.status().callerId }, { phase: 'releasing', seized: false, callerId: null });
    assert.equal(t.fxo.callAudio.isOpen, false);
    t.h.run(1600);
    assert.equal(t.fxo.status().phase, 'idle');
  });

  it('hears busy tone as the disconnect on a line without loop-current detection', () => {
    const t = answeredCall({ overrides: { loopCurrentDetect: false } });
    t.landline.hangup(); // CPC (ignored here), then busy tone
    t.h.run(3000);
    assert.equal(t.of('disconnected').length, 0);
    t.h.run(1600);
    assert.deepEqual(t.of('disconnected').map((e) => e.reason), ['busy-tone']);
    assert.equal(t.landline.state().offHook, false);
  });

  it('hangup() during the call releases the line', () => {
    const t = answeredCall();
    t.fxo.hangup();
    assert.equal(t.landline.state().offHook, false);
    assert.equal(t.fxo.status().phase, 'releasing');
  });

  it('dials out: seizes, waits for dial tone, sends the digits as DTMF, then the call is up', () => {
    const t = setup();
    t.fxo.dial('5551234');
    assert.equal(t.landline.state().offHook, true);
    assert.equal(t.fxo.status().phase, 'seizing-outgoing');
    t.h.run(200);
    assert.equal(t.fxo.status().phase, 'dialing'); // the dial tone was heard within 0.2 s
    t.h.run(1800);
    assert.equal(t.landline.state().digitsDialed, '5551234');
    assert.deepEqual(t.events.map((e) => e.type), ['dialed', 'connected']);
    assert.equal(t.of('dialed')[0]?.digits, '5551234');
    assert.equal(t.of('connected')[0]?.direction, 'outgoing');
    assert.equal(t.fxo.callAudio.isOpen, true);
    // The far end answers and speaks: call audio.
    const heard = capture(t.fxo.callAudio);
    void t.landline.play(toneSamples(300));
    t.h.run(400);
    heard.stop();
    assert.ok(dbm0Of(heard.samples()) > -25);
  });

  it('refuses to dial while the line rings', () => {
    const t = setup();
    t.landline.ring({ number: '5551234' });
    t.h.run(500);
    t.fxo.dial('123');
    assert.deepEqual(t.of('busy').map((e) => e.reason), ['ringing']);
    assert.equal(t.landline.state().offHook, false);
  });

  it('decodes a caller-ID burst the landline plays as given', () => {
    const t = setup();
    const burst = onHookFskPlan({ number: '2125550199', name: 'BOB', time: { month: 3, day: 4, hour: 5, minute: 6 } }, { standard: 'bell202' }).fsk;
    t.landline.ring({ burst });
    t.h.run(4000);
    const cid = t.of('caller-id');
    assert.equal(cid.length, 1);
    assert.deepEqual(cid[0]?.info, { number: '2125550199', name: 'BOB', time: { month: 3, day: 4, hour: 5, minute: 6 } });
    assert.equal(t.fxo.status().callerId?.number, '2125550199');
  });

  it('decodes V.23 caller ID in a V.23 region', () => {
    const t = setup({ region: 'DE' });
    t.landline.ring({ number: '0301234567', name: 'ERIKA' });
    t.h.run(3500);
    assert.equal(t.of('caller-id')[0]?.info.number, '0301234567');
    assert.equal(t.of('caller-id')[0]?.info.name, 'ERIKA');
  });

  it('decodes DTMF caller ID in a DTMF region', () => {
    const t = setup({ region: 'NL' });
    t.landline.ring({ number: '0201234567' });
    t.h.run(4000);
    assert.equal(t.of('caller-id')[0]?.info.number, '0201234567');
  });

  it('dials out on a 425 Hz dial tone (DE) too', () => {
    const t = setup({ region: 'DE' });
    t.fxo.dial('030');
    t.h.run(1200);
    assert.equal(t.landline.state().digitsDialed, '030');
    assert.equal(t.of('connected').length, 1);
  });

  it('reports ring-stopped when the caller gives up', () => {
    const t = setup();
    t.landline.ring({ number: '5551234' });
    t.h.run(3000);
    t.landline.hangup();
    t.h.run(4000);
    assert.equal(t.of('ring-stopped').length, 0);
    t.h.run(1200); // ringStoppedMs (6 s) after the burst ended at 2 s
    assert.deepEqual(t.of('ring-stopped').map((e) => e.reason), ['caller-gave-up']);
    assert.deepEqual({ phase: t.fxo.status().phase, rings: t.fxo.status().rings }, { phase: 'idle', rings: 0 });
  });

  it('close() while seized releases the line, cancels its timers and goes quiet; it is idempotent', () => {
    const t = setup();
    t.landline.ring({ number: '5551234' });
    t.h.run(2200);
    t.fxo.answer();
    t.h.run(100);
    assert.equal(t.landline.state().offHook, true);
    const before = t.events.length;
    const statuses = t.statuses.length;
    t.fxo.close();
    t.fxo.close();
    assert.equal(t.landline.state().offHook, false);
    t.fxo.answer();
    t.fxo.dial('1');
    t.landline.ring({ number: '5551234' });
    t.h.run(8000);
    assert.equal(t.events.length, before);
    assert.equal(t.statuses.length, statuses);
    assert.equal(t.landline.state().offHook, false);
  });

  it('a command from inside an event listener runs after the current step', () => {
    const t = setup();
    t.fxo.on('event', (e) => {
      if (e.type === 'ring' && e.n === 1) t.fxo.answer();
    });
    t.landline.ring({ number: '5551234' });
    t.h.run(1000);
    const types = t.events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 2), ['ring', 'answered']);
    assert.equal(t.landline.state().offHook, true);
  });

  it('a listener that throws is logged, and the port carries on', () => {
    const t = setup();
    t.fxo.on('event', () => {
      throw new Error('listener bug');
    });
    t.landline.ring({ number: '5551234' });
    t.h.run(1000);
    assert.ok(t.log.entries.some((e) => e.level === 'error' && e.fields.err instanceof Error && e.fields.err.message === 'listener bug'));
    t.fxo.answer();
    t.h.run(600);
    assert.equal(t.fxo.status().phase, 'connected');
  });

  it('follows board-wide device loss and restoration', () => {
    const inject: ((e: BoardEvent) => void)[] = [];
    const wrap = (board: Board): Board => tapped(board, inject);
    const t = answeredCall({ wrap });
    const send = (e: BoardEvent): void => inject.forEach((l) => l(e));
    send({ type: 'device-lost', reason: 'unplugged', atMs: t.h.clock.now() });
    assert.deepEqual(t.events.slice(-2).map((e) => e.type), ['disconnected', 'device']);
    assert.deepEqual({ available: t.fxo.status().available, seized: t.fxo.status().seized, fault: t.fxo.status().fault }, { available: false, seized: false, fault: 'hardware fault: unplugged' });
    assert.equal(t.landline.state().offHook, false);
    t.fxo.dial('1');
    assert.equal(t.of('busy')[0]?.reason, 'device-lost');
    send({ type: 'device-lost', port: 1, reason: 'another port', atMs: t.h.clock.now() });
    send({ type: 'device-restored', atMs: t.h.clock.now() });
    assert.deepEqual({ available: t.fxo.status().available, phase: t.fxo.status().phase, fault: t.fxo.status().fault }, { available: true, phase: 'idle', fault: null });
    assert.equal(t.of('device').length, 2);
  });

  it('takes caller ID a board decoded itself (a voice modem) as the call\'s caller ID', () => {
    const inject: ((e: BoardEvent) => void)[] = [];
    const wrap = (board: Board): Board => tapped(board, inject);
    const t = setup({ wrap });
    t.landline.ring({});
    t.h.run(2500);
    for (const l of inject) l({ type: 'caller-id', port: PORT, info: { number: '5550199', name: 'MODEM CALLER' }, atMs: t.h.clock.now() });
    t.h.run(500);
    assert.equal(t.of('caller-id').at(-1)?.info.number, '5550199');
    assert.equal(t.fxo.status().callerId?.name, 'MODEM CALLER');
  });
});

/** The board as it is, with its listeners also kept in `inject` (to hand the port events the sim board does not make). */
function tapped(board: Board, inject: ((e: BoardEvent) => void)[]): Board {
  return {
    name: board.name,
    ports: board.ports,
    audio: (p) => board.audio(p),
    onEvent(listener) {
      inject.push(listener);
      return board.onEvent(listener);
    },
    isOffHook: (p) => board.isOffHook(p),
    setRinging: (p, on, hz) => board.setRinging(p, on, hz),
    setPolarity: (p, r) => board.setPolarity(p, r),
    setSeized: (p, s) => board.setSeized(p, s),
    close: () => board.close(),
  };
}
