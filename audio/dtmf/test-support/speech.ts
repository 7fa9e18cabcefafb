/**
 * Speech for talk-off tests, made on the fly: espeak-ng speaks each text to a
 * WAV file (22.05 kHz), sox converts it to 8 kHz 16-bit mono (with its own
 * anti-alias filter), and readWav loads it. Both tools are Debian packages
 * (`apt-get install espeak-ng sox`); `speechToolsMissing` says which is absent
 * so that a test can skip with a clear message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from './wav.js';

export interface SpeechClip {
  /** voice, speed and pitch, e.g. "en+f3 s160 p50". */
  label: string;
  text: string;
  /** 8 kHz mono. */
  samples: Int16Array;
}

export interface SpeechSpec {
  voice: string;
  speed: number;
  pitch: number;
  text: string;
}

/** Undefined when both tools run, else a message naming the missing one(s). */
export function speechToolsMissing(): string | undefined {
  const missing = [
    ['espeak-ng', '--version'],
    ['sox', '--version'],
  ].filter(([cmd, arg]) => spawnSync(cmd ?? '', [arg ?? ''], { stdio: 'ignore' }).status !== 0);
  return missing.length === 0 ? undefined : `${missing.map(([c]) => c).join(' and ')} not installed (apt-get install espeak-ng sox)`;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
}

/** Synthesises every spec; throws if a tool fails. */
export function synthesise(specs: readonly SpeechSpec[]): SpeechClip[] {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-dtmf-speech-'));
  try {
    return specs.map((s, i) => {
      const raw = join(dir, `${i}.wav`), narrow = join(dir, `${i}-8k.wav`);
      run('espeak-ng', ['-v', s.voice, '-s', String(s.speed), '-p', String(s.pitch), '-w', raw, s.text]);
      run('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', narrow]);
      const wav = readWav(readFileSync(narrow));
      if (wav.sampleRate !== 8000) throw new Error(`sox produced ${wav.sampleRate} Hz`);
      return { label: `${s.voice} s${s.speed} p${s.pitch}`, text: s.text, samples: wav.samples };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
