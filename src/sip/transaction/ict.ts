/**
 * INVITE client transaction: RFC 3261 §17.1.1 (Figure 5) as updated by RFC 6026
 * §7.2 (the 'accepted' state and Timer M). Pure: `ictStep(state, event)`.
 */
import { timerD, transactionTimeout } from './timers.js';
import {
  assertNever, fx, illegal, isFailure, isProvisional, isSuccess,
  type Effect, type MachineContext, type ResponseEvent, type Step, type TimerEvent, type TransportErrorEvent,
} from './types.js';

export type IctStateName = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

export interface IctContext<M> extends MachineContext {
  /** Builds the ACK for a 300–699 response (RFC 3261 §17.1.1.3). */
  readonly buildAck: (invite: M, response: M) => M;
}

export interface IctState<M> {
  readonly name: IctStateName;
  readonly ctx: IctContext<M>;
  readonly request: M;
  /** The current Timer A interval. */
  readonly interval: number;
  /** The ACK sent for the non-2xx final response, re-sent on its retransmissions. */
  readonly ack?: M;
}

export type IctEvent<M> = ResponseEvent<M> | TimerEvent | TransportErrorEvent;

type R<M> = Step<IctState<M>, M>;

export function ictStart<M>(ctx: IctContext<M>, request: M): R<M> {
  const state: IctState<M> = { name: 'calling', ctx, request, interval: ctx.timers.t1 };
  // "The initial state, "calling", MUST be entered when the TU initiates a new client
  // transaction with an INVITE request. The client transaction MUST pass the request
  // to the transport layer for transmission (see Section 18). If an unreliable
  // transport is being used, the client transaction MUST start timer A with a value
  // of T1. If a reliable transport is being used, the client transaction SHOULD NOT
  // start timer A (Timer A controls request retransmissions). For any transport, the
  // client transaction MUST start timer B with a value of 64*T1 seconds (Timer B
  // controls transaction timeouts)."
  const effects: Effect<M>[] = [fx.send(request)];
  if (!ctx.reliable) effects.push(fx.start('A', ctx.timers.t1));
  effects.push(fx.start('B', transactionTimeout(ctx.timers)));
  return { state, effects };
}

