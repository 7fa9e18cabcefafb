// Hold and resume (RFC 3264 §8.4, §6.1 direction table; RFC 2543 c=0.0.0.0 hold).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SdpSession } from './session.js';
import { SdpError, type LocalMediaCapabilities, type NegotiatedMedia } from './types.js';
import { ASTERISK_HOLD_OFFER, ASTERISK_OFFER, LOCAL, sdp } from './test-support/remote-sdps.js';

function offerWith(direction: string | undefined, address = '203.0.113.10'): string {
  const dir = direction === undefined ? [] : [`a=${direction}`];
  return sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.10', 's=-', `c=IN IP4 ${address}`, 't=0 0', 'm=audio 17862 RTP/AVP 0', ...dir);
}

function accept(s: SdpSession, offer: string, local: LocalMediaCapabilities = LOCAL): { answer: string; media: NegotiatedMedia } {
  const r = s.receiveOffer(offer, local);
  if (r instanceof SdpError) assert.fail(`${r.status} ${r.message}`);
  return r;
}

function directionLine(text: string): string | undefined {
  return text.split('\r\n').find((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l));
}

test('RFC 3264 §6.1 table: the answer mirrors the offer', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'sendrecv'],
    ['sendrecv', 'sendrecv'],
    ['sendonly', 'recvonly'],
    ['recvonly', 'sendonly'],
    ['inactive', 'inactive'],
  ];
  for (const [offered, answered] of cases) {
    const { answer, media } = accept(new SdpSession(), offerWith(offered));
    assert.equal(directionLine(answer), `a=${answered}`, `offer ${String(offered)}`);
    assert.equal(media.direction, answered);
  }
});

test('the answer combines the mirror with our own wish (we hold while they hold)', () => {
  const held: LocalMediaCapabilities = { ...LOCAL, direction: 'sendonly' };
  assert.equal(directionLine(accept(new SdpSession(), offerWith('sendrecv'), held).answer), 'a=sendonly');
  assert.equal(directionLine(accept(new SdpSession(), offerWith('sendonly'), held).answer), 'a=inactive');
  assert.equal(directionLine(accept(new SdpSession(), offerWith('recvonly'), held).answer), 'a=sendonly');
});

test('remote a=sendonly (Asterisk hold): we go recvonly and onHold; resume brings sendrecv back', () => {
  const s = new SdpSession({ sessionId: '10' });
  assert.equal(accept(s, ASTERISK_OFFER).media.onHold, false);
  const hold = accept(s, ASTERISK_HOLD_OFFER);
  assert.equal(hold.media.direction, 'recvonly');
  assert.equal(hold.media.remoteDirection, 'sendonly');
  assert.equal(hold.media.onHold, true);
  assert.equal(directionLine(hold.answer), 'a=recvonly');
  assert.match(hold.answer, /^o=- 10 2 /m);
  const resumed = accept(s, ASTERISK_OFFER);
  assert.equal(resumed.media.onHold, false);
  assert.equal(resumed.media.direction, 'sendrecv');
  assert.match(resumed.answer, /^o=- 10 3 /m);
});

test('remote a=inactive: we are inactive and on hold', () => {
  const { media } = accept(new SdpSession(), offerWith('inactive'));
  assert.equal(media.direction, 'inactive');
  assert.equal(media.onHold, true);
});

test('c=0.0.0.0 (RFC 2543 hold) with sendrecv: on hold, we must not send', () => {
  const { answer, media } = accept(new SdpSession(), offerWith(undefined, '0.0.0.0'));
  assert.equal(media.remoteAddress, '0.0.0.0');
  assert.equal(media.onHold, true);
  assert.equal(media.remoteDirection, 'sendonly');
  assert.equal(media.direction, 'recvonly');
  assert.equal(directionLine(answer), 'a=recvonly');
});

test('holdOffer is sendonly; resumeOffer is sendrecv; each is a new version', () => {
  const s = new SdpSession({ sessionId: '20' });
  const first = s.createOffer(LOCAL);
  assert.match(first, /^o=- 20 1 /m);
  s.receiveAnswer(offerWith('sendrecv'));
  const hold = s.holdOffer(LOCAL);
  assert.equal(directionLine(hold), 'a=sendonly');
  assert.match(hold, /^o=- 20 2 /m);
  const heldMedia = s.receiveAnswer(offerWith('recvonly'));
  if (heldMedia instanceof SdpError) assert.fail(heldMedia.message);
  assert.equal(heldMedia.direction, 'sendonly');
  assert.equal(heldMedia.onHold, false, 'we hold them; they do not hold us');
  const resume = s.resumeOffer(LOCAL);
  assert.equal(directionLine(resume), 'a=sendrecv');
  assert.match(resume, /^o=- 20 3 /m);
  assert.equal(resume.replace(/^o=.*$/m, ''), first.replace(/^o=.*$/m, ''), 'resume offers what the first offer did');
});

test('holdOffer is inactive when the remote already holds us', () => {
  const s = new SdpSession();
  accept(s, ASTERISK_HOLD_OFFER);
  assert.equal(s.negotiated?.onHold, true);
  assert.equal(directionLine(s.holdOffer(LOCAL)), 'a=inactive');
  const media = s.receiveAnswer(offerWith('inactive'));
  if (media instanceof SdpError) assert.fail(media.message);
  assert.equal(media.direction, 'inactive');
});

test('an answer that says sendrecv to our sendonly offer still leaves us sendonly', () => {
  const s = new SdpSession();
  s.holdOffer(LOCAL);
  const media = s.receiveAnswer(offerWith('sendrecv'));
  if (media instanceof SdpError) assert.fail(media.message);
  assert.equal(media.direction, 'sendonly');
});

test('a session-level a=sendonly applies to the audio stream (RFC 4566 §6)', () => {
  const offer = sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'a=sendonly', 'm=audio 4000 RTP/AVP 0');
  const { answer, media } = accept(new SdpSession(), offer);
  assert.equal(media.onHold, true);
  assert.equal(directionLine(answer), 'a=recvonly');
});
