/**
 * Talk-off: during a call, speech and music must not look like an alert tone
 * (the phone would send an ACK and mute itself: SR-TSV-002476 counts these
 * false detections) nor like a caller-ID message. Uses the DTMF module's
 * talk-off material: synthetic music, and espeak-ng speech when installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chirp, chordsAndMelody, fmBells, vibratoSweeps } from '../dtmf/test-support/music.js';
import { atLevel, toPcm } from '../dtmf/test-support/signals.js';
import { speechToolsMissing, synthesise } from '../dtmf/test-support/speech.js';
import { TypeTwoCpe } from './type-two-cpe.js';
import { CallerIdReceiver } from './receiver.js';

function falseDetections(signal: Int16Array): number {
  const cpe = new TypeTwoCpe({ standard: 'bell202' });
  const rx = new CallerIdReceiver({ standard: 'v23' });
  let count = 0;
  for (let i = 0; i < signal.length; i += 160) {
    const frame = signal.subarray(i, i + 160);
    count += cpe.process(frame).length + rx.process(frame).length;
  }
  return count;
}

test('music at −10 and −20 dBm0 raises no alert tone, ACK or message', () => {
  const material: [string, Float64Array][] = [
    ['chords and melody', chordsAndMelody(12, 1)],
    ['vibrato sweeps', vibratoSweeps(9, 2)],
    ['FM bells', fmBells(6, 3)],
    ['chirp 300-3400 Hz', chirp(300, 3400, 4, 'linear')],
  ];
  for (const [name, x] of material) {
    for (const level of [-10, -20]) assert.equal(falseDetections(toPcm(atLevel(x, level))), 0, `${name} at ${level} dBm0`);
  }
});

const missing = speechToolsMissing();
test('speech raises no alert tone, ACK or message', { skip: missing }, () => {
  const clips = synthesise([
    { voice: 'en+m3', speed: 160, pitch: 50, text: 'Hello, this is a test of the caller identification talk off. Could you call me back at five five five, one two one two?' },
    { voice: 'en+f3', speed: 180, pitch: 70, text: 'She sells sea shells by the sea shore, and the shells she sells are surely sea shells.' },
    { voice: 'de+f2', speed: 150, pitch: 60, text: 'Guten Tag, ich rufe wegen der Rechnung vom zwölften März an.' },
  ]);
  for (const clip of clips) {
    for (const level of [-10, -20]) assert.equal(falseDetections(toPcm(atLevel(clip.samples, level))), 0, `${clip.label} at ${level} dBm0`);
  }
});
