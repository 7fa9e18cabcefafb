/**
 * The gpio-daa driver on the fake GPIO layer and a fake clock: ring edges up (and
 * recognised as a ring by the real src/line ring detector), the hook relay down,
 * loop current, polarity and line-in-use, and that every line is released (relay
 * on hook) on close, after a failed start and whatever a listener does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockedAudioPort, ManualFrameClock } from '../../audio/port/audio-port.js';
import { FakeClock } from '../../src/clock.js';
import { MemoryLogger } from '../../src/log.js';
import { regionProfile } from '../../src/line/region-profile.js';
import { RingDetector, ringDetectorConfig, type RingDetectorEvent } from '../../src/line/ring-detector.js';
import { BoardError, type BoardEvent } from '../board.js';
import { FakeGpio } from '../gpio/test-support/fake-gpio.js';
import type { DaaPortSpec } from '../profiles/profile-types.js';
import { DaaBoard } from './daa-board.js';
import { DaaLineError, LINE_SETTLE_MS } from './daa-port.js';

const CHIP = 'pinctrl-bcm2711';
const HOOK = `${CHIP}:17`;
const RING = `${CHIP}:27`;
const LOOP = `${CHIP}:22`;
const POL = `${CHIP}:23`;
const INUSE = `${CHIP}:24`;
const HOOK2 = `${CHIP}:5`;
const RING2 = `${CHIP}:6`;

/** Port 3: every line; port 4: only the hook relay and ring detect (no loop-current detection). */
const SPECS: readonly DaaPortSpec[] = [
  {
    port: 3,
    kind: 'fxo',
    driver: 'gpio-daa',
    gpio: {
      hook: { chip: [CHIP, 'pinctrl-rp1'], offset: 17, activeLow: true },
      ring: { chip: CHIP, offset: 27, activeLow: true },
      loopCurrent: { chip: CHIP, offset: 22 },
      polarity: { chip: CHIP, offset: 23 },
      lineInUse: { chip: CHIP, offset: 24 },
    },
    audio: { device: 'plughw:CARD=Device,DEV=0' },
  },
  { port: 4, kind: 'fxo', driver: 'gpio-daa', gpio: { hook: { chip: CHIP, offset: 5 }, ring: { chip: CHIP, offset: 6 } }, audio: { device: 'plughw:CARD=Device_1,DEV=0' } },
];

class Rig {
  readonly clock = new FakeClock(1000);
  readonly gpio = new FakeGpio(this.clock);
  readonly frames = new ManualFrameClock();
  readonly log = new MemoryLogger();
  readonly audios: ClockedAudioPort[] = [];
  readonly events: BoardEvent[] = [];
  readonly board: DaaBoard;

  constructor(opts: { failAudio?: number; start?: boolean } = {}) {
    this.board = new DaaBoard({
      clock: this.clock,
      gpio: this.gpio,
      ports: SPECS,
      log: this.log,
      audio: (spec) => {
        if (spec.port === opts.failAudio) throw new Error('no such card');
        const a = new ClockedAudioPort({ clock: this.frames });
        this.audios.push(a);
        return a;
      },
    });
    this.board.onEvent((e) => this.events.push(e));
    if (opts.start !== false) {
      this.board.start();
      this.clock.advance(0);
    }
  }

  /** Events of one type seen since `from` (an index into `events`). */
  seen<T extends BoardEvent['type']>(type: T, from = 0): Extract<BoardEvent, { type: T }>[] {
    return this.events.slice(from).filter((e): e is Extract<BoardEvent, { type: T }> => e.type === type);
  }

  errors(): string[] {
    return this.log.entries.filter((e) => e.level === 'error').map((e) => e.msg);
  }
}

