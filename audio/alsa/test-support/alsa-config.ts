/**
 * A self-contained ALSA configuration for tests and benchmarks without sound
 * hardware, built from ALSA's own software plugins:
 *
 *   pcm.null     discards playback, captures silence
 *   pcm.fileout  playback into `outFile` (raw S16_LE), over null
 *   pcm.filein   capture from `inFile` (raw S16_LE; silence past its end), over null
 *
 * alsa-lib reads its configuration once per process, at the first use, from
 * ALSA_CONFIG_PATH: so the PCM code runs in a child process spawned with `env`.
 * The config does not include the system's alsa.conf, so no user or system
 * setting leaks in (and names like 'default' or 'hw:0' do not exist).
 *
 * None of these PCMs is rate-limited: they transfer as fast as they are called,
 * hence `pace: true` in the streams opened on them. The file plugin writes to
 * outFile once more than a buffer is pending, and the rest when the PCM closes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AlsaTestConfig {
  configPath: string;
  outFile: string;
  inFile: string;
  /** process.env plus ALSA_CONFIG_PATH, for the child process. */
  env: NodeJS.ProcessEnv;
}

const quote = (s: string): string => JSON.stringify(s); // ALSA strings take the same escapes

/** Writes asound.conf into `dir` (which must exist); the files default to out.raw / in.raw there. */
export function writeAlsaTestConfig(dir: string, files: { outFile?: string; inFile?: string } = {}): AlsaTestConfig {
  const outFile = files.outFile ?? join(dir, 'out.raw');
  const inFile = files.inFile ?? join(dir, 'in.raw');
  const configPath = join(dir, 'asound.conf');
  writeFileSync(
    configPath,
    [
      '# Written by audio/alsa/test-support/alsa-config.ts',
      'pcm.null { type null }',
      `pcm.fileout { type file slave.pcm "null" file ${quote(outFile)} format "raw" }`,
      `pcm.filein { type file slave.pcm "null" file "/dev/null" infile ${quote(inFile)} format "raw" }`,
      '',
    ].join('\n'),
  );
  return { configPath, outFile, inFile, env: { ...process.env, ALSA_CONFIG_PATH: configPath } };
}

/** Writes samples as raw S16_LE. */
export function writeRaw(path: string, samples: Int16Array): void {
  writeFileSync(path, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
}

/** Reads raw S16_LE samples (a copy, aligned). */
export function readRaw(bytes: Buffer): Int16Array {
  const out = new Int16Array(bytes.length >> 1);
  Buffer.from(out.buffer).set(bytes.subarray(0, out.length * 2));
  return out;
}

/** A reproducible full-range test signal (an LCG): exercises sign, both bytes, every bit. */
export function testSignal(samples: number, seed = 12345): Int16Array {
  const out = new Int16Array(samples);
  let x = seed >>> 0;
  for (let i = 0; i < samples; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x >>> 16) - 32768;
  }
  return out;
}

export const PCM_CHILD = fileURLToPath(new URL('./pcm-child.ts', import.meta.url));
