/**
 * The calls one phone holds, and what its hook flash does with them: call waiting,
 * 3-way calling and transfer, as a pure machine `(state, event) -> (state, actions)`.
 * The call router runs the actions (holding a SIP leg, mixing audio, REFER).
 *
 * Calls are opaque ids here. The phone has at most two: the one it talks to and one
 * held or waiting. Behaviour follows the Bellcore features a user of an analog line
 * knows (GR-571 call waiting, GR-577 three-way calling), as Cisco SPA and Grandstream
 * HT8xx ATAs implement them:
 *
 * - **Call waiting**: a call for a phone in a call plays the waiting tone (with type II
 *   caller ID). Flash: the first call is held and the waiting one answered. Each flash
 *   after that swaps the two.
 * - **3-way calling**: flash in a call holds it and gives dial tone. The number dialled
 *   is a second call. Flash while it rings, or after it failed, drops it and goes back
 *   to the first; flash once it has answered makes a 3-way call mixed in the box. Flash
 *   in the 3-way call drops the party added last.
 * - **Transfer**: hanging up with a second call that rings or talks (or in a 3-way
 *   call) joins the other two: an attended transfer if the second call had answered,
 *   a blind one if it still rang (SPA "transfer on hang-up").
 * - **Recall**: hanging up with a call still held (or waiting) rings the phone for it;
 *   answering takes it back.
 */

export type CallId = number;

export type PhoneCallsState =
  | { readonly name: 'idle' }
  /** One call, talking (or placed and in progress). */
  | { readonly name: 'single'; readonly call: CallId }
  /** Talking on `call`; `waiting` hears ringback, the phone hears the waiting tone. */
  | { readonly name: 'waiting'; readonly call: CallId; readonly waiting: CallId }
  /** Two answered calls: `active` talks, `held` is on hold. */
  | { readonly name: 'two'; readonly active: CallId; readonly held: CallId }
  /** `held` is on hold while the phone dials (`second` undefined) or calls a second party. */
  | { readonly name: 'consulting'; readonly held: CallId; readonly second?: CallId; readonly secondUp: boolean }
  | { readonly name: 'conference'; readonly first: CallId; readonly second: CallId }
  /**
   * The call the phone talked on is over (the phone hears the disconnect tone); `other`
   * is still held or waiting. Hang up: it rings back; flash: the phone takes it now.
   */
  | { readonly name: 'left'; readonly other: CallId; readonly otherAnswered: boolean }
  /** On hook, ringing for the call it left held (or waiting). */
  | { readonly name: 'recall'; readonly call: CallId; readonly answered: boolean };

export type PhoneCallsEvent =
  /** The phone placed a call (a number dialled). */
  | { readonly type: 'placed'; readonly call: CallId }
  /** The phone answered a call that rang it (a normal ring, not call waiting). */
  | { readonly type: 'answered'; readonly call: CallId }
  /** A call for this phone while it is off hook: offer it as a waiting call? */
  | { readonly type: 'offer'; readonly call: CallId; readonly callWaiting: boolean }
  /** The second call (3-way) was answered. */
  | { readonly type: 'second-up'; readonly call: CallId }
  | { readonly type: 'flash'; readonly threeWay: boolean }
  | { readonly type: 'on-hook' }
  /** A call this phone was in ended from elsewhere (the far end, a failure). */
  | { readonly type: 'ended'; readonly call: CallId };

