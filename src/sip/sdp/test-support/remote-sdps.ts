/**
 * SDP bodies modelled on what real peers send, for the offer/answer tests: Asterisk
 * (chan_pjsip), FreeSWITCH, Kamailio with rtpengine (IPv6, ICE lines), Linphone and
 * baresip, and a carrier SBC (G.729 first, session-level c=, audio + video). Addresses are
 * from the documentation ranges (RFC 5737, RFC 3849). References: RFC 4566, RFC 3264.
 */

import type { LocalMediaCapabilities } from '../types.js';

/** Joins lines into an SDP body with CRLF line ends (RFC 4566 §5). */
export function sdp(...lines: string[]): string {
  return lines.map((l) => `${l}\r\n`).join('');
}

/** The ATA's own capabilities used by most tests. */
export const LOCAL: LocalMediaCapabilities = {
  address: '192.0.2.50',
  port: 40000,
  codecs: ['PCMU', 'PCMA', 'G722'],
  ptimeMs: 20,
  dtmf: 'rfc4733',
  direction: 'sendrecv',
};

export const ASTERISK_OFFER = sdp(
  'v=0',
  'o=- 1911246587 1911246587 IN IP4 203.0.113.10',
  's=Asterisk',
  'c=IN IP4 203.0.113.10',
  't=0 0',
  'm=audio 17862 RTP/AVP 8 0 9 3 111 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:3 GSM/8000',
  'a=rtpmap:111 G726-32/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=maxptime:150',
  'a=sendrecv',
);

/** Asterisk's re-INVITE when its user presses hold (music on hold is played by Asterisk). */
export const ASTERISK_HOLD_OFFER = sdp(
  'v=0',
  'o=- 1911246587 1911246588 IN IP4 203.0.113.10',
  's=Asterisk',
  'c=IN IP4 203.0.113.10',
  't=0 0',
  'm=audio 17862 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=maxptime:150',
  'a=sendonly',
);

export const ASTERISK_ANSWER = sdp(
  'v=0',
  'o=- 1911246587 1911246588 IN IP4 203.0.113.10',
  's=Asterisk',
  'c=IN IP4 203.0.113.10',
  't=0 0',
  'm=audio 17864 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=maxptime:150',
  'a=sendrecv',
);

export const FREESWITCH_OFFER = sdp(
  'v=0',
  'o=FreeSWITCH 1718260000 1718260001 IN IP4 198.51.100.20',
  's=FreeSWITCH',
  'c=IN IP4 198.51.100.20',
  't=0 0',
  'm=audio 24580 RTP/AVP 102 9 0 8 100 101 13',
  'a=rtpmap:102 opus/48000/2',
  'a=fmtp:102 useinbandfec=1; maxaveragebitrate=30000; maxplaybackrate=48000; ptime=20; minptime=10; maxptime=40',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:100 telephone-event/48000',
  'a=fmtp:100 0-16',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=rtpmap:13 CN/8000',
  'a=ptime:20',
  'a=sendrecv',
  'a=rtcp:24581 IN IP4 198.51.100.20',
);

/** FreeSWITCH answering our offer, with a media-level c= that overrides the session one. */
export const FREESWITCH_ANSWER = sdp(
  'v=0',
  'o=FreeSWITCH 1718260100 1718260101 IN IP4 198.51.100.20',
  's=FreeSWITCH',
  'c=IN IP4 198.51.100.20',
  't=0 0',
  'm=audio 26110 RTP/AVP 0 101',
  'c=IN IP4 198.51.100.21',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  'a=rtcp:26111 IN IP4 198.51.100.21',
);

