// Offer/answer against SDPs modelled on Asterisk, FreeSWITCH, rtpengine, Linphone, baresip
// and a carrier SBC (RFC 3264 §6, §7; RFC 4566; RFC 4733; RFC 3551).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SdpSession } from './session.js';
import { SdpError, type LocalMediaCapabilities, type NegotiatedMedia } from './types.js';
import {
  ASTERISK_ANSWER,
  ASTERISK_OFFER,
  BARESIP_OFFER,
  FREESWITCH_ANSWER,
  FREESWITCH_OFFER,
  LINPHONE_OFFER,
  LOCAL,
  PROVIDER_OFFER,
  RTPENGINE_OFFER,
  SAVP_THEN_AVP_OFFER,
  sdp,
} from './test-support/remote-sdps.js';

function answerOf(offer: string, local: LocalMediaCapabilities = LOCAL): { answer: string; media: NegotiatedMedia } {
  const r = new SdpSession({ sessionId: '4242' }).receiveOffer(offer, local);
  if (r instanceof SdpError) assert.fail(`unexpected SdpError ${r.status}: ${r.message}`);
  return r;
}

function lines(text: string): string[] {
  assert.ok(text.endsWith('\r\n'), 'CRLF line ends');
  return text.split('\r\n').slice(0, -1);
}

test('Asterisk offer: our first preference (PCMU) wins over the offer order; exact answer text', () => {
  const { answer, media } = answerOf(ASTERISK_OFFER);
  assert.deepEqual(media, {
    remoteAddress: '203.0.113.10',
    remotePort: 17862,
    rtcpPort: 17863,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, rtpClockRate: 8000 },
    telephoneEvent: { payloadType: 101, events: '0-16' },
    ptimeMs: 20,
    direction: 'sendrecv',
    remoteDirection: 'sendrecv',
    onHold: false,
  });
  assert.equal(
    answer,
    sdp(
      'v=0',
      'o=- 4242 1 IN IP4 192.0.2.50',
      's=Dialtone',
      'c=IN IP4 192.0.2.50',
      't=0 0',
      'm=audio 40000 RTP/AVP 0 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      'a=sendrecv',
    ),
  );
});

test('FreeSWITCH offer: opus skipped, PCMA chosen, telephone-event/8000 (not /48000), a=rtcp port', () => {
  const { answer, media } = answerOf(FREESWITCH_OFFER, { ...LOCAL, codecs: ['PCMA', 'PCMU'] });
  assert.equal(media.remoteAddress, '198.51.100.20');
  assert.equal(media.remotePort, 24580);
  assert.equal(media.rtcpPort, 24581);
  assert.deepEqual(media.codec, { name: 'PCMA', payloadType: 8, clockRate: 8000, rtpClockRate: 8000 });
  assert.deepEqual(media.telephoneEvent, { payloadType: 101, events: '0-16' });
  const l = lines(answer);
  assert.ok(l.includes('m=audio 40000 RTP/AVP 8 101'));
  assert.ok(l.includes('a=rtpmap:8 PCMA/8000'));
  assert.ok(l.includes('a=rtpmap:101 telephone-event/8000'));
  assert.ok(l.includes('a=fmtp:101 0-16'));
  assert.ok(!l.some((x) => x.includes('opus') || x.includes(':100 ')));
});

test('rtpengine IPv6 offer: IPv6 c=, dynamic telephone-event 96 with 0-15, IPv6 answer', () => {
  const local: LocalMediaCapabilities = { ...LOCAL, address: '2001:db8:200::50', codecs: ['PCMA', 'PCMU'] };
  const { answer, media } = answerOf(RTPENGINE_OFFER, local);
  assert.equal(media.remoteAddress, '2001:db8:100::5');
  assert.equal(media.remotePort, 30000);
  assert.equal(media.rtcpPort, 30001);
  assert.equal(media.codec.name, 'PCMA');
  assert.equal(media.codec.payloadType, 8);
  assert.deepEqual(media.telephoneEvent, { payloadType: 96, events: '0-15' });
  const l = lines(answer);
  assert.equal(l[1], 'o=- 4242 1 IN IP6 2001:db8:200::50');
  assert.ok(l.includes('c=IN IP6 2001:db8:200::50'));
  assert.ok(l.includes('m=audio 40000 RTP/AVP 8 96'));
  assert.ok(l.includes('a=rtpmap:96 telephone-event/8000'));
  assert.ok(l.includes('a=fmtp:96 0-15'));
});

