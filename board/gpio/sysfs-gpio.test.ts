/**
 * The sysfs GPIO backend on a fake /sys/class/gpio tree (a temp dir laid out as the
 * kernel does, with a chip whose base is 512) and a fake onoff class that records
 * what it was asked to do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/clock.js';
import { MemoryLogger } from '../../src/log.js';
import { GpioError, type Level } from './gpio.js';
import { listGpioChips, resolveGpioLine, sysfsGpioBackend, type OnoffGpio, type OnoffLike } from './sysfs-gpio.js';

const PI_CHIPS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'];

/** A sysfs root with a Pi 4's header chip at base 512 and its firmware expander at 570. */
function fakeSysfs(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'dialtone-sysfs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'sys', 'class', 'gpio');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'export'), '');
  writeFileSync(join(dir, 'unexport'), '');
  const chip = (base: number, label: string, ngpio: number): void => {
    mkdirSync(join(dir, `gpiochip${base}`));
    writeFileSync(join(dir, `gpiochip${base}`, 'base'), `${base}\n`);
    writeFileSync(join(dir, `gpiochip${base}`, 'label'), `${label}\n`);
    writeFileSync(join(dir, `gpiochip${base}`, 'ngpio'), `${ngpio}\n`);
  };
  chip(570, 'raspberrypi-exp-gpio', 8);
  chip(512, 'pinctrl-bcm2711', 58);
  return root;
}

interface Made {
  readonly number: number;
  readonly direction: string;
  readonly edge: string | undefined;
  readonly activeLow: boolean | undefined;
  value: Level;
  writes: Level[];
  watchers: ((err: Error | null | undefined, value: Level) => void)[];
  unexported: boolean;
}

/** A fake onoff Gpio class; `made` records every line it opened. */
function fakeOnoff(): { Gpio: OnoffLike; made: Made[] } {
  const made: Made[] = [];
  class FakeOnoffGpio implements OnoffGpio {
    private readonly m: Made;
    constructor(gpio: number, direction: 'in' | 'out' | 'high' | 'low', edge?: 'none' | 'rising' | 'falling' | 'both', options?: { activeLow?: boolean }) {
      const active = options?.activeLow === true;
      // As sysfs: "high"/"low" set the raw level; value is logical.
      const value: Level = direction === 'high' ? (active ? 0 : 1) : 0;
      this.m = { number: gpio, direction, edge, activeLow: options?.activeLow, value, writes: [], watchers: [], unexported: false };
      made.push(this.m);
    }
    readSync(): Level { return this.m.value; }
    writeSync(value: Level): void { this.m.value = value; this.m.writes.push(value); }
    watch(cb: (err: Error | null | undefined, value: Level) => void): void { this.m.watchers.push(cb); }
    unwatchAll(): void { this.m.watchers = []; }
    unexport(): void { this.m.unexported = true; }
  }
  return { Gpio: FakeOnoffGpio, made };
}

/** The hardware changes an input: the kernel's interrupt reaches onoff's watchers. */
function edge(m: Made, value: Level): void {
  m.value = value;
  for (const w of [...m.watchers]) w(null, value);
}

