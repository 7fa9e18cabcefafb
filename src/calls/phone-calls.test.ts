import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callsOf, PHONE_IDLE, phoneCallsStep, type PhoneCallsAction, type PhoneCallsEvent, type PhoneCallsState } from './phone-calls.js';

/** Runs events from `from`; returns the last state and every action in order. */
function run(from: PhoneCallsState, ...events: PhoneCallsEvent[]): { state: PhoneCallsState; actions: PhoneCallsAction[] } {
  let state = from;
  const actions: PhoneCallsAction[] = [];
  for (const e of events) {
    const r = phoneCallsStep(state, e);
    state = r.state;
    actions.push(...r.actions);
  }
  return { state, actions };
}

const FLASH: PhoneCallsEvent = { type: 'flash', threeWay: true };
const ON_HOOK: PhoneCallsEvent = { type: 'on-hook' };
const talking: PhoneCallsState = { name: 'single', call: 1 };

test('a plain call: placed, then hung up by the phone or ended by the far end', () => {
  assert.deepEqual(run(PHONE_IDLE, { type: 'placed', call: 1 }).state, talking);
  assert.deepEqual(run(talking, ON_HOOK), { state: PHONE_IDLE, actions: [{ type: 'hang-up', call: 1 }] });
  assert.deepEqual(run(talking, { type: 'ended', call: 1 }), { state: PHONE_IDLE, actions: [{ type: 'call-gone', call: 1 }] });
  assert.deepEqual(run(PHONE_IDLE, { type: 'answered', call: 7 }).state, { name: 'single', call: 7 });
});

test('call waiting: offered only with the feature on; flash takes it, flash swaps back', () => {
  assert.deepEqual(run(talking, { type: 'offer', call: 2, callWaiting: false }), { state: talking, actions: [{ type: 'busy', call: 2 }] });
  const r = run(talking, { type: 'offer', call: 2, callWaiting: true }, FLASH);
  assert.deepEqual(r.state, { name: 'two', active: 2, held: 1 });
  assert.deepEqual(r.actions, [{ type: 'hold', call: 1 }, { type: 'take', call: 2 }]);
  const swapped = run(r.state, FLASH);
  assert.deepEqual(swapped.state, { name: 'two', active: 1, held: 2 });
  assert.deepEqual(swapped.actions, [{ type: 'hold', call: 2 }, { type: 'resume', call: 1 }]);
  // A third call while two are up is busy.
  assert.deepEqual(run(swapped.state, { type: 'offer', call: 3, callWaiting: true }).actions, [{ type: 'busy', call: 3 }]);
});

test('call waiting: the waiting caller gives up; or the talking one hangs up and the phone takes the waiting call', () => {
  const waiting: PhoneCallsState = { name: 'waiting', call: 1, waiting: 2 };
  assert.deepEqual(run(waiting, { type: 'ended', call: 2 }), { state: talking, actions: [{ type: 'waiting-gone' }] });
  const left = run(waiting, { type: 'ended', call: 1 });
  assert.deepEqual(left, { state: { name: 'left', other: 2, otherAnswered: false }, actions: [{ type: 'call-gone', call: 1 }] });
  // Flash takes the waiting call at once; hanging up rings the phone for it.
  assert.deepEqual(run(left.state, FLASH), { state: { name: 'single', call: 2 }, actions: [{ type: 'take', call: 2 }] });
  const recall = run(left.state, ON_HOOK, { type: 'answered', call: 2 });
  assert.deepEqual(recall.actions, [{ type: 'ring-back', call: 2 }, { type: 'take', call: 2 }]);
  assert.deepEqual(recall.state, { name: 'single', call: 2 });
});

test('hanging up with a call held or waiting ends the talking one and rings the phone back for the other', () => {
  const two: PhoneCallsState = { name: 'two', active: 2, held: 1 };
  const r = run(two, ON_HOOK);
  assert.deepEqual(r, { state: { name: 'recall', call: 1, answered: true }, actions: [{ type: 'hang-up', call: 2 }, { type: 'ring-back', call: 1 }] });
  assert.deepEqual(run(r.state, { type: 'answered', call: 1 }).actions, [{ type: 'resume', call: 1 }]);
  assert.deepEqual(run(r.state, { type: 'ended', call: 1 }), { state: PHONE_IDLE, actions: [{ type: 'stop-ring' }] });
  const waiting = run({ name: 'waiting', call: 1, waiting: 2 }, ON_HOOK);
  assert.deepEqual(waiting.actions, [{ type: 'hang-up', call: 1 }, { type: 'ring-back', call: 2 }]);
  assert.deepEqual(waiting.state, { name: 'recall', call: 2, answered: false });
});

