/**
 * INVITE server transaction: RFC 3261 §17.2.1 (Figure 7) as updated by RFC 6026
 * §7.1 (the 'accepted' state and Timer L). Pure: `istStep(state, event)`.
 */
import { nextInterval, timerT4Wait, transactionTimeout } from './timers.js';
import {
  assertNever, fx, illegal, isFailure, isProvisional, isSuccess,
  type Effect, type MachineContext, type Step, type TimerEvent, type TransportErrorEvent,
} from './types.js';

export type IstStateName = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

export interface IstContext<M> extends MachineContext {
  /** The 100 Trying to send if the TU is silent for `timers.trying100Ms`; none when undefined. */
  readonly trying100?: M;
}

export interface IstState<M> {
  readonly name: IstStateName;
  readonly ctx: IstContext<M>;
  /** The most recent response sent, re-sent when the INVITE is retransmitted. */
  readonly lastResponse?: M;
  /** The current Timer G interval. */
  readonly interval: number;
}

export type IstEvent<M> =
  | { readonly type: 'request'; readonly message: M } // a retransmission of the INVITE
  | { readonly type: 'ack'; readonly message: M }
  | { readonly type: 'tuResponse'; readonly message: M; readonly status: number }
  | TimerEvent
  | TransportErrorEvent;

type R<M> = Step<IstState<M>, M>;

export function istStart<M>(ctx: IstContext<M>): R<M> {
  const state: IstState<M> = { name: 'proceeding', ctx, interval: ctx.timers.t1 };
  // "When a server transaction is constructed for a request, it enters the
  // "Proceeding" state. The server transaction MUST generate a 100 (Trying) response
  // unless it knows that the TU will generate a provisional or final response within
  // 200 ms, in which case it MAY generate a 100 (Trying) response."
  const delay = ctx.timers.trying100Ms;
  if (ctx.trying100 === undefined || delay === false) return { state, effects: [] };
  if (delay === 0) return { state: { ...state, lastResponse: ctx.trying100 }, effects: [fx.send(ctx.trying100)] };
  return { state, effects: [fx.start('Trying100', delay)] };
}

