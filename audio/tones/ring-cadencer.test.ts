import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingCadencer } from './ring-cadencer.js';
import { tonePlan } from './plans/index.js';

test('North American ring: 2 s on, 4 s off', () => {
  const r = new RingCadencer(tonePlan('US').ring);
  assert.deepEqual(r.stateAt(0), { ringing: true, cycle: 0, untilChangeMs: 2000 });
  assert.deepEqual(r.stateAt(1999), { ringing: true, cycle: 0, untilChangeMs: 1 });
  assert.deepEqual(r.stateAt(2000), { ringing: false, cycle: 0, untilChangeMs: 4000 });
  assert.deepEqual(r.stateAt(5999), { ringing: false, cycle: 0, untilChangeMs: 1 });
  assert.deepEqual(r.stateAt(6000), { ringing: true, cycle: 1, untilChangeMs: 2000 });
  assert.deepEqual(r.stateAt(6000 * 100 + 2500), { ringing: false, cycle: 100, untilChangeMs: 3500 });
});

test('UK double ring: 0.4 on, 0.2 off, 0.4 on, 2.0 off', () => {
  const r = new RingCadencer(tonePlan('GB').ring);
  const at = (t: number): [boolean, number, number] => {
    const s = r.stateAt(t);
    return [s.ringing, s.cycle, s.untilChangeMs];
  };
  assert.deepEqual(at(0), [true, 0, 400]);
  assert.deepEqual(at(400), [false, 0, 200]);
  assert.deepEqual(at(650), [true, 0, 350]);
  assert.deepEqual(at(1000), [false, 0, 2000]);
  assert.deepEqual(at(3000), [true, 1, 400]);
});

test('driving a ringer by untilChangeMs visits every edge of the cadence exactly', () => {
  for (const region of ['US', 'GB', 'DE', 'JP']) {
    const cadence = tonePlan(region).ring.cadence;
    const r = new RingCadencer({ cadence });
    let t = 0;
    const seen: number[] = [];
    for (let i = 0; i < cadence.length * 3; i++) {
      const s = r.stateAt(t);
      assert.equal(s.ringing, i % 2 === 0, `${region} step ${i}`);
      seen.push(s.untilChangeMs);
      t += s.untilChangeMs;
    }
    assert.deepEqual(seen, [...cadence, ...cadence, ...cadence]);
  }
});

test('bad cadences and times are refused', () => {
  assert.throws(() => new RingCadencer({ cadence: [] }), RangeError);
  assert.throws(() => new RingCadencer({ cadence: [1000] }), RangeError);
  assert.throws(() => new RingCadencer({ cadence: [1000, 0] }), RangeError);
  const r = new RingCadencer({ cadence: [1000, 1000] });
  assert.throws(() => r.stateAt(-1), RangeError);
  assert.throws(() => r.stateAt(Number.NaN), RangeError);
});
