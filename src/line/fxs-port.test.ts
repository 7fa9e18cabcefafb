import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallerIdReceiver, MESSAGE_TYPE, TypeTwoCpe, type CallerIdInfo } from '../../audio/caller-id/index.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import { FRAME_SAMPLES } from '../../audio/pcm.js';
import type { Board, BoardEvent } from '../../board/board.js';
import type { SimBoard } from '../../board/sim/sim-board.js';
import { capture, simSetup, type Harness } from '../../board/sim/test-support/harness.js';
import type { VirtualPhone } from '../../board/sim/virtual-phone.js';
import { flushAsync } from '../clock.js';
import { MemoryLogger } from '../log.js';
import { DigitMap } from './digit-map.js';
import { FxsPort, type FxsPortStatus } from './fxs-port.js';
import type { FxsConfig, FxsLineEvent } from './fxs-types.js';
import { regionProfile } from './region-profile.js';

const US = regionProfile('US');
/** A US map on which seven digits are complete. */
const MAP = DigitMap.parse('(911|[2-9]xxxxxx)');
const ALICE: CallerIdInfo = { number: '5551234', name: 'ALICE', time: { month: 3, day: 14, hour: 15, minute: 9 } };
const BOB: CallerIdInfo = { number: '5559876', name: 'BOB', time: { month: 3, day: 14, hour: 15, minute: 10 } };

/** A board that forwards to the sim board, lets the test see what the port plays toward the phone and inject board events. */
class TapBoard implements Board {
  readonly name = 'sim';
  readonly ports: Board['ports'];
  private readonly listeners = new Set<(e: BoardEvent) => void>();
  private readonly audioPorts = new Map<number, AudioPort>();

  constructor(
    private readonly sim: SimBoard,
    private readonly tap: (frame: Int16Array) => void,
  ) {
    this.ports = sim.ports;
    sim.onEvent((e) => this.inject(e));
  }

  audio(port: number): AudioPort {
    const known = this.audioPorts.get(port);
    if (known !== undefined) return known;
    const a = this.sim.audio(port);
    const tap = this.tap;
    const wrapped: AudioPort = {
      sampleRate: a.sampleRate,
      frameSamples: a.frameSamples,
      get queuedFrames() {
        return a.queuedFrames;
      },
      onFrame: (l) => a.onFrame(l),
      write: (f) => {
        tap(f);
        a.write(f);
      },
      close: () => a.close(),
    };
    this.audioPorts.set(port, wrapped);
    return wrapped;
  }

