/**
 * Feature codes dialled on a phone. The defaults are the North American vertical
 * service codes that ATAs (SPA, HT8xx, OBi) use everywhere, plus the region's own
 * prefix for a withheld-number call (*67 in NANP, 141 in the UK, *31# in Germany):
 *
 *   *78 / *79        do-not-disturb on / off
 *   *72<number>      forward every call to <number>; *73 cancels
 *   *66              call the last number dialled again (redial)
 *   <anon><number>   this call without caller ID
 *
 * A digit map usually completes on the code itself (`*xx`), so "*72" and the
 * anonymous prefix also work alone, the way a central office does it: a
 * confirmation tone, dial tone again, and the next number dialled is the
 * forwarding target / the withheld-number call (`awaiting`).
 *
 * Anything else is a number for the dial plan.
 */
import type { RegionProfile } from '../line/types.js';

export interface StarCodes {
  readonly dndOn: string;
  readonly dndOff: string;
  readonly forwardOn: string;
  readonly forwardOff: string;
  readonly redial: string;
}

export const DEFAULT_STAR_CODES: StarCodes = { dndOn: '*78', dndOff: '*79', forwardOn: '*72', forwardOff: '*73', redial: '*66' };

export type StarCodeResult =
  | { readonly kind: 'number'; readonly number: string; readonly anonymous: boolean }
  | { readonly kind: 'set-feature'; readonly feature: 'dnd'; readonly on: boolean }
  | { readonly kind: 'set-feature'; readonly feature: 'forwardAll'; readonly on: boolean; readonly target?: string }
  | { readonly kind: 'redial-empty' }
  /** The code alone: the next number dialled completes it. */
  | { readonly kind: 'awaiting'; readonly next: 'forward-target' | 'anonymous-call' };

export interface StarCodeContext {
  readonly profile: Pick<RegionProfile, 'anonymousCallPrefix'>;
  readonly lastDialled: string | undefined;
  readonly codes?: StarCodes;
}

export function starCode(dialled: string, ctx: StarCodeContext): StarCodeResult {
  const codes = ctx.codes ?? DEFAULT_STAR_CODES;
  if (dialled === codes.dndOn) return { kind: 'set-feature', feature: 'dnd', on: true };
  if (dialled === codes.dndOff) return { kind: 'set-feature', feature: 'dnd', on: false };
  if (dialled === codes.forwardOff) return { kind: 'set-feature', feature: 'forwardAll', on: false };
  if (dialled === codes.forwardOn) return { kind: 'awaiting', next: 'forward-target' };
  if (dialled.startsWith(codes.forwardOn)) {
    const target = dialled.slice(codes.forwardOn.length).replace(/#$/, '');
    if (/^[0-9*#+]{1,32}$/.test(target)) return { kind: 'set-feature', feature: 'forwardAll', on: true, target };
  }
  if (dialled === codes.redial) {
    return ctx.lastDialled === undefined ? { kind: 'redial-empty' } : { kind: 'number', number: ctx.lastDialled, anonymous: false };
  }
  const anon = ctx.profile.anonymousCallPrefix;
  if (anon !== '' && dialled === anon) return { kind: 'awaiting', next: 'anonymous-call' };
  if (anon !== '' && dialled.startsWith(anon) && dialled.length > anon.length) {
    return { kind: 'number', number: dialled.slice(anon.length), anonymous: true };
  }
  return { kind: 'number', number: dialled, anonymous: false };
}
