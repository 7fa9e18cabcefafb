/**
 * Non-INVITE client transaction: RFC 3261 §17.1.2 (Figure 6). Pure: `nictStep(state, event)`.
 */
import { nextInterval, timerT4Wait, transactionTimeout } from './timers.js';
import {
  assertNever, fx, illegal, isProvisional,
  type Effect, type MachineContext, type ResponseEvent, type Step, type TimerEvent, type TransportErrorEvent,
} from './types.js';

export type NictStateName = 'trying' | 'proceeding' | 'completed' | 'terminated';

export type NictContext = MachineContext;

export interface NictState<M> {
  readonly name: NictStateName;
  readonly ctx: NictContext;
  readonly request: M;
  /** The current Timer E interval. */
  readonly interval: number;
}

export type NictEvent<M> = ResponseEvent<M> | TimerEvent | TransportErrorEvent;

type R<M> = Step<NictState<M>, M>;

export function nictStart<M>(ctx: NictContext, request: M): R<M> {
  // "The "Trying" state is entered when the TU initiates a new client transaction with
  // a request. When entering this state, the client transaction SHOULD set timer F to
  // fire in 64*T1 seconds. The request MUST be passed to the transport layer for
  // transmission. If an unreliable transport is in use, the client transaction MUST
  // set timer E to fire in T1 seconds."
  const effects: Effect<M>[] = [fx.start('F', transactionTimeout(ctx.timers)), fx.send(request)];
  if (!ctx.reliable) effects.push(fx.start('E', ctx.timers.t1));
  return { state: { name: 'trying', ctx, request, interval: ctx.timers.t1 }, effects };
}

export function nictStep<M>(state: NictState<M>, event: NictEvent<M>): R<M> {
  const { ctx } = state;
  switch (state.name) {
    case 'trying':
    case 'proceeding':
      switch (event.type) {
        case 'timer':
          if (event.timer === 'E') {
            if (state.name === 'trying') {
              // "If timer E fires while still in this state, the timer is reset, but this
              // time with a value of MIN(2*T1, T2). When the timer fires again, it is reset
              // to a MIN(4*T1, T2). This process continues so that retransmissions occur
              // with an exponentially increasing interval that caps at T2."
              const interval = nextInterval(ctx.timers, state.interval, true);
              return { state: { ...state, interval }, effects: [fx.send(state.request), fx.start('E', interval)] };
            }
            // "If Timer E fires while in the "Proceeding" state, the request MUST be
            // passed to the transport layer for retransmission, and Timer E MUST be reset
            // with a value of T2 seconds."
            return {
              state: { ...state, interval: ctx.timers.t2 },
              effects: [fx.send(state.request), fx.start('E', ctx.timers.t2)],
            };
          }
          if (event.timer === 'F') {
            // "If Timer F fires while the client transaction is still in the "Trying"
            // state, the client transaction SHOULD inform the TU about the timeout, and
            // then it SHOULD enter the "Terminated" state." / "If timer F fires while in
            // the "Proceeding" state, the TU MUST be informed of a timeout, and the
            // client transaction MUST transition to the terminated state."
            return terminate(state, [fx.cancel('E'), fx.tu({ kind: 'timeout', timer: 'F' })]);
          }
          throw illegal('nict', state.name, `timer ${event.timer}`);
        case 'transportError':
          // §17.1.4: "the client transaction SHOULD inform the TU that a transport failure
          // has occurred, and the client transaction SHOULD transition directly to the
          // "Terminated" state."
          return terminate(state, [fx.cancel('E'), fx.cancel('F'), fx.tu({ kind: 'transportError' })]);
        case 'response': {
          const report = fx.tu<M>({ kind: 'response', message: event.message });
          if (isProvisional(event.status)) {
            // "If a provisional response is received while in the "Trying" state, the
            // response MUST be passed to the TU, and then the client transaction SHOULD
            // move to the "Proceeding" state." / "If a provisional response is received
            // while in the "Proceeding" state, it MUST be passed to the TU."
            return { state: { ...state, name: 'proceeding' }, effects: [report] };
          }
          if (event.status >= 200 && event.status <= 699) {
            // "If a final response (status codes 200-699) is received while in the
            // "Trying" state, the response MUST be passed to the TU, and the client
            // transaction MUST transition to the "Completed" state." ... "Once the client
            // transaction enters the "Completed" state, it MUST set Timer K to fire in T4
            // seconds for unreliable transports, and zero seconds for reliable transports."
            const effects: Effect<M>[] = [fx.cancel('E'), fx.cancel('F'), report];
            const k = timerT4Wait(ctx.timers, ctx.reliable);
            if (k === 0) return terminate(state, effects);
            return { state: { ...state, name: 'completed' }, effects: [...effects, fx.start('K', k)] };
          }
          return { state, effects: [] };
        }
        default:
          return assertNever(event);
      }
    case 'completed':
      switch (event.type) {
        case 'response':
          // "The "Completed" state exists to buffer any additional response
          // retransmissions that may be received (which is why the client transaction
          // remains there only for unreliable transports)."
          return { state, effects: [] };
        case 'timer':
          // "If Timer K fires while in this state, the client transaction MUST
          // transition to the "Terminated" state."
          if (event.timer === 'K') return terminate(state, []);
          throw illegal('nict', state.name, `timer ${event.timer}`);
        case 'transportError':
          // Nothing is sent in Completed; a late error changes nothing.
          return { state, effects: [] };
        default:
          return assertNever(event);
      }
    case 'terminated':
      throw illegal('nict', state.name, event.type);
    default:
      return assertNever(state.name);
  }
}

function terminate<M>(state: NictState<M>, effects: Effect<M>[]): R<M> {
  return { state: { ...state, name: 'terminated' }, effects: [...effects, fx.terminated()] };
}
