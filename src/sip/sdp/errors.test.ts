// Refusals are returned as typed SdpErrors, never thrown (RFC 3264 §6, RFC 3261 §20.43 warnings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SdpSession } from './session.js';
import { SdpError } from './types.js';
import { ASTERISK_ANSWER, LOCAL, NO_COMMON_CODEC_OFFER, sdp } from './test-support/remote-sdps.js';

function refusal(r: unknown): SdpError {
  assert.ok(r instanceof SdpError, `expected an SdpError, got ${JSON.stringify(r)}`);
  return r;
}

test('no common codec: 488 Not Acceptable Here with Warning 305', () => {
  const e = refusal(new SdpSession().receiveOffer(NO_COMMON_CODEC_OFFER, LOCAL));
  assert.equal(e.status, 488);
  assert.equal(e.reason, 'Not Acceptable Here');
  assert.equal(e.warning.code, 305);
  assert.equal(e.code, 'sdp_not_acceptable');
});

test('no audio at all (video or T.38 only): 488 with Warning 304', () => {
  const e = refusal(
    new SdpSession().receiveOffer(
      sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0',
        'm=image 4000 udptl t38', 'm=video 4002 RTP/AVP 31'),
      LOCAL,
    ),
  );
  assert.equal(e.status, 488);
  assert.equal(e.warning.code, 304);
});

test('malformed bodies: 400 Bad Request, never a throw', () => {
  const bodies: [string, string][] = [
    ['empty', ''],
    ['not SDP', 'hello world'],
    ['no v= first', sdp('o=- 1 1 IN IP4 203.0.113.1', 'v=0', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'm=audio 4000 RTP/AVP 0')],
    ['v=1', sdp('v=1', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'm=audio 4000 RTP/AVP 0')],
    ['no o=', sdp('v=0', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'm=audio 4000 RTP/AVP 0')],
    ['garbage line', sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'this is not sdp')],
    ['port not a number', sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'm=audio abc RTP/AVP 0')],
    ['port too large', sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'm=audio 70000 RTP/AVP 0')],
    ['no formats', sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4 203.0.113.1', 't=0 0', 'm=audio 4000 RTP/AVP')],
    ['no c= anywhere', sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0')],
    ['c= without address', sdp('v=0', 'o=- 1 1 IN IP4 203.0.113.1', 's=-', 'c=IN IP4', 't=0 0', 'm=audio 4000 RTP/AVP 0')],
  ];
  for (const [name, body] of bodies) {
    let result: unknown;
    assert.doesNotThrow(() => {
      result = new SdpSession().receiveOffer(body, LOCAL);
    }, name);
    const e = refusal(result);
    assert.equal(e.status, 400, name);
    assert.equal(e.reason, 'Bad Request', name);
    assert.equal(e.code, 'sdp_malformed', name);
    const s = new SdpSession();
    s.createOffer(LOCAL);
    assert.equal(refusal(s.receiveAnswer(body)).status, 400, `answer: ${name}`);
  }
});

test('LF-only line ends and blank lines are accepted', () => {
  const r = new SdpSession().receiveOffer(
    'v=0\no=- 1 1 IN IP4 203.0.113.1\ns=-\nc=IN IP4 203.0.113.1\nt=0 0\n\nm=audio 4000 RTP/AVP 0\n',
    LOCAL,
  );
  assert.ok(!(r instanceof SdpError));
});

test('answers: none outstanding is 400; a declined stream or an unoffered codec is 488', () => {
  assert.equal(refusal(new SdpSession().receiveAnswer(ASTERISK_ANSWER)).status, 400);

  const declined = new SdpSession();
  declined.createOffer(LOCAL);
  const e1 = refusal(declined.receiveAnswer(ASTERISK_ANSWER.replace('m=audio 17864', 'm=audio 0')));
  assert.equal(e1.status, 488);

  const pcmuOnly = new SdpSession();
  pcmuOnly.createOffer({ ...LOCAL, codecs: ['PCMU'] });
  const e2 = refusal(pcmuOnly.receiveAnswer(ASTERISK_ANSWER));
  assert.equal(e2.status, 488);
  assert.equal(pcmuOnly.negotiated, undefined);
});

test('bad local capabilities are a programming error and throw a ValidationError', () => {
  assert.throws(() => new SdpSession().createOffer({ ...LOCAL, codecs: ['telephone-event'] }), /invalid local media/);
  assert.throws(() => new SdpSession().createOffer({ ...LOCAL, port: 0 }), /invalid local media/);
  assert.throws(() => new SdpSession().createOffer({ ...LOCAL, address: '1.2.3.4\r\nm=video' }), /invalid local media/);
});
