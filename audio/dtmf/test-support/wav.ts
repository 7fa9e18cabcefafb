/**
 * A minimal RIFF/WAVE reader for the tests: 16-bit PCM (format 1, or
 * WAVE_FORMAT_EXTENSIBLE carrying it), any rate, channels averaged to mono.
 * Enough for the output of espeak-ng and sox; anything else throws.
 */

export interface Wav {
  sampleRate: number;
  channels: number;
  /** Mono samples (channels averaged). */
  samples: Int16Array;
}

export function readWav(buf: Buffer): Wav {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    // Streaming writers leave the size at 0xFFFFFFFF (or 0x7FFFFFFF): read to the end.
    const size = Math.min(buf.readUInt32LE(at + 4), buf.length - at - 8);
    const body = at + 8;
    if (id === 'fmt ') {
      let format = buf.readUInt16LE(body);
      if (format === 0xfffe && size >= 26) format = buf.readUInt16LE(body + 24);
      fmt = { format, channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (fmt === undefined) throw new Error('WAV data chunk before fmt chunk');
      if (fmt.format !== 1 || fmt.bits !== 16) throw new Error(`unsupported WAV encoding: format ${fmt.format}, ${fmt.bits} bits`);
      const frames = Math.floor(size / (2 * fmt.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < fmt.channels; c++) sum += buf.readInt16LE(body + 2 * (i * fmt.channels + c));
        samples[i] = Math.round(sum / fmt.channels);
      }
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
    }
    at = body + size + (size & 1);
  }
  throw new Error('WAV file without a data chunk');
}
