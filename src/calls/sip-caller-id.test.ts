import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import { parseMessage, type SipRequest } from '../sip/message/index.js';
import { callerIdFromInvite, callerIdTime, sipFromForCaller } from './sip-caller-id.js';

/** 14 March 2026, 15:09 local time: caller ID carries the local month, day, hour and minute. */
const WALL = new Date(2026, 2, 14, 15, 9, 42).getTime();
const TIME = { month: 3, day: 14, hour: 15, minute: 9 };

/** An INVITE as it comes off the wire: the usual headers, `From` and whatever else is given. */
function invite(from: string, extra: string[] = []): SipRequest {
  const text = [
    'INVITE sip:1001@192.0.2.10:5060 SIP/2.0',
    'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1',
    'Max-Forwards: 69',
    `From: ${from}`,
    'To: <sip:1001@sip.example.net>',
    'Call-ID: 8f2c@198.51.100.7',
    'CSeq: 1 INVITE',
    'Contact: <sip:gw@198.51.100.7:5060>',
    ...extra,
    'Content-Length: 0',
  ].join('\r\n');
  const r = parseMessage(Buffer.from(`${text}\r\n\r\n`, 'utf8'));
  assert.ok(r.ok, r.ok ? '' : r.error.reason);
  assert.ok(r.message.kind === 'request');
  return r.message;
}

function cid(from: string, extra: string[] = []): CallerIdInfo {
  return callerIdFromInvite(invite(from, extra), WALL);
}

test('From only: the user part is the number, the display name the name', () => {
  assert.deepEqual(cid('"Alice Smith" <sip:5551234@pbx.example.com>;tag=a1'), { number: '5551234', name: 'Alice Smith', time: TIME });
  // A token display name (unquoted) and a leading +.
  assert.deepEqual(cid('Bob <sip:+12125550199@pbx.example.com;user=phone>;tag=a1'), { number: '+12125550199', name: 'Bob', time: TIME });
});

test('From with a number and no display name: the number, no name and no name-absence code', () => {
  assert.deepEqual(cid('<sip:5551234@pbx.example.com>;tag=a1'), { number: '5551234', time: TIME });
  assert.deepEqual(cid('sip:5551234@pbx.example.com;tag=a1'), { number: '5551234', time: TIME });
});

test('P-Asserted-Identity wins over From, number and name', () => {
  const info = cid('"Spoofed" <sip:5550000@pbx.example.com>;tag=a1', ['P-Asserted-Identity: "Carrier Name" <sip:+15559876@carrier.example.com>']);
  assert.deepEqual(info, { number: '+15559876', name: 'Carrier Name', time: TIME });
});

test('a PAI with a number only: its number, the display name from From', () => {
  const info = cid('"Alice" <sip:5550000@pbx.example.com>;tag=a1', ['P-Asserted-Identity: <tel:+15559876>']);
  assert.deepEqual(info, { number: '+15559876', name: 'Alice', time: TIME });
});

test('two identities in one PAI field (sip and tel): the first one with a number', () => {
  const info = cid('<sip:5550000@pbx.example.com>;tag=a1', ['P-Asserted-Identity: "Carol" <sip:carol@carrier.example.com>, <tel:+15557777>']);
  assert.deepEqual(info, { number: '+15557777', name: 'Carol', time: TIME });
});

test('Remote-Party-ID is used when there is no PAI', () => {
  const info = cid('<sip:5550000@pbx.example.com>;tag=a1', ['Remote-Party-ID: "Bob Jones" <sip:5552222@gw.example.com>;party=calling;screen=yes;privacy=off']);
  assert.deepEqual(info, { number: '5552222', name: 'Bob Jones', time: TIME });
});

test('PAI beats Remote-Party-ID', () => {
  const info = cid('<sip:5550000@pbx.example.com>;tag=a1', [
    'Remote-Party-ID: "Rpid" <sip:5552222@gw.example.com>;party=calling;screen=yes',
    'P-Asserted-Identity: "Pai" <sip:5553333@carrier.example.com>',
  ]);
  assert.deepEqual(info, { number: '5553333', name: 'Pai', time: TIME });
});

