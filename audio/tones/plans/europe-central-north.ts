/**
 * Tone plans for central and northern Europe: DE, AT, CH, SE, NO, DK, FI, PL, CZ.
 * Frequencies and cadences from ITU-T E.180 Supp. 2 unless noted; no levels
 * are given there, so DEFAULT_LEVEL_DBM0; FALLBACK marks tones a country does
 * not define (see common.ts).
 */
import type { TonePlan } from '../types.js';
import { confirmationOf, DEFAULT_LEVEL_DBM0, ring, ROH_HOWLER, singleFrequency, stutterOf, tone } from './common.js';

/**
 * DE — E.180 Supp. 2 (Deutsche Telekom, 1TR110): 425 Hz; dial continuous;
 * ringback 1/4 s; busy 0.48/0.48 s; congestion 0.24/0.24 s; call waiting
 * 0.2/0.2/0.2/5.0 s; special dial tone (Sonderwählton) 425+400 Hz continuous
 * as the stutter; ringing 1/4 s.
 */
const de = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [480, 480], reorder: [240, 240], callWaiting: [200, 200, 200, 5000] });
export const DE_PLAN: TonePlan = {
  region: 'DE',
  name: 'Germany',
  ...de,
  stutter: tone([425, 400], DEFAULT_LEVEL_DBM0),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(de.dial), // FALLBACK
  ring: ring(1000, 4000),
};

/**
 * AT — E.180 Supp. 2: 420 Hz; ringback 1/5 s; busy
 * 0.4/0.4 s; congestion 0.2/0.2 s; call waiting 0.04 s every 2 s; special dial
 * tone 420+380 Hz continuous as the stutter; ringing 1/5 s.
 */
const at = singleFrequency({ frequency: 420, ringback: [1000, 5000], busy: [400, 400], reorder: [200, 200], callWaiting: [40, 1960] });
export const AT_PLAN: TonePlan = {
  region: 'AT',
  name: 'Austria',
  ...at,
  stutter: tone([420, 380], DEFAULT_LEVEL_DBM0),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(at.dial), // FALLBACK
  ring: ring(1000, 5000),
};

/**
 * CH — E.180 Supp. 2: 425 Hz; ringback 1/4 s; busy 0.5/0.5 s;
 * congestion 0.2/0.2 s; call waiting 0.2/0.2/0.2/4.0 s; special dial tone
 * 425+340 Hz 1.1/1.1 s as the stutter; ringing 1/4 s.
 */
const ch = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [500, 500], reorder: [200, 200], callWaiting: [200, 200, 200, 4000] });
export const CH_PLAN: TonePlan = {
  region: 'CH',
  name: 'Switzerland',
  ...ch,
  stutter: tone([425, 340], DEFAULT_LEVEL_DBM0, [1100, 1100]),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(ch.dial), // FALLBACK
  ring: ring(1000, 4000),
};

/**
 * SE — E.180 Supp. 2: 425 Hz; ringback 1/5 s; busy 0.25/0.25 s;
 * congestion 0.25/0.75 s; call waiting 0.2/0.5/0.2/9.1 s; special dial tone
 * 0.32/0.02 s as the stutter; ringing 1/5 s.
 */
const se = singleFrequency({ frequency: 425, ringback: [1000, 5000], busy: [250, 250], reorder: [250, 750], callWaiting: [200, 500, 200, 9100] });
export const SE_PLAN: TonePlan = {
  region: 'SE',
  name: 'Sweden',
  ...se,
  stutter: tone([425], DEFAULT_LEVEL_DBM0, [320, 20]),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(se.dial), // FALLBACK
  ring: ring(1000, 5000),
};

/**
 * NO — E.180 Supp. 2: 425 Hz; ringback 1/4 s; busy 0.5/0.5 s;
 * congestion 0.2/0.2 s; call waiting 0.2/0.6/0.2/10 s; ringing 1/4 s. Norway's
 * special dial tone alternates 470/425 Hz (not expressible): FALLBACK stutter.
 */
const no = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [500, 500], reorder: [200, 200], callWaiting: [200, 600, 200, 10000] });
export const NO_PLAN: TonePlan = {
  region: 'NO',
  name: 'Norway',
  ...no,
  stutter: stutterOf(no.dial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(no.dial), // FALLBACK
  ring: ring(1000, 4000),
};

/**
 * DK — E.180 Supp. 2: 425 Hz; ringback 1/4 s; busy 0.5/0.5 s;
 * congestion 0.2/0.2 s; call waiting 0.2/0.6/0.2/3.0 s; ringing 1/4 s.
 */
const dk = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [500, 500], reorder: [200, 200], callWaiting: [200, 600, 200, 3000] });
export const DK_PLAN: TonePlan = {
  region: 'DK',
  name: 'Denmark',
  ...dk,
  stutter: stutterOf(dk.dial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(dk.dial), // FALLBACK
  ring: ring(1000, 4000),
};

/**
 * FI — E.180 Supp. 2: 425 Hz; ringback 1/4 s; busy 0.3/0.3 s;
 * congestion 0.2/0.2 s; call waiting 0.15/0.15/0.15/8 s; special dial tone
 * 0.65/0.025 s as the stutter; ringing 1/4 s.
 */
const fi = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [300, 300], reorder: [200, 200], callWaiting: [150, 150, 150, 8000] });
export const FI_PLAN: TonePlan = {
  region: 'FI',
  name: 'Finland',
  ...fi,
  stutter: tone([425], DEFAULT_LEVEL_DBM0, [650, 25]),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(fi.dial), // FALLBACK
  ring: ring(1000, 4000),
};

/**
 * PL — E.180 Supp. 2: 425 Hz; ringback 1/4 s; busy 0.5/0.5 s;
 * congestion is listed with the busy cadence, 0.5/0.5 s, so the two cannot be
 * told apart (the classifier reports `busy`); call waiting 0.15/0.15/0.15/4 s;
 * ringing 1/4 s.
 */
const pl = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [500, 500], reorder: [500, 500], callWaiting: [150, 150, 150, 4000] });
export const PL_PLAN: TonePlan = {
  region: 'PL',
  name: 'Poland',
  ...pl,
  stutter: stutterOf(pl.dial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(pl.dial), // FALLBACK
  ring: ring(1000, 4000),
};

/**
 * CZ — E.180 Supp. 2: 425 Hz; dial tone is cadenced,
 * 0.33/0.33/0.66/0.66 s; ringback 1/4 s; busy 0.33/0.33 s; congestion
 * 0.165/0.165 s; call waiting 0.33 s every ~9 s; ringing 1/4 s.
 */
const cz = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [330, 330], reorder: [165, 165], callWaiting: [330, 9000] });
const czDial = tone([425], DEFAULT_LEVEL_DBM0, [330, 330, 660, 660]);
export const CZ_PLAN: TonePlan = {
  region: 'CZ',
  name: 'Czechia',
  ...cz,
  dial: czDial,
  stutter: stutterOf(czDial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(cz.dial), // FALLBACK (steady 425 Hz bursts)
  ring: ring(1000, 4000),
};

export const EUROPE_CENTRAL_NORTH_PLANS: readonly TonePlan[] = [DE_PLAN, AT_PLAN, CH_PLAN, SE_PLAN, NO_PLAN, DK_PLAN, FI_PLAN, PL_PLAN, CZ_PLAN];
