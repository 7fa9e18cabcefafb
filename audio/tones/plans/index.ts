/**
 * The tone plan of every supported region (src/config/regions.ts lists the
 * codes; audio/ may not import src/, so a test checks the two lists agree).
 * Each plan's sources are cited beside it in the regional files.
 */
import type { TonePlan } from '../types.js';
import { AMERICAS_PLANS } from './americas.js';
import { ASIA_PACIFIC_AFRICA_PLANS } from './asia-pacific-africa.js';
import { EUROPE_CENTRAL_NORTH_PLANS } from './europe-central-north.js';
import { EUROPE_WEST_PLANS } from './europe-west.js';

/** No tone plan exists for the region code asked for. */
export class UnknownRegionError extends Error {
  readonly region: string;

  constructor(region: string) {
    super(`no tone plan for region '${region}'`);
    this.name = 'UnknownRegionError';
    this.region = region;
  }
}

const ALL: readonly TonePlan[] = [...AMERICAS_PLANS, ...EUROPE_WEST_PLANS, ...EUROPE_CENTRAL_NORTH_PLANS, ...ASIA_PACIFIC_AFRICA_PLANS];

const BY_REGION: ReadonlyMap<string, TonePlan> = new Map(ALL.map((p) => [p.region, p]));

/** The region codes that have a plan. */
export const TONE_PLAN_REGIONS: readonly string[] = ALL.map((p) => p.region);

/** The tone plan of `region` (ISO 3166-1 alpha-2, upper case); throws UnknownRegionError. */
export function tonePlan(region: string): TonePlan {
  const plan = BY_REGION.get(region);
  if (plan === undefined) throw new UnknownRegionError(region);
  return plan;
}
