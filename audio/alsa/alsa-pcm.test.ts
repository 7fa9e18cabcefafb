/**
 * The ALSA binding without sound hardware: ALSA's own null and file plugins,
 * from a config in a temp dir (test-support/alsa-config.ts). alsa-lib reads its
 * config once per process, so each scenario runs in a child process
 * (test-support/pcm-child.ts) with ALSA_CONFIG_PATH set, and the tests check
 * what it printed and the files it played into.
 *
 * The null and file PCMs are not rate-limited (they transfer as fast as they are
 * called), so the streams are opened with `pace: true`: the I/O thread sleeps
 * until each period is due, like a sound card's clock would make it wait.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AlsaPcm, alsaAvailable, errnoName } from './alsa-pcm.js';
import { PCM_CHILD, readRaw, testSignal, writeAlsaTestConfig, writeRaw, type AlsaTestConfig } from './test-support/alsa-config.js';

const tmp = mkdtempSync(join(tmpdir(), 'dialtone-alsa-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  out: Record<string, unknown>;
}

function setup(): AlsaTestConfig {
  const dir = join(tmp, String(dirs++));
  mkdirSync(dir);
  const cfg = writeAlsaTestConfig(dir);
  writeRaw(cfg.inFile, testSignal(100 * 160)); // tests that capture something particular overwrite it
  return cfg;
}

function runChild(cfg: AlsaTestConfig, scenario: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', PCM_CHILD, scenario, JSON.stringify(params)], {
      env: cfg.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${scenario}: no exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let out: Record<string, unknown> = {};
      try {
        out = JSON.parse(last) as Record<string, unknown>;
      } catch {
        // left empty: the assertions on it say what is missing
      }
      resolve({ code, signal, stderr, out });
    });
  });
}

function assertExitedCleanly(r: Child): void {
  assert.equal(r.signal, null, `killed by ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.code, 0, `exit code ${r.code}; stderr: ${r.stderr}`);
}

/** The index in `source` of each period of `got` (-1 when it is not there). */
function periodIndices(source: Int16Array, got: Int16Array, period: number): number[] {
  const key = (a: Int16Array, i: number): string => Array.from(a.subarray(i * period, i * period + 8)).join(',');
  const where = new Map<string, number>();
  for (let i = 0; i < source.length / period; i++) where.set(key(source, i), i);
  return Array.from({ length: got.length / period }, (_, i) => where.get(key(got, i)) ?? -1);
}

describe('the alsa_pcm addon', () => {
  test('loads', () => {
    assert.equal(alsaAvailable(), true, 'build it with `npm run build:native` (needs libasound2-dev)');
  });

  test('options are checked before ALSA is touched', () => {
    const opts = { device: 'x', rate: 8000, channels: 1 as const, periodFrames: 160, periods: 4 };
    assert.throws(() => AlsaPcm.openCapture({ ...opts, periods: 1 }), RangeError);
    assert.throws(() => AlsaPcm.openPlayback({ ...opts, device: '' }), RangeError);
    assert.throws(() => AlsaPcm.openPlayback({ ...opts, rate: 8000.5 }), RangeError);
    assert.equal(errnoName(19), 'ENODEV');
    assert.equal(errnoName(500_001), 'EALSA');
  });
});

