/**
 * The Q.24 accept/reject matrix (Telcordia GR-506-CORE receiver limits):
 *
 *   must accept  |Δf| ≤ 1.5 % on each tone, each tone ≥ −25 dBm0, twist
 *                (L_high − L_low) from −8 to +4 dB, tone ≥ 40 ms;
 *   must reject  |Δf| ≥ 3.5 % on either tone, tones at −35 dBm0, twist ≥ +6
 *                or ≤ −10 dB, tone ≤ 20 ms;
 *   in between   no requirement (recorded below and printed by the test).
 *
 * Factors: deviation {0, ±1.5, ±3.5, ±5 %} (both tones the same way) ×
 * level of the stronger tone {−3, −10, −20, −25, −35 dBm0} × twist {+4, 0,
 * −8, +6, −10 dB} (the weaker tone is |twist| dB below) × duration {20, 30,
 * 40, 50, 100 ms}, each at 4 alignments against the detector's 106-sample
 * blocks. The full matrix runs on 1, 6, * and D (the grid's corners and its
 * closest pair, 941/1209 Hz); every digit runs a diagonal through it, and
 * opposite-sign and one-tone deviations.
 *
 * Recorded (in-between cells, full-matrix digits, 4 alignments each):
 *   30 ms tones, all else acceptable          → accepted in 49 % of runs
 *                                                (two full blocks fit at some alignments)
 *   weaker tone at −28/−29 dBm0 (twist −8/+4) → accepted in 100 % (floor −30 dBm0)
 *   weaker tone at −33 dBm0                   → accepted in 0 %
 * An exploratory run of the full matrix on all sixteen digits at 9 alignments
 * (126 000 runs) found no failure either; 30 ms tones were accepted in 55 %.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector } from './detector.js';
import { dtmfSamples } from './generator.js';
import { DTMF_DIGITS, type DtmfDigit } from './digits.js';
import { burst, concat, silence, toPcm } from './test-support/signals.js';

const DEVIATIONS = [0, 0.015, -0.015, 0.035, -0.035, 0.05, -0.05];
const LEVELS = [-3, -10, -20, -25, -35];
const TWISTS = [4, 0, -8, 6, -10];
const DURATIONS = [20, 30, 40, 50, 100];
const ALIGNMENTS = [0, 29, 58, 87];

interface Cell {
  lowError: number;
  highError: number;
  /** Level of the stronger tone, dBm0. */
  level: number;
  /** L_high − L_low, dB. */
  twist: number;
  durationMs: number;
}

type Expectation = 'accept' | 'reject' | 'between';

function tones(c: Cell): { low: number; high: number } {
  return c.twist >= 0 ? { high: c.level, low: c.level - c.twist } : { low: c.level, high: c.level + c.twist };
}

/** What Q.24 / GR-506 require of a cell, and why when it is in between. */
function expectation(c: Cell): { expect: Expectation; why: string } {
  const { low, high } = tones(c);
  const dev = Math.max(Math.abs(c.lowError), Math.abs(c.highError));
  if (dev >= 0.035 || c.level <= -35 || c.twist >= 6 || c.twist <= -10 || c.durationMs <= 20) return { expect: 'reject', why: '' };
  if (dev <= 0.015 && Math.min(low, high) >= -25 && c.durationMs >= 40) return { expect: 'accept', why: '' };
  if (c.durationMs < 40) return { expect: 'between', why: `${c.durationMs} ms tones` };
  return { expect: 'between', why: `weaker tone at ${Math.min(low, high)} dBm0` };
}

const detector = new DtmfDetector();