test('Linphone audio+video: PCMU with telephone-event/8000 defaulting to 0-15, video declined with port 0', () => {
  const { answer, media } = answerOf(LINPHONE_OFFER);
  assert.equal(media.remoteAddress, '192.168.1.23');
  assert.equal(media.remotePort, 7078);
  assert.equal(media.rtcpPort, 7079);
  assert.deepEqual(media.codec, { name: 'PCMU', payloadType: 0, clockRate: 8000, rtpClockRate: 8000 });
  assert.deepEqual(media.telephoneEvent, { payloadType: 100, events: '0-15' });
  assert.equal(media.direction, 'sendrecv');
  const mLines = lines(answer).filter((x) => x.startsWith('m='));
  assert.deepEqual(mLines, ['m=audio 40000 RTP/AVP 0 100', 'm=video 0 RTP/AVP 96 97']);
  const afterVideo = answer.slice(answer.indexOf('m=video'));
  assert.equal(afterVideo, 'm=video 0 RTP/AVP 96 97\r\n', 'the declined stream carries no attributes');
  assert.ok(lines(answer).includes('a=fmtp:100 0-15'));
});

test('baresip: G.722 first in our list is chosen; its RTP clock is 8000 though it samples at 16 kHz', () => {
  const { answer, media } = answerOf(BARESIP_OFFER, { ...LOCAL, codecs: ['G722', 'PCMU'] });
  assert.deepEqual(media.codec, { name: 'G722', payloadType: 9, clockRate: 16000, rtpClockRate: 8000 });
  assert.deepEqual(media.telephoneEvent, { payloadType: 101, events: '0-15' });
  assert.equal(media.remoteAddress, '10.0.0.5');
  assert.equal(media.remotePort, 10000);
  const l = lines(answer);
  assert.ok(l.includes('m=audio 40000 RTP/AVP 9 101'));
  assert.ok(l.includes('a=rtpmap:9 G722/8000'));
});

test('carrier SBC: G.729 skipped, ptime 30 honoured, session-level c= and direction, video declined', () => {
  const { answer, media } = answerOf(PROVIDER_OFFER, { ...LOCAL, codecs: ['PCMA', 'PCMU'] });
  assert.equal(media.remoteAddress, '203.0.113.77');
  assert.equal(media.remotePort, 16384);
  assert.equal(media.codec.name, 'PCMA');
  assert.equal(media.codec.payloadType, 8);
  assert.equal(media.ptimeMs, 30);
  assert.equal(media.direction, 'sendrecv');
  const l = lines(answer);
  assert.deepEqual(
    l.filter((x) => x.startsWith('m=')),
    ['m=audio 40000 RTP/AVP 8 101', 'm=video 0 RTP/AVP 34'],
  );
  assert.ok(l.includes('a=ptime:20'), 'our own receive ptime');
  assert.ok(l.includes('a=sendrecv'));
});

test('case-insensitive rtpmap names and a dynamic payload type for PCMU; the answer keeps the numbers', () => {
  const offer = sdp(
    'v=0',
    'o=- 5 5 IN IP4 203.0.113.9',
    's=-',
    't=0 0',
    'm=audio 5004 RTP/AVP 98 97',
    'c=IN IP4 203.0.113.9',
    'a=rtpmap:98 pcmu/8000',
    'a=rtpmap:97 Telephone-Event/8000',
    'a=fmtp:97 0-11,16',
  );
  const { answer, media } = answerOf(offer);
  assert.equal(media.codec.name, 'PCMU');
  assert.equal(media.codec.payloadType, 98);
  assert.deepEqual(media.telephoneEvent, { payloadType: 97, events: '0-11,16' });
  const l = lines(answer);
  assert.ok(l.includes('m=audio 40000 RTP/AVP 98 97'));
  assert.ok(l.includes('a=rtpmap:98 PCMU/8000'));
  assert.ok(l.includes('a=fmtp:97 0-11,16'));
});

test('static payload types without a=rtpmap are understood (RFC 3551 Table 4)', () => {
  const offer = sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.4', 's=-', 'c=IN IP4 203.0.113.4', 't=0 0', 'm=audio 7000 RTP/AVP 18 8');
  const { media } = answerOf(offer);
  assert.equal(media.codec.name, 'PCMA');
  assert.equal(media.telephoneEvent, undefined);
});