  onEvent(listener: (e: BoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  inject(e: BoardEvent): void {
    for (const l of this.listeners) l(e);
  }

  isOffHook(port: number): boolean {
    return this.sim.isOffHook(port);
  }

  setRinging(port: number, on: boolean, hz?: number): void {
    this.sim.setRinging(port, on, hz);
  }

  setPolarity(port: number, reversed: boolean): void {
    this.sim.setPolarity(port, reversed);
  }

  setSeized(port: number, seized: boolean): void {
    this.sim.setSeized(port, seized);
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}

interface Rig {
  h: Harness;
  board: SimBoard;
  tap: TapBoard;
  phone: VirtualPhone;
  port: FxsPort;
  log: MemoryLogger;
  events: FxsLineEvent[];
  statuses: FxsPortStatus[];
  /** Messages decoded from what the port played toward the phone (on or off hook). */
  messages: { type: number; info: CallerIdInfo }[];
}

function setup(config: Partial<FxsConfig> = {}): Rig {
  const { h, board } = simSetup(US.tones);
  const receiver = new CallerIdReceiver({ standard: 'bell202' });
  const messages: Rig['messages'] = [];
  const tap = new TapBoard(board, (f) => {
    for (const ev of receiver.process(f)) if (ev.type === 'message') messages.push({ type: ev.message.type, info: ev.message.info });
  });
  const log = new MemoryLogger();
  const polarityReversal = board.ports[0]?.polarityReversal ?? false;
  const port = new FxsPort({ board: tap, port: 1, clock: h.clock, log, config: { profile: US, digitMap: MAP, polarityReversal, ...config }, flash: US.flash });
  const events: FxsLineEvent[] = [];
  const statuses: FxsPortStatus[] = [];
  port.on('event', (e) => events.push(e));
  port.on('status', (s) => statuses.push(s));
  return { h, board, tap, phone: board.phone(1), port, log, events, statuses, messages };
}

function types(events: readonly FxsLineEvent[]): string[] {
  return events.map((e) => e.type);
}

/** Starts `phone.dial` (it begins on a later microtask) and runs the clock until it is done. */
async function dial(r: Rig, digits: string, mode: 'dtmf' | 'pulse', ms: number): Promise<void> {
  const done = r.phone.dial(digits, mode);
  await flushAsync();
  r.h.run(ms);
  await done;
}

function sine(hz: number, ms: number, amplitude = 6000): Int16Array {
  return Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

/** Ring with caller ID, let the data go out, answer. */
function answeredCall(r: Rig): void {
  r.port.command({ type: 'ring', callerId: ALICE });
  r.h.run(4000);
  r.phone.hook('off');
  r.h.run(200);
}

for (const mode of ['dtmf', 'pulse'] as const) {
  test(`off hook: dial tone; seven digits dialled by ${mode} are 'dialed', then silence`, async () => {
    const r = setup();
    r.phone.hook('off');
    r.h.run(1000);
    assert.equal(r.phone.state().hearing, 'dial');
    assert.deepEqual(types(r.events), ['seized']);
    assert.deepEqual(r.port.status(), { port: 1, offHook: true, phase: 'dialing', digits: '', ringing: false, tone: 'dial', media: false, messageWaiting: false, fault: null });
    await dial(r, '5551234', mode, mode === 'dtmf' ? 1600 : 7000);
    r.h.run(1000);
    assert.deepEqual(r.events.slice(1), [{ type: 'dialed', number: '5551234' }]);
    assert.equal(r.port.status().phase, 'proceeding');
    assert.equal(r.phone.state().hearing, 'silence');
    // Status followed the digits one by one.
    const digits = r.statuses.filter((s) => s.phase === 'dialing').map((s) => s.digits);
    assert.deepEqual(digits, ['', '5', '55', '555', '5551', '55512', '555123']);
    assert.equal(r.log.entries.filter((e) => e.level === 'error').length, 0);
  });
}

test('ring: US cadence with caller ID in the first silence; off hook answers and stops the ringer', () => {
  const r = setup();
  r.port.command({ type: 'ring', callerId: ALICE });
  r.h.run(1000);
  assert.equal(r.phone.state().ringing, true);
  assert.equal(r.port.status().phase, 'ringing');
  r.h.run(2000); // t = 3 s: first silence
  assert.equal(r.phone.state().ringing, false);
  assert.equal(r.phone.state().rings, 1);
  r.h.run(2500); // t = 5.5 s
  const cid = r.phone.state().callerId;
  assert.equal(cid?.number, '5551234');
  assert.equal(cid?.name, 'ALICE');
  assert.equal(r.phone.state().ringing, false);
  r.h.run(1000); // t = 6.5 s: second ring
  assert.equal(r.phone.state().ringing, true);
  assert.equal(r.phone.state().rings, 2);
  r.phone.hook('off');
  r.h.run(100);
  assert.deepEqual(types(r.events), ['answered']);
  assert.equal(r.phone.state().ringing, false);
  assert.equal(r.port.status().media, true);
  r.h.run(8000);
  assert.equal(r.phone.state().rings, 2, 'no more rings after the answer');
});

test('connected: call audio reaches the earpiece; the mic reaches callAudio only while media is on', async () => {
  const r = setup();
  const heard = capture(r.port.callAudio);
  r.phone.hook('off');
  r.h.run(200);
  // Dialling: the far end hears nothing, though the phone sends DTMF.
  await dial(r, '5551234', 'dtmf', 1600);
  assert.ok(heard.samples().every((s) => s === 0), 'silence toward the call while the line owns the port');
  r.port.command({ type: 'progress', tone: 'ringback' });
  r.h.run(1500);
  assert.equal(r.phone.state().hearing, 'ringback');
  r.port.command({ type: 'connected' });
  assert.equal(r.port.status().media, true);
  assert.equal(r.port.status().phase, 'connected');
  const stopFeed = r.h.playSamples(r.port.callAudio, sine(1000, 2000));
  heard.stop();
  const talk = capture(r.port.callAudio);
  void r.phone.play(sine(700, 1000));
  r.h.run(1000);
  assert.equal(r.phone.state().hearing, 'voice');
  const mic = talk.samples();
  assert.ok(mic.some((s) => Math.abs(s) > 1000), 'the mic reaches the call');
  stopFeed();
  talk.stop();
  // Flash while connected goes to the call layer.
  const flash = r.phone.flash();
  r.h.run(600);
  await flash;
  assert.deepEqual(types(r.events), ['seized', 'dialed', 'flash']);
  // Hang up.
  r.phone.hook('on');
  r.h.run(1500);
  assert.deepEqual(types(r.events), ['seized', 'dialed', 'flash', 'hung-up']);
  assert.equal(r.port.status().phase, 'idle');
  assert.equal(r.port.status().media, false);
});

test('flash and hang-up on an answered call: events in order, status back to idle', async () => {
  const r = setup();
  answeredCall(r);
  r.port.command({ type: 'connected' }); // already connected: nothing changes
  assert.deepEqual(types(r.events), ['answered']);
  const flash = r.phone.flash();
  r.h.run(600);
  await flash;
  r.phone.hook('on');
  r.h.run(1500);
  assert.deepEqual(types(r.events), ['answered', 'flash', 'hung-up']);
  assert.deepEqual(r.statuses.at(-1), { port: 1, offHook: false, phase: 'idle', ringing: false, tone: null, media: false, messageWaiting: false, fault: null });
});

test('message waiting: the VMWI message goes out on hook, and the next off-hook gets stutter dial tone', () => {
  const r = setup();
  r.port.command({ type: 'mwi', waiting: true });
  r.h.run(2500);
  const mwi = r.messages.filter((m) => m.type === MESSAGE_TYPE.mdmfMessageWaiting);
  assert.deepEqual(mwi.map((m) => m.info.messageWaiting), [true]);
  assert.equal(r.port.status().messageWaiting, true);
  r.phone.hook('off');
  r.h.run(1500);
  assert.equal(r.phone.state().hearing, 'stutter');
  assert.equal(r.port.status().tone, 'stutter');
});

test('call waiting: the phone hears the call-waiting tone; without an ACK no type II data is sent', () => {
  const r = setup();
  answeredCall(r);
  const before = r.messages.length;
  void r.phone.play(sine(700, 3000));
  r.h.run(100);
  const muted = capture(r.port.callAudio);
  r.port.command({ type: 'ring', callerId: BOB, callWaiting: true });
  r.h.run(300);
  assert.equal(r.phone.state().hearing, 'callwaiting');
  muted.stop();
  assert.ok(muted.samples().every((s) => s === 0), 'the far end is muted during the call-waiting signal');
  r.h.run(1500);
  assert.equal(r.messages.length, before, 'the virtual phone does not ACK, so no FSK');
  assert.equal(r.phone.state().callerId?.name, 'ALICE');
  assert.equal(r.port.status().media, true, 'speech back after the exchange');
  const live = capture(r.port.callAudio);
  r.h.run(200);
  live.stop();
  assert.ok(live.samples().some((s) => Math.abs(s) > 1000), 'the mic reaches the call again');
});

test('call waiting with a type II phone (TypeTwoCpe on the earpiece and mic): CAS, ACK, then the caller ID', () => {
  const r = setup();
  answeredCall(r);
  const cpe = new TypeTwoCpe({ standard: 'bell202' });
  const acks: string[] = [];
  // The CPE listens to what the earpiece heard in each frame and answers into the microphone.
  r.h.feed(() => {
    for (const ev of cpe.process(r.phone.recording(FRAME_SAMPLES / 8000))) {
      if (ev.type === 'ack') {
        acks.push('D');
        void r.phone.play(ev.samples);
      }
    }
  });
  const digits: string[] = [];
  r.port.on('event', (e) => {
    if (e.type === 'digit') digits.push(e.digit);
  });
  r.port.command({ type: 'call-waiting', callerId: BOB });
  r.h.run(2000);
  assert.deepEqual(acks, ['D']);
  const cid = r.phone.state().callerId;
  assert.equal(cid?.number, '5559876');
  assert.equal(cid?.name, 'BOB');
  assert.deepEqual(digits, [], 'the ACK is not a digit for the far end');
  assert.equal(r.port.status().media, true);
  assert.deepEqual(r.log.entries.filter((e) => e.level === 'warn' || e.level === 'error'), [], 'the FSK was not cut off by the media coming back');
  assert.ok(r.log.entries.some((e) => e.msg === 'type II caller ID acknowledged'));
});

test('close() stops ringing, cancels every timer and is idempotent; commands after it are ignored', () => {
  const r = setup();
  r.port.command({ type: 'ring' });
  r.h.run(500);
  assert.equal(r.phone.state().ringing, true);
  r.port.close();
  assert.equal(r.phone.state().ringing, false);
  r.port.close();
  r.port.command({ type: 'ring' });
  r.h.run(10_000);
  assert.equal(r.phone.state().rings, 1);
  assert.equal(r.h.clock.pendingCount(), 0);
  r.phone.hook('off');
  r.h.run(500);
  assert.equal(r.phone.state().hearing, 'silence');
  assert.deepEqual(r.events, []);
});

test('device lost ends the call (hung-up); restored with the phone off hook gives dial tone', () => {
  const r = setup();
  answeredCall(r);
  r.tap.inject({ type: 'device-lost', reason: 'usb unplugged', atMs: r.h.clock.now() });
  assert.deepEqual(types(r.events), ['answered', 'hung-up']);
  assert.equal(r.port.status().phase, 'idle');
  r.tap.inject({ type: 'device-restored', atMs: r.h.clock.now() });
  r.h.run(1000);
  assert.deepEqual(types(r.events), ['answered', 'hung-up', 'seized']);
  assert.equal(r.phone.state().hearing, 'dial');
});

test('device lost while ringing: the ringer stops and the port is idle with its fault', () => {
  const r = setup();
  r.port.command({ type: 'ring' });
  r.h.run(500);
  assert.equal(r.port.status().ringing, true);
  r.tap.inject({ type: 'device-lost', reason: 'sound card unplugged', atMs: r.h.clock.now() });
  r.h.run(100);
  assert.deepEqual({ phase: r.port.status().phase, ringing: r.port.status().ringing, fault: r.port.status().fault },
    { phase: 'idle', ringing: false, fault: 'hardware fault: sound card unplugged' });
  r.h.run(6000);
  assert.equal(r.phone.state().ringing, false, 'no ring burst after the loss');
});

test('a throwing event listener is logged and the port keeps going', () => {
  const r = setup();
  r.port.on('event', () => {
    throw new Error('listener bug');
  });
  r.phone.hook('off');
  r.h.run(1000);
  assert.equal(r.phone.state().hearing, 'dial');
  const errors = r.log.entries.filter((e) => e.level === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.msg, 'fxs port step failed');
  assert.deepEqual(types(r.events), ['seized']);
});

test('a command from inside an event listener runs after the step that emitted it, with the state after it', async () => {
  const r = setup();
  const seen: string[] = [];
  r.port.on('event', (e) => {
    seen.push(`${e.type}:${r.port.status().phase}`);
    if (e.type === 'dialed') {
      r.port.command({ type: 'progress', tone: 'ringback' });
      seen.push(`after command:${String(r.port.status().tone)}`);
    }
  });
  r.phone.hook('off');
  r.h.run(200);
  await dial(r, '5551234', 'dtmf', 1600);
  assert.deepEqual(seen, ['seized:dialing', 'dialed:proceeding', 'after command:null']);
  assert.equal(r.port.status().tone, 'ringback');
  r.h.run(1500);
  assert.equal(r.phone.state().hearing, 'ringback');
});
