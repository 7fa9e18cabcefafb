// o= sess-version handling (RFC 3264 §8, RFC 4566 §5.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SdpSession } from './session.js';
import { SdpError } from './types.js';
import { ASTERISK_HOLD_OFFER, ASTERISK_OFFER, LOCAL, NO_COMMON_CODEC_OFFER } from './test-support/remote-sdps.js';

function origin(text: string): string {
  const line = text.split('\r\n').find((l) => l.startsWith('o='));
  assert.ok(line !== undefined);
  return line;
}

test('re-sending the same offer keeps the version; any change bumps it by exactly one', () => {
  const s = new SdpSession({ sessionId: '123456', initialVersion: 5 });
  const a = s.createOffer(LOCAL);
  assert.equal(origin(a), 'o=- 123456 5 IN IP4 192.0.2.50');
  assert.equal(s.createOffer(LOCAL), a, 'identical re-send');
  const b = s.createOffer({ ...LOCAL, port: 40002 });
  assert.equal(origin(b), 'o=- 123456 6 IN IP4 192.0.2.50');
  assert.equal(s.createOffer({ ...LOCAL, port: 40002 }), b);
  assert.equal(origin(s.createOffer({ ...LOCAL, port: 40002, ptimeMs: 30 })), 'o=- 123456 7 IN IP4 192.0.2.50');
  assert.equal(s.sessionVersion, 7);
});

test('offers and answers share one version sequence; an unchanged answer keeps it', () => {
  const s = new SdpSession({ sessionId: '1' });
  const offer = s.createOffer(LOCAL);
  assert.equal(origin(offer), 'o=- 1 1 IN IP4 192.0.2.50');
  const first = s.receiveOffer(ASTERISK_OFFER, LOCAL);
  if (first instanceof SdpError) assert.fail(first.message);
  assert.equal(origin(first.answer), 'o=- 1 2 IN IP4 192.0.2.50', 'differs from our offer');
  const refresh = s.receiveOffer(ASTERISK_OFFER, LOCAL);
  if (refresh instanceof SdpError) assert.fail(refresh.message);
  assert.equal(refresh.answer, first.answer, 'a session refresh gets the same answer, same version');
  const hold = s.receiveOffer(ASTERISK_HOLD_OFFER, LOCAL);
  if (hold instanceof SdpError) assert.fail(hold.message);
  assert.equal(origin(hold.answer), 'o=- 1 3 IN IP4 192.0.2.50');
});

test('a refused offer sends nothing and so does not touch the version or the negotiated media', () => {
  const s = new SdpSession({ sessionId: '1' });
  const ok = s.receiveOffer(ASTERISK_OFFER, LOCAL);
  if (ok instanceof SdpError) assert.fail(ok.message);
  const before = s.negotiated;
  assert.ok(s.receiveOffer(NO_COMMON_CODEC_OFFER, LOCAL) instanceof SdpError);
  assert.equal(s.sessionVersion, 1);
  assert.equal(s.negotiated, before);
});

test('the session id is random by default and the o= address stays that of the first SDP', () => {
  const a = new SdpSession();
  const b = new SdpSession();
  assert.match(a.sessionId, /^\d+$/);
  assert.notEqual(a.sessionId, b.sessionId);
  a.createOffer(LOCAL);
  const moved = a.createOffer({ ...LOCAL, address: '192.0.2.99' });
  assert.equal(origin(moved), `o=- ${a.sessionId} 2 IN IP4 192.0.2.50`);
  assert.ok(moved.includes('c=IN IP4 192.0.2.99\r\n'));
});

test('a re-offer keeps the telephone-event number the peer chose (RFC 3264 §8.3.2)', () => {
  const s = new SdpSession();
  const offer = ASTERISK_OFFER.replaceAll(' 101', ' 96').replaceAll(':101', ':96');
  const r = s.receiveOffer(offer, LOCAL);
  if (r instanceof SdpError) assert.fail(r.message);
  assert.equal(r.media.telephoneEvent?.payloadType, 96);
  const reoffer = s.createOffer(LOCAL);
  assert.ok(reoffer.includes('m=audio 40000 RTP/AVP 0 8 9 96\r\n'));
  assert.ok(reoffer.includes('a=rtpmap:96 telephone-event/8000\r\n'));
});
