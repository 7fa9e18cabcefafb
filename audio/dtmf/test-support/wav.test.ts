import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readWav } from './wav.js';

function wav(channels: number, rate: number, frames: number[][]): Buffer {
  const data = Buffer.alloc(frames.length * channels * 2);
  frames.forEach((f, i) => f.forEach((v, c) => data.writeInt16LE(v, 2 * (i * channels + c))));
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * channels * 2, 8);
  fmt.writeUInt16LE(channels * 2, 12);
  fmt.writeUInt16LE(16, 14);
  const chunk = (id: string, body: Buffer): Buffer => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'ascii');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body, Buffer.alloc(body.length & 1)]);
  };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('LIST', Buffer.from('odd')), chunk('data', data)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

test('readWav reads 16-bit PCM, skips unknown (odd-sized) chunks and averages channels', () => {
  const mono = readWav(wav(1, 22050, [[1], [-2], [32767]]));
  assert.equal(mono.sampleRate, 22050);
  assert.deepEqual([...mono.samples], [1, -2, 32767]);
  const stereo = readWav(wav(2, 8000, [[100, 300], [-100, -101]]));
  assert.equal(stereo.channels, 2);
  assert.deepEqual([...stereo.samples], [200, -100]);
});

test('readWav rejects what it cannot read', () => {
  assert.throws(() => readWav(Buffer.from('not a wav file at all')), /RIFF/);
});
