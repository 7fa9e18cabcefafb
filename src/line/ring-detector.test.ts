import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../audio/seeded-random.js';
import { ringBurstEdges, ringCadenceEdges, type RingEdge } from './test-support/fxo-harness.js';
import { regionProfile } from './region-profile.js';
import {
  initialRingDetector, RingDetector, ringDetectorConfig, ringDetectorDeadline, ringDetectorEdge, ringDetectorPoll, type RingDetectorEvent,
} from './ring-detector.js';

/** Feeds edges, polling at every deadline passed on the way (as the runtime's timer would), then lets `tailMs` pass. */
function run(edges: readonly RingEdge[], region = 'US', tailMs = 1000): RingDetectorEvent[] {
  let s = initialRingDetector(ringDetectorConfig(regionProfile(region)));
  const events: RingDetectorEvent[] = [];
  const pollUntil = (t: number): void => {
    const due = ringDetectorDeadline(s);
    if (due !== undefined && due <= t) {
      const r = ringDetectorPoll(s, due);
      s = r.state;
      events.push(...r.events);
    }
  };
  for (const e of edges) {
    pollUntil(e.atMs);
    const r = ringDetectorEdge(s, e);
    s = r.state;
    events.push(...r.events);
  }
  const last = edges.at(-1)?.atMs ?? 0;
  pollUntil(last + tailMs);
  return events;
}

describe('ring detector: frequency and duration', () => {
  for (const hz of [50 / 3, 20, 25, 50]) {
    it(`accepts a 2 s burst at ${hz.toFixed(1)} Hz and measures it`, () => {
      const events = run(ringBurstEdges(1000, 2000, hz));
      assert.equal(events.length, 2);
      const [start, end] = events;
      assert.equal(start?.type, 'ring-start');
      assert.equal(end?.type, 'ring-end');
      if (start?.type !== 'ring-start' || end?.type !== 'ring-end') return;
      assert.equal(start.startMs, 1000);
      assert.ok(start.atMs - 1000 >= 150 && start.atMs - 1000 <= 150 + 1000 / hz, `validated after ${start.atMs - 1000} ms`);
      assert.ok(Math.abs(end.burstMs - 2000) <= 1000 / hz, `burst ${end.burstMs} ms`);
      assert.ok(end.atMs - (1000 + end.burstMs) <= 100, 'ends within endGapMs of its end');
    });
  }

  for (const hz of [10, 12, 80, 200]) {
    it(`rejects edges at ${hz} Hz (dial pulses, noise)`, () => {
      assert.deepEqual(run(ringBurstEdges(0, 2000, hz)), []);
    });
  }

  it('rejects a burst shorter than minBurstMs (a polarity blip, a click)', () => {
    assert.deepEqual(run(ringBurstEdges(0, 120, 20)), []);
  });

  it('restarts qualification at a stray edge, so a glitch delays but does not fake a ring', () => {
    const edges = [{ type: 'ring-detect' as const, active: true, atMs: 0 }, ...ringBurstEdges(300, 1000, 25)];
    const events = run(edges);
    assert.equal(events[0]?.type, 'ring-start');
    if (events[0]?.type === 'ring-start') assert.equal(events[0].startMs, 300);
  });

  it('never rings on random isolated edges', () => {
    const rand = seededRandom(7);
    const edges: RingEdge[] = [];
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t += 70 + rand() * 500; // farther apart than one cycle of the lowest ring frequency
      edges.push({ type: 'ring-detect', active: rand() < 0.5, atMs: t });
    }
    assert.deepEqual(run(edges), []);
  });

  it('ignores out-of-order and non-finite edges', () => {
    const edges: RingEdge[] = ringBurstEdges(0, 1000, 20);
    edges.splice(10, 0, { type: 'ring-detect', active: true, atMs: 3 }, { type: 'ring-detect', active: true, atMs: Number.NaN });
    const events = run(edges);
    assert.deepEqual(events.map((e) => e.type), ['ring-start', 'ring-end']);
  });

  it('decides the end of a burst by time: deadline and poll', () => {
    const d = new RingDetector(ringDetectorConfig(regionProfile('US')));
    for (const e of ringBurstEdges(0, 500, 20)) d.edge(e.active, e.atMs);
    assert.equal(d.nextDeadline(), 450 + 100);
    assert.deepEqual(d.poll(549), []);
    const ended = d.poll(550);
    assert.equal(ended[0]?.type, 'ring-end');
    assert.equal(d.nextDeadline(), undefined);
  });

  it('refuses an unusable configuration at start', () => {
    assert.throws(() => initialRingDetector(ringDetectorConfig(regionProfile('US'), { endGapMs: 50 })), RangeError);
    assert.throws(() => initialRingDetector(ringDetectorConfig(regionProfile('US'), { minFrequencyHz: 80 })), RangeError);
  });
});

describe('ring detector: cadence', () => {
  const matched = (events: RingDetectorEvent[]): (boolean | undefined)[] => events.map((e) => e.cadenceMatched);

  it('US 2 s / 4 s at 20 Hz matches from the second event on', () => {
    const events = run(ringCadenceEdges(0, [2000, 4000], 3, 20));
    assert.deepEqual(events.map((e) => e.type), ['ring-start', 'ring-end', 'ring-start', 'ring-end', 'ring-start', 'ring-end']);
    assert.deepEqual(matched(events), [undefined, true, true, true, true, true]);
    const gap = events[2];
    if (gap?.type === 'ring-start') assert.ok(Math.abs((gap.gapMs ?? 0) - 4000) <= 50);
  });

  it('GB 0.4/0.2/0.4/2 s at 25 Hz: each half of the double ring is a burst, and it matches', () => {
    const events = run(ringCadenceEdges(0, [400, 200, 400, 2000], 3, 25), 'GB');
    assert.equal(events.filter((e) => e.type === 'ring-start').length, 6);
    assert.ok(matched(events).slice(1).every((m) => m === true));
  });

  it('a distinctive ring (0.8/0.4/0.8/4 s) on a US line is reported, marked foreign', () => {
    const events = run(ringCadenceEdges(0, [800, 400, 800, 4000], 2, 20));
    assert.equal(events.filter((e) => e.type === 'ring-start').length, 4);
    assert.equal(events.at(-1)?.cadenceMatched, false);
  });

  it('a German cadence (1 s / 4 s) heard on a US profile is foreign; on a DE profile it matches', () => {
    const edges = ringCadenceEdges(0, [1000, 4000], 2, 25);
    assert.equal(run(edges, 'US').at(-1)?.cadenceMatched, false);
    assert.equal(run(edges, 'DE').at(-1)?.cadenceMatched, true);
  });

  it('a first burst cut short still matches; a long silence starts a new sequence', () => {
    const edges = [...ringBurstEdges(0, 700, 20), ...ringCadenceEdges(4700, [2000, 4000], 1, 20), ...ringCadenceEdges(30_000, [2000, 4000], 1, 20)];
    const events = run(edges);
    assert.deepEqual(matched(events), [undefined, true, true, true, undefined, true]);
  });
});
