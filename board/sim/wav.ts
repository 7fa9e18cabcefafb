/**
 * WAV files for the simulated board's API (DESIGN §7: `play` takes an
 * `audio/wav` body, `recording` returns one): RIFF/WAVE with a PCM format
 * chunk (WAVE_FORMAT_PCM, 1), 16-bit little-endian, mono, 8000 Hz — the
 * box's audio format (audio/pcm.ts). Anything else is refused with a
 * `WavFormatError` saying what was expected and what was found, rather than
 * converted: the API is for test signals, and a silent resampling would hide
 * a mistake.
 *
 * Reading follows the RIFF rules (Microsoft "Multimedia Programming Interface
 * and Data Specifications 1.0", 1991): chunks are [id, little-endian size,
 * data], padded to an even length; unknown chunks (LIST, fact, …) are skipped;
 * WAVE_FORMAT_EXTENSIBLE (0xFFFE) is accepted when its sub-format is PCM.
 */
import { ValidationError } from '../../src/errors.js';
import { SAMPLE_RATE } from '../../audio/pcm.js';

/** A WAV body the simulated board cannot use (code 'invalid'). */
export class WavFormatError extends ValidationError {
  constructor(message: string) {
    super(`not a usable WAV file: ${message}`, { wav: message });
  }
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** The samples of a mono 16-bit 8000 Hz PCM WAV file; a WavFormatError for anything else. */
export function parseWav(buf: Buffer): Int16Array {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavFormatError('expected a RIFF/WAVE header');
  }
  let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let pos = 12;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new WavFormatError('the fmt chunk is too short');
      let tag = buf.readUInt16LE(body);
      if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= buf.length) tag = buf.readUInt16LE(body + 24);
      format = { tag, channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (format === undefined) throw new WavFormatError('the data chunk comes before the fmt chunk');
      checkFormat(format);
      // A streamed file may carry a size larger than what follows (or 0xFFFFFFFF): take what is there.
      const end = Math.min(buf.length, body + size);
      const count = Math.floor((end - body) / 2);
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = buf.readInt16LE(body + 2 * i);
      return out;
    }
    pos = body + size + (size % 2);
  }
  throw new WavFormatError(format === undefined ? 'no fmt chunk' : 'no data chunk');
}

function checkFormat(f: { tag: number; channels: number; rate: number; bits: number }): void {
  if (f.tag !== WAVE_FORMAT_PCM) throw new WavFormatError(`expected PCM (format 1), got format ${f.tag}`);
  if (f.channels !== 1) throw new WavFormatError(`expected mono, got ${f.channels} channels`);
  if (f.bits !== 16) throw new WavFormatError(`expected 16-bit samples, got ${f.bits}-bit`);
  if (f.rate !== SAMPLE_RATE) throw new WavFormatError(`expected ${SAMPLE_RATE} Hz, got ${f.rate}`);
}

/** A mono 16-bit 8000 Hz PCM WAV file of `pcm` (44-byte canonical header). */
export function encodeWav(pcm: Int16Array): Buffer {
  const dataBytes = pcm.length * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'latin1');
  buf.write('fmt ', 12, 'latin1');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(SAMPLE_RATE, 24);
  buf.writeUInt32LE(SAMPLE_RATE * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'latin1');
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i] ?? 0, 44 + 2 * i);
  return buf;
}
