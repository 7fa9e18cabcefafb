// RFC 3261 §12: dialog creation on both sides, in-dialog request building (loose and
// strict routing), CSeq rules and target refresh. Messages are serialized and re-parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, formatUri, parseMessage, serializeMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import {
  acceptRemoteSeq, buildAck, buildInDialogRequest, confirmUacDialog, createUacDialog, createUasDialog, nextLocalSeq, refreshTarget,
} from './index.js';

function wire<T extends SipMessage>(m: T): T {
  const r = parseMessage(serializeMessage(m));
  if (!r.ok) throw r.error;
  return r.message as T;
}

const INVITE = (): SipRequest => wire(createRequest({
  method: 'INVITE',
  uri: 'sip:bob@example.com',
  headers: [
    ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa'],
    ['Max-Forwards', '70'],
    ['From', '"Alice" <sip:alice@example.com>;tag=atag'],
    ['To', '<sip:bob@example.com>'],
    ['Call-ID', 'call-1'],
    ['CSeq', '7 INVITE'],
    ['Contact', '<sip:alice@192.0.2.1:5060>'],
    ['Record-Route', '<sip:p2.example.com;lr>, <sip:p1.example.com;lr>'],
  ],
}));

function answer(req: SipRequest, status: number, extra: [string, string][] = []): SipResponse {
  return wire(createResponse(req, status, undefined, { toTag: 'btag', headers: [['Contact', '<sip:bob@192.0.2.2:5070>'], ...req.headers.getAll('Record-Route').map((v): [string, string] => ['Record-Route', v]), ...extra] }));
}

test('UAC dialog from a 180: early, route set reversed, remote target from Contact', () => {
  const invite = INVITE();
  const r = createUacDialog(invite, answer(invite, 180));
  assert.ok(r.ok);
  const d = r.value;
  assert.equal(d.state, 'early');
  assert.equal(d.localTag, 'atag');
  assert.equal(d.remoteTag, 'btag');
  assert.equal(d.localSeq, 7);
  assert.equal(d.remoteSeq, undefined);
  assert.deepEqual(d.routeSet.map((a) => formatUri(a.uri)), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
  assert.equal(formatUri(d.remoteTarget), 'sip:bob@192.0.2.2:5070');
});

test('no dialog without a To tag; a 2xx confirms with a recomputed route set', () => {
  const invite = INVITE();
  const bare = wire(createResponse(invite, 180));
  assert.equal(createUacDialog(invite, bare).ok, false);
  const early = createUacDialog(invite, answer(invite, 183));
  assert.ok(early.ok);
  const ok = wire(createResponse(invite, 200, undefined, { toTag: 'btag', headers: [['Contact', '<sip:bob@192.0.2.9>'], ['Record-Route', '<sip:p9.example.com;lr>']] }));
  const c = confirmUacDialog(early.value, ok);
  assert.ok(c.ok);
  assert.equal(c.value.state, 'confirmed');
  assert.deepEqual(c.value.routeSet.map((a) => formatUri(a.uri)), ['sip:p9.example.com;lr']);
  assert.equal(formatUri(c.value.remoteTarget), 'sip:bob@192.0.2.9');
});

test('UAS dialog: route set in order, remote seq from the request, local seq empty', () => {
  const r = createUasDialog(INVITE(), 'btag');
  assert.ok(r.ok);
  assert.deepEqual(r.value.routeSet.map((a) => formatUri(a.uri)), ['sip:p2.example.com;lr', 'sip:p1.example.com;lr']);
  assert.equal(r.value.remoteSeq, 7);
  assert.equal(r.value.localSeq, undefined);
  assert.equal(r.value.remoteTag, 'atag');
  assert.equal(formatUri(r.value.remoteTarget), 'sip:alice@192.0.2.1:5060');
  const next = nextLocalSeq(r.value);
  assert.ok(next.seq >= 1 && next.seq < 2 ** 31);
  assert.equal(nextLocalSeq(next.dialog).seq, next.seq + 1);
});

test('in-dialog request, loose routing: Request-URI = remote target, Route = route set', () => {
  const invite = INVITE();
  const r = createUacDialog(invite, answer(invite, 200));
  assert.ok(r.ok);
  const bye = wire(buildInDialogRequest(r.value, 'BYE', { cseq: 8 }));
  assert.equal(formatUri(bye.uri), 'sip:bob@192.0.2.2:5070');
  assert.deepEqual(bye.headers.getAll('Route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  assert.equal(bye.headers.get('From'), '"Alice" <sip:alice@example.com>;tag=atag');
  assert.equal(bye.headers.get('To'), '<sip:bob@example.com>;tag=btag');
  assert.equal(bye.headers.get('CSeq'), '8 BYE');
  assert.equal(bye.headers.get('Call-ID'), 'call-1');
});

test('in-dialog request, strict routing: first route becomes the Request-URI, remote target the last Route', () => {
  const invite = INVITE();
  invite.headers.set('Record-Route', '<sip:strict.example.com;transport=udp>');
  const r = createUacDialog(invite, answer(invite, 200));
  assert.ok(r.ok);
  const bye = wire(buildInDialogRequest(r.value, 'BYE', { cseq: 8 }));
  assert.equal(formatUri(bye.uri), 'sip:strict.example.com;transport=udp');
  assert.deepEqual(bye.headers.getAll('Route'), ['<sip:bob@192.0.2.2:5070>']);
});

test('ACK for a 2xx: the INVITE CSeq number with method ACK and its credentials', () => {
  const invite = INVITE();
  invite.headers.append('Proxy-Authorization', 'Digest username="alice"');
  const r = createUacDialog(invite, answer(invite, 200));
  assert.ok(r.ok);
  const ack = wire(buildAck(r.value, 7, { invite }));
  assert.equal(ack.headers.get('CSeq'), '7 ACK');
  assert.equal(ack.headers.get('Proxy-Authorization'), 'Digest username="alice"');
});

test('§12.2.2: a lower CSeq gets 500; equal or higher is accepted; ACK/CANCEL are not checked', () => {
  const r = createUasDialog(INVITE(), 'btag');
  assert.ok(r.ok);
  const inDialog = (method: string, seq: number): SipRequest => wire(createRequest({
    method, uri: 'sip:bob@192.0.2.2', headers: [['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb'], ['From', '<sip:alice@example.com>;tag=atag'], ['To', '<sip:bob@example.com>;tag=btag'], ['Call-ID', 'call-1'], ['CSeq', `${seq} ${method}`]],
  }));
  assert.deepEqual(acceptRemoteSeq(r.value, inDialog('BYE', 6)), { ok: false, status: 500, reason: 'CSeq Out of Order' });
  const ok = acceptRemoteSeq(r.value, inDialog('INFO', 9));
  assert.ok(ok.ok && ok.dialog.remoteSeq === 9);
  assert.equal(acceptRemoteSeq(r.value, inDialog('ACK', 1)).ok, true);
});

test('target refresh: the Contact of a re-INVITE replaces the remote target', () => {
  const r = createUasDialog(INVITE(), 'btag');
  assert.ok(r.ok);
  const reinvite = INVITE();
  reinvite.headers.set('Contact', '<sip:alice@198.51.100.7:5062>');
  assert.equal(formatUri(refreshTarget(r.value, reinvite).remoteTarget), 'sip:alice@198.51.100.7:5062');
  reinvite.headers.remove('Contact');
  assert.equal(refreshTarget(r.value, reinvite), r.value);
});