/** What the router does. Line commands are spelt out so the machine decides every tone. */
export type PhoneCallsAction =
  /** Put a call on hold (its audio off the phone; SIP: a sendonly re-INVITE). */
  | { readonly type: 'hold'; readonly call: CallId }
  /** Take a held call back to the phone (audio on; SIP: sendrecv again). */
  | { readonly type: 'resume'; readonly call: CallId }
  /** Answer the waiting call on this phone. */
  | { readonly type: 'take'; readonly call: CallId }
  /** The phone's dial tone for a second number. */
  | { readonly type: 'collect-digits' }
  /** Mix the phone with both calls. */
  | { readonly type: 'conference'; readonly calls: readonly [CallId, CallId] }
  /** Hang up (or cancel) a call from the phone's side. */
  | { readonly type: 'hang-up'; readonly call: CallId }
  /** Join `held` and `second` and take the phone out (REFER, else a bridge in the box). */
  | { readonly type: 'transfer'; readonly held: CallId; readonly second: CallId; readonly attended: boolean }
  /** Ring the (on-hook) phone for a call it left held or waiting. */
  | { readonly type: 'ring-back'; readonly call: CallId }
  /**
   * The call the phone was on ended elsewhere: the phone hears what that call's end
   * means (disconnect tone after an answered call, busy or reorder for a failed one).
   */
  | { readonly type: 'call-gone'; readonly call: CallId }
  /** Stop the waiting tone (the waiting caller gave up). */
  | { readonly type: 'waiting-gone' }
  /** Stop ringing the phone (recall: the held caller gave up). */
  | { readonly type: 'stop-ring' }
  /** Refuse an offered call: the phone is busy for it. */
  | { readonly type: 'busy'; readonly call: CallId };

export interface PhoneCallsStep {
  readonly state: PhoneCallsState;
  readonly actions: PhoneCallsAction[];
}

export const PHONE_IDLE: PhoneCallsState = { name: 'idle' };

/** The calls this phone holds in `s` (none when idle). */
export function callsOf(s: PhoneCallsState): CallId[] {
  switch (s.name) {
    case 'idle':
      return [];
    case 'single':
      return [s.call];
    case 'waiting':
      return [s.call, s.waiting];
    case 'two':
      return [s.active, s.held];
    case 'consulting':
      return s.second !== undefined ? [s.held, s.second] : [s.held];
    case 'conference':
      return [s.first, s.second];
    case 'left':
      return [s.other];
    case 'recall':
      return [s.call];
  }
}

export function phoneCallsStep(s: PhoneCallsState, e: PhoneCallsEvent): PhoneCallsStep {
  const stay = { state: s, actions: [] };
  switch (e.type) {
    case 'placed':
      if (s.name === 'idle') return { state: { name: 'single', call: e.call }, actions: [] };
      if (s.name === 'consulting' && s.second === undefined) return { state: { ...s, second: e.call, secondUp: false }, actions: [] };
      return { state: s, actions: [{ type: 'hang-up', call: e.call }] };
    case 'answered':
      if (s.name === 'idle') return { state: { name: 'single', call: e.call }, actions: [] };
      if (s.name === 'recall' && s.call === e.call) {
        return { state: { name: 'single', call: e.call }, actions: [s.answered ? { type: 'resume', call: e.call } : { type: 'take', call: e.call }] };
      }
      return stay;
    case 'offer':
      if (s.name === 'single' && e.callWaiting) return { state: { name: 'waiting', call: s.call, waiting: e.call }, actions: [] };
      return { state: s, actions: [{ type: 'busy', call: e.call }] };
    case 'second-up':
      if (s.name === 'consulting' && s.second === e.call) return { state: { ...s, secondUp: true }, actions: [] };
      return stay;
    case 'flash':
      return flash(s, e.threeWay);
    case 'on-hook':
      return onHook(s);
    case 'ended':
      return ended(s, e.call);
  }
}

function flash(s: PhoneCallsState, threeWay: boolean): PhoneCallsStep {
  switch (s.name) {
    case 'single':
      if (!threeWay) return { state: s, actions: [] };
      return { state: { name: 'consulting', held: s.call, secondUp: false }, actions: [{ type: 'hold', call: s.call }, { type: 'collect-digits' }] };
    case 'waiting':
      return { state: { name: 'two', active: s.waiting, held: s.call }, actions: [{ type: 'hold', call: s.call }, { type: 'take', call: s.waiting }] };
    case 'two':
      return { state: { name: 'two', active: s.held, held: s.active }, actions: [{ type: 'hold', call: s.active }, { type: 'resume', call: s.held }] };
    case 'consulting':
      if (s.second !== undefined && s.secondUp) {
        return { state: { name: 'conference', first: s.held, second: s.second }, actions: [{ type: 'conference', calls: [s.held, s.second] }] };
      }
      // Still dialling, or the second call rings or failed: drop it and go back.
      return {
        state: { name: 'single', call: s.held },
        actions: [...(s.second !== undefined ? [{ type: 'hang-up', call: s.second } as const] : []), { type: 'resume', call: s.held }],
      };
    case 'conference':
      return { state: { name: 'single', call: s.first }, actions: [{ type: 'hang-up', call: s.second }, { type: 'resume', call: s.first }] };
    case 'left':
      return { state: { name: 'single', call: s.other }, actions: [s.otherAnswered ? { type: 'resume', call: s.other } : { type: 'take', call: s.other }] };
    case 'idle':
    case 'recall':
      return { state: s, actions: [] };
  }
}

