/**
 * Real(istic) speech for the echo tests: espeak-ng renders text to a WAV
 * file (22 050 Hz, 16-bit mono), which is resampled to 8 kHz with a windowed
 * sinc low-pass at 3.6 kHz and set to a given active level. Returns
 * undefined when espeak-ng is not installed, so tests can skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clamp16 } from '../../pcm.js';
import { rmsForDbm0 } from '../../levels.js';
import { activeLevelRms } from './speech.js';

/** Speech for `text` at 8 kHz, active level `levelDbm0`; undefined without espeak-ng. */
export function espeakSpeech(text: string, opts: { voice?: string; pitch?: number; speed?: number; levelDbm0: number }): Int16Array | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-espeak-'));
  try {
    const file = join(dir, 'speech.wav');
    const args = ['-v', opts.voice ?? 'en', '-p', String(opts.pitch ?? 50), '-s', String(opts.speed ?? 160), '-w', file, text];
    const r = spawnSync('espeak-ng', args, { encoding: 'utf8' });
    if (r.status !== 0 || r.error !== undefined) return undefined;
    const { rate, samples } = parseWav(readFileSync(file));
    const resampled = resample(samples, rate, 8000);
    const scale = rmsForDbm0(opts.levelDbm0) / (activeLevelRms(resampled) || 1);
    const out = new Int16Array(resampled.length);
    for (let i = 0; i < out.length; i++) out[i] = clamp16(resampled[i]! * scale);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 16-bit PCM mono WAV → sample rate and samples (first channel if more). */
export function parseWav(buf: Buffer): { rate: number; samples: Float64Array } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let off = 12;
  let rate = 0;
  let channels = 1;
  let bits = 16;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    // espeak-ng streams to the file and may leave the data size at 0x7fffffff: clamp it.
    const size = Math.min(buf.readUInt32LE(off + 4), buf.length - off - 8);
    const body = off + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`unsupported WAV: ${bits} bits`);
      const frames = Math.floor(size / (2 * channels));
      const samples = new Float64Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(body + i * 2 * channels);
      return { rate, samples };
    }
    off = body + size + (size & 1);
  }
  throw new Error('WAV without data chunk');
}

/** Band-limited resampling with a Hann-windowed sinc (cut-off 0.45·min(rates)). */
export function resample(input: Float64Array, from: number, to: number): Float64Array {
  const ratio = from / to;
  const cutoff = (0.45 * Math.min(from, to)) / from; // cycles per input sample
  const half = 32; // taps each side, in input samples
  const out = new Float64Array(Math.floor(input.length / ratio));
  for (let n = 0; n < out.length; n++) {
    const t = n * ratio;
    const centre = Math.floor(t);
    let acc = 0;
    for (let k = centre - half + 1; k <= centre + half; k++) {
      if (k < 0 || k >= input.length) continue;
      const u = t - k;
      const sinc = u === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * u) / (Math.PI * u);
      const win = 0.5 + 0.5 * Math.cos((Math.PI * u) / half);
      acc += input[k]! * sinc * win;
    }
    out[n] = acc;
  }
  return out;
}