/** 'accept' when exactly this digit starts and ends once, 'reject' when nothing starts, else what happened. */
function outcome(digit: DtmfDigit, c: Cell, lead: number): string {
  const { low, high } = tones(c);
  const tone =
    c.lowError === c.highError
      ? dtmfSamples(digit, { lowLevelDbm0: low, highLevelDbm0: high, frequencyError: c.lowError, durationMs: c.durationMs, pauseMs: 0 })
      : burst({ digit, lowDbm0: low, highDbm0: high, lowError: c.lowError, highError: c.highError, durationMs: c.durationMs });
  detector.reset();
  const events = detector.process(toPcm(concat(new Float64Array(lead), tone, silence(80))));
  if (events.length === 0) return 'reject';
  if (events.length === 2 && events.every((e) => e.digit === digit) && events[0]?.type === 'start' && events[1]?.type === 'end') return 'accept';
  return events.map((e) => `${e.type} ${e.digit}`).join(', ');
}

interface Tally {
  cells: number;
  runs: number;
  failures: string[];
  between: Map<string, { accepted: number; runs: number }>;
}

function runCells(digit: DtmfDigit, cells: Iterable<Cell>, tally: Tally): void {
  for (const c of cells) {
    const { expect, why } = expectation(c);
    tally.cells++;
    for (const lead of ALIGNMENTS) {
      tally.runs++;
      const got = outcome(digit, c, lead);
      if (expect === 'between') {
        const b = tally.between.get(why) ?? { accepted: 0, runs: 0 };
        b.runs++;
        if (got === 'accept') b.accepted++;
        tally.between.set(why, b);
      } else if (got !== expect) {
        tally.failures.push(`${digit} ${JSON.stringify(c)} lead ${lead}: expected ${expect}, got ${got}`);
      }
    }
  }
}

function* fullMatrix(): Generator<Cell> {
  for (const dev of DEVIATIONS) for (const level of LEVELS) for (const twist of TWISTS) for (const durationMs of DURATIONS) yield { lowError: dev, highError: dev, level, twist, durationMs };
}

/** A diagonal through the matrix (35 cells cycle through every value of every factor), plus opposite-sign and one-tone deviations. */
function* diagonal(): Generator<Cell> {
  for (let i = 0; i < 35; i++) {
    const dev = DEVIATIONS[i % 7] ?? 0;
    yield { lowError: dev, highError: dev, level: LEVELS[i % 5] ?? 0, twist: TWISTS[(i * 2) % 5] ?? 0, durationMs: DURATIONS[(i * 3) % 5] ?? 0 };
  }
  const nominal = { level: -10, twist: 0, durationMs: 50 };
  for (const [lowError, highError] of [[0.015, -0.015], [-0.015, 0.015], [0.035, -0.035], [-0.035, 0.035], [0.035, 0], [0, -0.035], [0.05, 0], [0, 0.05]]) {
    yield { ...nominal, lowError: lowError ?? 0, highError: highError ?? 0 };
  }
  // The corners of the acceptance region.
  for (const [level, twist] of [[-25, 0], [-17, -8], [-21, 4], [-3, -8], [-3, 4]]) {
    yield { lowError: 0.015, highError: -0.015, level: level ?? 0, twist: twist ?? 0, durationMs: 40 };
  }
}

function report(name: string, t: Tally): void {
  console.log(`# ${name}: ${t.cells} cells, ${t.runs} runs, ${t.failures.length} failures`);
  for (const [why, b] of [...t.between].sort()) console.log(`#   in between, ${why}: accepted in ${b.accepted}/${b.runs} runs (${Math.round((100 * b.accepted) / b.runs)} %)`);
}

test('full matrix on 1, 6, * and D: accepted where Q.24 requires, rejected where it forbids', () => {
  const tally: Tally = { cells: 0, runs: 0, failures: [], between: new Map() };
  for (const d of ['1', '6', '*', 'D'] as DtmfDigit[]) runCells(d, fullMatrix(), tally);
  report('full matrix', tally);
  assert.deepEqual(tally.failures.slice(0, 20), []);
});

test('diagonal, opposite-sign and one-tone deviations, and corners on all sixteen digits', () => {
  const tally: Tally = { cells: 0, runs: 0, failures: [], between: new Map() };
  for (const d of DTMF_DIGITS) runCells(d, diagonal(), tally);
  report('diagonal', tally);
  assert.deepEqual(tally.failures.slice(0, 20), []);
});