function onHook(s: PhoneCallsState): PhoneCallsStep {
  switch (s.name) {
    case 'idle':
    case 'recall':
      return { state: s, actions: [] };
    case 'single':
      return { state: PHONE_IDLE, actions: [{ type: 'hang-up', call: s.call }] };
    case 'waiting':
      return { state: { name: 'recall', call: s.waiting, answered: false }, actions: [{ type: 'hang-up', call: s.call }, { type: 'ring-back', call: s.waiting }] };
    case 'two':
      return { state: { name: 'recall', call: s.held, answered: true }, actions: [{ type: 'hang-up', call: s.active }, { type: 'ring-back', call: s.held }] };
    case 'consulting':
      if (s.second === undefined) return { state: { name: 'recall', call: s.held, answered: true }, actions: [{ type: 'ring-back', call: s.held }] };
      return { state: PHONE_IDLE, actions: [{ type: 'transfer', held: s.held, second: s.second, attended: s.secondUp }] };
    case 'conference':
      return { state: PHONE_IDLE, actions: [{ type: 'transfer', held: s.first, second: s.second, attended: true }] };
    case 'left':
      return { state: { name: 'recall', call: s.other, answered: s.otherAnswered }, actions: [{ type: 'ring-back', call: s.other }] };
  }
}

function ended(s: PhoneCallsState, call: CallId): PhoneCallsStep {
  switch (s.name) {
    case 'idle':
      return { state: s, actions: [] };
    case 'single':
      return s.call === call ? { state: PHONE_IDLE, actions: [{ type: 'call-gone', call }] } : { state: s, actions: [] };
    case 'waiting':
      if (s.waiting === call) return { state: { name: 'single', call: s.call }, actions: [{ type: 'waiting-gone' }] };
      if (s.call === call) return { state: { name: 'left', other: s.waiting, otherAnswered: false }, actions: [{ type: 'call-gone', call }] };
      return { state: s, actions: [] };
    case 'two':
      if (s.held === call) return { state: { name: 'single', call: s.active }, actions: [] };
      if (s.active === call) return { state: { name: 'left', other: s.held, otherAnswered: true }, actions: [{ type: 'call-gone', call }] };
      return { state: s, actions: [] };
    case 'consulting':
      // The second call failing plays its own busy or reorder (the router's progress); flash goes back.
      if (s.second === call) return { state: { name: 'consulting', held: s.held, secondUp: false }, actions: [{ type: 'call-gone', call }] };
      if (s.held === call) {
        // The held party gave up: the phone goes on with its second call, or its dialling, as a plain one.
        return { state: s.second !== undefined ? { name: 'single', call: s.second } : PHONE_IDLE, actions: [] };
      }
      return { state: s, actions: [] };
    case 'conference':
      if (s.first === call) return { state: { name: 'single', call: s.second }, actions: [{ type: 'resume', call: s.second }] };
      if (s.second === call) return { state: { name: 'single', call: s.first }, actions: [{ type: 'resume', call: s.first }] };
      return { state: s, actions: [] };
    case 'left':
      return s.other === call ? { state: PHONE_IDLE, actions: [] } : { state: s, actions: [] };
    case 'recall':
      return s.call === call ? { state: PHONE_IDLE, actions: [{ type: 'stop-ring' }] } : { state: s, actions: [] };
  }
}
