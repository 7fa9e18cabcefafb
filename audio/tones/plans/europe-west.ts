/**
 * Tone plans for western Europe: GB, IE, FR, BE, NL, ES, IT.
 * Frequencies and cadences from ITU-T E.180 Supp. 2 unless noted; levels
 * DEFAULT_LEVEL_DBM0 unless noted; FALLBACK marks tones a country does not
 * define (see common.ts).
 */
import type { TonePlan } from '../types.js';
import { confirmationOf, DEFAULT_LEVEL_DBM0, ring, ROH_HOWLER, singleFrequency, stutterOf, tone } from './common.js';

/**
 * GB — BT SIN 350 (Suppliers' Information Note, "Customer premises apparatus:
 * tones") and E.180 Supp. 2: dial 350+440 Hz continuous; ringing tone 400+450 Hz
 * 0.4/0.2/0.4/2.0 s; busy (engaged) 400 Hz 0.375/0.375 s; congestion (path
 * engaged) 400 Hz 0.4/0.35/0.225/0.525 s (BT sends the 0.225 s burst louder;
 * one level here); call waiting 400 Hz 0.1 s every ~3 s; special (interrupted)
 * dial tone 350+440 Hz 0.75/0.75 s — BT's message-waiting indication — as the
 * stutter. Level −20 dBm0 (UK profiles put 350 Hz about 3 dB above 440 Hz;
 * one level here). Ringing 0.4/0.2/0.4/2.0 s (25 Hz).
 */
const gbDial = tone([350, 440], -20);
export const GB_PLAN: TonePlan = {
  region: 'GB',
  name: 'United Kingdom',
  dial: gbDial,
  ringback: tone([400, 450], -20, [400, 200, 400, 2000]),
  busy: tone([400], -20, [375, 375]),
  reorder: tone([400], -20, [400, 350, 225, 525]),
  callWaiting: tone([400], -20, [100, 3000]),
  stutter: tone([350, 440], -20, [750, 750]),
  howler: ROH_HOWLER, // FALLBACK: BT's howler sweeps; the NANP ROH stands in
  confirmation: confirmationOf(gbDial), // FALLBACK
  ring: ring(400, 200, 400, 2000),
};

/**
 * IE — E.180 Supp. 2 and ETSI TR 101 041-2 (European tones listing): Ireland
 * follows the ETSI-harmonized 425 Hz tones (busy
 * 0.5/0.5 s, congestion 0.2/0.2 s) but keeps the UK ringing tone 400+450 Hz
 * 0.4/0.2/0.4/2.0 s and UK ring cadence. Call waiting 425 Hz 0.18/0.2/0.2/4.5 s
 * (Eircom practice as configured in common ATA profiles).
 */