describe('gpio-daa board: ports and commands', () => {
  it('describes its FXO ports; loop-current detection only where the profile has the line', () => {
    const r = new Rig();
    assert.equal(r.board.name, 'gpio-daa');
    assert.deepEqual(r.board.ports, [
      { port: 3, kind: 'fxo', polarityReversal: false, loopCurrentDetect: true },
      { port: 4, kind: 'fxo', polarityReversal: false, loopCurrentDetect: false },
    ]);
    assert.equal(r.board.audio(3), r.audios[0]);
    assert.equal(r.board.audio(4), r.audios[1]);
    assert.deepEqual(r.gpio.openLines().sort(), [HOOK, RING, LOOP, POL, INUSE, HOOK2, RING2].sort());
  });

  it('FXS commands and unknown ports throw BoardError', () => {
    const r = new Rig();
    assert.throws(() => r.board.setRinging(3, true, 20), BoardError);
    assert.throws(() => r.board.setPolarity(3, true), /FXO port, not FXS/);
    assert.throws(() => r.board.isOffHook(4), BoardError);
    assert.throws(() => r.board.setSeized(1, true), /no port 1/);
    assert.throws(() => r.board.audio(9), BoardError);
  });

  it('refuses specs that are not gpio-daa FXO ports, and commands before start', () => {
    const [a] = SPECS;
    if (a === undefined) throw new Error('no spec');
    const opts = { clock: new FakeClock(), gpio: new FakeGpio(new FakeClock()), log: new MemoryLogger(), audio: () => new ClockedAudioPort({ clock: new ManualFrameClock() }) };
    assert.throws(() => new DaaBoard({ ...opts, ports: [a, a] }), /listed twice/);
    assert.throws(() => new DaaBoard({ ...opts, ports: [{ ...a, port: 0 }] }), BoardError);
    const b = new DaaBoard({ ...opts, ports: [a] });
    assert.throws(() => b.setSeized(3, true), /not started/);
    assert.throws(() => b.audio(3), /not started/);
  });

  it('setSeized drives the hook relay: asserted to seize, released on hook, idempotent', () => {
    const r = new Rig();
    r.clock.advance(500);
    r.board.setSeized(3, true);
    r.board.setSeized(3, true);
    assert.equal(r.board.isSeized(3), true);
    r.clock.advance(2000);
    r.board.setSeized(3, false);
    r.board.setSeized(3, false);
    assert.deepEqual(
      r.gpio.history(HOOK).map((c) => [c.value, c.atMs]),
      [
        [0, 1000],
        [1, 1500],
        [0, 3500],
      ],
    );
    assert.equal(r.board.isSeized(3), false);
    assert.deepEqual(r.gpio.history(HOOK2).map((c) => c.value), [0], 'the other port untouched');
  });
});

