/**
 * Tone plans for the Americas: US and CA (North American Numbering Plan) and BR.
 *
 * US, CA — ITU-T E.300 Supp. 3 "North American precise audible tone plan"
 * and Telcordia GR-506-CORE (also listed in E.180 Supp. 2):
 *   dial 350+440 Hz continuous, −13 dBm0 per frequency;
 *   audible ringing 440+480 Hz 2 s on / 4 s off, −19 dBm0;
 *   busy 480+620 Hz 0.5/0.5 s, reorder 480+620 Hz 0.25/0.25 s, −24 dBm0;
 *   call waiting 440 Hz 0.3 s burst, −13 dBm0, repeated every 10 s;
 *   stutter (message waiting) 350+440 Hz 0.1/0.1 s (GR-506 goes steady after
 *   ten bursts; repeated here, see common.ts); ROH howler
 *   1400+2060+2450+2600 Hz 0.1/0.1 s; confirmation three 0.1 s bursts of dial
 *   tone; ringing 2 s on / 4 s off (20 Hz).
 *
 * BR — ITU-T E.180 Supp. 2 entry for Brazil (Anatel practice): 425 Hz;
 *   ringback 1/4 s; busy 0.25/0.25 s; congestion 0.25/0.25/0.75/0.25 s;
 *   call waiting 0.05 s every ~1 s; ringing 1 s on / 4 s off.
 *   No level given: DEFAULT_LEVEL_DBM0. Stutter, howler, confirmation: FALLBACK.
 */
import type { TonePlan } from '../types.js';
import { confirmationOf, ring, ROH_HOWLER, singleFrequency, stutterOf, tone } from './common.js';

const nanpDial = tone([350, 440], -13);

const NANP: Omit<TonePlan, 'region' | 'name'> = {
  dial: nanpDial,
  ringback: tone([440, 480], -19, [2000, 4000]),
  busy: tone([480, 620], -24, [500, 500]),
  reorder: tone([480, 620], -24, [250, 250]),
  callWaiting: tone([440], -13, [300, 9700]),
  stutter: stutterOf(nanpDial),
  howler: ROH_HOWLER,
  confirmation: confirmationOf(nanpDial),
  ring: ring(2000, 4000),
};

export const US_PLAN: TonePlan = { region: 'US', name: 'United States', ...NANP };

export const CA_PLAN: TonePlan = { region: 'CA', name: 'Canada', ...NANP };

const br = singleFrequency({
  frequency: 425,
  ringback: [1000, 4000],
  busy: [250, 250],
  reorder: [250, 250, 750, 250],
  callWaiting: [50, 1000],
});

export const BR_PLAN: TonePlan = {
  region: 'BR',
  name: 'Brazil',
  ...br,
  stutter: stutterOf(br.dial), // FALLBACK
  howler: ROH_HOWLER, // FALLBACK
  confirmation: confirmationOf(br.dial), // FALLBACK
  ring: ring(1000, 4000),
};

export const AMERICAS_PLANS: readonly TonePlan[] = [US_PLAN, CA_PLAN, BR_PLAN];
