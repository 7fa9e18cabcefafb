/**
 * A box on the gpio-slic board with a gpio-daa landline (profile
 * ag1171-cm108-cpc5622), as a real process, seen through the same `Box` as the
 * simulated board's (phones.ts): the end-to-end call tests run on either.
 *
 * The process is hardware-box-child.ts: the appliance's own start-up with the fake
 * GPIO layer and ALSA's file plugin for the sound cards, in a temp folder named by
 * ALSA_CONFIG_PATH. Its phones and landline answer on its control API in the sim
 * API's terms; `hardware(path)` reads the extra facts only hardware has (RM, the
 * F/R frequency, the DAA's relay, the open GPIO lines).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alsaAvailable } from '../../audio/alsa/alsa-pcm.js';
import { writeFileCardsAlsaConfig } from '../../board/test-support/file-sound-card.js';
import { ApiClient, startAppliance, tempDataDir } from './appliance-process.js';
import { deviceBox, loggedIn, provisionFile, type Box } from './phones.js';
import { waitFor } from './wait-for.js';

const CHILD = fileURLToPath(new URL('./hardware-box-child.ts', import.meta.url));

/** Why the hardware box cannot run here, or false. */
export const hardwareBoxSkip: string | false = alsaAvailable() ? false : 'the alsa_pcm addon is not built (npm run build:native)';

export interface HardwareBox extends Box {
  /** GET on the child's control API (`fxs/1`, `fxo/3`, `gpio`). */
  hardware<T>(path: string): Promise<T>;
}

/** Starts the box on the hardware board with `doc` (admin password added) and logs in. */
export async function startHardwareBox(doc: Record<string, unknown>, opts: { dataDir?: string; args?: string[] } = {}): Promise<HardwareBox> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-hw-'));
  const env = { ALSA_CONFIG_PATH: writeFileCardsAlsaConfig(dir), DIALTONE_HW_DIR: dir, DIALTONE_HW_REGION: typeof doc.region === 'string' ? doc.region : 'US' };
  const app = await startAppliance({
    entry: CHILD,
    env,
    dataDir: opts.dataDir ?? tempDataDir(),
    args: ['--board', 'gpio-slic', '--profile', 'ag1171-cm108-cpc5622', '--provision', provisionFile(doc), ...(opts.args ?? [])],
  });
  const url = await waitFor('the hardware control line', () => Promise.resolve(/Hardware control: (http:\/\/\S+)/.exec(app.output())?.[1]), 5000, 50);
  const control = new ApiClient(url);
  const box = deviceBox(app, await loggedIn(app), control, '');
  return {
    ...box,
    stop: async () => {
      await app.stop();
      app.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
    hardware: async <T>(path: string): Promise<T> => {
      const r = await control.request('GET', `/${path}`);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`);
      return r.json as T;
    },
  };
}
