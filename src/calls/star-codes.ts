/**
 * Feature codes dialled on a phone. The defaults are the North American vertical
 * service codes that ATAs (SPA, HT8xx, OBi) use everywhere, plus the region's own
 * prefix for a withheld-number call (*67 in NANP, 141 in the UK, *31# in Germany):
 *
 *   *78 / *79        do-not-disturb on / off
 *   *72<number>      forward every call to <number>; *73 cancels
 *   *90<number>      forward calls that find the phone busy; *91 cancels
 *   *92<number>      forward calls the phone does not answer; *93 cancels
 *   *66              call the last number dialled again (redial)
 *   <anon><number>   this call without caller ID
 *
 * A digit map usually completes on the code itself (`*xx`), so "*72" and the
 * anonymous prefix also work alone, the way a central office does it: a
 * confirmation tone, dial tone again, and the next number dialled is the
 * forwarding target / the withheld-number call (`awaiting`).
 * Each forwarding code is the NANP vertical service code for it.
 *
 * Every code can be changed in the box's `starCodes` settings (starCodesFrom).
 * Anything else is a number for the dial plan.
 */
import type { StarCodeSettings } from '../config/provisioning-schema.js';
import { STAR_CODE_DEFAULTS } from '../config/settings-checks.js';
import type { RegionProfile } from '../line/types.js';

export type ForwardFeature = 'forwardAll' | 'forwardBusy' | 'forwardNoAnswer';

export interface StarCodes {
  readonly dndOn: string;
  readonly dndOff: string;
  /** On (with or followed by the target) and off code of each kind of forwarding. */
  readonly forward: Readonly<Record<ForwardFeature, { readonly on: string; readonly off: string }>>;
  readonly redial: string;
  /** The withheld-number code when set; otherwise the region's prefix. */
  readonly anonymousCall?: string;
}

/** The codes in effect: the box's `starCodes` settings over the defaults. */
export function starCodesFrom(settings: StarCodeSettings | undefined): StarCodes {
  const c = { ...STAR_CODE_DEFAULTS, ...settings };
  return {
    dndOn: c.dndOn,
    dndOff: c.dndOff,
    forward: {
      forwardAll: { on: c.forwardAllOn, off: c.forwardAllOff },
      forwardBusy: { on: c.forwardBusyOn, off: c.forwardBusyOff },
      forwardNoAnswer: { on: c.forwardNoAnswerOn, off: c.forwardNoAnswerOff },
    },
    redial: c.redial,
    ...(settings?.anonymousCall !== undefined ? { anonymousCall: settings.anonymousCall } : {}),
  };
}

export const DEFAULT_STAR_CODES: StarCodes = starCodesFrom(undefined);

const FORWARDS: readonly ForwardFeature[] = ['forwardAll', 'forwardBusy', 'forwardNoAnswer'];

export type StarCodeResult =
  | { readonly kind: 'number'; readonly number: string; readonly anonymous: boolean }
  | { readonly kind: 'set-feature'; readonly feature: 'dnd'; readonly on: boolean }
  | { readonly kind: 'set-feature'; readonly feature: ForwardFeature; readonly on: boolean; readonly target?: string }
  | { readonly kind: 'redial-empty' }
  /** The code alone: the next number dialled completes it (a forwarding target, or a withheld-number call). */
  | { readonly kind: 'awaiting'; readonly next: ForwardFeature | 'anonymous-call' };

export interface StarCodeContext {
  readonly profile: Pick<RegionProfile, 'anonymousCallPrefix'>;
  readonly lastDialled: string | undefined;
  readonly codes?: StarCodes;
}

export function starCode(dialled: string, ctx: StarCodeContext): StarCodeResult {
  const codes = ctx.codes ?? DEFAULT_STAR_CODES;
  if (dialled === codes.dndOn) return { kind: 'set-feature', feature: 'dnd', on: true };
  if (dialled === codes.dndOff) return { kind: 'set-feature', feature: 'dnd', on: false };
  for (const feature of FORWARDS) {
    const code = codes.forward[feature];
    if (dialled === code.off) return { kind: 'set-feature', feature, on: false };
    if (dialled === code.on) return { kind: 'awaiting', next: feature };
    if (dialled.startsWith(code.on)) {
      const target = dialled.slice(code.on.length).replace(/#$/, '');
      if (/^[0-9*#+]{1,32}$/.test(target)) return { kind: 'set-feature', feature, on: true, target };
    }
  }
  if (dialled === codes.redial) {
    return ctx.lastDialled === undefined ? { kind: 'redial-empty' } : { kind: 'number', number: ctx.lastDialled, anonymous: false };
  }
  const anon = codes.anonymousCall ?? ctx.profile.anonymousCallPrefix;
  if (anon !== '' && dialled === anon) return { kind: 'awaiting', next: 'anonymous-call' };
  if (anon !== '' && dialled.startsWith(anon) && dialled.length > anon.length) {
    return { kind: 'number', number: dialled.slice(anon.length), anonymous: true };
  }
  return { kind: 'number', number: dialled, anonymous: false };
}