describe('gpio-daa board: events up', () => {
  it('a 20 Hz ring burst gives timestamped raw edges that the src/line ring detector recognises as rings', () => {
    const r = new Rig();
    const detector = new RingDetector(ringDetectorConfig(regionProfile('US')));
    const rings: RingDetectorEvent[] = [];
    r.board.onEvent((e) => {
      if (e.type !== 'ring-detect') return;
      const due = detector.nextDeadline();
      if (due !== undefined && due <= e.atMs) rings.push(...detector.poll(due));
      rings.push(...detector.edge(e.active, e.atMs));
    });
    const from = r.events.length;
    // US cadence: 2 s of 20 Hz ring voltage, 4 s silence, twice. The detector output is active for half of each cycle.
    for (const burstStart of [2000, 8000]) {
      r.clock.advance(burstStart - r.clock.now());
      for (let i = 0; i < 40; i++) {
        r.gpio.set(RING, 1);
        r.clock.advance(25);
        r.gpio.set(RING, 0);
        r.clock.advance(25);
      }
    }
    r.clock.advance(500);
    rings.push(...detector.poll(r.clock.now()));
    const edges = r.seen('ring-detect', from);
    assert.equal(edges.length, 160);
    assert.deepEqual(edges.slice(0, 3), [
      { type: 'ring-detect', port: 3, active: true, atMs: 2000 },
      { type: 'ring-detect', port: 3, active: false, atMs: 2025 },
      { type: 'ring-detect', port: 3, active: true, atMs: 2050 },
    ]);
    assert.deepEqual(
      rings.map((e) => e.type),
      ['ring-start', 'ring-end', 'ring-start', 'ring-end'],
    );
    const [first, , second] = rings;
    assert.equal(first?.type === 'ring-start' ? first.startMs : -1, 2000);
    assert.equal(second?.type === 'ring-start' ? second.startMs : -1, 8000);
    assert.equal(second?.type === 'ring-start' ? second.cadenceMatched : undefined, true);
  });

  it('loop current: reported only while seized, each edge at once with its own time (a drop within 100 ms: at the edge)', () => {
    const r = new Rig();
    r.gpio.set(LOOP, 1);
    r.gpio.set(LOOP, 0);
    assert.deepEqual(r.seen('loop-current'), [], 'nothing while on hook');
    r.board.setSeized(3, true);
    r.clock.advance(12);
    r.gpio.set(LOOP, 1);
    r.clock.advance(3000);
    r.gpio.set(LOOP, 0); // the exchange's CPC open interval
    const dropAt = r.clock.now();
    r.clock.advance(600);
    r.gpio.set(LOOP, 1);
    assert.deepEqual(r.seen('loop-current'), [
      { type: 'loop-current', port: 3, present: true, atMs: 1012 },
      { type: 'loop-current', port: 3, present: false, atMs: dropAt },
      { type: 'loop-current', port: 3, present: true, atMs: dropAt + 600 },
    ]);
    r.board.setSeized(3, false);
    r.gpio.set(LOOP, 0);
    assert.equal(r.seen('loop-current').length, 3, 'the drop after our own release is not reported');
  });

  it('loop current already flowing when the relay closes is reported on the next clock turn', () => {
    const r = new Rig();
    r.gpio.set(LOOP, 1);
    r.board.setSeized(3, true);
    assert.deepEqual(r.seen('loop-current'), [], 'never from inside the command');
    r.clock.advance(0);
    assert.deepEqual(r.seen('loop-current'), [{ type: 'loop-current', port: 3, present: true, atMs: 1000 }]);
  });

  it('polarity reversals are reported, seized or not, after a baseline for each listener', () => {
    const r = new Rig();
    assert.deepEqual(r.seen('line-polarity'), [{ type: 'line-polarity', port: 3, reversed: false, atMs: 1000 }], 'baseline after start');
    r.clock.advance(100);
    r.gpio.set(POL, 1);
    r.board.setSeized(3, true);
    r.clock.advance(100);
    r.gpio.set(POL, 0);
    assert.deepEqual(r.seen('line-polarity', 1), [
      { type: 'line-polarity', port: 3, reversed: true, atMs: 1100 },
      { type: 'line-polarity', port: 3, reversed: false, atMs: 1200 },
    ]);
    const late: BoardEvent[] = [];
    r.gpio.set(POL, 1);
    r.board.onEvent((e) => late.push(e));
    r.clock.advance(0);
    assert.deepEqual(late, [{ type: 'line-polarity', port: 3, reversed: true, atMs: 1200 }], 'a late listener gets the current polarity');
  });

  it('line-in-use only while on hook: our own seizure is not another device, the level after settling is', () => {
    const r = new Rig();
    r.gpio.set(INUSE, 1);
    r.clock.advance(5000);
    r.gpio.set(INUSE, 0);
    assert.deepEqual(r.seen('line-in-use'), [
      { type: 'line-in-use', port: 3, inUse: true, atMs: 1000 },
      { type: 'line-in-use', port: 3, inUse: false, atMs: 6000 },
    ]);
    r.board.setSeized(3, true);
    r.gpio.set(INUSE, 1); // the line voltage drops under our own loop
    r.clock.advance(1000);
    r.board.setSeized(3, false);
    r.clock.advance(20);
    r.gpio.set(INUSE, 0); // recovering
    r.clock.advance(LINE_SETTLE_MS);
    assert.equal(r.seen('line-in-use').length, 2, 'nothing while seized or settling');
    // An extension is lifted while we hold the line: after the release the voltage stays low.
    r.board.setSeized(3, true);
    r.gpio.set(INUSE, 1);
    r.clock.advance(1000);
    r.board.setSeized(3, false);
    const releasedAt = r.clock.now();
    r.clock.advance(LINE_SETTLE_MS);
    assert.deepEqual(r.seen('line-in-use').slice(2), [{ type: 'line-in-use', port: 3, inUse: true, atMs: releasedAt + LINE_SETTLE_MS }]);
  });
});

