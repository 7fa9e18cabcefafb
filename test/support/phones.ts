/**
 * The appliance's simulated board seen through its control API (DESIGN §7), for
 * end-to-end tests: a box started with a provisioning document, and helpers that
 * wait for what a virtual phone or the virtual landline observes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, startAppliance, tempDataDir, type RunningAppliance } from './appliance-process.js';
import { waitFor } from './wait-for.js';
import { encodeWav } from '../../board/sim/wav.js';

export const ADMIN_PASSWORD = 'a good password';

export interface PhoneView {
  hook: 'on' | 'off';
  ringing: boolean;
  rings: number;
  callerId: { number?: string; name?: string } | null;
  hearing: string;
  digitsHeard: string;
}

export interface LandlineView {
  offHook: boolean;
  digitsDialed: string;
  hearing: string;
}

export interface Box {
  app: RunningAppliance;
  api: ApiClient;
  phone(port: number): Promise<PhoneView>;
  landline(port: number): Promise<LandlineView>;
  /** POST to the sim API (a WAV body for `…/play`); throws unless 2xx. */
  sim(path: string, body?: unknown): Promise<unknown>;
  waitPhone(port: number, what: string, ok: (p: PhoneView) => boolean, timeoutMs?: number): Promise<PhoneView>;
  waitLandline(port: number, what: string, ok: (l: LandlineView) => boolean, timeoutMs?: number): Promise<LandlineView>;
  stop(): Promise<void>;
}

/** Starts the box on the sim board with `doc` (admin password added) and logs in. */
export async function startBox(doc: Record<string, unknown>, opts: { dataDir?: string; args?: string[] } = {}): Promise<Box> {
  const app = await startAppliance({ dataDir: opts.dataDir ?? tempDataDir(), args: ['--board', 'sim', '--provision', provisionFile(doc), ...(opts.args ?? [])] });
  const api = await loggedIn(app);
  return deviceBox(app, api, api, '/api/sim');
}

/** `doc` with the admin password, in a temp file for --provision. */
export function provisionFile(doc: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-provision-'));
  const file = join(dir, 'provision.json');
  writeFileSync(file, JSON.stringify({ version: 1, admin: { password: ADMIN_PASSWORD }, ...doc }));
  return file;
}

/** An API client logged in to `app` as admin. */
export async function loggedIn(app: RunningAppliance): Promise<ApiClient> {
  const api = new ApiClient(app.url);
  const login = await api.request('POST', '/api/session', { username: 'admin', password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  return api;
}

/**
 * The Box of a running appliance whose phones and landline answer at `devices`
 * under `prefix` in the simulated board's terms (`fxs/N`, `fxo/N`, their actions).
 */
export function deviceBox(app: RunningAppliance, api: ApiClient, devices: ApiClient, prefix: string): Box {
  const get = async <T>(path: string): Promise<T> => {
    const r = await devices.request('GET', prefix + path);
    if (r.status !== 200) throw new Error(`GET ${prefix}${path}: ${r.status} ${r.text}`);
    return r.json as T;
  };
  const box: Box = {
    app,
    api,
    phone: (port) => get<PhoneView>(`/fxs/${port}`),
    landline: (port) => get<LandlineView>(`/fxo/${port}`),
    sim: async (path, body) => {
      const r = await devices.request('POST', `${prefix}/${path}`, body);
      if (r.status < 200 || r.status > 299) throw new Error(`POST ${prefix}/${path}: ${r.status} ${r.text}`);
      return r.json;
    },
    waitPhone: (port, what, ok, timeoutMs = 10_000) =>
      waitFor(`phone ${port}: ${what}`, async () => {
        const p = await box.phone(port);
        return ok(p) ? p : undefined;
      }, timeoutMs, 100),
    waitLandline: (port, what, ok, timeoutMs = 10_000) =>
      waitFor(`landline ${port}: ${what}`, async () => {
        const l = await box.landline(port);
        return ok(l) ? l : undefined;
      }, timeoutMs, 100),
    stop: async () => {
      await app.stop();
      app.cleanup();
    },
  };
  return box;
}

/** Seeded white noise at about −20 dBFS: audible, and unlike a sine not predictable from a delayed copy (an echo canceller leaves it alone). */
export function noiseWav(ms: number, seed = 1): Buffer {
  const n = Math.round((ms * 8000) / 1000);
  const pcm = new Int16Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    pcm[i] = Math.round(((x / 0xffffffff) * 2 - 1) * 5000);
  }
  return encodeWav(pcm);
}
