/**
 * Test support: a plain-object message type, its TxAdapter, and a harness that runs
 * a TransactionLayer on a FakeClock and records what was sent and reported.
 */
import { FakeClock } from '../../../clock.js';
import { MemoryLogger } from '../../../log.js';
import { TransactionLayer, type ClientTU, type TransactionUser, type TxAdapter } from '../layer.js';
import type { ClientTransaction, ServerTransaction } from '../shell.js';
import type { TimerConfig, TimerName } from '../types.js';

export interface FakeMsg {
  readonly kind: 'request' | 'response';
  readonly method: string; // request method, or the CSeq method of a response
  readonly status?: number;
  readonly branch?: string;
  readonly sentBy: string;
  readonly ruri?: string;
  readonly callId: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly seq: number;
  readonly note?: string;
}

export function request(method: string, over: Partial<FakeMsg> = {}): FakeMsg {
  return { kind: 'request', method, branch: 'z9hG4bK-1', sentBy: 'client.test:5060', ruri: 'sip:bob@ata.test',
    callId: 'call-1', fromTag: 'ft', seq: 1, ...over };
}

export function responseTo(req: FakeMsg, status: number, over: Partial<FakeMsg> = {}): FakeMsg {
  const { status: _s, ruri: _r, ...rest } = req;
  return { ...rest, kind: 'response', status, toTag: req.toTag ?? (status > 100 ? 'tt' : undefined), ...over };
}

export const fakeAdapter: TxAdapter<FakeMsg> = {
  isRequest: (m) => m.kind === 'request',
  method: (m) => m.method,
  status: (m) => m.status ?? 0,
  topViaBranch: (m) => m.branch,
  topViaSentBy: (m) => m.sentBy,
  requestUri: (m) => m.ruri ?? '',
  callId: (m) => m.callId,
  fromTag: (m) => m.fromTag,
  toTag: (m) => m.toTag,
  cseq: (m) => ({ seq: m.seq, method: m.method }),
  buildAck: (invite, response) => ({ ...invite, method: 'ACK', toTag: response.toTag, note: `ack-for-${response.status ?? 0}` }),
  buildResponse: (req, status) => responseTo(req, status),
};

export type Dest = string;

export interface Sent { readonly at: number; readonly message: FakeMsg; readonly dest: Dest }
export type Report =
  | { at: number; what: 'response'; status: number }
  | { at: number; what: 'timeout'; timer: TimerName }
  | { at: number; what: 'transportError' }
  | { at: number; what: 'newRequest'; method: string }
  | { at: number; what: 'ack' | 'strayAck' | 'strayResponse'; message: FakeMsg }
  | { at: number; what: 'serverTimeout'; timer: TimerName }
  | { at: number; what: 'serverTransportError' };

export interface Harness {
  readonly clock: FakeClock;
  readonly logger: MemoryLogger;
  readonly layer: TransactionLayer<FakeMsg, Dest>;
  readonly sent: Sent[];
  readonly reports: Report[];
  readonly servers: ServerTransaction<FakeMsg, Dest>[];
  /** Set to make the transport's send throw for matching messages. */
  failSend: (m: FakeMsg) => boolean;
  /** Set to change what the TU does with a new request. */
  onNewRequest: (req: FakeMsg, tx: ServerTransaction<FakeMsg, Dest>) => void;
  readonly clientTU: ClientTU<FakeMsg, Dest>;
  sentTimes(filter?: (m: FakeMsg) => boolean): number[];
}

export function harness(timers: Partial<TimerConfig> = {}, adapter: TxAdapter<FakeMsg> = fakeAdapter): Harness {
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const sent: Sent[] = [];
  const reports: Report[] = [];
  const servers: ServerTransaction<FakeMsg, Dest>[] = [];
  const tu: TransactionUser<FakeMsg, Dest> = {
    onNewRequest: (req, tx) => {
      reports.push({ at: clock.now(), what: 'newRequest', method: req.method });
      servers.push(tx);
      h.onNewRequest(req, tx);
    },
    onAck: (ack) => { reports.push({ at: clock.now(), what: 'ack', message: ack }); },
    onServerTimeout: (_tx, timer) => { reports.push({ at: clock.now(), what: 'serverTimeout', timer }); },
    onServerTransportError: () => { reports.push({ at: clock.now(), what: 'serverTransportError' }); },
    onStrayAck: (ack) => { reports.push({ at: clock.now(), what: 'strayAck', message: ack }); },
    onStrayResponse: (r) => { reports.push({ at: clock.now(), what: 'strayResponse', message: r }); },
  };
  const layer = new TransactionLayer<FakeMsg, Dest>({
    clock, logger, adapter, tu, timers,
    send: (message, dest) => {
      if (h.failSend(message)) throw new Error('network unreachable');
      sent.push({ at: clock.now(), message, dest });
    },
  });
  const h: Harness = {
    clock, logger, layer, sent, reports, servers,
    onNewRequest: () => undefined,
    failSend: () => false,
    clientTU: {
      onResponse: (r: FakeMsg, _tx: ClientTransaction<FakeMsg, Dest>) => { reports.push({ at: clock.now(), what: 'response', status: r.status ?? 0 }); },
      onTimeout: (_tx, timer) => { reports.push({ at: clock.now(), what: 'timeout', timer }); },
      onTransportError: () => { reports.push({ at: clock.now(), what: 'transportError' }); },
    },
    sentTimes: (filter = () => true) => sent.filter((s) => filter(s.message)).map((s) => s.at),
  };
  return h;
}
