// SRTP by SDES (RFC 4568), rtcp-mux (RFC 5761) and comfort noise (RFC 3389) in offer/answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SdpSession } from './session.js';
import { SdpError, type LocalMediaCapabilities, type NegotiatedMedia } from './types.js';
import { LOCAL, sdp } from './test-support/remote-sdps.js';

function ok<T>(r: T | SdpError): T {
  if (r instanceof SdpError) assert.fail(`${r.status} ${r.message}`);
  return r;
}

function exchange(offerer: LocalMediaCapabilities, answerer: LocalMediaCapabilities): { offer: string; answer: string; a: NegotiatedMedia; b: NegotiatedMedia; alice: SdpSession } {
  const alice = new SdpSession();
  const bob = new SdpSession();
  const offer = alice.createOffer(offerer);
  const { answer, media: b } = ok(bob.receiveOffer(offer, answerer));
  const a = ok(alice.receiveAnswer(answer));
  return { offer, answer, a, b, alice };
}

const lines = (text: string, prefix: string): string[] => text.split('\r\n').filter((l) => l.startsWith(prefix));

test('SRTP required meets SRTP accepted: RTP/SAVP, one crypto line answered, and each side decrypts with the other\'s key', () => {
  const { offer, answer, a, b } = exchange({ ...LOCAL, srtp: 'require' }, { ...LOCAL, srtp: 'accept' });
  assert.match(lines(offer, 'm=audio')[0] ?? '', /RTP\/SAVP/);
  assert.deepEqual(lines(offer, 'a=crypto').map((l) => l.split(' ').slice(0, 2).join(' ')), ['a=crypto:1 AES_CM_128_HMAC_SHA1_80', 'a=crypto:2 AES_CM_128_HMAC_SHA1_32']);
  assert.match(lines(answer, 'm=audio')[0] ?? '', /RTP\/SAVP/);
  assert.equal(lines(answer, 'a=crypto').length, 1);
  assert.match(lines(answer, 'a=crypto')[0] ?? '', /^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
  assert.ok(a.srtp !== undefined && b.srtp !== undefined);
  assert.equal(a.srtp.suite, 'AES_CM_128_HMAC_SHA1_80');
  const hex = (k: { masterKey: Uint8Array; masterSalt: Uint8Array }): string => Buffer.concat([k.masterKey, k.masterSalt]).toString('hex');
  assert.equal(hex(a.srtp.send), hex(b.srtp.receive));
  assert.equal(hex(a.srtp.receive), hex(b.srtp.send));
  assert.notEqual(hex(a.srtp.send), hex(a.srtp.receive), 'each side has its own key');
});

test('SRTP: a re-offer keeps the call\'s keys', () => {
  const alice = new SdpSession();
  const first = alice.createOffer({ ...LOCAL, srtp: 'require' });
  const again = alice.holdOffer({ ...LOCAL, srtp: 'require' });
  assert.deepEqual(lines(again, 'a=crypto'), lines(first, 'a=crypto'));
});

test('SRTP: plain offers to a box that requires SRTP, and SRTP offers to one that has it off, are refused with 488', () => {
  const plain = new SdpSession().createOffer(LOCAL);
  const refused = new SdpSession().receiveOffer(plain, { ...LOCAL, srtp: 'require' });
  assert.ok(refused instanceof SdpError && refused.status === 488 && /SRTP is required/.test(refused.message), JSON.stringify(refused));
  const secure = new SdpSession().createOffer({ ...LOCAL, srtp: 'require' });
  const off = new SdpSession().receiveOffer(secure, LOCAL);
  assert.ok(off instanceof SdpError && off.status === 488, JSON.stringify(off));
  // 'accept' takes a plain offer as plain RTP.
  const { media } = ok(new SdpSession().receiveOffer(plain, { ...LOCAL, srtp: 'accept' }));
  assert.equal(media.srtp, undefined);
});

test('SRTP: an offer with only suites we lack, or with an MKI, is refused; the answer must carry a tag we offered', () => {
  const offer = (crypto: string): string => sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.10', 's=-', 'c=IN IP4 203.0.113.10', 't=0 0',
    'm=audio 17862 RTP/SAVP 0', crypto);
  const aes256 = offer('a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31');
  const r1 = new SdpSession().receiveOffer(aes256, { ...LOCAL, srtp: 'accept' });
  assert.ok(r1 instanceof SdpError && /no SRTP crypto suite we support/.test(r1.message), JSON.stringify(r1));
  const mki = offer('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4');
  assert.ok(new SdpSession().receiveOffer(mki, { ...LOCAL, srtp: 'accept' }) instanceof SdpError);

  const alice = new SdpSession();
  alice.createOffer({ ...LOCAL, srtp: 'require' });
  const wrongTag = sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.20', 's=-', 'c=IN IP4 203.0.113.20', 't=0 0', 'm=audio 4000 RTP/SAVP 0',
    'a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR');
  const r2 = alice.receiveAnswer(wrongTag);
  assert.ok(r2 instanceof SdpError && /no crypto attribute matching our offer/.test(r2.message), JSON.stringify(r2));
});

test('rtcp-mux is used only when both sides list it (RFC 5761 §5.1.1)', () => {
  const both = exchange({ ...LOCAL, rtcpMux: true }, { ...LOCAL, rtcpMux: true });
  assert.equal(both.a.rtcpMux, true);
  assert.equal(both.b.rtcpMux, true);
  assert.deepEqual(lines(both.answer, 'a=rtcp-mux'), ['a=rtcp-mux']);
  const one = exchange({ ...LOCAL, rtcpMux: true }, LOCAL);
  assert.equal(one.a.rtcpMux, undefined);
  assert.equal(one.b.rtcpMux, undefined);
  assert.deepEqual(lines(one.answer, 'a=rtcp-mux'), []);
});

test('comfort noise: CN/8000 on payload type 13 when both sides list it', () => {
  const { offer, answer, a, b } = exchange({ ...LOCAL, comfortNoise: true }, { ...LOCAL, comfortNoise: true });
  assert.ok(lines(offer, 'a=rtpmap:13 CN/8000').length === 1);
  assert.ok(lines(answer, 'a=rtpmap:13 CN/8000').length === 1);
  assert.equal(a.comfortNoisePt, 13);
  assert.equal(b.comfortNoisePt, 13);
  assert.equal(exchange({ ...LOCAL, comfortNoise: true }, LOCAL).b.comfortNoisePt, undefined);
});