test('best-effort SRTP: RTP/SAVP audio declined, the RTP/AVP copy accepted, m= count kept', () => {
  const { answer, media } = answerOf(SAVP_THEN_AVP_OFFER);
  assert.equal(media.remotePort, 6002);
  assert.deepEqual(
    lines(answer).filter((x) => x.startsWith('m=')),
    ['m=audio 0 RTP/SAVP 0 101', 'm=audio 40000 RTP/AVP 0 101'],
  );
});

test('two usable audio streams: the first is taken, the second declined', () => {
  const offer = sdp(
    'v=0', 'o=- 1 1 IN IP4 203.0.113.4', 's=-', 'c=IN IP4 203.0.113.4', 't=0 0',
    'm=audio 7000 RTP/AVP 0', 'm=audio 7002 RTP/AVP 8',
  );
  const { answer, media } = answerOf(offer);
  assert.equal(media.remotePort, 7000);
  assert.deepEqual(lines(answer).filter((x) => x.startsWith('m=')), ['m=audio 40000 RTP/AVP 0', 'm=audio 0 RTP/AVP 8']);
});

test('dtmf inband: telephone-event is neither offered nor answered', () => {
  const local: LocalMediaCapabilities = { ...LOCAL, dtmf: 'inband' };
  const { answer, media } = answerOf(ASTERISK_OFFER, local);
  assert.equal(media.telephoneEvent, undefined);
  assert.ok(lines(answer).includes('m=audio 40000 RTP/AVP 0'));
  assert.ok(!answer.includes('telephone-event'));
  const offer = new SdpSession().createOffer(local);
  assert.ok(offer.includes('m=audio 40000 RTP/AVP 0 8 9\r\n'));
  assert.ok(!offer.includes('telephone-event'));
});

test('our offer, answered by Asterisk: codec and telephone-event from the answer', () => {
  const s = new SdpSession({ sessionId: '99', initialVersion: 7 });
  const offer = s.createOffer({ ...LOCAL, codecs: ['PCMA', 'PCMU'] });
  assert.equal(
    offer,
    sdp(
      'v=0',
      'o=- 99 7 IN IP4 192.0.2.50',
      's=Dialtone',
      'c=IN IP4 192.0.2.50',
      't=0 0',
      'm=audio 40000 RTP/AVP 8 0 101',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      'a=sendrecv',
    ),
  );
  const media = s.receiveAnswer(ASTERISK_ANSWER);
  assert.deepEqual(media, {
    remoteAddress: '203.0.113.10',
    remotePort: 17864,
    rtcpPort: 17865,
    codec: { name: 'PCMA', payloadType: 8, clockRate: 8000, rtpClockRate: 8000 },
    telephoneEvent: { payloadType: 101, events: '0-16' },
    ptimeMs: 20,
    direction: 'sendrecv',
    remoteDirection: 'sendrecv',
    onHold: false,
  });
  assert.deepEqual(s.negotiated, media);
});

test('our offer, answered by FreeSWITCH: media-level c= overrides the session one; a=rtcp port', () => {
  const s = new SdpSession();
  s.createOffer(LOCAL);
  const media = s.receiveAnswer(FREESWITCH_ANSWER);
  if (media instanceof SdpError) assert.fail(media.message);
  assert.equal(media.remoteAddress, '198.51.100.21');
  assert.equal(media.remotePort, 26110);
  assert.equal(media.rtcpPort, 26111);
  assert.equal(media.codec.name, 'PCMU');
});

test('an answer listing several codecs: the first of the answer that we offered is used', () => {
  const s = new SdpSession();
  s.createOffer(LOCAL);
  const media = s.receiveAnswer(
    sdp('v=0', 'o=- 1 2 IN IP4 203.0.113.3', 's=-', 'c=IN IP4 203.0.113.3', 't=0 0', 'm=audio 9000 RTP/AVP 18 8 0', 'a=ptime:40'),
  );
  if (media instanceof SdpError) assert.fail(media.message);
  assert.equal(media.codec.name, 'PCMA');
  assert.equal(media.ptimeMs, 40);
  assert.equal(media.telephoneEvent, undefined);
});
