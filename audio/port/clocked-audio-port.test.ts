import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockedAudioPort, ManualFrameClock, type AudioPort } from './audio-port.js';

/** A frame whose samples all equal `v`. */
const frame = (v: number, n = 160): Int16Array => new Int16Array(n).fill(v);
/** The value of a constant frame (or NaN if it is not constant). */
const level = (f: Int16Array): number => (f.every((x) => x === f[0]) ? (f[0] ?? 0) : NaN);

function setup(opts: { maxQueuedFrames?: number; source?: () => Int16Array } = {}): {
  clock: ManualFrameClock;
  port: ClockedAudioPort;
  played: number[];
  errors: unknown[];
} {
  const clock = new ManualFrameClock();
  const played: number[] = [];
  const errors: unknown[] = [];
  const port = new ClockedAudioPort({ clock, sink: (f) => played.push(level(f)), onError: (e) => errors.push(e), ...opts });
  return { clock, port, played, errors };
}

test('an idle port plays silence every tick, and silence is not an underrun', () => {
  const { clock, port, played } = setup();
  const asInterface: AudioPort = port;
  assert.equal(asInterface.sampleRate, 8000);
  assert.equal(asInterface.frameSamples, 160);
  clock.tick(3);
  assert.deepEqual(played, [0, 0, 0]);
  assert.deepEqual(port.stats(), { ticks: 3, captured: 3, played: 0, silentTicks: 3, underruns: 0, dropped: 0, queuedFrames: 0, errors: 0 });
});

test('queued frames play one per tick, in order; running dry counts one underrun', () => {
  const { clock, port, played } = setup();
  port.write(frame(1));
  port.write(frame(2));
  assert.equal(port.queuedFrames, 2);
  clock.tick();
  assert.equal(port.queuedFrames, 1);
  clock.tick(3);
  assert.deepEqual(played, [1, 2, 0, 0]);
  const s = port.stats();
  assert.equal(s.played, 2);
  assert.equal(s.silentTicks, 2);
  assert.equal(s.underruns, 1);
});

test('the playback queue is bounded: writing past maxQueuedFrames drops the oldest', () => {
  const { clock, port, played } = setup({ maxQueuedFrames: 3 });
  for (let v = 1; v <= 5; v++) port.write(frame(v));
  assert.equal(port.queuedFrames, 3);
  assert.equal(port.stats().dropped, 2);
  clock.tick(3);
  assert.deepEqual(played, [3, 4, 5]);
  assert.throws(() => setup({ maxQueuedFrames: 0 }), RangeError);
});

test('write copies the frame and refuses a frame of the wrong length', () => {
  const { clock, port, played } = setup();
  const f = frame(7);
  port.write(f);
  f.fill(9);
  clock.tick();
  assert.deepEqual(played, [7]);
  assert.throws(() => port.write(frame(1, 80)), RangeError);
});

test('each tick captures one frame from the source for every listener, each its own copy', () => {
  let n = 0;
  const { clock, port } = setup({ source: () => frame(++n) });
  const a: Int16Array[] = [];
  const b: Int16Array[] = [];
  port.onFrame((f) => {
    a.push(f);
    f.fill(-1); // a careless listener
  });
  const offB = port.onFrame((f) => b.push(f));
  clock.tick(2);
  assert.deepEqual(b.map(level), [1, 2]);
  assert.deepEqual(a.map(level), [-1, -1]);
  offB();
  clock.tick();
  assert.equal(b.length, 2);
  assert.equal(a.length, 3);
});

test('short source frames are padded with silence, long ones cut; no source captures silence', () => {
  const { clock, port } = setup({ source: () => frame(5, 100) });
  const got: Int16Array[] = [];
  port.onFrame((f) => got.push(f));
  clock.tick();
  assert.equal(got[0]?.length, 160);
  assert.equal(got[0]?.[99], 5);
  assert.equal(got[0]?.[100], 0);

  const long = setup({ source: () => frame(6, 200) });
  const got2: Int16Array[] = [];
  long.port.onFrame((f) => got2.push(f));
  long.clock.tick();
  assert.equal(level(got2[0] ?? frame(0)), 6);
  assert.equal(got2[0]?.length, 160);

  const silent = setup();
  const got3: Int16Array[] = [];
  silent.port.onFrame((f) => got3.push(f));
  silent.clock.tick();
  assert.equal(level(got3[0] ?? frame(1)), 0);
});

test('a frame written back from a listener plays on the next tick (one frame of latency)', () => {
  let n = 0;
  const { clock, port, played } = setup({ source: () => frame(++n) });
  port.onFrame((f) => port.write(f)); // loopback
  clock.tick(4);
  assert.deepEqual(played, [0, 1, 2, 3]);
  assert.equal(port.queuedFrames, 1);
  assert.equal(port.stats().underruns, 0);
});

test('a throwing listener, source or sink is counted and reported; the tick goes on', () => {
  const clock = new ManualFrameClock();
  const errors: unknown[] = [];
  let sinkCalls = 0;
  const port = new ClockedAudioPort({
    clock,
    source: () => {
      throw new Error('source');
    },
    sink: () => {
      sinkCalls++;
      throw new Error('sink');
    },
    onError: (e) => errors.push(e),
  });
  const got: Int16Array[] = [];
  port.onFrame(() => {
    throw new Error('listener');
  });
  port.onFrame((f) => got.push(f));
  clock.tick(2);
  assert.equal(sinkCalls, 2);
  assert.equal(got.length, 2);
  assert.equal(level(got[0] ?? frame(1)), 0); // the failed source gave silence
  assert.equal(port.stats().errors, 6);
  assert.deepEqual(errors.map((e) => (e as Error).message), ['sink', 'source', 'listener', 'sink', 'source', 'listener']);
});

test('close detaches from the clock, empties the queue and ignores later writes', () => {
  const { clock, port, played } = setup();
  const got: Int16Array[] = [];
  port.onFrame((f) => got.push(f));
  port.write(frame(1));
  port.close();
  assert.equal(clock.subscriberCount, 0);
  assert.equal(port.queuedFrames, 0);
  port.write(frame(2));
  port.onFrame((f) => got.push(f));
  clock.tick(3);
  assert.deepEqual(played, []);
  assert.equal(got.length, 0);
  assert.equal(port.queuedFrames, 0);
  port.close(); // twice is fine
});

test('several ports can share one clock (the simulated board: one port per line)', () => {
  const clock = new ManualFrameClock();
  const heard: number[][] = [[], []];
  const ports = [0, 1].map((i) => new ClockedAudioPort({ clock, source: () => frame(i + 10), sink: (f) => heard[i]?.push(level(f)) }));
  // Cross-connect: each line hears the other (what a call between two phones does).
  ports[0]?.onFrame((f) => ports[1]?.write(f));
  ports[1]?.onFrame((f) => ports[0]?.write(f));
  clock.tick(3);
  // Ports tick in the order they subscribed: port 0's capture is queued at port 1 before port 1
  // plays in the same tick, while port 1's capture waits for port 0's next tick.
  assert.deepEqual(heard[0], [0, 11, 11]);
  assert.deepEqual(heard[1], [10, 10, 10]);
  assert.ok(ports.every((p) => p.stats().underruns === 0 && p.stats().dropped === 0));
});
