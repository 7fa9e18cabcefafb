/**
 * Talk-off: speech and music must not make digits (the concern of Telcordia
 * GR-181-CORE's talk-off test, which plays hours of recorded speech to a
 * receiver; Q.24 leaves it to administrations). No recordings ship with the
 * repository, so speech is synthesised by espeak-ng in several languages,
 * voices, speeds and pitches, narrowed to 8 kHz by sox, and music-like
 * material is generated (test-support/music.ts). The digits of a real
 * keypress are spliced in between the clips, so a deaf detector fails too.
 *
 * Recorded when written: speech 84 s, music 60 s → 0 false digits, and not a
 * single 13 ms block passing the per-block checks. Longer exploratory runs
 * (26 min of speech in 30 voices at −6/−14/−22 dBm0; 23 min of music over 20
 * seeds) also gave 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector } from './detector.js';
import { dtmfSamples } from './generator.js';
import { DTMF_DIGITS } from './digits.js';
import { speechToolsMissing, synthesise, type SpeechSpec } from './test-support/speech.js';
import { chirp, chordsAndMelody, fmBells, vibratoSweeps } from './test-support/music.js';
import { atLevel, concat, silence, toPcm } from './test-support/signals.js';

const ALL = DTMF_DIGITS.join('');

const SPEECH: SpeechSpec[] = [
  { voice: 'en', speed: 150, pitch: 40, text: 'The quick brown fox jumps over the lazy dog. Please call me back at extension four five six, or press zero for the operator.' },
  { voice: 'en-us', speed: 175, pitch: 55, text: 'Hello, you have reached the office of doctor Smith. Our hours are nine to five, Monday through Friday.' },
  { voice: 'en+f3', speed: 190, pitch: 70, text: 'Whether the weather be fine, or whether the weather be not, we will weather the weather, whatever the weather.' },
  { voice: 'en+m3', speed: 130, pitch: 25, text: 'Ooh, aah, eee. I really love you, baby, oh yeah. Mmm, how are you doing today? Laaa la la laaa.' },
  { voice: 'en+f4', speed: 110, pitch: 90, text: 'Eeeeee. Iiiiii. Ooooooo. Aaaaaaa. Uuuuuu. Nooooo waaaay. Wheeee!' },
  { voice: 'de', speed: 150, pitch: 60, text: 'Guten Tag, hier ist der automatische Anrufbeantworter. Bitte hinterlassen Sie eine Nachricht nach dem Signalton.' },
  { voice: 'fr', speed: 170, pitch: 75, text: 'Bonjour, vous êtes bien chez nous. Laissez un message après le bip sonore, merci beaucoup et à bientôt.' },
  { voice: 'es', speed: 160, pitch: 45, text: 'Buenos días, gracias por llamar. Todos nuestros agentes están ocupados en este momento, por favor espere.' },
  { voice: 'it+f2', speed: 145, pitch: 85, text: 'Buongiorno, grazie per aver chiamato. Restate in linea, vi risponderemo al più presto possibile.' },
  { voice: 'nl', speed: 185, pitch: 50, text: 'Goedemiddag, u spreekt met de klantenservice. Waarmee kan ik u van dienst zijn vandaag?' },
  { voice: 'pl', speed: 160, pitch: 35, text: 'Dzień dobry, dziękujemy za telefon. Prosimy czekać na połączenie z konsultantem.' },
  { voice: 'sv', speed: 140, pitch: 65, text: 'Hej, du har kommit till kundtjänst. Alla våra handläggare är upptagna just nu.' },
];

/** Runs the material through one detector with the keypad's digits spliced in between; returns the false digits. */
function falseDigits(clips: { label: string; samples: ArrayLike<number> }[]): { digits: string; seconds: number; byClip: string[] } {
  const detector = new DtmfDetector();
  const byClip: string[] = [];
  let found = '';
  let seconds = 0;
  clips.forEach((clip, i) => {
    const events = detector.process(toPcm(clip.samples)).filter((e) => e.type === 'start');
    seconds += clip.samples.length / 8000;
    if (events.length > 0) byClip.push(`${clip.label}: ${events.map((e) => e.digit).join('')}`);
    found += events.map((e) => e.digit).join('');
    // A real digit after each clip (with silence around it): the detector must still hear these.
    const digit = ALL[i % ALL.length] ?? '0';
    const real = detector.process(toPcm(concat(silence(100), dtmfSamples(digit, { durationMs: 60, pauseMs: 100 }))));
    assert.deepEqual(real.map((e) => `${e.type} ${e.digit}`), [`start ${digit}`, `end ${digit}`], `the digit after ${clip.label}`);
  });
  return { digits: found, seconds, byClip };
}

test('talk-off: synthetic speech in eight languages makes no digit', (t) => {
  const missing = speechToolsMissing();
  if (missing !== undefined) {
    t.skip(`speech talk-off test skipped: ${missing}`);
    return;
  }
  const clips = synthesise(SPEECH).map((c, i) => ({ label: c.label, samples: atLevel(c.samples, [-8, -14, -20, -26][i % 4] ?? -14) }));
  const r = falseDigits(clips);
  console.log(`# talk-off, speech: ${clips.length} clips (espeak-ng, 8 languages), ${r.seconds.toFixed(1)} s: ${r.digits.length} false digits${r.byClip.length > 0 ? ` (${r.byClip.join('; ')})` : ''}`);
  assert.ok(r.seconds >= 60, `only ${r.seconds.toFixed(1)} s of speech`);
  assert.equal(r.digits, '');
});

test('talk-off: chords with melody, vibrato glides, FM bells and 300–3400 Hz chirps make no digit', () => {
  const clips = [
    { label: 'chords and melody', samples: atLevel(chordsAndMelody(24, 1), -12) },
    { label: 'chords and melody (soft)', samples: atLevel(chordsAndMelody(8, 9), -22) },
    { label: 'vibrato glides', samples: atLevel(vibratoSweeps(12, 2), -14) },
    { label: 'FM bells', samples: atLevel(fmBells(6, 3), -16) },
    { label: 'chirp 300→3400 Hz, 2 s', samples: atLevel(chirp(300, 3400, 2, 'linear'), -10) },
    { label: 'chirp 3400→300 Hz, exponential, 3 s', samples: atLevel(chirp(3400, 300, 3, 'exponential'), -10) },
    { label: 'chirp 300→3400 Hz, 5 s', samples: atLevel(chirp(300, 3400, 5, 'linear'), -20) },
  ];
  const r = falseDigits(clips);
  console.log(`# talk-off, music-like: ${clips.length} pieces, ${r.seconds.toFixed(1)} s: ${r.digits.length} false digits${r.byClip.length > 0 ? ` (${r.byClip.join('; ')})` : ''}`);
  assert.ok(r.seconds >= 60);
  assert.equal(r.digits, '');
});
