/**
 * Tone plans for Asia-Pacific and Africa: AU, NZ, JP, IN, ZA.
 * Levels DEFAULT_LEVEL_DBM0 (none of the cited documents' levels are modelled);
 * FALLBACK marks tones a country does not define (see common.ts). AM tones
 * ("carrier×modulator") use depth 0.9 (see common.ts `amTone`).
 */
import type { TonePlan } from '../types.js';
import { amTone, confirmationOf, DEFAULT_LEVEL_DBM0, ring, ROH_HOWLER, singleFrequency, stutterOf, tone } from './common.js';

const L = DEFAULT_LEVEL_DBM0;

/**
 * AU — ACIF (now Communications Alliance) S002 and E.180 Supp. 2: dial
 * 413+438 Hz continuous (a 425 Hz tone beating at 25 Hz); ringback 413+438 Hz
 * 0.4/0.2/0.4/2.0 s; busy 425 Hz 0.375/0.375 s; congestion 425 Hz
 * 0.375/0.375 s with every other burst 10 dB lower — one level here, so it
 * equals busy and the classifier reports `busy`; call waiting 425 Hz
 * 0.2/0.2/0.2/4.4 s; message-waiting stutter 413+438 Hz 0.1/0.04 s;
 * ringing 0.4/0.2/0.4/2.0 s.
 */
const auDial = tone([413, 438], L);
export const AU_PLAN: TonePlan = {
  region: 'AU',
  name: 'Australia',
  dial: auDial,
  ringback: tone([413, 438], L, [400, 200, 400, 2000]),
  busy: tone([425], L, [375, 375]),
  reorder: tone([425], L, [375, 375]),
  callWaiting: tone([425], L, [200, 200, 200, 4400]),
  stutter: tone([413, 438], L, [100, 40]),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(auDial), // FALLBACK
  ring: ring(400, 200, 400, 2000),
};

/**
 * NZ — Telecom NZ PTC/TNA 102 and E.180 Supp. 2: 400 Hz; dial continuous;
 * ringback 400+450 Hz 0.4/0.2/0.4/2.0 s; busy 0.5/0.5 s; congestion
 * 0.25/0.25 s; call waiting 0.2 s every 3.2 s; message-waiting stutter
 * 0.1/0.1 s (steady after six bursts there; repeated here); ringing
 * 0.4/0.2/0.4/2.0 s.
 */
const nz = singleFrequency({ frequency: 400, ringback: [] /* 400+450 Hz, below */, busy: [500, 500], reorder: [250, 250], callWaiting: [200, 3000] });
export const NZ_PLAN: TonePlan = {
  region: 'NZ',
  name: 'New Zealand',
  ...nz,
  ringback: tone([400, 450], L, [400, 200, 400, 2000]),
  stutter: stutterOf(nz.dial),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(nz.dial), // FALLBACK
  ring: ring(400, 200, 400, 2000),
};

/**
 * JP — NTT "Telephone service interfaces" technical reference and E.180
 * Supp. 2: 400 Hz; dial continuous; ringback 400 Hz modulated by 16 Hz,
 * 1 s on / 2 s off; busy 0.5/0.5 s; congestion uses the busy tone (same
 * cadence: the classifier reports `busy`); call waiting 400×16 Hz 0.5 s every
 * 8.5 s (as common PBX tables give it); ringing 1 s on / 2 s off (16 Hz).
 */
const jpDial = tone([400], L);
export const JP_PLAN: TonePlan = {
  region: 'JP',
  name: 'Japan',
  dial: jpDial,
  ringback: amTone(400, 16, L, [1000, 2000]),
  busy: tone([400], L, [500, 500]),
  reorder: tone([400], L, [500, 500]),
  callWaiting: amTone(400, 16, L, [500, 8000]),
  stutter: stutterOf(jpDial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(jpDial), // FALLBACK
  ring: ring(1000, 2000),
};

/**
 * IN — E.180 Supp. 2 (India, DoT): dial 400×25 Hz continuous; ringback 400×25 Hz
 * 0.4/0.2/0.4/2.0 s; busy 400 Hz 0.75/0.75 s; congestion 400 Hz 0.25/0.25 s;
 * call waiting 400 Hz 0.2/0.1/0.2/7.5 s; ringing 0.4/0.2/0.4/2.0 s.
 */
const inDial = amTone(400, 25, L);
export const IN_PLAN: TonePlan = {
  region: 'IN',
  name: 'India',
  dial: inDial,
  ringback: amTone(400, 25, L, [400, 200, 400, 2000]),
  busy: tone([400], L, [750, 750]),
  reorder: tone([400], L, [250, 250]),
  callWaiting: tone([400], L, [200, 100, 200, 7500]),
  stutter: stutterOf(inDial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(inDial), // FALLBACK
  ring: ring(400, 200, 400, 2000),
};

/**
 * ZA — E.180 Supp. 2 (Telkom): dial 400×33 Hz continuous (exchanges of the
 * other vendor send 383+417 Hz, the same sound); ringback 400×33 Hz
 * 0.4/0.2/0.4/2.0 s; busy 400 Hz 0.5/0.5 s; congestion 400 Hz 0.25/0.25 s;
 * call waiting 400×33 Hz in 0.25/0.25 s bursts; ringing 0.4/0.2/0.4/2.0 s.
 */
const zaDial = amTone(400, 33, L);
export const ZA_PLAN: TonePlan = {
  region: 'ZA',
  name: 'South Africa',
  dial: zaDial,
  ringback: amTone(400, 33, L, [400, 200, 400, 2000]),
  busy: tone([400], L, [500, 500]),
  reorder: tone([400], L, [250, 250]),
  callWaiting: amTone(400, 33, L, [250, 250]),
  stutter: stutterOf(zaDial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(zaDial), // FALLBACK
  ring: ring(400, 200, 400, 2000),
};

export const ASIA_PACIFIC_AFRICA_PLANS: readonly TonePlan[] = [AU_PLAN, NZ_PLAN, JP_PLAN, IN_PLAN, ZA_PLAN];
