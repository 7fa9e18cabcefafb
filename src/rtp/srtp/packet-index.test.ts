import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateRtpIndex, rolloverCounter } from './packet-index.js';

// RFC 3711 Appendix A: the guess is the index closest to the highest one seen.
test('index estimation follows RFC 3711 Appendix A', () => {
  assert.equal(estimateRtpIndex(100, 101), 101);
  assert.equal(estimateRtpIndex(100, 50), 50);
  assert.equal(estimateRtpIndex(65535, 0), 65536); // wrap: ROC + 1
  assert.equal(estimateRtpIndex(65535, 32767), 32767); // still the same ROC
  assert.equal(estimateRtpIndex(65535, 32766), 65536 + 32766); // more than 2^15 behind: next ROC
  assert.equal(estimateRtpIndex(65536, 65534), 65534); // late packet from before the wrap: ROC - 1
  assert.equal(estimateRtpIndex(3 * 65536 + 10, 65000), 2 * 65536 + 65000);
  assert.equal(estimateRtpIndex(3 * 65536 + 40000, 10), 4 * 65536 + 10);
  assert.ok(estimateRtpIndex(10, 60000) < 0); // would need ROC = -1
});

test('rollover counter is the index divided by 2^16', () => {
  assert.equal(rolloverCounter(65535), 0);
  assert.equal(rolloverCounter(65536), 1);
  assert.equal(rolloverCounter(2 ** 48 - 1), 2 ** 32 - 1);
});
