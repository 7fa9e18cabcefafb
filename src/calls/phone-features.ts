/**
 * What each phone does with its calls: runs the phone-calls machine (phone-calls.ts)
 * for every FXS port and carries out its actions on the router's calls — holding and
 * resuming SIP legs, routing the phone's audio (its own port, nowhere, a 3-way
 * mixer), taking a waiting call, ringing the phone back for a held one, and handing
 * a transfer to call-transfer.ts.
 */
import type { Clock } from '../clock.js';
import { toError } from '../errors.js';
import type { FxsPort } from '../line/fxs-port.js';
import type { Logger } from '../log.js';
import { Call, phoneCommandForEnd, type CallEnd } from './call.js';
import { CallMixer } from './call-mixer.js';
import { transferCalls } from './call-transfer.js';
import { callsOf, PHONE_IDLE, phoneCallsStep, type CallId, type PhoneCallsAction, type PhoneCallsEvent, type PhoneCallsState } from './phone-calls.js';

export interface PhoneFeaturesDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** The call with this id, while it exists. */
  call(id: CallId): Call | undefined;
  /** A phone answers a call ringing on it (stops the other phones, answers the caller, connects). */
  answer(call: Call, line: FxsPort): void;
  /** The line's features as configured now. */
  features(port: number): { readonly threeWay?: boolean; readonly callWaiting?: boolean } | undefined;
}

export class PhoneFeatures {
  private readonly states = new Map<FxsPort, PhoneCallsState>();
  private readonly mixers = new Map<FxsPort, CallMixer>();

  constructor(private readonly deps: PhoneFeaturesDeps) {}

  state(line: FxsPort): PhoneCallsState {
    return this.states.get(line) ?? PHONE_IDLE;
  }

  /** May the phone place a call now (no call, or dialling a second one)? */
  canDial(line: FxsPort): boolean {
    const s = this.state(line);
    return s.name === 'idle' || (s.name === 'consulting' && s.second === undefined);
  }

  /** May a new call be offered to this busy phone as a waiting call? */
  canWait(line: FxsPort): boolean {
    const s = this.state(line);
    if (s.name !== 'single' || this.deps.features(line.port)?.callWaiting === false) return false;
    return this.deps.call(s.call)?.record.answered === true && line.status().phase === 'connected';
  }

  /** The phone placed `call`. */
  placed(line: FxsPort, call: Call): void {
    this.step(line, { type: 'placed', call: call.id });
  }

  /** Offers `call` to the busy phone as a waiting call: the waiting tone with its caller ID. */
  offer(line: FxsPort, call: Call): void {
    call.ringing.add(line);
    this.step(line, { type: 'offer', call: call.id, callWaiting: true });
    line.command({ type: 'ring', ...(call.callerId !== undefined ? { callerId: call.callerId } : {}), callWaiting: true });
  }

  /** The phone went off hook while `call` rang it. */
  answered(line: FxsPort, call: Call): void {
    const s = this.state(line);
    if (s.name === 'recall' && s.call === call.id && s.answered) {
      call.ringing.delete(line);
    } else {
      this.deps.answer(call, line);
    }
    this.step(line, { type: 'answered', call: call.id });
  }

  flash(line: FxsPort): void {
    const s = this.state(line);
    const up = s.name !== 'single' || this.deps.call(s.call)?.record.answered === true;
    this.step(line, { type: 'flash', threeWay: up && this.deps.features(line.port)?.threeWay !== false });
  }

  onHook(line: FxsPort): void {
    this.step(line, { type: 'on-hook' });
  }

  /** A call the phone is in (or rang for) ended elsewhere. */
  ended(line: FxsPort, call: Call, end: CallEnd): void {
    const s = this.state(line);
    if (!callsOf(s).includes(call.id)) {
      // A plain ring (not call waiting) stopped: Call.end stopped the ringer already.
      if (call.sideFor(line) !== undefined) line.command(phoneCommandForEnd(call, line, end));
      return;
    }
    this.step(line, { type: 'ended', call: call.id });
  }

  /** A call the phone is in was answered by the far end (the second call of a 3-way). */
  connected(line: FxsPort, call: Call): void {
    this.step(line, { type: 'second-up', call: call.id });
  }

  private step(line: FxsPort, e: PhoneCallsEvent): void {
    const before = this.state(line);
    const { state, actions } = phoneCallsStep(before, e);
    if (state.name === 'idle') this.states.delete(line);
    else this.states.set(line, state);
    if (state.name !== before.name) this.deps.log.debug('phone calls', { port: line.port, from: before.name, to: state.name, event: e.type });
    for (const a of actions) {
      try {
        this.run(line, a);
      } catch (err) {
        this.deps.log.error('phone feature action failed', { port: line.port, action: a.type, err: toError(err).message });
      }
    }
    if (state.name !== 'conference') this.endConference(line);
  }

  private run(line: FxsPort, a: PhoneCallsAction): void {
    switch (a.type) {
      case 'collect-digits':
        return line.command({ type: 'collect-digits' });
      case 'waiting-gone':
        return line.command({ type: 'call-waiting-end' });
      case 'stop-ring':
        return line.command({ type: 'stop-ring' });
      case 'conference':
        return this.conference(line, a.calls);
      case 'transfer': {
        const held = this.deps.call(a.held);
        const second = this.deps.call(a.second);
        if (held === undefined || second === undefined) return;
        this.endConference(line);
        transferCalls({ clock: this.deps.clock, log: this.deps.log }, line, held, second, a.attended);
        return;
      }
      default:
        break;
    }
    const call = this.deps.call(a.call);
    if (call === undefined) return;
    if (a.type === 'call-gone') {
      const end = call.endedWith;
      if (end !== undefined) line.command(phoneCommandForEnd(call, line, end));
      return;
    }
    if (call.ended) return;
    switch (a.type) {
      case 'hold':
        call.routePhone(line, null);
        return call.holdSip(true);
      case 'resume':
        this.endConference(line);
        call.routePhone(line, undefined);
        call.holdSip(false);
        return line.command({ type: 'connected' });
      case 'take':
        this.deps.answer(call, line);
        return line.command({ type: 'connected' });
      case 'hang-up': {
        const side = call.sideFor(line);
        return call.end({ disposition: 'cancelled', cause: `port ${line.port} hung up`, ...(side !== undefined ? { by: side } : {}) });
      }
      case 'ring-back':
        call.ringing.add(line);
        return line.command({ type: 'ring', ...(call.callerId !== undefined ? { callerId: call.callerId } : {}) });
      case 'busy':
        call.ringing.delete(line);
        return;
    }
  }

  private conference(line: FxsPort, ids: readonly [CallId, CallId]): void {
    const calls = ids.map((id) => this.deps.call(id)).filter((c): c is Call => c !== undefined && !c.ended);
    if (calls.length !== 2) return;
    this.endConference(line);
    const mixer = new CallMixer({ port: line.callAudio });
    this.mixers.set(line, mixer);
    for (const c of calls) {
      c.routePhone(line, mixer.member());
      c.holdSip(false);
    }
    line.command({ type: 'connected' });
    this.deps.log.info('3-way call', { port: line.port, calls: calls.map((c) => c.id) });
  }

  private endConference(line: FxsPort): void {
    const mixer = this.mixers.get(line);
    if (mixer === undefined) return;
    this.mixers.delete(line);
    mixer.close();
  }
}
