/**
 * The appliance on the gpio-slic board with a gpio-daa landline, as a process, for
 * end-to-end tests: `runAppliance` (what `dialtone` runs) with the command line it
 * is given, except that the board reaches its hardware through
 * - the fake GPIO layer (board/gpio/test-support/fake-gpio.ts) instead of sysfs, and
 * - ALSA's file plugin instead of USB sound cards: the real addon opens the
 *   profile's device names, which the parent's ALSA_CONFIG_PATH makes files in
 *   DIALTONE_HW_DIR (board/test-support/file-sound-card.ts).
 *
 * On those stand the same device models as in the in-process hardware rig: an
 * analog phone on each FXS port (HardwarePhone: SHK, RM, F/R, its card's audio) and
 * the telephone line on the FXO port (HardwareLandline: ring detect, hook relay,
 * loop current, its card's audio). They are driven and read over a small HTTP
 * control API whose paths and answers follow the simulated board's `/api/sim`
 * (test/support/hardware-box.ts maps one onto the other), printed at start as
 * "Hardware control: http://127.0.0.1:PORT".
 *
 * Environment: DIALTONE_HW_DIR (the card files' folder), DIALTONE_HW_REGION (the
 * region the devices expect, for their tone plans; default US).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlsaAudioPort } from '../../board/alsa/alsa-audio-port.js';
import { createRateConverter } from '../../board/alsa/resampler.js';
import { FakeGpio } from '../../board/gpio/test-support/fake-gpio.js';
import { loadProfile } from '../../board/profiles/profiles.js';
import { parseWav } from '../../board/sim/wav.js';
import { FileSoundCard } from '../../board/test-support/file-sound-card.js';
import { HardwareLandline } from '../../board/test-support/hardware-landline.js';
import { HardwarePhone } from '../../board/test-support/hardware-phone.js';
import { CARD_RATE } from '../../board/test-support/line-audio-io.js';
import { SystemClock } from '../../src/clock.js';
import { hardwareOpener } from '../../src/hardware-opener.js';
import { regionProfile } from '../../src/line/region-profile.js';
import { EXIT_FAILED, runAppliance } from '../../src/run-appliance.js';

export const HARDWARE_BOX_PROFILE = 'ag1171-cm108-cpc5622';

const dir = process.env.DIALTONE_HW_DIR;
if (dir === undefined) throw new Error('DIALTONE_HW_DIR is not set');
const region = regionProfile(process.env.DIALTONE_HW_REGION ?? 'US');
const clock = new SystemClock();
const gpio = new FakeGpio(clock);
const profile = loadProfile(HARDWARE_BOX_PROFILE);

const phones = new Map<number, HardwarePhone>();
const landlines = new Map<number, HardwareLandline>();
const cards: FileSoundCard[] = [];
for (const spec of profile.ports) {
  if (spec.driver === 'usb-modem') continue;
  const card = new FileSoundCard(spec.audio.device, dir, clock);
  cards.push(card);
  if (spec.driver === 'gpio-slic') phones.set(spec.port, new HardwarePhone(spec, gpio, card, clock, region.tones));
  else landlines.set(spec.port, new HardwareLandline({ spec, gpio, card, clock, plan: region.tones, ringFrequencyHz: region.ringFrequencyHz }));
}
for (const c of cards) c.start();
// The line looks at the DAA's hook relay as often as the cards move audio.
const poll = (): void => {
  for (const l of landlines.values()) l.poll();
  clock.setTimer(20, poll);
};
poll();

/** `rings` and caller ID as a phone shows them: since it was last hung up. */
const ringsFrom = new Map<number, number>();

function phoneView(port: number, p: HardwarePhone): Record<string, unknown> {
  const since = ringsFrom.get(port) ?? Number.NEGATIVE_INFINITY;
  const rings = p.rmChanges(since).filter((c) => c.value === 1).length;
  const cid = p.ear.callerId;
  return {
    hook: p.isOffHook ? 'off' : 'on',
    ringing: p.ringing(),
    rings,
    callerId: cid === undefined ? null : { number: cid.number ?? null, name: cid.name ?? null },
    hearing: p.hearing,
    digitsHeard: p.ear.digitsHeard,
    ringMode: p.ringMode,
    ringHz: p.ringHz(),
    lines: p.lines,
  };
}

