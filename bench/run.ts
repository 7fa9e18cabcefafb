/**
 * Runs the benchmarks and prints their figures (`npm run bench`; it builds first).
 * `npm run bench -- chain dtmf` runs only those.
 */
import { benchAlsa } from './audio-alsa.js';
import { benchCallerId } from './audio-caller-id.js';
import { benchChain } from './audio-chain.js';
import { benchCodecs } from './audio-codecs.js';
import { benchDsp } from './audio-dsp.js';
import { benchDtmf } from './audio-dtmf.js';
import { benchEcho } from './audio-echo.js';
import { benchTones } from './audio-tones.js';
import { benchRtpMedia } from './rtp-media.js';
import { benchSipCalls } from './sip-calls.js';
import { benchSipParse } from './sip-parse.js';
import { benchStartup } from './startup.js';

const BENCHES: Record<string, () => Promise<void>> = {
  startup: () => benchStartup(),
  chain: () => benchChain(),
  codecs: benchCodecs,
  dtmf: benchDtmf,
  tones: benchTones,
  'caller-id': benchCallerId,
  echo: benchEcho,
  dsp: benchDsp,
  alsa: benchAlsa,
  'sip-parse': benchSipParse,
  'sip-calls': benchSipCalls,
  'rtp-media': benchRtpMedia,
};

const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in BENCHES)) throw new Error(`no bench ${name}; have ${Object.keys(BENCHES).join(', ')}`);
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  await run();
}