test('3-way: flash holds and gives dial tone, the second call answers, flash conferences, flash drops the last party', () => {
  const consult = run(talking, FLASH);
  assert.deepEqual(consult.actions, [{ type: 'hold', call: 1 }, { type: 'collect-digits' }]);
  const up = run(consult.state, { type: 'placed', call: 2 }, { type: 'second-up', call: 2 });
  assert.deepEqual(up.state, { name: 'consulting', held: 1, second: 2, secondUp: true });
  const conf = run(up.state, FLASH);
  assert.deepEqual(conf, { state: { name: 'conference', first: 1, second: 2 }, actions: [{ type: 'conference', calls: [1, 2] }] });
  assert.deepEqual(callsOf(conf.state), [1, 2]);
  assert.deepEqual(run(conf.state, FLASH), { state: talking, actions: [{ type: 'hang-up', call: 2 }, { type: 'resume', call: 1 }] });
  // Either far end leaving a conference leaves the phone talking to the other.
  assert.deepEqual(run(conf.state, { type: 'ended', call: 1 }), { state: { name: 'single', call: 2 }, actions: [{ type: 'resume', call: 2 }] });
});

test('3-way: flash while dialling, while the second call rings or after it failed goes back to the held call', () => {
  const consult = run(talking, FLASH).state;
  assert.deepEqual(run(consult, FLASH), { state: talking, actions: [{ type: 'resume', call: 1 }] });
  const ringing = run(consult, { type: 'placed', call: 2 }).state;
  assert.deepEqual(run(ringing, FLASH), { state: talking, actions: [{ type: 'hang-up', call: 2 }, { type: 'resume', call: 1 }] });
  const failed = run(ringing, { type: 'ended', call: 2 });
  assert.deepEqual(failed.actions, [{ type: 'call-gone', call: 2 }]);
  assert.deepEqual(run(failed.state, FLASH), { state: talking, actions: [{ type: 'resume', call: 1 }] });
  // Without 3-way calling, flash in a call does nothing.
  assert.deepEqual(run(talking, { type: 'flash', threeWay: false }), { state: talking, actions: [] });
});

test('transfer on hang-up: attended once the second call answered, blind while it rings; from a conference too', () => {
  const ringing: PhoneCallsState = { name: 'consulting', held: 1, second: 2, secondUp: false };
  assert.deepEqual(run(ringing, ON_HOOK), { state: PHONE_IDLE, actions: [{ type: 'transfer', held: 1, second: 2, attended: false }] });
  assert.deepEqual(run({ ...ringing, secondUp: true }, ON_HOOK).actions, [{ type: 'transfer', held: 1, second: 2, attended: true }]);
  assert.deepEqual(run({ name: 'conference', first: 1, second: 2 }, ON_HOOK).actions, [{ type: 'transfer', held: 1, second: 2, attended: true }]);
  // Hanging up while still dialling the second number rings the phone back for the held call.
  assert.deepEqual(run({ name: 'consulting', held: 1, secondUp: false }, ON_HOOK).actions, [{ type: 'ring-back', call: 1 }]);
});

test('the held party giving up leaves the second call (or the dialling) as a plain one', () => {
  assert.deepEqual(run({ name: 'consulting', held: 1, second: 2, secondUp: true }, { type: 'ended', call: 1 }).state, { name: 'single', call: 2 });
  assert.deepEqual(run({ name: 'consulting', held: 1, secondUp: false }, { type: 'ended', call: 1 }).state, PHONE_IDLE);
  assert.deepEqual(run({ name: 'two', active: 2, held: 1 }, { type: 'ended', call: 1 }), { state: { name: 'single', call: 2 }, actions: [] });
});

test('no event is refused in any state: stray ones change nothing or hang up what the phone cannot hold', () => {
  const states: PhoneCallsState[] = [
    PHONE_IDLE, talking, { name: 'waiting', call: 1, waiting: 2 }, { name: 'two', active: 1, held: 2 },
    { name: 'consulting', held: 1, secondUp: false }, { name: 'conference', first: 1, second: 2 },
    { name: 'left', other: 2, otherAnswered: true }, { name: 'recall', call: 1, answered: true },
  ];
  for (const s of states) {
    assert.deepEqual(phoneCallsStep(s, { type: 'ended', call: 99 }), { state: s, actions: [] }, `${s.name}: an unknown call ending`);
    assert.deepEqual(phoneCallsStep(s, { type: 'second-up', call: 99 }).state, s);
    if (s.name !== 'idle' && !(s.name === 'consulting')) {
      assert.deepEqual(phoneCallsStep(s, { type: 'placed', call: 99 }).actions, [{ type: 'hang-up', call: 99 }], `${s.name}: a stray placed call is hung up`);
    }
  }
});
