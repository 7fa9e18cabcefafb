import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cadenceMatches, DEFAULT_CADENCE_TOLERANCE, longestSilenceMs, segmentToleranceMs } from './fxo-ring-cadence.js';

describe('ring cadence matching', () => {
  const us = [2000, 4000];
  const gb = [400, 200, 400, 2000];

  it('tolerance is ±20 % with a 150 ms floor', () => {
    assert.equal(segmentToleranceMs(2000, DEFAULT_CADENCE_TOLERANCE), 400);
    assert.equal(segmentToleranceMs(200, DEFAULT_CADENCE_TOLERANCE), 150);
  });

  it('matches within tolerance, not outside it', () => {
    assert.equal(cadenceMatches([2100, 3800, 1950], us), true);
    assert.equal(cadenceMatches([2500, 4000], us), false);
    assert.equal(cadenceMatches([2000, 3000], us), false);
  });

  it('finds the phase of a multi-burst cadence', () => {
    assert.equal(cadenceMatches([400, 2000, 400, 200], gb), true);
    assert.equal(cadenceMatches([400, 200, 400, 200], gb), false);
  });

  it('lets only the first burst of a sequence be short', () => {
    assert.equal(cadenceMatches([600, 4000], us, DEFAULT_CADENCE_TOLERANCE, true), true);
    assert.equal(cadenceMatches([600, 4000], us, DEFAULT_CADENCE_TOLERANCE, false), false);
    assert.equal(cadenceMatches([3000, 4000], us, DEFAULT_CADENCE_TOLERANCE, true), false);
  });

  it('has nothing to judge without observations or with an unusable cadence', () => {
    assert.equal(cadenceMatches([], us), undefined);
    assert.equal(cadenceMatches([2000], [2000]), undefined);
    assert.equal(cadenceMatches([2000], [2000, 0]), undefined);
  });

  it('longest silence', () => {
    assert.equal(longestSilenceMs(gb), 2000);
    assert.equal(longestSilenceMs([1000, 5000]), 5000);
  });
});
