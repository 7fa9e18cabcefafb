/**
 * Wires a RegistrationAgent to a real TransactionLayer whose `send` serializes, re-parses
 * and hands requests to a MockRegistrar; answers come back (serialized and re-parsed too)
 * through a zero-delay FakeClock timer, like a network hop.
 */
import { FakeClock } from '../../../clock.js';
import { MemoryLogger } from '../../../log.js';
import { parseMessage, serializeMessage, type SipMessage, type SipRequest } from '../../message/index.js';
import { sipTxAdapter } from '../../stack/tx-adapter.js';
import { TransactionLayer } from '../../transaction/index.js';
import type { Endpoint } from '../../transport/types.js';
import { RegistrationAgent, type RegistrationAccount, type RegistrationStatus } from '../registration.js';
import { MockRegistrar, type MockRegistrarOptions } from './mock-registrar.js';

export const REGISTRAR: Endpoint = { protocol: 'udp', address: '192.0.2.10', port: 5060 };

function reparse(m: SipMessage): SipMessage {
  const r = parseMessage(serializeMessage(m));
  if (!r.ok) throw new Error(`re-parse failed: ${r.error.message}`);
  return r.message;
}

export interface HarnessOptions {
  readonly account?: Partial<RegistrationAccount>;
  readonly expiresS?: number;
  readonly registrar?: MockRegistrarOptions;
}

export interface Harness {
  readonly clock: FakeClock;
  readonly log: MemoryLogger;
  readonly layer: TransactionLayer<SipMessage, Endpoint>;
  readonly registrar: MockRegistrar;
  readonly agent: RegistrationAgent;
  /** Every 'state' event, in order. */
  readonly events: RegistrationStatus[];
  /** Lets in-flight answers arrive (advances the clock by 0). */
  settle(): void;
}

export function harness(opts: HarnessOptions = {}): Harness {
  const clock = new FakeClock();
  const log = new MemoryLogger([], {}, 'warn');
  const registrar = new MockRegistrar(opts.registrar);
  const layerRef: { layer?: TransactionLayer<SipMessage, Endpoint> } = {};
  const layer = new TransactionLayer<SipMessage, Endpoint>({
    clock,
    logger: log,
    adapter: sipTxAdapter,
    tu: { onNewRequest: () => undefined },
    send: (message, dest) => {
      if (dest.address !== REGISTRAR.address || message.kind !== 'request') return;
      const response = registrar.handle(reparse(message) as SipRequest);
      if (response === undefined) return;
      const wire = reparse(response);
      clock.setTimer(0, () => layerRef.layer?.receive(wire, REGISTRAR, false));
    },
  });
  layerRef.layer = layer;
  const agent = new RegistrationAgent({
    account: { id: 'acct1', username: 'alice', password: 'secret', domain: 'dialtone.test', ...opts.account },
    registrar: REGISTRAR,
    contact: { host: '192.0.2.55', port: 5062, transport: 'udp' },
    expiresS: opts.expiresS ?? 3600,
    layer,
    clock,
    log,
    userAgent: 'Dialtone/test',
  });
  const events: RegistrationStatus[] = [];
  agent.on('state', (s) => events.push(s));
  return { clock, log, layer, registrar, agent, events, settle: () => clock.advance(0) };
}