test('chips are read from <root>/sys/class/gpio and lines resolve to base + offset', (t) => {
  const root = fakeSysfs(t);
  const chips = listGpioChips(root);
  assert.deepEqual(chips, [
    { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
    { name: 'gpiochip570', label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
  ]);
  assert.equal(resolveGpioLine({ chip: 'pinctrl-bcm2711', offset: 17 }, chips), 529);
  assert.equal(resolveGpioLine({ chip: PI_CHIPS, offset: 17 }, chips), 529, 'the Pi 4 label is the one present');
  assert.equal(resolveGpioLine({ chip: PI_CHIPS, offset: 0 }, chips), 512);
  assert.equal(resolveGpioLine({ chip: ['raspberrypi-exp-gpio', 'pinctrl-bcm2711'], offset: 2 }, chips), 572, 'the first label present wins');
});

test('an absent chip label or an offset beyond the chip is a GpioError saying so', (t) => {
  const chips = listGpioChips(fakeSysfs(t));
  assert.throws(() => resolveGpioLine({ chip: ['pinctrl-bcm2835', 'pinctrl-rp1'], offset: 17 }, chips), (e: unknown) => {
    assert.ok(e instanceof GpioError);
    assert.match(e.message, /no gpiochip labelled pinctrl-bcm2835 or pinctrl-rp1 \(present: pinctrl-bcm2711, raspberrypi-exp-gpio\)/);
    return true;
  });
  assert.throws(() => resolveGpioLine({ chip: PI_CHIPS, offset: 58 }, chips), (e: unknown) => {
    assert.ok(e instanceof GpioError);
    assert.match(e.message, /pinctrl-bcm2711 \(gpiochip512\) has lines 0 to 57, not 58/);
    return true;
  });
  assert.throws(() => listGpioChips(join(tmpdir(), 'no-such-dialtone-root')), GpioError);
});

test('inputs open with the global number, edge and activeLow, and report edges with the clock', (t) => {
  const root = fakeSysfs(t);
  const clock = new FakeClock(1000);
  const { Gpio, made } = fakeOnoff();
  const gpio = sysfsGpioBackend({ clock, sysRoot: root, gpio: Gpio, log: new MemoryLogger() });
  const shk = gpio.input({ chip: PI_CHIPS, offset: 17 }, 'both');
  const ring = gpio.input({ chip: PI_CHIPS, offset: 5, activeLow: true }, 'falling');
  assert.deepEqual(made.map((m) => [m.number, m.direction, m.edge, m.activeLow]), [[529, 'in', 'both', false], [517, 'in', 'falling', true]]);
  const [shkLine] = made;
  assert.ok(shkLine !== undefined);

  const seen: [Level, number][] = [];
  const off = shk.onEdge((v, at) => seen.push([v, at]));
  clock.advance(5);
  edge(shkLine, 1);
  clock.advance(7);
  edge(shkLine, 1); // two edges read as one value: not a change
  edge(shkLine, 0);
  assert.deepEqual(seen, [[1, 1005], [0, 1012]]);
  assert.equal(shk.read(), 0);
  off();
  assert.equal(shkLine.watchers.length, 0, 'the last listener gone, onoff stops watching');
  ring.release();
  assert.equal(made[1]?.unexported, true);
  assert.throws(() => ring.read(), GpioError);
});

test('outputs start at their level (raw level converted for active-low) and go to their safe level on release', (t) => {
  const root = fakeSysfs(t);
  const { Gpio, made } = fakeOnoff();
  const gpio = sysfsGpioBackend({ clock: new FakeClock(), sysRoot: root, gpio: Gpio, log: new MemoryLogger() });
  const rm = gpio.output({ chip: PI_CHIPS, offset: 27 }, { initial: 0, safe: 0 });
  const hook = gpio.output({ chip: PI_CHIPS, offset: 26, activeLow: true }, { initial: 0, safe: 0 });
  const fr = gpio.output({ chip: PI_CHIPS, offset: 22 }, { initial: 1, safe: 0 });
  assert.deepEqual(made.map((m) => [m.number, m.direction, m.activeLow, m.value]), [
    [539, 'low', false, 0],
    [538, 'high', true, 0], // active low, logical 0 = raw high: on hook from the first instant
    [534, 'high', false, 1],
  ]);
  rm.write(1);
  hook.write(1);
  assert.equal(rm.read(), 1);
  assert.deepEqual(made.map((m) => m.value), [1, 1, 1]);

  gpio.releaseAll();
  assert.deepEqual(made.map((m) => [m.value, m.unexported]), [[0, true], [0, true], [0, true]]);
  assert.throws(() => fr.write(1), GpioError);
  gpio.releaseAll(); // idempotent
  assert.deepEqual(made.map((m) => m.writes.length), [2, 2, 1]);
});

test('a line opened twice, or refused by the kernel, is a GpioError; the line is free again after release', (t) => {
  const root = fakeSysfs(t);
  const { Gpio } = fakeOnoff();
  const gpio = sysfsGpioBackend({ clock: new FakeClock(), sysRoot: root, gpio: Gpio, log: new MemoryLogger() });
  const a = gpio.input({ chip: 'pinctrl-bcm2711', offset: 17 }, 'both');
  assert.throws(() => gpio.output({ chip: PI_CHIPS, offset: 17 }, { initial: 0, safe: 0 }), /gpio529\) is already in use/);
  a.release();
  gpio.output({ chip: PI_CHIPS, offset: 17 }, { initial: 0, safe: 0 });

  class Busy {
    constructor() { throw Object.assign(new Error('EBUSY: resource busy or locked, write'), { code: 'EBUSY' }); }
    readSync(): Level { return 0; }
    writeSync(): void {}
    watch(): void {}
    unwatchAll(): void {}
    unexport(): void {}
  }
  const busy = sysfsGpioBackend({ clock: new FakeClock(), sysRoot: root, gpio: Busy, log: new MemoryLogger() });
  assert.throws(() => busy.input({ chip: PI_CHIPS, offset: 4 }, 'both'), (e: unknown) => {
    assert.ok(e instanceof GpioError);
    assert.match(e.message, /cannot open GPIO .*:4 \(gpio516\): EBUSY/);
    return true;
  });
  const denied: OnoffLike = Object.assign(class extends Busy {}, { accessible: false });
  assert.throws(() => sysfsGpioBackend({ clock: new FakeClock(), sysRoot: root, gpio: denied, log: new MemoryLogger() }), /not writable/);
});

test('a throwing edge listener is logged and the others still hear the edge', (t) => {
  const root = fakeSysfs(t);
  const { Gpio, made } = fakeOnoff();
  const log = new MemoryLogger();
  const gpio = sysfsGpioBackend({ clock: new FakeClock(), sysRoot: root, gpio: Gpio, log });
  const input = gpio.input({ chip: PI_CHIPS, offset: 23 }, 'rising');
  const heard: Level[] = [];
  input.onEdge(() => { throw new Error('boom'); });
  input.onEdge((v) => heard.push(v));
  const [m] = made;
  assert.ok(m !== undefined);
  edge(m, 1);
  edge(m, 1); // rising edges are each reported
  assert.deepEqual(heard, [1, 1]);
  assert.ok(log.entries.some((e) => e.msg === 'gpio: edge listener failed'));
});