export function ictStep<M>(state: IctState<M>, event: IctEvent<M>): R<M> {
  const { ctx } = state;
  switch (state.name) {
    case 'calling':
    case 'proceeding':
      switch (event.type) {
        case 'timer':
          if (event.timer === 'A' && state.name === 'calling') {
            // "When timer A fires, the client transaction MUST retransmit the request by
            // passing it to the transport layer, and MUST reset the timer with a value
            // of 2*T1. ... When timer A fires 2*T1 seconds later, the request MUST be
            // retransmitted again (assuming the client transaction is still in this
            // state). This process MUST continue so that the request is retransmitted
            // with intervals that double after each transmission."
            const interval = 2 * state.interval;
            return { state: { ...state, interval }, effects: [fx.send(state.request), fx.start('A', interval)] };
          }
          if (event.timer === 'B' && state.name === 'calling') {
            // "If the client transaction is still in the "Calling" state when timer B
            // fires, the client transaction SHOULD inform the TU that a timeout has
            // occurred. The client transaction MUST NOT generate an ACK."
            return terminate(state, [fx.cancel('A'), fx.tu({ kind: 'timeout', timer: 'B' })]);
          }
          throw illegal('ict', state.name, `timer ${event.timer}`);
        case 'transportError':
          // §17.1.4: "the client transaction SHOULD inform the TU that a transport
          // failure has occurred, and the client transaction SHOULD transition directly
          // to the "Terminated" state."
          return terminate(state, [fx.cancel('A'), fx.cancel('B'), fx.tu({ kind: 'transportError' })]);
        case 'response':
          return onResponse(state, event);
        default:
          return assertNever(event);
      }
    case 'accepted':
      switch (event.type) {
        case 'response':
          if (isSuccess(event.status)) {
            // RFC 6026 §7.2: "any 2xx responses that match this client transaction and
            // that are received while in the "Accepted" state MUST be passed up to the TU."
            return { state, effects: [fx.tu({ kind: 'response', message: event.message })] };
          }
          // Other responses in Accepted are absorbed: the 2xx already ended the exchange.
          return { state, effects: [] };
        case 'timer':
          // RFC 6026 §7.2: "If Timer M fires while the client transaction is in the
          // "Accepted" state, the client transaction MUST move to the "Terminated" state."
          if (event.timer === 'M') return terminate(state, []);
          throw illegal('ict', state.name, `timer ${event.timer}`);
        case 'transportError':
          // The TU already has the 2xx and sends its own ACK; nothing of ours can fail.
          return { state, effects: [] };
        default:
          return assertNever(event);
      }
    case 'completed':
      switch (event.type) {
        case 'response':
          if (isFailure(event.status) && state.ack !== undefined) {
            // "Any retransmissions of the final response that are received while in
            // the "Completed" state MUST cause the ACK to be re-passed to the transport
            // layer for retransmission, but the newly received response MUST NOT be
            // passed up to the TU."
            return { state, effects: [fx.send(state.ack)] };
          }
          return { state, effects: [] };
        case 'timer':
          // "If timer D fires while the client transaction is in the "Completed" state,
          // the client transaction MUST move to the terminated state."
          if (event.timer === 'D') return terminate(state, []);
          throw illegal('ict', state.name, `timer ${event.timer}`);
        case 'transportError':
          // The TU already has the final response; a lost ACK is recovered when the
          // server retransmits the response and the ACK is re-sent.
          return { state, effects: [] };
        default:
          return assertNever(event);
      }
    case 'terminated':
      throw illegal('ict', state.name, event.type);
    default:
      return assertNever(state.name);
  }

  function onResponse(s: IctState<M>, event: ResponseEvent<M>): R<M> {
    const report = fx.tu<M>({ kind: 'response', message: event.message });
    if (isProvisional(event.status)) {
      if (s.name === 'calling') {
        // "If the client transaction receives a provisional response while in the
        // "Calling" state, it transitions to the "Proceeding" state. In the "Proceeding"
        // state, the client transaction SHOULD NOT retransmit the request any longer.
        // Furthermore, the provisional response MUST be passed to the TU."
        return { state: { ...s, name: 'proceeding' }, effects: [fx.cancel('A'), fx.cancel('B'), report] };
      }
      // "Any further provisional responses MUST be passed up to the TU while in the
      // "Proceeding" state."
      return { state: s, effects: [report] };
    }
    if (isSuccess(event.status)) {
      // RFC 6026 §8.4: "If a 2xx response is received while the client INVITE state
      // machine is in the "Calling" or "Proceeding" states, it MUST transition to the
      // "Accepted" state, pass the 2xx response to the TU, and set Timer M to 64*T1."
      return {
        state: { ...s, name: 'accepted' },
        effects: [fx.cancel('A'), fx.cancel('B'), report, fx.start('M', transactionTimeout(ctx.timers))],
      };
    }
    if (isFailure(event.status)) {
      // "When in either the "Calling" or "Proceeding" states, reception of a response
      // with status code from 300-699 MUST cause the client transaction to transition
      // to "Completed". The client transaction MUST pass the received response up to
      // the TU, and the client transaction MUST generate an ACK request, even if the
      // transport is reliable (guidelines for constructing the ACK from the response
      // are given in Section 17.1.1.3) and then pass the ACK to the transport layer for
      // transmission. ... The client transaction SHOULD start timer D when it enters
      // the "Completed" state, with a value of at least 32 seconds for unreliable
      // transports, and a value of zero seconds for reliable transports."
      const ack = ctx.buildAck(s.request, event.message);
      const effects: Effect<M>[] = [fx.cancel('A'), fx.cancel('B'), report, fx.send(ack)];
      const d = timerD(ctx.timers, ctx.reliable);
      if (d === 0) return terminate({ ...s, ack }, effects);
      return { state: { ...s, name: 'completed', ack }, effects: [...effects, fx.start('D', d)] };
    }
    // Status codes outside 100–699 are not valid responses; drop them.
    return { state: s, effects: [] };
  }
}

function terminate<M>(state: IctState<M>, effects: Effect<M>[]): R<M> {
  return { state: { ...state, name: 'terminated' }, effects: [...effects, fx.terminated()] };
}