const ie = singleFrequency({ frequency: 425, ringback: [] /* UK-style, below */, busy: [500, 500], reorder: [200, 200], callWaiting: [180, 200, 200, 4500] });
export const IE_PLAN: TonePlan = {
  region: 'IE',
  name: 'Ireland',
  ...ie,
  ringback: tone([400, 450], DEFAULT_LEVEL_DBM0, [400, 200, 400, 2000]),
  stutter: stutterOf(ie.dial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(ie.dial), // FALLBACK
  ring: ring(400, 200, 400, 2000),
};

/**
 * FR — E.180 Supp. 2: 440 Hz; dial continuous; ringback
 * 1.5/3.5 s; busy 0.5/0.5 s; call waiting 0.3 s every 10 s; ringing 1.5/3.5 s.
 * France lists no separate congestion tone (the network sends busy tone or an
 * announcement): FALLBACK reorder 440 Hz 0.25/0.25 s, the usual fast busy.
 */
const fr = singleFrequency({ frequency: 440, ringback: [1500, 3500], busy: [500, 500], reorder: [250, 250], callWaiting: [300, 10000] });
export const FR_PLAN: TonePlan = {
  region: 'FR',
  name: 'France',
  ...fr,
  stutter: stutterOf(fr.dial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(fr.dial), // FALLBACK
  ring: ring(1500, 3500),
};

/**
 * BE — E.180 Supp. 2: 425 Hz; ringback 1/3 s; busy 0.5/0.5 s;
 * congestion 0.167/0.167 s; call waiting 1400 Hz 0.175/0.175/0.175/3.5 s;
 * special dial tone 425 Hz 1.0/0.25 s as the stutter; ringing 1/3 s.
 */
const be = singleFrequency({ frequency: 425, ringback: [1000, 3000], busy: [500, 500], reorder: [167, 167], callWaiting: [] /* 1400 Hz, below */ });
export const BE_PLAN: TonePlan = {
  region: 'BE',
  name: 'Belgium',
  ...be,
  callWaiting: tone([1400], DEFAULT_LEVEL_DBM0, [175, 175, 175, 3500]),
  stutter: tone([425], DEFAULT_LEVEL_DBM0, [1000, 250]),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(be.dial), // FALLBACK
  ring: ring(1000, 3000),
};

/**
 * NL — E.180 Supp. 2: 425 Hz; ringback 1/4 s; busy 0.5/0.5 s;
 * congestion 0.25/0.25 s; call waiting 0.5 s every 10 s; special dial tone
 * 0.5/0.05 s as the stutter; ringing 1/4 s.
 */
const nl = singleFrequency({ frequency: 425, ringback: [1000, 4000], busy: [500, 500], reorder: [250, 250], callWaiting: [500, 9500] });
export const NL_PLAN: TonePlan = {
  region: 'NL',
  name: 'Netherlands',
  ...nl,
  stutter: tone([425], DEFAULT_LEVEL_DBM0, [500, 50]),
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(nl.dial), // FALLBACK
  ring: ring(1000, 4000),
};

/**
 * ES — E.180 Supp. 2: 425 Hz; ringback 1.5/3 s; busy 0.2/0.2 s;
 * congestion 0.2/0.2/0.2/0.2/0.2/0.6 s; call waiting 0.175/0.175/0.175/3.5 s;
 * ringing 1.5/3 s.
 */
const es = singleFrequency({
  frequency: 425,
  ringback: [1500, 3000],
  busy: [200, 200],
  reorder: [200, 200, 200, 200, 200, 600],
  callWaiting: [175, 175, 175, 3500],
});
export const ES_PLAN: TonePlan = {
  region: 'ES',
  name: 'Spain',
  ...es,
  stutter: stutterOf(es.dial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(es.dial), // FALLBACK
  ring: ring(1500, 3000),
};

/**
 * IT — E.180 Supp. 2: 425 Hz; dial tone is cadenced,
 * 0.2/0.2/0.6/1.0 s; ringback 1/4 s; busy 0.5/0.5 s; congestion 0.2/0.2 s;
 * call waiting 0.4/0.1/0.25/0.1/0.15/14 s; ringing 1/4 s. Italy's special dial
 * tone alternates 470 and 425 Hz, which a ToneSpec (one set of frequencies)
 * cannot express: FALLBACK stutter.
 */
const it = singleFrequency({
  frequency: 425,
  ringback: [1000, 4000],
  busy: [500, 500],
  reorder: [200, 200],
  callWaiting: [400, 100, 250, 100, 150, 14000],
});
const itDial = tone([425], DEFAULT_LEVEL_DBM0, [200, 200, 600, 1000]);
export const IT_PLAN: TonePlan = {
  region: 'IT',
  name: 'Italy',
  ...it,
  dial: itDial,
  stutter: stutterOf(itDial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(it.dial), // FALLBACK (steady 425 Hz bursts)
  ring: ring(1000, 4000),
};

export const EUROPE_WEST_PLANS: readonly TonePlan[] = [GB_PLAN, IE_PLAN, FR_PLAN, BE_PLAN, NL_PLAN, ES_PLAN, IT_PLAN];
