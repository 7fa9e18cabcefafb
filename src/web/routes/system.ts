/**
 * GET /api/system/info — facts about the box for the status page and support: version,
 * uptime, board, host, CPU temperature, memory, load, the SD card's / eMMC's wear, the
 * data disk, the network (addresses, default gateway, DNS servers) and the admin page's
 * HTTPS (port, certificate fingerprint, or why it is not served). Every value read
 * from the system is null when it cannot be read; the route never fails for that.
 * POST /api/system/restart {"part"} — 202 at once, then restarts the whole supervision tree
 * (`all`) or one child with those that depend on it (`board`, `lines`, `sip`, `accounts`, `web`).
 */
import { statfsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { toError, ValidationError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AdminHttpsStatus } from '../admin-https.js';
import { objectBody } from './body.js';

export const RESTART_PARTS = ['all', 'board', 'lines', 'sip', 'accounts', 'web'] as const;
export type RestartPart = (typeof RESTART_PARTS)[number];

export interface SystemDeps {
  version: string;
  board: string;
  uptimeSeconds: () => number;
  /** The data directory; its file system is `dataDisk`. */
  dataDir: string;
  restart: (part: RestartPart) => Promise<void>;
  /** The admin page over HTTPS (null: not asked for with --https-port). */
  https?: () => AdminHttpsStatus | null;
  /** Where /sys, /proc and /etc are read from (default '/'; tests point it at a fake tree). */
  sysRoot?: string;
  log: Logger;
}

export interface SystemInfo {
  version: string;
  uptimeSeconds: number;
  board: string;
  hostname: string;
  node: string;
  platform: string;
  temperatureC: number | null;
  memory: { totalMb: number; availableMb: number; processRssMb: number };
  loadAverage: number[];
  sdCard: { lifeTimeUsed: string | null; preEol: string | null } | null;
  dataDisk: { totalMb: number; freeMb: number } | null;
  network: { interfaces: { name: string; addresses: string[] }[]; gateway: string | null; dns: string[] | null };
  https: AdminHttpsStatus | null;
}

export function systemRoutes(deps: SystemDeps): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/system/info', async () => systemInfo(deps));

    app.post('/api/system/restart', async (req, reply) => {
      const part = objectBody(req.body).part;
      if (typeof part !== 'string' || !(RESTART_PARTS as readonly string[]).includes(part)) {
        throw new ValidationError('unknown part to restart', { part: `one of ${RESTART_PARTS.join(', ')}` });
      }
      const what = part as RestartPart;
      deps.log.warn('restart requested over the API', { part: what });
      // Answer first: the part may be the web server itself.
      reply.raw.once('finish', () => setImmediate(() => {
        deps.restart(what).catch((err: unknown) => deps.log.error('requested restart failed', { part: what, err: toError(err).message }));
      }));
      return reply.code(202).send({ ok: true, part: what });
    });
  };
}

const MB = 1024 * 1024;
const round1 = (n: number): number => Math.round(n * 10) / 10;

