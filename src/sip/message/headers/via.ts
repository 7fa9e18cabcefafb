/**
 * Via (RFC 3261 §20.42, §25.1; rport RFC 3581):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 */
import { getParam, isToken, parseDigits, parseParams, type Param } from '../text.js';

export interface Via {
  protocol: string;
  version: string;
  /** Upper-cased transport: UDP, TCP, TLS, SCTP, WS, WSS or an extension token. */
  transport: string;
  host: string;
  port?: number;
  params: Param[];
  branch?: string;
  received?: string;
  /** `true` for a bare `;rport` (a request for RFC 3581 behaviour), a number once filled in. */
  rport?: number | true;
  maddr?: string;
  ttl?: number;
}

const SENT_PROTOCOL = /^([^/ \t]+)[ \t]*\/[ \t]*([^/ \t]+)[ \t]*\/[ \t]*([^/ \t]+)[ \t]+(.*)$/s;

export function parseVia(text: string): Via | string {
  const m = SENT_PROTOCOL.exec(text.trim());
  if (!m) return 'bad sent-protocol';
  const [, protocol = '', version = '', transport = '', rest = ''] = m;
  if (!isToken(protocol) || !isToken(version) || !isToken(transport)) return 'bad sent-protocol';
  const semi = rest.indexOf(';');
  const sentBy = (semi < 0 ? rest : rest.slice(0, semi)).trim();
  const hp = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?:[ \t]*:[ \t]*([0-9]{1,5}))?$/.exec(sentBy);
  if (!hp) return `bad sent-by "${sentBy.slice(0, 40)}"`;
  const params = parseParams(semi < 0 ? '' : rest.slice(semi));
  if (typeof params === 'string') return params;
  const via: Via = { protocol, version, transport: transport.toUpperCase(), host: hp[1] ?? '', params };
  if (hp[2] !== undefined) {
    const port = parseDigits(hp[2], 65535);
    if (port === undefined) return 'bad port';
    via.port = port;
  }
  const branch = getParam(params, 'branch');
  if (branch === null || branch === '') return 'empty branch';
  if (branch !== undefined) via.branch = branch;
  const received = getParam(params, 'received');
  if (received) via.received = received;
  const rport = getParam(params, 'rport');
  if (rport === null) via.rport = true;
  else if (rport !== undefined) {
    const n = parseDigits(rport, 65535);
    if (n === undefined) return 'bad rport';
    via.rport = n;
  }
  const maddr = getParam(params, 'maddr');
  if (maddr) via.maddr = maddr;
  const ttl = getParam(params, 'ttl');
  if (ttl !== undefined) {
    const n = ttl === null ? undefined : parseDigits(ttl, 255);
    if (n === undefined) return 'bad ttl';
    via.ttl = n;
  }
  return via;
}