/** Kamailio with rtpengine in front, on IPv6, with the ICE lines rtpengine adds. */
export const RTPENGINE_OFFER = sdp(
  'v=0',
  'o=- 3867261918 3867261918 IN IP6 2001:db8:100::5',
  's=-',
  'c=IN IP6 2001:db8:100::5',
  't=0 0',
  'm=audio 30000 RTP/AVP 8 0 96',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:96 telephone-event/8000',
  'a=fmtp:96 0-15',
  'a=sendrecv',
  'a=rtcp:30001',
  'a=ice-ufrag:Hf2kqvSa',
  'a=ice-pwd:k0vcBw3y9VRaUwTZbc7hVVyDSz',
  'a=candidate:hQ2zGPyFuxAQtl7T 1 UDP 2130706431 2001:db8:100::5 30000 typ host',
  'a=candidate:hQ2zGPyFuxAQtl7T 2 UDP 2130706430 2001:db8:100::5 30001 typ host',
  'a=ptime:20',
);

/** Linphone offering audio and video; telephone-event at three rates, none with an fmtp. */
export const LINPHONE_OFFER = sdp(
  'v=0',
  'o=bob 2374 3148 IN IP4 192.168.1.23',
  's=Talk',
  'c=IN IP4 192.168.1.23',
  't=0 0',
  'a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics',
  'm=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100',
  'a=rtpmap:96 opus/48000/2',
  'a=fmtp:96 useinbandfec=1',
  'a=rtpmap:97 speex/16000',
  'a=fmtp:97 vbr=on',
  'a=rtpmap:98 speex/8000',
  'a=fmtp:98 vbr=on',
  'a=fmtp:18 annexb=yes',
  'a=rtpmap:101 telephone-event/48000',
  'a=rtpmap:99 telephone-event/16000',
  'a=rtpmap:100 telephone-event/8000',
  'a=rtcp-fb:* trr-int 1000',
  'a=rtcp-fb:* ccm tmmbr',
  'm=video 9078 RTP/AVP 96 97',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 H264/90000',
  'a=fmtp:97 profile-level-id=42801F',
  'a=rtcp-fb:* trr-int 1000',
  'a=rtcp-fb:96 nack pli',
);

export const BARESIP_OFFER = sdp(
  'v=0',
  'o=- 1604421866 2063811577 IN IP4 10.0.0.5',
  's=-',
  'c=IN IP4 10.0.0.5',
  't=0 0',
  'm=audio 10000 RTP/AVP 9 0 8 101',
  'b=AS:64',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'a=label:1',
  'a=ssrc:1450353391 cname:8a1f3c5e-01b2-4c77-9e1a-3f5d2b6c7d8e',
  'a=rtcp-rsize',
  'a=ptime:20',
);

/** A carrier SBC: G.729 first, ptime 30, session-level c= and direction, audio + video. */
export const PROVIDER_OFFER = sdp(
  'v=0',
  'o=SBC 1502 1503 IN IP4 203.0.113.77',
  's=SIP Media Capabilities',
  'c=IN IP4 203.0.113.77',
  't=0 0',
  'a=sendrecv',
  'm=audio 16384 RTP/AVP 18 8 0 101',
  'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:30',
  'a=maxptime:40',
  'm=video 16386 RTP/AVP 34',
  'a=rtpmap:34 H263/90000',
);

/** Only codecs an ATA lacks: G.729 and opus. */
export const NO_COMMON_CODEC_OFFER = sdp(
  'v=0',
  'o=- 77 77 IN IP4 203.0.113.5',
  's=-',
  'c=IN IP4 203.0.113.5',
  't=0 0',
  'm=audio 5004 RTP/AVP 18 111 101',
  'a=rtpmap:18 G729/8000',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=sendrecv',
);

/** Best-effort SRTP: the same audio as RTP/SAVP and as RTP/AVP (RFC 4568 style). */
export const SAVP_THEN_AVP_OFFER = sdp(
  'v=0',
  'o=- 88 88 IN IP4 203.0.113.6',
  's=-',
  'c=IN IP4 203.0.113.6',
  't=0 0',
  'm=audio 6000 RTP/SAVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32',
  'm=audio 6002 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
);
