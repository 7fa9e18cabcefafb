/**
 * The appliance on the usb-modem board as a real process, against the modem
 * simulator on a pseudo-terminal (board/usb-modem/test-support/modem-simulator.ts):
 * `--board usb-modem --modem <pty>` with a provisioning document (admin password
 * added), logged in. `feed` runs every 20 ms with the simulator: a modem in voice
 * mode streams samples continuously, which clocks the driver's audio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModemSimulator } from '../../board/usb-modem/test-support/modem-simulator.js';
import { startAppliance, tempDataDir, type ApiClient, type RunningAppliance } from './appliance-process.js';
import { loggedIn, provisionFile } from './phones.js';

export interface ModemBoxProcess {
  readonly sim: ModemSimulator;
  readonly app: RunningAppliance;
  readonly api: ApiClient;
  /** Stops the box, then the simulator; `MODEM_E2E_DUMP=1` prints the box's output first. */
  stop(): Promise<void>;
}

export async function startModemBox(model: 'cx93001' | 'usr5637', doc: Record<string, unknown>, feed: (sim: ModemSimulator) => void): Promise<ModemBoxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-modem-e2e-'));
  const sim = await ModemSimulator.start(dir, model);
  const feeder = setInterval(() => feed(sim), 20);
  let app: RunningAppliance | undefined;
  const stop = async (): Promise<void> => {
    if (process.env.MODEM_E2E_DUMP === '1' && app !== undefined) console.log(app.output());
    clearInterval(feeder);
    if (app !== undefined) {
      await app.stop();
      app.cleanup();
    }
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    app = await startAppliance({ dataDir: tempDataDir(), args: ['--board', 'usb-modem', '--modem', sim.path, '--provision', provisionFile(doc)] });
    return { sim, app, api: await loggedIn(app), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
