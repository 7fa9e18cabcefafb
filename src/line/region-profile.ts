/**
 * A region's line profile (DESIGN §4, line layer): its tones (audio/tones), ring
 * frequency, caller-ID signalling, hook-flash window, default digit map and
 * anonymous-call prefix. The per-country data and its sources are in
 * region-data.ts; a port's configuration may override any field.
 */
import { ValidationError } from '../errors.js';
import { isSupportedRegion, regionProblem } from '../config/regions.js';
import { tonePlan } from '../../audio/tones/index.js';
import type { TonePlan } from '../../audio/tones/index.js';
import { digitMapProblem } from './digit-map.js';
import { REGION_ROWS, type RegionRow } from './region-data.js';
import type { RegionProfile } from './types.js';

/** Per-field overrides: nested objects (tones, callerId, flash) merge field by field. */
export interface RegionProfileOverrides {
  readonly tones?: Partial<Omit<TonePlan, 'region' | 'name'>>;
  readonly ringFrequencyHz?: number;
  readonly callerId?: Partial<RegionProfile['callerId']>;
  readonly flash?: Partial<RegionProfile['flash']>;
  readonly digitMap?: string;
  readonly anonymousCallPrefix?: string;
}

/** The region code is not one of SUPPORTED_REGIONS (src/config/regions.ts). */
export class RegionNotSupportedError extends ValidationError {
  readonly region: string;

  constructor(region: string) {
    const problem = regionProblem(region) ?? `'${region}' has no line profile`;
    super(`unknown region '${region}': ${problem}`, { region: problem }, { region });
    this.region = region;
  }
}

/** The default digit map: emergency numbers first, the national patterns, the withhold prefix, star codes. */
export function defaultDigitMap(row: RegionRow): string {
  return `(${[...row.emergency, ...row.numbers, `${row.anonymous}xx.T`, '*xx'].join('|')})`;
}

/** The line profile of `code` (ISO 3166-1 alpha-2, upper case), with `overrides` applied. */
export function regionProfile(code: string, overrides: RegionProfileOverrides = {}): RegionProfile {
  const row = isSupportedRegion(code) ? REGION_ROWS[code] : undefined;
  if (row === undefined) throw new RegionNotSupportedError(code);
  const tones: TonePlan = { ...tonePlan(code), ...defined(overrides.tones) };
  const profile: RegionProfile = {
    region: code,
    tones,
    ringFrequencyHz: overrides.ringFrequencyHz ?? row.ringHz,
    callerId: {
      standard: row.cid,
      method: row.method,
      format: 'mdmf',
      profile: row.cid === 'bell202' ? 'bell' : 'etsi',
      dtmfVariant: row.dtmf ?? 'a-c',
      ...defined(overrides.callerId),
    },
    flash: { ...row.flash, ...defined(overrides.flash) },
    digitMap: overrides.digitMap ?? defaultDigitMap(row),
    anonymousCallPrefix: overrides.anonymousCallPrefix ?? row.anonymous,
  };
  const problems = profileProblems(profile);
  if (Object.keys(problems).length > 0) {
    throw new ValidationError(`region ${code}: ${Object.entries(problems).map(([k, v]) => `${k} ${v}`).join('; ')}`, problems, { region: code });
  }
  return profile;
}

/** `o` without its undefined fields, so `{ method: undefined }` leaves the region's value. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What is wrong with a (merged) profile, by field; empty when it is usable. */
function profileProblems(p: RegionProfile): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(Number.isFinite(p.ringFrequencyHz) && p.ringFrequencyHz > 0)) out.ringFrequencyHz = 'must be a positive number of Hz';
  const { minMs, maxMs } = p.flash;
  if (!(Number.isFinite(minMs) && Number.isFinite(maxMs) && minMs >= 0 && minMs <= maxMs)) out.flash = 'must be a window 0 ≤ minMs ≤ maxMs';
  const mapProblem = digitMapProblem(p.digitMap);
  if (mapProblem !== undefined) out.digitMap = mapProblem;
  if (!/^[0-9*#]*$/.test(p.anonymousCallPrefix)) out.anonymousCallPrefix = 'must be digits, * and #';
  return out;
}
