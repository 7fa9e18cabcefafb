// The offer/answer examples of RFC 3264 §10, reproduced with Dialtone as one party where an
// audio-only ATA can play that part. Our answers differ from the RFC's in what we may not
// do (video) and in lines we always write (a=ptime, the direction attribute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SdpSession } from './session.js';
import { SdpError, type LocalMediaCapabilities, type NegotiatedMedia } from './types.js';
import { sdp } from './test-support/remote-sdps.js';

const BOB: LocalMediaCapabilities = {
  address: '192.0.2.2',
  port: 49920,
  codecs: ['PCMU', 'PCMA'],
  ptimeMs: 20,
  dtmf: 'rfc4733',
  direction: 'sendrecv',
};

function accepted(r: { answer: string; media: NegotiatedMedia } | SdpError): { answer: string; media: NegotiatedMedia } {
  if (r instanceof SdpError) assert.fail(`${r.status} ${r.message}`);
  return r;
}

function mLines(text: string): string[] {
  return text.split('\r\n').filter((l) => l.startsWith('m='));
}

// §10.1 Alice's offer: audio PCMU plus two video streams, c= an FQDN.
const ALICE_10_1 = sdp(
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 host.anywhere.com',
  's=',
  'c=IN IP4 host.anywhere.com',
  't=0 0',
  'm=audio 49170 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'm=video 51372 RTP/AVP 31',
  'a=rtpmap:31 H261/90000',
  'm=video 53000 RTP/AVP 32',
  'a=rtpmap:32 MPV/90000',
);

// §10.1 the later offer: audio moved to 65422 and a recvonly event stream added
// ("telephone-events" as spelt in the RFC). Here it is Alice's re-offer to us.
const REOFFER_10_1 = sdp(
  'v=0',
  'o=alice 2890844526 2890844527 IN IP4 host.anywhere.com',
  's=',
  'c=IN IP4 host.anywhere.com',
  't=0 0',
  'm=audio 65422 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'm=video 0 RTP/AVP 31',
  'm=video 53000 RTP/AVP 32',
  'a=rtpmap:32 MPV/90000',
  'm=audio 51434 RTP/AVP 110',
  'a=rtpmap:110 telephone-events/8000',
  'a=recvonly',
);

test('RFC 3264 §10.1 basic exchange: Bob (us) accepts audio, declines both video streams', () => {
  const bob = new SdpSession({ sessionId: '2890844730', initialVersion: 2890844730, username: 'bob' });
  const { answer, media } = accepted(bob.receiveOffer(ALICE_10_1, BOB));
  assert.equal(
    answer,
    sdp(
      'v=0',
      'o=bob 2890844730 2890844730 IN IP4 192.0.2.2',
      's=Dialtone',
      'c=IN IP4 192.0.2.2',
      't=0 0',
      'm=audio 49920 RTP/AVP 0',
      'a=rtpmap:0 PCMU/8000',
      'a=ptime:20',
      'a=sendrecv',
      'm=video 0 RTP/AVP 31',
      'm=video 0 RTP/AVP 32',
    ),
  );
  assert.equal(media.remoteAddress, 'host.anywhere.com');
  assert.equal(media.remotePort, 49170);
  assert.equal(media.codec.payloadType, 0);
  assert.equal(media.telephoneEvent, undefined, 'Alice offered no telephone-event');
});

test('RFC 3264 §10.1 re-offer: new remote port, an added stream declined, one more m= line, version + 1', () => {
  const bob = new SdpSession({ sessionId: '2890844730', initialVersion: 2890844730, username: 'bob' });
  accepted(bob.receiveOffer(ALICE_10_1, BOB));
  const { answer, media } = accepted(bob.receiveOffer(REOFFER_10_1, BOB));
  assert.equal(media.remotePort, 65422);
  assert.equal(media.rtcpPort, 65423);
  assert.deepEqual(mLines(answer), [
    'm=audio 49920 RTP/AVP 0',
    'm=video 0 RTP/AVP 31',
    'm=video 0 RTP/AVP 32',
    'm=audio 0 RTP/AVP 110',
  ]);
  assert.match(answer, /^o=bob 2890844730 2890844731 IN IP4 192\.0\.2\.2$/m);
});