test('Privacy: id (or header, user) withholds everything: private number and name', () => {
  const from = '"Alice" <sip:5551234@pbx.example.com>;tag=a1';
  const priv = { numberAbsence: 'private', nameAbsence: 'private', time: TIME };
  assert.deepEqual(cid(from, ['Privacy: id']), priv);
  assert.deepEqual(cid(from, ['Privacy: header;id', 'P-Asserted-Identity: <sip:+15559876@carrier.example.com>']), priv);
  assert.deepEqual(cid(from, ['Privacy: ID']), priv);
  assert.deepEqual(cid(from, ['Privacy: user']), priv);
  // "none" withholds nothing.
  assert.deepEqual(cid(from, ['Privacy: none']), { number: '5551234', name: 'Alice', time: TIME });
});

test('an anonymous From (RFC 3323) is private', () => {
  const priv = { numberAbsence: 'private', nameAbsence: 'private', time: TIME };
  assert.deepEqual(cid('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=a1'), priv);
  assert.deepEqual(cid('<sip:anonymous@pbx.example.com>;tag=a1'), priv);
  assert.deepEqual(cid('"Anonymous" <sip:user@anonymous.invalid>;tag=a1'), priv);
});

test('an anonymous From with a network-asserted number: the asserted number', () => {
  const info = cid('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=a1', ['P-Asserted-Identity: <sip:+15559876@carrier.example.com>']);
  assert.deepEqual(info, { number: '+15559876', time: TIME });
});

test('Remote-Party-ID privacy=full with an anonymous From: private', () => {
  const info = cid('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=a1', ['Remote-Party-ID: "Bob" <sip:5552222@gw.example.com>;party=calling;privacy=full']);
  assert.deepEqual(info, { numberAbsence: 'private', nameAbsence: 'private', time: TIME });
});

test('Remote-Party-ID privacy=full withholds the caller even when From carries the number', () => {
  // Asterisk/Cisco with sendrpid: the real identity in From, privacy=full in RPID asks that it be withheld.
  const info = cid('"Bob" <sip:5552222@gw.example.com>;tag=a1', ['Remote-Party-ID: "Bob" <sip:5552222@gw.example.com>;party=calling;privacy=full;screen=yes']);
  assert.deepEqual(info, { numberAbsence: 'private', nameAbsence: 'private', time: TIME });
});

test('Remote-Party-ID privacy=name keeps the number but withholds the name', () => {
  const info = cid('"Bob Jones" <sip:5552222@gw.example.com>;tag=a1', ['Remote-Party-ID: "Bob Jones" <sip:5552222@gw.example.com>;party=calling;privacy=name']);
  assert.equal(info.number, '5552222');
  assert.equal(info.name, undefined);
});

test('Remote-Party-ID with screen=no and no PAI is not trusted: From is used', () => {
  const info = cid('"Real" <sip:5551111@pbx.example.com>;tag=a1', ['Remote-Party-ID: "Claimed" <sip:5552222@gw.example.com>;party=calling;screen=no']);
  assert.deepEqual(info, { number: '5551111', name: 'Real', time: TIME });
});

test('sip:alice@pbx without a display name: name "alice", number unavailable', () => {
  assert.deepEqual(cid('<sip:alice@pbx.example.com>;tag=a1'), { numberAbsence: 'unavailable', name: 'alice', time: TIME });
  // A display name beats the user part.
  assert.deepEqual(cid('"Alice A." <sip:alice@pbx.example.com>;tag=a1'), { numberAbsence: 'unavailable', name: 'Alice A.', time: TIME });
});

test('no user part at all: number and name unavailable', () => {
  assert.deepEqual(cid('<sip:pbx.example.com>;tag=a1'), { numberAbsence: 'unavailable', nameAbsence: 'unavailable', time: TIME });
});

test('tel: URIs give the number, visual separators removed', () => {
  assert.deepEqual(cid('"Dave" <tel:+1-212-555-0199>;tag=a1'), { number: '+12125550199', name: 'Dave', time: TIME });
  assert.deepEqual(cid('<tel:5551234;phone-context=example.com>;tag=a1'), { number: '5551234', time: TIME });
});

test('escaped and formatted user parts: the digits', () => {
  assert.deepEqual(cid('<sip:%2B15551234567@pbx.example.com>;tag=a1'), { number: '+15551234567', time: TIME });
  assert.deepEqual(cid('<sip:555-1234@pbx.example.com>;tag=a1'), { number: '5551234', time: TIME });
});

test('numbers longer than caller ID carries are cut to 20 digits', () => {
  assert.equal(cid('<sip:1234567890123456789012345@pbx.example.com>;tag=a1').number, '12345678901234567890');
});

