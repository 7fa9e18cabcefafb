import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialtoneError } from '../../src/errors.js';
import { encodeWav, parseWav, WavFormatError } from './wav.js';

/** A WAV header + data with the given format fields (and optional extra chunks before 'data'). */
function wav(opts: { tag?: number; channels?: number; rate?: number; bits?: number; extra?: Buffer; data?: Buffer }): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(opts.tag ?? 1, 8);
  fmt.writeUInt16LE(opts.channels ?? 1, 10);
  fmt.writeUInt32LE(opts.rate ?? 8000, 12);
  fmt.writeUInt32LE((opts.rate ?? 8000) * 2, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(opts.bits ?? 16, 22);
  const body = opts.data ?? Buffer.from([1, 0, 0xff, 0xff]);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(body.length, 4);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.write('WAVE', 8, 'latin1');
  const all = Buffer.concat([head, fmt, opts.extra ?? Buffer.alloc(0), data, body]);
  all.writeUInt32LE(all.length - 8, 4);
  return all;
}

test('encodeWav / parseWav round trip', () => {
  const pcm = Int16Array.from({ length: 1000 }, (_, i) => Math.round(30000 * Math.sin(i / 7)) - (i % 2));
  pcm[0] = -32768;
  pcm[1] = 32767;
  const buf = encodeWav(pcm);
  assert.equal(buf.length, 44 + 2000);
  assert.equal(buf.toString('latin1', 0, 4), 'RIFF');
  assert.equal(buf.readUInt32LE(24), 8000);
  assert.deepEqual(parseWav(buf), pcm);
  assert.deepEqual(parseWav(encodeWav(new Int16Array(0))), new Int16Array(0));
});

test('parseWav skips unknown chunks (odd-sized ones padded)', () => {
  const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0', 'latin1')]);
  assert.deepEqual(parseWav(wav({ extra: list })), Int16Array.of(1, -1));
});

test('parseWav refuses other formats with a clear, typed error', () => {
  const cases: [Buffer, RegExp][] = [
    [wav({ rate: 44100 }), /expected 8000 Hz, got 44100/],
    [wav({ channels: 2 }), /expected mono, got 2 channels/],
    [wav({ bits: 8 }), /expected 16-bit samples, got 8-bit/],
    [wav({ tag: 3 }), /expected PCM \(format 1\), got format 3/],
    [Buffer.from('not a wav file at all'), /RIFF\/WAVE/],
    [wav({}).subarray(0, 12), /no fmt chunk/],
  ];
  for (const [buf, message] of cases) {
    assert.throws(
      () => parseWav(buf),
      (e: unknown) => e instanceof WavFormatError && e instanceof DialtoneError && e.code === 'invalid' && message.test(e.message),
      String(message),
    );
  }
});