export function istStep<M>(state: IstState<M>, event: IstEvent<M>): R<M> {
  const { ctx } = state;
  if (event.type === 'transportError' && state.name !== 'terminated') {
    // §17.2.4: if the transport cannot deliver a response, "the server transaction
    // SHOULD inform the TU that a failure has occurred, and SHOULD transition to the
    // terminated state."
    return terminate(state, [...cancelAll<M>(), fx.tu({ kind: 'transportError' })]);
  }
  switch (state.name) {
    case 'proceeding':
      switch (event.type) {
        case 'request':
          // "If a request retransmission is received while in the "Proceeding" state, the
          // most recent provisional response that was received from the TU MUST be passed
          // to the transport layer for retransmission."
          return { state, effects: state.lastResponse === undefined ? [] : [fx.send(state.lastResponse)] };
        case 'ack':
          // An ACK before any final response matches nothing the RFC describes: absorb it.
          return { state, effects: [] };
        case 'tuResponse':
          return onTuResponse(state, event.message, event.status);
        case 'timer':
          if (event.timer === 'Trying100') {
            if (state.lastResponse !== undefined || ctx.trying100 === undefined) return { state, effects: [] };
            return { state: { ...state, lastResponse: ctx.trying100 }, effects: [fx.send(ctx.trying100)] };
          }
          throw illegal('ist', state.name, `timer ${event.timer}`);
        case 'transportError':
          throw illegal('ist', state.name, event.type); // handled above
        default:
          return assertNever(event);
      }
    case 'accepted':
      switch (event.type) {
        case 'request':
          // RFC 6026 §7.1: "The server transaction MUST NOT pass retransmitted INVITE
          // requests to the TU" — they are absorbed in the "Accepted" state.
          return { state, effects: [] };
        case 'ack':
          // RFC 6026 §7.1: "If an ACK is received while in the "Accepted" state, it
          // MUST be passed to the TU."
          return { state, effects: [fx.tu({ kind: 'request', message: event.message })] };
        case 'tuResponse':
          if (isSuccess(event.status)) {
            // RFC 6026 §7.1: "Any retransmissions of the 2xx response passed from the TU
            // to the transaction while in the "Accepted" state MUST be passed to the
            // transport layer for transmission."
            return { state: { ...state, lastResponse: event.message }, effects: [fx.send(event.message)] };
          }
          throw illegal('ist', state.name, `tuResponse ${event.status}`);
        case 'timer':
          // RFC 6026 §7.1: "If Timer L fires while the INVITE server transaction is in
          // the "Accepted" state, the transaction MUST transition to the "Terminated" state."
          if (event.timer === 'L') return terminate(state, []);
          if (event.timer === 'Trying100') return { state, effects: [] };
          throw illegal('ist', state.name, `timer ${event.timer}`);
        case 'transportError':
          throw illegal('ist', state.name, event.type);
        default:
          return assertNever(event);
      }
    case 'completed':
      switch (event.type) {
        case 'request':
          // "Furthermore, while in the "Completed" state, if a request retransmission is
          // received, the server SHOULD pass the response to the transport for retransmission."
          return { state, effects: state.lastResponse === undefined ? [] : [fx.send(state.lastResponse)] };
        case 'ack': {
          // "If an ACK is received while the server transaction is in the "Completed"
          // state, the server transaction MUST transition to the "Confirmed" state. As
          // Timer G is ignored in this state, any retransmissions of the response will
          // cease." ... "When this state is entered, timer I is set to fire in T4 seconds
          // for unreliable transports, and zero seconds for reliable transports."
          const effects: Effect<M>[] = [fx.cancel('G'), fx.cancel('H')];
          const i = timerT4Wait(ctx.timers, ctx.reliable);
          if (i === 0) return terminate(state, effects);
          return { state: { ...state, name: 'confirmed' }, effects: [...effects, fx.start('I', i)] };
        }
        case 'tuResponse':
          throw illegal('ist', state.name, `tuResponse ${event.status}`);
        case 'timer':
          if (event.timer === 'G') {
            // "If timer G fires, the response is passed to the transport layer once more
            // for retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds.
            // From then on, when timer G fires, the response is passed to the transport
            // again for transmission, and timer G is reset with a value that doubles,
            // unless that value exceeds T2, in which case it is reset with the value of T2."
            const interval = nextInterval(ctx.timers, state.interval, true);
            const effects: Effect<M>[] = state.lastResponse === undefined ? [] : [fx.send(state.lastResponse)];
            return { state: { ...state, interval }, effects: [...effects, fx.start('G', interval)] };
          }
          if (event.timer === 'H') {
            // "If timer H fires while in the "Completed" state, it implies that the ACK was
            // never received. In this case, the server transaction MUST transition to the
            // "Terminated" state, and MUST indicate to the TU that a transaction failure
            // has occurred."
            return terminate(state, [fx.cancel('G'), fx.tu({ kind: 'timeout', timer: 'H' })]);
          }
          if (event.timer === 'Trying100') return { state, effects: [] };
          throw illegal('ist', state.name, `timer ${event.timer}`);
        case 'transportError':
          throw illegal('ist', state.name, event.type);
        default:
          return assertNever(event);
      }
    case 'confirmed':
      switch (event.type) {
        case 'request':
        case 'ack':
          // "The purpose of the "Confirmed" state is to absorb any additional ACK messages
          // that arrive, triggered from retransmissions of the final response."
          return { state, effects: [] };
        case 'tuResponse':
          throw illegal('ist', state.name, `tuResponse ${event.status}`);
        case 'timer':
          // "Once timer I fires, the server MUST transition to the "Terminated" state."
          if (event.timer === 'I') return terminate(state, []);
          throw illegal('ist', state.name, `timer ${event.timer}`);
        case 'transportError':
          throw illegal('ist', state.name, event.type);
        default:
          return assertNever(event);
      }
    case 'terminated':
      throw illegal('ist', state.name, event.type);
    default:
      return assertNever(state.name);
  }

  function onTuResponse(s: IstState<M>, message: M, status: number): R<M> {
    if (isProvisional(status)) {
      // "The TU passes any number of provisional responses to the server transaction.
      // So long as the server transaction is in the "Proceeding" state, each of these
      // MUST be passed to the transport layer for transmission."
      return { state: { ...s, lastResponse: message }, effects: [fx.cancel('Trying100'), fx.send(message)] };
    }
    if (isSuccess(status)) {
      // RFC 6026 §7.1: "If, while in the "Proceeding" state, the TU passes a 2xx
      // response to the server transaction, the server transaction MUST pass this
      // response to the transport layer for transmission. ... The server transaction
      // MUST then transition to the "Accepted" state" and "Timer L ... MUST be set to
      // fire in 64*T1".
      return {
        state: { ...s, name: 'accepted', lastResponse: message },
        effects: [fx.cancel('Trying100'), fx.send(message), fx.start('L', transactionTimeout(ctx.timers))],
      };
    }
    if (isFailure(status)) {
      // "While in the "Proceeding" state, if the TU passes a response with status code
      // from 300 to 699 to the server transaction, the response MUST be passed to the
      // transport layer for transmission, and the state machine MUST enter the
      // "Completed" state. For unreliable transports, timer G is set to fire in T1
      // seconds, and is not set to fire for reliable transports." ... "When the
      // "Completed" state is entered, timer H MUST be set to fire in 64*T1 seconds for
      // all transports."
      const effects: Effect<M>[] = [fx.cancel('Trying100'), fx.send(message)];
      if (!ctx.reliable) effects.push(fx.start('G', ctx.timers.t1));
      effects.push(fx.start('H', transactionTimeout(ctx.timers)));
      return { state: { ...s, name: 'completed', lastResponse: message, interval: ctx.timers.t1 }, effects };
    }
    throw illegal('ist', s.name, `tuResponse ${status}`);
  }
}

function cancelAll<M>(): Effect<M>[] {
  return (['Trying100', 'G', 'H', 'I', 'L'] as const).map((t) => fx.cancel<M>(t));
}

function terminate<M>(state: IstState<M>, effects: Effect<M>[]): R<M> {
  return { state: { ...state, name: 'terminated' }, effects: [...effects, fx.terminated()] };
}