describe('gpio-daa board: never leaves the landline seized', () => {
  it('close() puts the relay on hook, frees every line, closes audio, stops events; idempotent', async () => {
    const r = new Rig();
    r.board.setSeized(3, true);
    r.board.setSeized(4, true);
    r.clock.advance(10);
    await r.board.close();
    await r.board.close();
    assert.equal(r.gpio.value(HOOK), 0);
    assert.equal(r.gpio.value(HOOK2), 0);
    assert.deepEqual(r.gpio.history(HOOK).at(-1), { line: HOOK, value: 0, atMs: 1010 });
    assert.deepEqual(r.gpio.openLines(), []);
    assert.ok(r.audios.every((a) => a.closed));
    const n = r.events.length;
    r.gpio.set(RING, 1);
    r.board.setSeized(3, true); // ignored after close
    r.clock.advance(1000);
    assert.equal(r.events.length, n);
    assert.equal(r.gpio.value(HOOK), 0);
  });

  it('a line that fails to open: what was opened is released and a BoardError names the line', () => {
    const r = new Rig({ start: false });
    r.gpio.failOpen.add(RING2);
    assert.throws(
      () => r.board.start(),
      (err: unknown) => err instanceof DaaLineError && err instanceof BoardError && err.line === 'ring' && /port 4/.test(err.message) && err.message.includes(`${CHIP}:6`),
    );
    assert.deepEqual(r.gpio.openLines(), []);
    assert.deepEqual(r.gpio.history(HOOK).map((c) => c.value), [0], 'the relay was never asserted');
    assert.ok(r.audios.every((a) => a.closed));
    r.board.setSeized(3, true); // the board is closed now: ignored
    assert.equal(r.gpio.value(HOOK), 0);
    assert.throws(() => r.board.start(), /closed/);
  });

  it('an audio device that fails to open: every GPIO line is released', () => {
    const r = new Rig({ start: false, failAudio: 4 });
    assert.throws(() => r.board.start(), /port 4: cannot open the audio device plughw:CARD=Device_1,DEV=0: no such card/);
    assert.deepEqual(r.gpio.openLines(), []);
    assert.equal(r.audios.length, 1);
    assert.ok(r.audios.every((a) => a.closed));
  });

  it('a listener that throws is logged; the others still get the event; close still releases the line', async () => {
    const r = new Rig();
    r.board.onEvent(() => {
      throw new Error('listener bug');
    });
    const after: BoardEvent[] = [];
    r.board.onEvent((e) => after.push(e));
    r.board.setSeized(3, true);
    r.clock.advance(10);
    r.gpio.set(LOOP, 1);
    assert.deepEqual(r.seen('loop-current'), [{ type: 'loop-current', port: 3, present: true, atMs: 1010 }]);
    assert.ok(after.some((e) => e.type === 'loop-current'));
    assert.ok(r.board.listenerErrors >= 1);
    assert.ok(r.errors().includes('board event listener threw'));
    assert.equal(r.gpio.value(HOOK), 1);
    await r.board.close();
    assert.equal(r.gpio.value(HOOK), 0);
    assert.deepEqual(r.gpio.openLines(), []);
  });

  it('a relay that cannot be driven makes the port lost (device-lost), later commands are ignored', () => {
    const r = new Rig();
    r.gpio.releaseAll(); // the chip went away under us
    r.board.setSeized(3, true);
    const lost = r.seen('device-lost');
    assert.equal(lost.length, 1);
    assert.equal(lost[0]?.port, 3);
    assert.match(lost[0]?.reason ?? '', /hook relay/);
    r.board.setSeized(3, true);
    assert.equal(r.seen('device-lost').length, 1);
  });
});
