/**
 * RFC 4475 torture messages, read as bytes from ../shared/testdata/rfc4475 (never copied).
 * Valid messages (§3.1.1) must parse, with the facts the RFC calls out, and round-trip.
 * Every other message must get the treatment the RFC text asks of a UA (table below):
 * rejected by the parser with a reason, or answered/dropped by sanity.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseMessage, type ParseResult } from './parse.js';
import { serializeMessage } from './serialize.js';
import { checkRequest, checkResponse } from './sanity.js';
import { getParam } from './text.js';
import type { SipRequest, SipResponse } from './message.js';
import { formatUri } from './uri.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const DIR = join(repoRoot, '..', 'shared', 'testdata', 'rfc4475');
const present = existsSync(DIR);
const skip = present ? false : `RFC 4475 messages not found at ${DIR}`;

function load(name: string): Buffer {
  return readFileSync(join(DIR, `${name}.dat`));
}

function parsed(name: string): SipRequest | SipResponse {
  const r = parseMessage(load(name));
  assert.ok(r.ok, `${name}: ${r.ok ? '' : r.error.message}`);
  return r.message;
}

function request(name: string): SipRequest {
  const m = parsed(name);
  assert.ok(m.kind === 'request', `${name} is not a request`);
  return m;
}

/** Semantic view for round-trip comparisons: start line, every typed accessor, body. */
function semantics(m: SipRequest | SipResponse): unknown {
  const h = m.headers;
  const val = <T>(r: { ok: true; value: T } | { ok: false; error: { reason: string } }): unknown => (r.ok ? r.value : `error: ${r.error.reason}`);
  return {
    start: m.kind === 'request' ? [m.method, formatUri(m.uri), m.version] : [m.status, m.reason, m.version],
    vias: val(h.vias()), from: val(h.from()), to: val(h.to()), callId: val(h.callId()), cseq: val(h.cseq()),
    maxForwards: val(h.maxForwards()), contact: val(h.contact()), route: val(h.route()), ct: val(h.contentType()),
    fields: h.fields().length - (h.has('Content-Length') ? h.count('Content-Length') : 0),
    body: m.body.toString('hex'),
  };
}

function roundTrip(m: SipRequest | SipResponse): void {
  const again = parseMessage(serializeMessage(m));
  assert.ok(again.ok, again.ok ? '' : again.error.message);
  assert.deepEqual(semantics(again.message), semantics(m));
}

const summary: [string, string, string][] = [];
after(() => {
  if (summary.length === 0) return;
  console.log('\nRFC 4475 summary\n' + summary.map(([f, want, got]) => `  ${f.padEnd(11)} ${want.padEnd(34)} ${got}`).join('\n'));
});

