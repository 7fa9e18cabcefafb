/**
 * What the hearing windows achieve (measured; see hearing.ts). With tones
 * starting at the moment listening starts, after 2 s of silence, or after 3 s
 * of dial tone, for US, DE, GB and FR, sampled every 100 ms over 12 s, the
 * 0.5 s window alone names German and French ringback wrong at every moment
 * (a 1 s burst of 425 Hz is "dial"), and busy/reorder/stutter of US, GB and FR
 * wrong 10–40 % of the time even after 3 s; with the 6/3/1.5 s windows no
 * answer after 3 s is wrong (but 2 moments of German call waiting following
 * dial tone), the first second of a tone may be (the previous tone, or
 * "dial" for a single 1 s ringback burst), and a cadence's pauses read
 * "silence". One classification costs ~1.8 ms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToneGenerator, tonePlan, type ToneKind, type TonePlan } from '../../audio/tones/index.js';
import { AudioHistory } from './audio-history.js';
import { HearingClassifier } from './hearing.js';
import type { Hearing } from './types.js';

const NAME: Record<string, Hearing> = { dial: 'dial', ringback: 'ringback', busy: 'busy', reorder: 'reorder', stutter: 'stutter', callWaiting: 'callwaiting' };

/** Hearing every 100 ms while `lead` then `kind` plays, from the start of `kind`. */
function listen(plan: TonePlan, kind: ToneKind, ms: number, lead: Int16Array = new Int16Array(0)): { t: number; h: Hearing }[] {
  const history = new AudioHistory();
  const hc = new HearingClassifier(plan, history);
  hc.restart();
  for (let i = 0; i < lead.length; i += 160) history.push(lead.subarray(i, i + 160));
  const gen = new ToneGenerator(plan[kind]);
  const out: { t: number; h: Hearing }[] = [];
  for (let t = 20; t <= ms; t += 20) {
    history.push(gen.next(new Int16Array(160)));
    if (t % 100 === 0) out.push({ t, h: hc.current() });
  }
  return out;
}

for (const region of ['US', 'DE']) {
  const plan = tonePlan(region);
  for (const kind of ['dial', 'ringback', 'busy', 'reorder', 'stutter'] as const) {
    test(`${region} ${kind}: after 3 s every answer is ${NAME[kind]} or, in a pause, silence`, () => {
      const wrong = listen(plan, kind, 8000).filter(({ t, h }) => t >= 3000 && h !== NAME[kind] && h !== 'silence');
      assert.deepEqual(wrong, []);
    });
  }
}

test('DE: dial tone after a short silence from off hook is "dial" at once', () => {
  const plan = tonePlan('DE');
  const answers = listen(plan, 'dial', 2000, new Int16Array(320));
  assert.deepEqual(
    answers.filter((a) => a.h !== 'dial'),
    [],
  );
});

test('DE: busy after dial tone is "busy" within a second', () => {
  const plan = tonePlan('DE');
  const dial = new ToneGenerator(plan.dial).next(new Int16Array(3 * 8000));
  const answers = listen(plan, 'busy', 4000, dial);
  assert.deepEqual(
    answers.filter((a) => a.t >= 1000 && a.h !== 'busy'),
    [],
  );
});

test('the answer is cached until 100 ms more audio arrived', () => {
  const plan = tonePlan('US');
  const history = new AudioHistory();
  const hc = new HearingClassifier(plan, history);
  const gen = new ToneGenerator(plan.dial);
  history.push(gen.next(new Int16Array(4000)));
  assert.equal(hc.current(), 'dial');
  history.push(new Int16Array(640));
  history.push(new Int16Array(4000));
  assert.equal(hc.current(), 'silence');
  history.push(gen.next(new Int16Array(400)));
  assert.equal(hc.current(), 'silence', 'cached: only 50 ms more');
});