// §10.2 one-of-N codec selection: Alice's inactive offer with three codecs.
const ALICE_10_2 = sdp(
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 host.anywhere.com',
  's=',
  'c=IN IP4 host.anywhere.com',
  't=0 0',
  'm=audio 62986 RTP/AVP 0 4 18',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:4 G723/8000',
  'a=rtpmap:18 G729/8000',
  'a=inactive',
);

test('RFC 3264 §10.2 one of N: the inactive offer gets an inactive answer with the one codec we share', () => {
  const bob = new SdpSession({ sessionId: '2890844730', initialVersion: 2890844731, username: 'bob' });
  const { answer, media } = accepted(bob.receiveOffer(ALICE_10_2, BOB));
  assert.deepEqual(mLines(answer), ['m=audio 49920 RTP/AVP 0']);
  assert.ok(answer.includes('a=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=inactive\r\n'));
  assert.ok(!answer.includes('G723') && !answer.includes('G729'));
  assert.match(answer, /^o=bob 2890844730 2890844731 /m);
  assert.equal(media.direction, 'inactive');
  assert.equal(media.remotePort, 62986);

  // Alice locks the codec down with a sendrecv re-offer (PCMU here: we have no G.723).
  const lock = accepted(bob.receiveOffer(
    ALICE_10_2.replace('m=audio 62986 RTP/AVP 0 4 18', 'm=audio 62986 RTP/AVP 0').replace('a=inactive', 'a=sendrecv'),
    BOB,
  ));
  assert.equal(lock.media.direction, 'sendrecv');
  assert.ok(lock.answer.includes('a=sendrecv\r\n'));
  assert.match(lock.answer, /^o=bob 2890844730 2890844732 /m);
});

test('RFC 3264 §10.2 with G.723 locked down: a codec we lack is refused with 488, the version unchanged', () => {
  const bob = new SdpSession({ sessionId: '2890844730', initialVersion: 2890844731, username: 'bob' });
  accepted(bob.receiveOffer(ALICE_10_2, BOB));
  const g723 = sdp(
    'v=0',
    'o=alice 2890844526 2890844527 IN IP4 host.anywhere.com',
    's=',
    'c=IN IP4 host.anywhere.com',
    't=0 0',
    'm=audio 62986 RTP/AVP 4',
    'a=rtpmap:4 G723/8000',
    'a=sendrecv',
  );
  const r = bob.receiveOffer(g723, BOB);
  assert.ok(r instanceof SdpError);
  assert.equal(r.status, 488);
  assert.equal(bob.sessionVersion, 2890844731);
});

test('RFC 3264 §10.2 from Alice\'s side: we offer inactive, the answer narrows the codecs, we lock one down', () => {
  const alice = new SdpSession({ sessionId: '2890844526', initialVersion: 2890844526, username: 'alice' });
  const local: LocalMediaCapabilities = { ...BOB, address: '192.0.2.1', port: 62986, dtmf: 'inband' };
  const offer = alice.createOffer({ ...local, direction: 'inactive' });
  assert.deepEqual(mLines(offer), ['m=audio 62986 RTP/AVP 0 8']);
  assert.ok(offer.endsWith('a=inactive\r\n'));
  const media = alice.receiveAnswer(
    sdp('v=0', 'o=bob 2890844730 2890844731 IN IP4 host.example.com', 's=', 'c=IN IP4 host.example.com', 't=0 0',
      'm=audio 54344 RTP/AVP 0 4', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:4 G723/8000', 'a=inactive'),
  );
  if (media instanceof SdpError) assert.fail(media.message);
  assert.equal(media.codec.name, 'PCMU');
  assert.equal(media.direction, 'inactive');
  assert.equal(media.remoteAddress, 'host.example.com');
  const lock = alice.createOffer({ ...local, codecs: [media.codec.name] });
  assert.deepEqual(mLines(lock), ['m=audio 62986 RTP/AVP 0']);
  assert.ok(lock.endsWith('a=sendrecv\r\n'));
  assert.match(lock, /^o=alice 2890844526 2890844527 /m);
});