describe('RFC 4475 §3.1.1 valid messages', { skip }, () => {
  const valid = ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'dblreq', 'semiuri', 'transports', 'mpart01', 'unreason', 'noreason'];
  for (const name of valid) {
    it(`${name} parses, passes sanity and round-trips`, () => {
      const m = parsed(name);
      const s = m.kind === 'request' ? checkRequest(m) : checkResponse(m);
      assert.equal(s, undefined, JSON.stringify(s));
      roundTrip(m);
      summary.push([name, 'parse + round trip', 'ok']);
    });
  }

  it('wsinv: folding, odd white space, escaped display name, unusual Vias', () => {
    const m = request('wsinv');
    assert.equal(m.method, 'INVITE');
    assert.equal(m.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.equal(m.headers.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    const from = m.headers.from();
    assert.ok(from.ok);
    assert.equal(from.value.displayName, 'J Rosenberg \\"');
    assert.equal(from.value.tag, '98asjd8');
    const to = m.headers.to();
    assert.ok(to.ok && to.value.tag === '1918181833n');
    assert.deepEqual(m.headers.maxForwards(), { ok: true, value: 68 });
    assert.deepEqual(m.headers.cseq(), { ok: true, value: { seq: 9, method: 'INVITE' } });
    const vias = m.headers.vias();
    assert.ok(vias.ok);
    assert.deepEqual(vias.value.map((v) => [v.transport, v.host, v.branch]), [
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    const contact = m.headers.contact();
    assert.ok(contact.ok && !contact.value.star);
    assert.equal(contact.value.contacts[0]?.displayName, 'Quoted string ""');
    assert.equal(contact.value.contacts[0]?.q, 0.33);
    assert.equal(getParam(contact.value.contacts[0]?.params ?? [], 'newparam'), 'newvalue');
    assert.equal(m.headers.get('Subject'), '');
    assert.equal(m.body.length, 150);
  });

  it('intmeth: any token method, odd URI, UTF-8 in quoted and unknown headers', () => {
    const m = request('intmeth');
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    assert.equal(m.method, method);
    assert.deepEqual(m.headers.cseq(), { ok: true, value: { seq: 139122385, method } });
    assert.ok(m.uri.kind === 'sip');
    assert.equal(m.uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(m.uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(m.headers.callId().ok && m.headers.get('i'), 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    const from = m.headers.from();
    assert.ok(from.ok);
    assert.equal(from.value.displayName, "token1~` token2'+_ token3*%!.-");
    assert.equal(getParam(from.value.params, "fromParam''~+*_!.-%"), 'работающий');
    assert.equal(from.value.tag, "_token~1'+`*%!-.");
    const to = m.headers.to();
    assert.ok(to.ok && to.value.displayName === 'BEL:\x07 NUL:\x00 DEL:\x7f');
    assert.equal(m.headers.get("extensionHeader-!.%*+_`'~"), '\ufeff大停電');
    assert.deepEqual(m.headers.maxForwards(), { ok: true, value: 255 });
  });

  it('esc01 / escnull / esc02: escapes decoded where the grammar says, kept elsewhere', () => {
    const e1 = request('esc01');
    assert.ok(e1.uri.kind === 'sip' && e1.uri.user === 'sips:user@example.com' && e1.uri.host === 'example.net');
    const to = e1.headers.to();
    assert.ok(to.ok && to.value.uri.kind === 'sip' && to.value.uri.user === 'user');
    const from = e1.headers.from();
    assert.ok(from.ok && from.value.uri.kind === 'sip' && from.value.uri.user === 'I have spaces');
    const c = e1.headers.contact();
    assert.ok(c.ok && !c.value.star);
    const cu = c.value.contacts[0]?.uri;
    assert.ok(cu?.kind === 'sip' && cu.user === 'caller');
    assert.deepEqual(cu.params, [{ name: 'lr', value: null }, { name: 'name', value: 'value%41' }]);

    const en = request('escnull');
    const contacts = en.headers.contact();
    assert.ok(contacts.ok && !contacts.value.star);
    assert.deepEqual(contacts.value.contacts.map((x) => (x.uri.kind === 'sip' ? x.uri.user : '')), ['\0', '\0\0']);

    const e2 = request('esc02');
    assert.equal(e2.method, 'RE%47IST%45R', 'the method is a token; %47 is not an escape there');
    assert.equal(e2.headers.getAll('Contact').length, 2, 'C%6Fntact is an unknown header, not Contact');
    assert.equal(e2.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
    const t = e2.headers.to();
    assert.ok(t.ok && t.value.displayName === '%Z%45');
    const v = e2.headers.topVia();
    assert.ok(v.ok && v.value.branch === 'z9hG4bK209%fzsnel234');
  });

  it('lwsdisp: no space between display name and <', () => {
    const from = request('lwsdisp').headers.from();
    assert.ok(from.ok && from.value.displayName === 'caller' && from.value.tag === '323');
  });

  it('longreq: long values and 34 Vias under every spelling', () => {
    const m = request('longreq');
    const vias = m.headers.vias();
    assert.ok(vias.ok);
    assert.equal(vias.value.length, 34);
    assert.equal(vias.value[0]?.host, 'sip33.example.com');
    assert.equal(vias.value[33]?.received, '192.0.2.5');
    assert.ok((vias.value[33]?.branch ?? '').length > 200);
    const to = m.headers.to();
    assert.ok(to.ok && (to.value.displayName ?? '').includes('extremeextreme') && to.value.uri.kind === 'sip' && to.value.uri.port === 6000);
    const from = m.headers.from();
    assert.ok(from.ok && (from.value.tag ?? '').length > 100);
    assert.ok((m.headers.get('Call-ID') ?? '').endsWith('longcallid'));
    assert.equal(m.body.length, 150);
  });

  it('dblreq: only the REGISTER; octets after Content-Length are ignored (§18.3)', () => {
    const m = request('dblreq');
    assert.equal(m.method, 'REGISTER');
    assert.equal(m.body.length, 0);
    assert.equal(m.headers.get('Call-ID'), 'dblreq.0ha0isndaksdj99sdfafnl3lk233412');
  });

  it('semiuri: the ";" belongs to the user part', () => {
    const m = request('semiuri');
    assert.ok(m.uri.kind === 'sip' && m.uri.user === 'user;par=u@example.net' && m.uri.host === 'example.com' && m.uri.params.length === 0);
    assert.equal(m.headers.getAll('Accept').length, 6);
  });

  it('transports: five Via transports', () => {
    const vias = request('transports').headers.vias();
    assert.ok(vias.ok);
    assert.deepEqual(vias.value.map((v) => v.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('mpart01: multipart body bytes intact, rport without value', () => {
    const raw = load('mpart01');
    const m = request('mpart01');
    assert.equal(m.body.length, 553);
    const bodyStart = raw.indexOf('\r\n\r\n') + 4;
    assert.ok(m.body.equals(raw.subarray(bodyStart, bodyStart + 553)));
    assert.ok(m.body.includes(Buffer.from([0x30, 0x82, 0x01, 0x52])), 'binary octets intact');
    const ct = m.headers.contentType();
    assert.ok(ct.ok && ct.value.mediaType === 'multipart/mixed' && ct.value.boundary === '7a9cbec02ceef655');
    const v = m.headers.topVia();
    assert.ok(v.ok && v.value.rport === true && v.value.port === 5070);
  });

  it('unreason / noreason: UTF-8 reason phrase, empty reason phrase', () => {
    const u = parsed('unreason');
    assert.ok(u.kind === 'response' && u.status === 200);
    assert.ok(u.reason.startsWith('= 2**3 * 5**2 но сто девяносто девять'));
    const n = parsed('noreason');
    assert.ok(n.kind === 'response' && n.status === 100 && n.reason === '');
  });
});

/**
 * What RFC 4475 asks for each of the other 36 messages (§3.1.2 invalid, §3.2-3.4 semantic),
 * and how we meet it.
 * 'parse' = parseMessage refuses it (a 400 can be built from error.partial when headersOk);
 * a number = checkRequest answers with that status; 'drop' = checkResponse drops it;
 * 'accept' = a UA processes it (sanity passes).
 */
const EXPECT: [name: string, want: 'parse' | number | 'drop' | 'accept', why: string][] = [
  ['badinv01', 400, '§3.1.2.1 empty Via/Contact params: 400'],
  ['clerr', 'parse', '§3.1.2.2 Content-Length larger than datagram: 400'],
  ['ncl', 'parse', 'negative Content-Length: 400'],
  ['scalar02', 400, '§3.1.2.3 CSeq ≥ 2**31: 400'],
  ['scalarlg', 'drop', '§3.1.2.4 response with huge scalars: discard'],
  ['quotbal', 400, '§3.1.2.5 unterminated quote: 400'],
  ['ltgtruri', 'parse', '§3.1.2.6 <> around Request-URI: 400'],
  ['lwsruri', 'parse', '§3.1.2.7 LWS in Request-URI: 400'],
  ['lwsstart', 'parse', '§3.1.2.8 several SP in request line: 400'],
  ['trws', 'parse', '§3.1.2.9 trailing SP in request line: 400'],
  ['escruri', 400, '§3.1.2.10 headers in Request-URI: 400 (reasonable)'],
  ['baddate', 'accept', '§3.1.2.11 non-GMT Date: may ignore Date'],
  ['regbadct', 400, '§3.1.2.12 "?" in unbracketed Contact: 400'],
  ['badaspec', 400, '§3.1.2.13 LWS inside <>: 400 (reasonable)'],
  ['baddn', 400, '§3.1.2.14 unquoted "," display name: 400'],
  ['badvers', 505, '§3.1.2.15 SIP/7.0: 505'],
  ['mismatch01', 400, '§3.1.2.16 CSeq method mismatch: 400'],
  ['mismatch02', 400, '§3.1.2.17 unknown method + mismatch: 400'],
  ['bigcode', 'parse', '§3.1.2.18 status 4294967301: drop'],
  ['badbranch', 'accept', '§3.2.1 bare magic cookie: parses; matched the RFC 2543 way'],
  ['insuf', 400, 'missing mandatory headers: 400'],
  ['unkscm', 416, 'unknown R-URI scheme: 416'],
  ['novelsc', 416, 'soap.beep R-URI: 416'],
  ['unksm2', 'accept', 'unknown schemes in To/From/Contact'],
  ['bext01', 420, 'unknown Require: 420 + Unsupported'],
  ['invut', 415, 'unknown body type: 415 + Accept'],
  ['regaut01', 'accept', 'unknown auth scheme (registrar 401)'],
  ['multi01', 400, 'duplicate single-value headers: 400'],
  ['mcl01', 'parse', 'two Content-Lengths: 400'],
  ['bcast', 'drop', 'response with two Vias: discard'],
  ['zeromf', 'accept', 'Max-Forwards 0 at a UA: process'],
  ['cparam01', 'accept', 'contact param (not URI param)'],
  ['cparam02', 'accept', 'URI param inside <>'],
  ['regescrt', 'accept', 'escaped header in bracketed Contact'],
  ['sdp01', 'accept', 'Accept excludes SDP: TU decides (406/488)'],
  ['inv2543', 'accept', 'RFC 2543 INVITE (no branch, no Max-Forwards)'],
];

describe('RFC 4475 invalid and semantic messages', { skip }, () => {
  for (const [name, want, why] of EXPECT) {
    it(`${name}: ${why}`, () => {
      let r: ParseResult | undefined;
      assert.doesNotThrow(() => {
        r = parseMessage(load(name));
      });
      assert.ok(r);
      let got: string;
      if (!r.ok) {
        got = `parse error: ${r.error.reason}`;
        assert.equal(want, 'parse', got);
        assert.ok(r.error.reason.length > 0);
      } else if (r.message.kind === 'response') {
        const drop = checkResponse(r.message);
        got = drop ? `drop: ${drop}` : 'accepted';
        assert.equal(want === 'drop', drop !== undefined, got);
      } else {
        const reply = checkRequest(r.message, { contentTypes: ['application/sdp'] });
        got = reply ? `${reply.status} ${reply.reason}` : 'accepted';
        if (want === 'accept') assert.equal(reply, undefined, got);
        else assert.equal(reply?.status, want, got);
      }
      summary.push([name, String(want), got]);
    });
  }

  it('clerr, mcl01, ncl, ltgtruri keep the headers so a 400 can be built', () => {
    for (const name of ['clerr', 'mcl01', 'ncl', 'ltgtruri', 'lwsstart']) {
      const r = parseMessage(load(name));
      assert.ok(!r.ok && r.error.partial?.headersOk, name);
      assert.ok(r.error.partial.headers?.has('Call-ID'), name);
    }
  });

  it('bext01 lists both unknown tags in Unsupported', () => {
    const reply = checkRequest(request('bext01'));
    assert.deepEqual(reply?.extraHeaders, [['Unsupported', 'nothingSupportsThis, nothingSupportsThisEither']]);
  });

  it('cparam01/cparam02: where "unknownparam" belongs', () => {
    const c1 = request('cparam01').headers.contact();
    assert.ok(c1.ok && !c1.value.star);
    assert.deepEqual(c1.value.contacts[0]?.params, [{ name: 'unknownparam', value: null }]);
    const c2 = request('cparam02').headers.contact();
    assert.ok(c2.ok && !c2.value.star && c2.value.contacts[0]?.uri.kind === 'sip');
    assert.deepEqual(c2.value.contacts[0].uri.params, [{ name: 'unknownparam', value: null }]);
    assert.deepEqual(c2.value.contacts[0].params, []);
  });

  it('regescrt: the escaped Route stays a URI header; unksm2: unknown schemes kept', () => {
    const c = request('regescrt').headers.contact();
    assert.ok(c.ok && !c.value.star && c.value.contacts[0]?.uri.kind === 'sip');
    assert.deepEqual(c.value.contacts[0].uri.headers, [{ name: 'Route', value: '<sip:sip.example.com>' }]);
    const m = request('unksm2');
    const to = m.headers.to();
    assert.ok(to.ok && to.value.uri.kind === 'absolute' && to.value.uri.scheme === 'isbn');
  });

  it('inv2543: parses without branch; the transaction layer must use RFC 2543 matching', () => {
    const m = request('inv2543');
    const v = m.headers.topVia();
    assert.ok(v.ok && v.value.branch === undefined);
    assert.equal(m.headers.has('Max-Forwards'), false);
    assert.ok(m.body.length > 0, 'no Content-Length on a datagram: the body is the rest');
  });

  it('regaut01: the unknown scheme is still readable', () => {
    const a = request('regaut01').headers.authorization();
    assert.ok(a.ok);
    assert.deepEqual(a.value, [{ scheme: 'NoOneKnowsThisScheme', params: { 'opaque-data': 'here' } }]);
  });

  it('scalar02: Max-Forwards 300 and huge Expires are reported, not thrown', () => {
    const m = request('scalar02');
    assert.equal(m.headers.maxForwards().ok, false);
    assert.equal(m.headers.expires().ok, false);
    const c = m.headers.contact();
    assert.ok(c.ok && !c.value.star && c.value.contacts[0]?.expires === 2 ** 32 - 1);
  });

  it('test.dat (no SIP-Version) is refused', () => {
    const r = parseMessage(load('test'));
    assert.equal(r.ok, false);
  });
});