export async function systemInfo(deps: SystemDeps): Promise<SystemInfo> {
  const root = deps.sysRoot ?? '/';
  const read = (path: string): Promise<string | null> => readFile(join(root, path), 'utf8').then((t) => t, () => null);
  const [temp, meminfo, lifeTime, preEol, route, resolv] = await Promise.all([
    read('sys/class/thermal/thermal_zone0/temp'), read('proc/meminfo'),
    read('sys/block/mmcblk0/device/life_time'), read('sys/block/mmcblk0/device/pre_eol_info'),
    read('proc/net/route'), read('etc/resolv.conf'),
  ]);
  return {
    version: deps.version,
    uptimeSeconds: deps.uptimeSeconds(),
    board: deps.board,
    hostname: os.hostname(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    temperatureC: temperature(temp),
    memory: {
      totalMb: round1(os.totalmem() / MB),
      availableMb: round1((memAvailable(meminfo) ?? os.freemem()) / MB),
      processRssMb: round1(process.memoryUsage().rss / MB),
    },
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    sdCard: lifeTime === null && preEol === null ? null : { lifeTimeUsed: lifeTimeWords(lifeTime), preEol: preEolWords(preEol) },
    dataDisk: dataDisk(deps.dataDir),
    network: { interfaces: interfaces(), gateway: defaultGateway(route), dns: nameservers(resolv) },
    https: deps.https?.() ?? null,
  };
}

/** thermal_zone0/temp is in millidegrees Celsius. */
function temperature(text: string | null): number | null {
  if (text === null || !/^-?\d+$/.test(text.trim())) return null;
  return round1(Number(text.trim()) / 1000);
}

/** MemAvailable from /proc/meminfo (kB), in bytes. */
function memAvailable(text: string | null): number | null {
  const m = text === null ? null : /^MemAvailable:\s+(\d+)\s*kB/m.exec(text);
  return m === null ? null : Number(m[1]) * 1024;
}

/**
 * The eMMC / SD device life time estimate (JEDEC DEVICE_LIFE_TIME_EST_TYP_A/B): one or two hex
 * codes, 0x01 = 0–10% of the rated life used … 0x0A = 90–100%, 0x0B = beyond it. The worse one counts.
 */
export function lifeTimeWords(text: string | null): string | null {
  if (text === null) return null;
  const codes = text.trim().split(/\s+/).map((c) => (/^0x[0-9a-f]{1,2}$/i.test(c) ? parseInt(c, 16) : 0)).filter((c) => c >= 1 && c <= 0x0b);
  if (codes.length === 0) return null;
  const worst = Math.max(...codes);
  if (worst === 0x0b) return 'beyond its rated life (over 100% used)';
  return `${(worst - 1) * 10}–${worst * 10}% of its rated life used`;
}

/** PRE_EOL_INFO: how much of the reserved (spare) blocks is used up. */
export function preEolWords(text: string | null): string | null {
  const code = text === null || !/^0x[0-9a-f]{1,2}$/i.test(text.trim()) ? 0 : parseInt(text.trim(), 16);
  switch (code) {
    case 1: return 'normal';
    case 2: return 'warning: 80% of the reserved blocks used';
    case 3: return 'urgent: the reserved blocks are nearly used up; replace the card';
    default: return null;
  }
}

function dataDisk(dir: string): SystemInfo['dataDisk'] {
  try {
    const s = statfsSync(dir);
    return { totalMb: round1((s.blocks * s.bsize) / MB), freeMb: round1((s.bavail * s.bsize) / MB) };
  } catch {
    return null;
  }
}

/** Every non-loopback interface with its addresses (CIDR notation). */
function interfaces(): SystemInfo['network']['interfaces'] {
  try {
    return Object.entries(os.networkInterfaces()).flatMap(([name, addrs]) => {
      const external = (addrs ?? []).filter((a) => !a.internal);
      return external.length === 0 ? [] : [{ name, addresses: external.map((a) => a.cidr ?? a.address) }];
    });
  } catch {
    return [];
  }
}

/**
 * The default route's gateway from /proc/net/route: destination and mask 00000000 with the
 * gateway flag; addresses are hex in the kernel's (little-endian) byte order. Lowest metric wins.
 */
export function defaultGateway(text: string | null): string | null {
  if (text === null) return null;
  let best: { gateway: string; metric: number } | undefined;
  for (const line of text.split('\n').slice(1)) {
    const [, destination, gateway, flags, , , metric, mask] = line.trim().split(/\s+/);
    if (destination !== '00000000' || mask !== '00000000' || gateway === undefined || !/^[0-9a-f]{8}$/i.test(gateway)) continue;
    if ((parseInt(flags ?? '0', 16) & 0x3) !== 0x3) continue; // RTF_UP | RTF_GATEWAY
    const n = parseInt(gateway, 16);
    const address = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
    const m = Number(metric ?? 0);
    if (best === undefined || m < best.metric) best = { gateway: address, metric: m };
  }
  return best?.gateway ?? null;
}

/** The `nameserver` lines of resolv.conf. */
export function nameservers(text: string | null): string[] | null {
  if (text === null) return null;
  return text.split('\n').flatMap((line) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    return m === null ? [] : [m[1]!];
  });
}
