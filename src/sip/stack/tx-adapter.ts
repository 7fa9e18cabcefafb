/**
 * Binds the generic transaction layer to our message model: what it needs to
 * match transactions (RFC 3261 §17.1.3, §17.2.3) and to build the ACK for a
 * non-2xx final response (§17.1.1.3).
 */
import { createResponse, formatUri, SipHeaders, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import type { TxAdapter } from '../transaction/index.js';

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
  return r.value;
}

export const sipTxAdapter: TxAdapter<SipMessage> = {
  isRequest: (m) => m.kind === 'request',
  method: (m) => (m.kind === 'request' ? m.method : must(m.headers.cseq(), 'CSeq').method),
  status: (m) => (m.kind === 'response' ? m.status : 0),
  topViaBranch: (m) => {
    const via = m.headers.topVia();
    return via.ok ? via.value.branch : undefined;
  },
  topViaSentBy: (m) => {
    const via = must(m.headers.topVia(), 'Via');
    return via.port === undefined ? via.host.toLowerCase() : `${via.host.toLowerCase()}:${via.port}`;
  },
  requestUri: (m) => (m.kind === 'request' ? formatUri(m.uri) : ''),
  callId: (m) => must(m.headers.callId(), 'Call-ID'),
  fromTag: (m) => {
    const from = m.headers.from();
    return from.ok ? from.value.tag : undefined;
  },
  toTag: (m) => {
    const to = m.headers.to();
    return to.ok ? to.value.tag : undefined;
  },
  cseq: (m) => must(m.headers.cseq(), 'CSeq'),
  buildAck: (invite, response) => buildAck(invite as SipRequest, response as SipResponse),
  buildResponse: (request, status) => createResponse(request as SipRequest, status),
};

/** §17.1.1.3: the ACK for a non-2xx carries the INVITE's Request-URI, Call-ID, From, top Via and Route, the response's To, and CSeq with method ACK. */
export function buildAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  const topVia = invite.headers.getAll('Via')[0];
  if (topVia !== undefined) headers.append('Via', topVia);
  headers.append('Max-Forwards', '70');
  for (const name of ['From', 'Call-ID'] as const) {
    const v = invite.headers.get(name);
    if (v !== undefined) headers.append(name, v);
  }
  const to = response.headers.get('To');
  if (to !== undefined) headers.append('To', to);
  headers.append('CSeq', `${must(invite.headers.cseq(), 'CSeq').seq} ACK`);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  return { kind: 'request', method: 'ACK', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}