function landlineView(l: HardwareLandline): Record<string, unknown> {
  return { offHook: l.seized, relay: l.relay, ringing: l.ringing, digitsDialed: l.digitsDialed, hearing: l.hearing, lines: l.lines };
}

/** An 8 kHz WAV (as /api/sim/.../play takes) at the cards' rate. */
function wavAtCardRate(body: Buffer): Int16Array {
  return createRateConverter(8000, CARD_RATE).process(parseWav(body));
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function json(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const v = JSON.parse(body.toString('utf8')) as unknown;
  if (typeof v !== 'object' || v === null) throw new HttpError(400, 'a JSON object is expected');
  return v as Record<string, unknown>;
}

function device<T>(map: Map<number, T>, port: string | undefined, what: string): T {
  const d = map.get(Number(port));
  if (d === undefined) throw new HttpError(404, `no ${what} on port ${port ?? '?'}`);
  return d;
}

async function route(method: string, path: string, body: Buffer): Promise<unknown> {
  const [kind, port, action] = path.split('/').filter((s) => s !== '');
  if (method === 'GET' && kind === 'gpio') {
    return { values: Object.fromEntries(gpio.openLines().map((k) => [k, gpio.value(k)])), open: gpio.openLines(), changes: gpio.changes.length };
  }
  if (kind === 'fxs') {
    const p = device(phones, port, 'phone');
    const n = Number(port);
    if (method === 'GET' && action === undefined) return phoneView(n, p);
    if (method === 'POST' && action === 'hook') {
      const state = json(body).state;
      if (state === 'off') p.lift();
      else if (state === 'on') {
        p.hangUp();
        ringsFrom.set(n, clock.now());
        p.ear.forgetCallerId();
      } else throw new HttpError(400, 'state must be "on" or "off"');
      return { hook: state };
    }
    if (method === 'POST' && action === 'dial') {
      const digits = json(body).digits;
      if (typeof digits !== 'string' || !/^[0-9*#A-D]+$/.test(digits)) throw new HttpError(400, 'digits must be DTMF digits');
      if (!p.isOffHook) throw new HttpError(409, 'the phone is on hook');
      return { dialled: await p.dial(digits) };
    }
    if (method === 'POST' && action === 'play') {
      void p.mic.say(wavAtCardRate(body));
      return { playing: true };
    }
  }
  if (kind === 'fxo') {
    const l = device(landlines, port, 'landline');
    if (method === 'GET' && action === undefined) return landlineView(l);
    if (method === 'POST' && action === 'ring') {
      const b = json(body);
      const number = typeof b.number === 'string' ? b.number : undefined;
      l.ring(number === undefined ? undefined : { number, ...(typeof b.name === 'string' ? { name: b.name } : {}) });
      return { ringing: true };
    }
    if (method === 'POST' && action === 'hangup') {
      l.hangup();
      return { hungUp: true };
    }
    if (method === 'POST' && action === 'play') {
      void l.voice.say(wavAtCardRate(body));
      return { playing: true };
    }
  }
  throw new HttpError(404, `${method} ${path}: no such control`);
}

function serve(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    route(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks)).then(
      (v) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      },
      (err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: err instanceof Error ? err.message : String(err) } }));
      },
    );
  });
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`hardware box: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
  process.exit(EXIT_FAILED);
});

const control = createServer(serve);
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Hardware control: http://127.0.0.1:${(control.address() as AddressInfo).port}\n`);
});
control.unref();

await runAppliance(process.argv.slice(2), {
  hardwareOpener: (board, opts) => hardwareOpener(board, opts, {
    gpio: () => gpio,
    // ALSA's software PCMs have no clock: the port's I/O threads keep time themselves.
    openAudio: (spec, lost, log) => new AlsaAudioPort({ spec, log, onLost: lost, tuning: { pace: true } }),
  }),
});