describe('ALSA PCMs through the null and file plugins, in a child process', { timeout: 60_000 }, () => {
  test('playback: a sequence comes out in the file bit-exact, with no gap while fed', async () => {
    for (const channels of [1, 2]) {
      const cfg = setup();
      const src = testSignal(50 * 160 * channels + 77 * channels, channels); // 1 s, not a whole number of periods
      const source = join(tmp, `src-${channels}.raw`);
      writeRaw(source, src);
      const r = await runChild(cfg, 'play', { source, channels, queuePeriods: 25 }); // 0.5 s of headroom for a busy machine
      assertExitedCleanly(r);
      const out = readRaw(readFileSync(cfg.outFile));
      assert.ok(out.length >= src.length, `only ${out.length} of ${src.length} samples came out`);
      assert.deepEqual(out.subarray(0, src.length), src, `${channels} channel(s): the samples differ`);
      assert.ok(out.subarray(src.length).every((v) => v === 0), 'after the sequence: silence only');
      assert.equal(r.out.underrunsWhileFed, 0, JSON.stringify(r.out));
    }
  });

  test('capture: periods come from the infile bit-exact, in order, one per event, while timers stay on time', async () => {
    const cfg = setup();
    const src = testSignal(50 * 160, 7);
    writeRaw(cfg.inFile, src);
    const dest = join(tmp, 'captured.raw');
    const r = await runChild(cfg, 'capture', { count: 40, dest });
    assertExitedCleanly(r);
    assert.deepEqual(r.out.lengths, [160]);
    assert.deepEqual(readRaw(readFileSync(dest)), src.subarray(0, 40 * 160));
    const stats = r.out.stats as { droppedFrames: number; frames: number };
    assert.equal(stats.droppedFrames, 0);
    // Paced at 20 ms a period: 40 periods take about 800 ms.
    const elapsed = r.out.elapsedMs as number;
    assert.ok(elapsed > 700 && elapsed < 2000, `40 periods in ${elapsed} ms`);
    // A 10 ms interval timer kept firing the whole time.
    const maxLate = r.out.maxLateMs as number;
    const ticks = r.out.ticks as number;
    assert.ok(maxLate < 200, `a timer fired ${maxLate} ms late`);
    assert.ok(ticks >= elapsed / 10 / 2, `only ${ticks} timer ticks in ${elapsed} ms`);
    // The event loop was idle most of the time: the reads happen on the I/O thread.
    assert.ok((r.out.elu as number) < 0.5, `event loop utilization ${r.out.elu as number}`);
  });

  test('capture: when JS falls behind, the oldest periods are dropped and counted', async () => {
    const cfg = setup();
    const src = testSignal(60 * 160, 99);
    writeRaw(cfg.inFile, src);
    const dest = join(tmp, 'captured-late.raw');
    const r = await runChild(cfg, 'capture', { count: 20, dest, queuePeriods: 4, blockAfter: 5, blockMs: 300 });
    assertExitedCleanly(r);
    const dropped = (r.out.stats as { droppedFrames: number }).droppedFrames;
    const idx = periodIndices(src, readRaw(readFileSync(dest)), 160);
    assert.ok(!idx.includes(-1), `a period not from the infile: ${idx.join(' ')}`);
    assert.deepEqual(idx.slice(0, 5), [0, 1, 2, 3, 4]);
    // One gap, right after the block, of exactly the dropped periods; in order otherwise.
    const gap = (idx[5] ?? 0) - 5;
    assert.ok(gap >= 8, `gap of ${gap} periods after blocking 300 ms with a queue of 4 (${idx.join(' ')})`);
    assert.equal(dropped, gap * 160);
    assert.deepEqual(idx.slice(5), Array.from({ length: 15 }, (_, i) => 5 + gap + i));
  });

  test('opening a device that does not exist throws an AlsaError saying why', async () => {
    const r = await runChild(setup(), 'open-errors');
    assertExitedCleanly(r);
    const missing = r.out.missing as Record<string, unknown>;
    assert.equal(missing.isAlsaError, true, JSON.stringify(missing));
    assert.equal(missing.code, 'ENOENT');
    assert.equal(missing.device, 'nosuch');
    assert.match(String(missing.message), /^cannot open PCM 'nosuch' for capture: No such file or directory \(ALSA: Unknown PCM nosuch\)$/);
    assert.equal((r.out.missingPlayback as Record<string, unknown>).code, 'ENOENT');
    assert.equal((r.out.badChannels as Record<string, unknown>).name, 'RangeError');
  });

  test('close() twice is harmless: one close event, no event after it, threads joined, memory freed, the process exits', async () => {
    const r = await runChild(setup(), 'close-twice');
    assertExitedCleanly(r);
    assert.equal(r.out.closes, 2);
    assert.equal(r.out.framesAfterClose, 0);
    assert.equal(r.out.writeAfterClose, 0);
    assert.deepEqual(r.out.closedFlags, [true, true]);
    const t = r.out.threads as { before: number; during: number; after: number; afterChurn: number };
    assert.equal(t.during, t.before + 2, 'one I/O thread per stream');
    assert.equal(t.after, t.before, 'the I/O threads are joined');
    assert.equal(t.afterChurn, t.before, 'no thread left after 100 more streams');
    assert.ok((r.out.liveBeforeGc as number) >= 0);
    assert.equal(r.out.liveAfterGc, 0, 'every native handle freed once closed and collected');
  });

  test('an xrun is recovered and reported; a lost device ends the stream with an error, never a crash', async () => {
    const r = await runChild(setup(), 'faults');
    assertExitedCleanly(r);
    assert.deepEqual(r.out.events, [
      'capture xrun',
      "capture error ENODEV filein: snd_pcm_readi on 'filein' failed: No such device",
      'capture close',
      'playback xrun', // one -EIO, cured by snd_pcm_prepare
      'playback xrun', // a persistent -EIO: a few attempts, then it is fatal
      'playback xrun',
      'playback xrun',
      'playback xrun',
      'playback close',
    ]);
    // Without an 'error' listener the error becomes a process warning, not an exception.
    assert.deepEqual(r.out.warnings, [
      "AlsaError EIO: snd_pcm_writei on 'fileout' failed: Input/output error; recovery failed: the error persists",
    ]);
    assert.equal((r.out.captureStats as { xruns: number }).xruns, 1);
    // Capture went on after the xrun, and nothing came after the error.
    const at = r.out.framesAt as { xrun: number; error: number; end: number };
    assert.ok(at.xrun >= 3 && at.error >= 6 && at.error > at.xrun, JSON.stringify(at));
    assert.equal(at.end, at.error);
  });

  test('process.exit() with streams running: no crash, and what was played is flushed', async () => {
    const cfg = setup();
    const src = testSignal(6 * 160, 3);
    const source = join(tmp, 'exit-src.raw');
    writeRaw(source, src);
    const r = await runChild(cfg, 'exit', { source });
    assertExitedCleanly(r);
    assert.equal(r.out.written, src.length);
    assert.deepEqual(readRaw(readFileSync(cfg.outFile)).subarray(0, src.length), src);
  });

  test('a worker terminated with streams open: its env cleanup stops the threads', async () => {
    const r = await runChild(setup(), 'worker');
    assertExitedCleanly(r);
    assert.equal((r.out.ready as { frames: number }).frames, 3, 'the worker captured');
    const t = r.out.threads as { before: number; after: number };
    assert.equal(t.after, t.before);
  });
});
