/** Tests of at-responses.ts: result codes, caller ID (formatted and MESG), identification and voice formats. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCallerIdMessage } from '../../audio/caller-id/message.js';
import { CallerIdCollector, identityText, parseClasses, parseHex, parseResponseLine, parseVoiceFormats, pickVoiceFormat } from './at-responses.js';

test('result codes, with and without detail', () => {
  for (const code of ['OK', 'ERROR', 'RING', 'NO CARRIER', 'BUSY', 'NO DIALTONE', 'CONNECT', 'VCON'] as const) {
    assert.deepEqual(parseResponseLine(code), { kind: 'result', code, detail: '' });
  }
  assert.deepEqual(parseResponseLine(' ok '), { kind: 'result', code: 'OK', detail: '' });
  assert.deepEqual(parseResponseLine('CONNECT 33600'), { kind: 'result', code: 'CONNECT', detail: '33600' });
  assert.deepEqual(parseResponseLine('0'), { kind: 'info', text: '0' });
  assert.deepEqual(parseResponseLine('CONEXANT'), { kind: 'info', text: 'CONEXANT' });
});

test('formatted caller ID lines, spaced or not', () => {
  assert.deepEqual(parseResponseLine('DATE = 0321'), { kind: 'caller-id', field: 'DATE', value: '0321' });
  assert.deepEqual(parseResponseLine('NMBR=5551234567'), { kind: 'caller-id', field: 'NMBR', value: '5551234567' });
  assert.deepEqual(parseResponseLine('NAME = SMITH JOHN'), { kind: 'caller-id', field: 'NAME', value: 'SMITH JOHN' });
  const c = new CallerIdCollector();
  for (const l of ['DATE = 0321', 'TIME = 1405', 'NMBR = 5551234567', 'NAME = SMITH JOHN']) {
    const r = parseResponseLine(l);
    assert.equal(r.kind, 'caller-id');
    if (r.kind === 'caller-id') c.add(r.field, r.value);
  }
  assert.equal(c.pending, true);
  assert.deepEqual(c.take(), { number: '5551234567', name: 'SMITH JOHN', time: { month: 3, day: 21, hour: 14, minute: 5 } });
  assert.equal(c.pending, false);
  assert.equal(c.take(), undefined);
});

test('O and P: unavailable and private', () => {
  const c = new CallerIdCollector();
  c.add('NMBR', 'P');
  c.add('NAME', 'O');
  assert.deepEqual(c.take(), { numberAbsence: 'private', nameAbsence: 'unavailable' });
});

test('MESG: MDMF and SDMF hex decoded by the caller-ID message parser', () => {
  const info = { number: '5551234567', name: 'SMITH JOHN', time: { month: 3, day: 21, hour: 14, minute: 5 } };
  const hex = (b: Uint8Array, sep: string): string => [...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(sep);
  const c = new CallerIdCollector();
  c.add('MESG', hex(encodeCallerIdMessage(info), ' '));
  assert.deepEqual(c.take(), info);
  c.add('MESG', hex(encodeCallerIdMessage({ number: '5551234567', time: info.time }, { format: 'sdmf' }), ''));
  assert.deepEqual(c.take(), { number: '5551234567', time: info.time });
  const bad = encodeCallerIdMessage(info);
  bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
  c.add('MESG', hex(bad, ''));
  c.add('MESG', 'zz');
  assert.equal(c.take(), undefined);
  assert.equal(c.problems.length, 2);
  assert.match(c.problems[0] ?? '', /checksum/);
  assert.equal(parseHex('1'), undefined);
});

test('identification and classes', () => {
  assert.equal(identityText(['+GMI: "CONEXANT"']), 'CONEXANT');
  assert.equal(identityText(['U.S. Robotics', '56K FAX EXT']), 'U.S. Robotics 56K FAX EXT');
  assert.equal(identityText([]), undefined);
  assert.deepEqual(parseClasses(['0,1,1.0,2,2.0,8']), ['0', '1', '1.0', '2', '2.0', '8']);
  assert.deepEqual(parseClasses(['(0,1,8)']), ['0', '1', '8']);
});

test('voice formats: µ-law first, then A-law, then linear; ADPCM never', () => {
  const cx = parseVoiceFormats(['128,"8-BIT LINEAR",(7200,8000,11025)', '129,"16-BIT LINEAR",(7200,8000,11025)', '130,"8-BIT ALAW",(8000)', '131,"8-BIT ULAW",(8000)', '132,"IMA ADPCM",(7200,8000,11025)']);
  assert.deepEqual(cx.map((f) => f.encoding), ['pcm8', 'pcm16', 'alaw', 'mulaw', undefined]);
  assert.deepEqual(pickVoiceFormat(cx), { code: 131, encoding: 'mulaw' });
  const conexantStyle = parseVoiceFormats(['+VSM: 0,"SIGNED PCM",16,0,(8000),(0),(0)', '4,"G.711 ALAW",8,0,(8000),(0),(0)']);
  assert.deepEqual(pickVoiceFormat(conexantStyle), { code: 4, encoding: 'alaw' });
  assert.equal(conexantStyle[0]?.encoding, 'pcm16');
  assert.deepEqual(pickVoiceFormat(parseVoiceFormats(['129,"16-BIT LINEAR",(7200,11025)', '128,"8-BIT LINEAR",(8000)'])), { code: 128, encoding: 'pcm8' });
  assert.equal(pickVoiceFormat(parseVoiceFormats(['2,"ADPCM",(8000)'])), undefined);
});
