/**
 * AlsaAudioPort against real ALSA PCMs (no sound hardware): the null and file
 * plugins from audio/alsa/test-support/alsa-config.ts, joined by an `asym` PCM
 * named 'port' (capture from in.raw, playback into out.raw), at 48000 Hz. As in
 * audio/alsa's own tests, alsa-lib reads its config once per process, so the port
 * runs in a child (test-support/port-child.ts) with ALSA_CONFIG_PATH set. Skipped
 * when the addon is not built.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { alsaAvailable } from '../../audio/alsa/alsa-pcm.js';
import { readRaw, writeAlsaTestConfig, writeRaw, type AlsaTestConfig } from '../../audio/alsa/test-support/alsa-config.js';
import { goertzelAmplitude } from '../../audio/goertzel.js';

const CHILD = fileURLToPath(new URL('./test-support/port-child.ts', import.meta.url));
const skip = alsaAvailable() ? false : 'the alsa_pcm addon is not built (npm run build:native)';

function setup(): AlsaTestConfig {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-alsa-port-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = writeAlsaTestConfig(dir);
  appendFileSync(cfg.configPath, 'pcm.port { type asym playback.pcm "fileout" capture.pcm "filein" }\n');
  const tone = new Int16Array(48000 * 3);
  for (let i = 0; i < tone.length; i++) tone[i] = Math.round(10000 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
  writeRaw(cfg.inFile, tone);
  return cfg;
}

function runChild(cfg: AlsaTestConfig, scenario: string, params: Record<string, unknown> = {}): Promise<{ code: number | null; stderr: string; out: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, scenario, JSON.stringify(params)], { env: cfg.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${scenario}: no exit within 20 s; stderr: ${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let out: Record<string, unknown> = {};
      try {
        out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
      } catch {
        // left empty: the assertions say what is missing
      }
      resolve({ code, stderr, out });
    });
  });
}

describe('AlsaAudioPort on ALSA software PCMs at 48000 Hz, in a child process', { skip, timeout: 60_000 }, () => {
  test('capture: 1 kHz at 48 kHz becomes 8 kHz frames at one per 20 ms; playback: the written tone reaches the file at 48 kHz', async (t) => {
    const cfg = setup();
    const r = await runChild(cfg, 'loop', { frames: 50 });
    assert.equal(r.code, 0, r.stderr);
    const out = r.out as { frames: number; lengths: number[]; elapsedMs: number; capturedDb: number; lost: string[]; stats: { xruns: unknown; playback: { primes: number; skippedBlocks: number } } };
    assert.equal(out.frames, 50);
    assert.deepEqual(out.lengths, [160]);
    assert.deepEqual(out.lost, []);
    assert.ok(out.elapsedMs > 800 && out.elapsedMs < 1500, `50 frames in ${out.elapsedMs} ms`);
    assert.ok(Math.abs(out.capturedDb) < 0.2, `captured 1 kHz at ${out.capturedDb} dB`);
    const played = readRaw(readFileSync(cfg.outFile));
    assert.ok(played.length >= 48000 * 0.8, `${played.length} samples played`);
    // The tone starts after the prime (silence); measure 20 ms windows (short enough that a 0.2 % varispeed
    // does not move the tone out of the bin) in the second half, and take the median.
    const db = (f: number): number => {
      const levels: number[] = [];
      for (let s = Math.floor(played.length / 2); s + 960 <= played.length - 4800; s += 960) levels.push(20 * Math.log10(goertzelAmplitude(f, 48000, played, s, s + 960) / 10000));
      levels.sort((a, b) => a - b);
      return levels[levels.length >> 1] ?? -Infinity;
    };
    t.diagnostic(`${out.elapsedMs.toFixed(0)} ms for 50 frames; captured 1 kHz ${out.capturedDb.toFixed(3)} dB; played 1500 Hz ${db(1500).toFixed(2)} dB, image 6500 Hz ${db(6500).toFixed(1)} dB; stats ${JSON.stringify(out.stats.playback)}`);
    assert.ok(Math.abs(db(1500)) < 0.5, `played 1500 Hz at ${db(1500)} dB`);
    assert.ok(db(6500) < -60);
  });

  test('ENODEV on capture: onLost once with the reason, no frames after, close() still fine', async () => {
    const cfg = setup();
    const r = await runChild(cfg, 'lost');
    assert.equal(r.code, 0, r.stderr);
    const out = r.out as { lost: string[]; framesAfter: number; queuedAfter: number; closed: boolean; errors: string[] };
    assert.equal(out.lost.length, 1, JSON.stringify(out));
    assert.match(out.lost[0] ?? '', /^capture: ENODEV/);
    assert.equal(out.framesAfter, 0);
    assert.equal(out.queuedAfter, 0);
    assert.equal(out.closed, true);
    assert.ok(out.errors.includes('audio device lost'));
  });
});