test('names are cut to 15 characters and kept to printable ASCII', () => {
  assert.equal(cid('"Alexander Hamilton-Burr" <sip:5551234@pbx.example.com>;tag=a1').name, 'Alexander Hamil');
  // Accents lose their marks, other scripts are dropped.
  assert.equal(cid('"Jürgen Müller-Lüdenscheidt" <sip:5551234@pbx.example.com>;tag=a1').name, 'Jurgen Muller-L');
  assert.equal(cid('"李小龍 Bruce Lee" <sip:5551234@pbx.example.com>;tag=a1').name, 'Bruce Lee');
  assert.equal(cid('"Zoë 😀" <sip:5551234@pbx.example.com>;tag=a1').name, 'Zoe');
  // Nothing left of the name: no name, the number still shown.
  assert.deepEqual(cid('"李小龍" <sip:5551234@pbx.example.com>;tag=a1'), { number: '5551234', time: TIME });
  // A name made of nothing usable falls to the next identity that has one.
  assert.equal(cid('"Fallback" <sip:5551234@pbx.example.com>;tag=a1', ['P-Asserted-Identity: "😀" <sip:5551234@carrier.example.com>']).name, 'Fallback');
});

test('the time fields come from the wall-clock argument (local time)', () => {
  const info = callerIdFromInvite(invite('<sip:5551234@pbx.example.com>;tag=a1'), new Date(2027, 11, 31, 23, 59, 59).getTime());
  assert.deepEqual(info.time, { month: 12, day: 31, hour: 23, minute: 59 });
  assert.deepEqual(callerIdTime(new Date(2026, 0, 1, 0, 0).getTime()), { month: 1, day: 1, hour: 0, minute: 0 });
  // A withheld call carries the time too.
  assert.deepEqual(callerIdFromInvite(invite('<sip:5551234@pbx.example.com>;tag=a1', ['Privacy: id']), WALL).time, TIME);
});

test('sipFromForCaller: the number as the user part, the name as the display name', () => {
  assert.deepEqual(sipFromForCaller({ number: '5551234', name: 'ALICE', time: TIME }, 'sip.example.net'), { uri: 'sip:5551234@sip.example.net', displayName: 'ALICE' });
  assert.deepEqual(sipFromForCaller({ number: '5551234' }, 'sip.example.net'), { uri: 'sip:5551234@sip.example.net' });
  assert.deepEqual(sipFromForCaller({ number: '5551234', name: '' }, 'sip.example.net'), { uri: 'sip:5551234@sip.example.net' });
});

test('sipFromForCaller: formatting is stripped from the number; + * # kept', () => {
  assert.deepEqual(sipFromForCaller({ number: '(212) 555-0199' }, 'sip.example.net'), { uri: 'sip:2125550199@sip.example.net' });
  assert.deepEqual(sipFromForCaller({ number: '+44 20 7946 0000' }, 'sip.example.net'), { uri: 'sip:+442079460000@sip.example.net' });
});

test('sipFromForCaller: no caller ID, a withheld or an empty number is anonymous', () => {
  const anon = { uri: 'sip:anonymous@anonymous.invalid', displayName: 'Anonymous' };
  assert.deepEqual(sipFromForCaller(undefined, 'sip.example.net'), anon);
  assert.deepEqual(sipFromForCaller({ numberAbsence: 'private', nameAbsence: 'private' }, 'sip.example.net'), anon);
  assert.deepEqual(sipFromForCaller({ numberAbsence: 'unavailable', name: 'ALICE' }, 'sip.example.net'), anon);
  assert.deepEqual(sipFromForCaller({ number: '' }, 'sip.example.net'), anon);
  assert.deepEqual(sipFromForCaller({ number: '--' }, 'sip.example.net'), anon);
});

test('round trip: a landline caller placed in SIP reads back as the same caller ID', () => {
  const from = sipFromForCaller({ number: '5551234', name: 'ALICE' }, 'sip.example.net');
  assert.deepEqual(cid(`"${from.displayName ?? ''}" <${from.uri}>;tag=x`), { number: '5551234', name: 'ALICE', time: TIME });
  const anon = sipFromForCaller(undefined, 'sip.example.net');
  assert.deepEqual(cid(`"${anon.displayName ?? ''}" <${anon.uri}>;tag=x`), { numberAbsence: 'private', nameAbsence: 'private', time: TIME });
});
