/**
 * Non-INVITE server transaction: RFC 3261 §17.2.2 (Figure 8). Pure: `nistStep(state, event)`.
 */
import { timerJ } from './timers.js';
import {
  assertNever, fx, illegal, isProvisional,
  type Effect, type MachineContext, type Step, type TimerEvent, type TransportErrorEvent,
} from './types.js';

export type NistStateName = 'trying' | 'proceeding' | 'completed' | 'terminated';

export type NistContext = MachineContext;

export interface NistState<M> {
  readonly name: NistStateName;
  readonly ctx: NistContext;
  /** The most recent response sent, re-sent when the request is retransmitted. */
  readonly lastResponse?: M;
}

export type NistEvent<M> =
  | { readonly type: 'request'; readonly message: M } // a retransmission of the request
  | { readonly type: 'tuResponse'; readonly message: M; readonly status: number }
  | TimerEvent
  | TransportErrorEvent;

type R<M> = Step<NistState<M>, M>;

export function nistStart<M>(ctx: NistContext): R<M> {
  // "The state machine is initialized in the "Trying" state and is passed a request
  // other than INVITE or ACK when initialized. This request is passed up to the TU."
  // (The shell hands the request to the TU.)
  return { state: { name: 'trying', ctx }, effects: [] };
}

export function nistStep<M>(state: NistState<M>, event: NistEvent<M>): R<M> {
  const { ctx } = state;
  switch (state.name) {
    case 'trying':
    case 'proceeding':
      switch (event.type) {
        case 'request':
          if (state.name === 'trying') {
            // "Once in the "Trying" state, any further request retransmissions are discarded."
            return { state, effects: [] };
          }
          // "If a retransmission of the request is received while in the "Proceeding"
          // state, the most recently sent provisional response MUST be passed to the
          // transport layer for retransmission."
          return { state, effects: state.lastResponse === undefined ? [] : [fx.send(state.lastResponse)] };
        case 'tuResponse': {
          if (isProvisional(event.status)) {
            // "While in the "Trying" state, if the TU passes a provisional response to the
            // server transaction, the server transaction MUST enter the "Proceeding" state.
            // The response MUST be passed to the transport layer for transmission. Any
            // further provisional responses that are received from the TU while in the
            // "Proceeding" state MUST be passed to the transport layer for transmission."
            return { state: { ...state, name: 'proceeding', lastResponse: event.message }, effects: [fx.send(event.message)] };
          }
          if (event.status >= 200 && event.status <= 699) {
            // "If the TU passes a final response (status codes 200-699) to the server while
            // in the "Proceeding" state, the transaction MUST enter the "Completed" state,
            // and the response MUST be passed to the transport layer for transmission."
            // "When the server transaction enters the "Completed" state, it MUST set Timer J
            // to fire in 64*T1 seconds for unreliable transports, and zero seconds for
            // reliable transports."
            const effects: Effect<M>[] = [fx.send(event.message)];
            const j = timerJ(ctx.timers, ctx.reliable);
            if (j === 0) return terminate(state, effects);
            return {
              state: { ...state, name: 'completed', lastResponse: event.message },
              effects: [...effects, fx.start('J', j)],
            };
          }
          throw illegal('nist', state.name, `tuResponse ${event.status}`);
        }
        case 'timer':
          throw illegal('nist', state.name, `timer ${event.timer}`);
        case 'transportError':
          // §17.2.4: "the server transaction SHOULD inform the TU that a failure has
          // occurred, and SHOULD transition to the terminated state."
          return terminate(state, [fx.tu({ kind: 'transportError' })]);
        default:
          return assertNever(event);
      }
    case 'completed':
      switch (event.type) {
        case 'request':
          // "While in the "Completed" state, the server transaction MUST pass the final
          // response to the transport layer for retransmission whenever a retransmission
          // of the request is received."
          return { state, effects: state.lastResponse === undefined ? [] : [fx.send(state.lastResponse)] };
        case 'tuResponse':
          // "Any other final responses passed by the TU to the server transaction MUST be
          // discarded while in the "Completed" state."
          return { state, effects: [] };
        case 'timer':
          // "The server transaction remains in this state until Timer J fires, at which
          // point it MUST transition to the "Terminated" state."
          if (event.timer === 'J') return terminate(state, []);
          throw illegal('nist', state.name, `timer ${event.timer}`);
        case 'transportError':
          return terminate(state, [fx.cancel('J'), fx.tu({ kind: 'transportError' })]);
        default:
          return assertNever(event);
      }
    case 'terminated':
      throw illegal('nist', state.name, event.type);
    default:
      return assertNever(state.name);
  }
}

function terminate<M>(state: NistState<M>, effects: Effect<M>[]): R<M> {
  return { state: { ...state, name: 'terminated' }, effects: [...effects, fx.terminated()] };
}
