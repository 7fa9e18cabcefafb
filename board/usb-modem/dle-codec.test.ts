/** Tests of dle-codec.ts and modem-input.ts: escaping, shielded codes, end of stream, splits across chunks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DLE, DleDecoder, dleEscape, ETX, shieldedMeaning, type DleItem } from './dle-codec.js';
import { ModemInput, type ModemInputItem } from './modem-input.js';

function dataOf(items: readonly (DleItem | ModemInputItem)[]): number[] {
  return items.flatMap((i) => (i.type === 'data' ? [...i.bytes] : []));
}

test('escape doubles DLE; decode undoes it', () => {
  const raw = Uint8Array.of(1, DLE, 2, DLE, DLE, 3);
  const esc = dleEscape(raw);
  assert.deepEqual([...esc], [1, DLE, DLE, 2, DLE, DLE, DLE, DLE, 3]);
  const r = new DleDecoder().push(esc);
  assert.deepEqual(dataOf(r.items), [...raw]);
});

test('shielded codes and their meanings', () => {
  const bytes = Uint8Array.of(5, DLE, 0x62, 6, DLE, 0x68, DLE, 0x35, DLE, 0x23, DLE, 0x73, DLE, 0x71, DLE, 0x64, DLE, 0x52, DLE, 0x63, DLE, 0x65);
  const r = new DleDecoder().push(bytes);
  const codes = r.items.flatMap((i) => (i.type === 'code' ? [`${i.code}:${i.meaning}`] : []));
  assert.deepEqual(codes, ['b:busy', 'h:hangup', '5:dtmf', '#:dtmf', 's:silence', 'q:quiet', 'd:dial-tone', 'R:ring', 'c:calling-tone', 'e:answer-tone']);
  assert.deepEqual(dataOf(r.items), [5, 6]);
  assert.equal(shieldedMeaning('~'), 'other');
});

test('end of stream stops decoding where it is, for the command-mode parser', () => {
  const bytes = Uint8Array.of(7, 8, DLE, ETX, 0x0d, 0x0a, 0x4f, 0x4b);
  const r = new DleDecoder().push(bytes);
  assert.equal(r.consumed, 4);
  assert.deepEqual(r.items.at(-1), { type: 'end' });
});

test('every split of a stream decodes the same', () => {
  const stream = Uint8Array.of(1, DLE, DLE, 2, DLE, 0x62, 3, DLE, DLE, DLE, 0x31, 4, DLE, ETX);
  const whole = new DleDecoder().push(stream).items;
  const norm = (items: readonly DleItem[]): string => JSON.stringify([dataOf(items), items.filter((i) => i.type !== 'data')]);
  for (let cut = 1; cut < stream.length; cut++) {
    const d = new DleDecoder();
    const a = d.push(stream.subarray(0, cut)).items;
    const b = d.push(stream.subarray(cut)).items;
    assert.equal(norm([...a, ...b]), norm(whole), `cut at ${cut}`);
  }
  const d = new DleDecoder();
  d.push(Uint8Array.of(9, DLE));
  assert.equal(d.pending, true);
});

test('modem input: lines, CONNECT into data, <DLE><ETX> back to lines, byte by byte too', () => {
  const text = (s: string): number[] => [...Buffer.from(s, 'latin1')];
  const bytes = Uint8Array.from([...text('\r\nRING\r\n\r\nNMBR = 555\r\n'), DLE, 0x52, ...text('\r\nCONNECT\r\n'), 0x0a, DLE, DLE, 0x7f, DLE, 0x62, DLE, ETX, ...text('\r\nOK\r\n')]);
  const summary = (items: ModemInputItem[]): string[] => items.map((i) => (i.type === 'line' ? `line:${i.text}` : i.type === 'code' ? `code:${i.code}` : i.type === 'data' ? `data:${[...i.bytes].join(',')}` : 'end'));
  const whole = new ModemInput();
  const all = summary(whole.push(bytes));
  assert.deepEqual(all.filter((s) => !s.startsWith('data')), ['line:RING', 'line:NMBR = 555', 'code:R', 'line:CONNECT', 'code:b', 'end', 'line:OK']);
  assert.deepEqual(dataOf(new ModemInput().push(bytes)), [0x0a, DLE, 0x7f]);
  for (let cut = 1; cut < bytes.length; cut++) {
    const m = new ModemInput();
    const got = [...m.push(bytes.subarray(0, cut)), ...m.push(bytes.subarray(cut))];
    assert.deepEqual(summary(got).filter((s) => !s.startsWith('data')), all.filter((s) => !s.startsWith('data')), `cut at ${cut}`);
    assert.deepEqual(dataOf(got), [0x0a, DLE, 0x7f], `cut at ${cut}`);
  }
  const one = new ModemInput();
  const items = [...bytes].flatMap((b) => one.push(Uint8Array.of(b)));
  assert.deepEqual(dataOf(items), [0x0a, DLE, 0x7f]);
  assert.equal(one.inData, false);
});
