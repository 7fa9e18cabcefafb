/**
 * Where a call goes: for a number dialled on a phone, the destination (a SIP account,
 * another phone by extension, or the landline), and for an incoming call, which phones
 * ring. Pure functions of the configuration; the call router acts on the answer.
 *
 * Outgoing, in this order (local numbers first, then the user's explicit routes, then
 * the landline prefix, then the line's own account):
 * 1. an exact extension of another FXS line rings that phone (intercom);
 * 2. the dial-plan routes, first match wins: a route matches when its pattern says the
 *    number is complete (at once or on the timer); `strip` digits are removed from the
 *    front, then `prepend` is added; `account:<id>`, `fxo` or `line:<port>`. Before the
 *    prefix, so that a route for 911 works even when 9 is the landline prefix (as US
 *    law requires of multi-line systems: direct 911 dialling, Kari's Law);
 * 3. a number that starts with an FXO line's prefix goes out on that landline, the
 *    prefix removed (like "9 for an outside line" on a key system);
 * 4. the calling line's own account;
 * otherwise the call is refused with a reason the line plays as reorder and the log keeps.
 */
import type { DialPlanRoute, Line } from '../config/provisioning-schema.js';
import type { DigitMatcher } from '../line/types.js';

export type Destination =
  | { readonly kind: 'sip'; readonly account: string; readonly number: string }
  | { readonly kind: 'line'; readonly port: number }
  | { readonly kind: 'fxo'; readonly port: number; readonly number: string }
  | { readonly kind: 'none'; readonly reason: string };

export interface OutboundContext {
  /** The FXS port the number was dialled on. */
  readonly fromPort: number;
  readonly lines: readonly Line[];
  readonly routes: readonly DialPlanRoute[];
  /** A matcher for a digit-map pattern (e.g. DigitMap.parse, cached by the caller). */
  readonly matcher: (pattern: string) => DigitMatcher;
}

/** Which of the steps above decided a number's destination ('none': nothing dialled, or nothing fitted). */
export type RoutingStep = 'extension' | 'route' | 'prefix' | 'own' | 'none';

/** Where a number goes and why: for the dial-plan page's "Try a number" (POST /api/dial-plan/try). */
export interface Routing {
  readonly destination: Destination;
  readonly step: RoutingStep;
  /** The index in `routes` of the route that decided (step 'route'). */
  readonly routeIndex?: number;
  /** Whether that route's pattern completes the number only on the inter-digit timer (step 'route'). */
  readonly onTimeout?: boolean;
}

export function routeOutbound(number: string, ctx: OutboundContext): Destination {
  return explainOutbound(number, ctx).destination;
}

/** routeOutbound, with the step that decided it. */
export function explainOutbound(number: string, ctx: OutboundContext): Routing {
  if (number === '') return { step: 'none', destination: { kind: 'none', reason: 'nothing was dialled' } };
  const fxs = ctx.lines.filter((l) => l.kind === 'fxs');
  const fxo = ctx.lines.filter((l) => l.kind === 'fxo');

  const called = fxs.find((l) => l.extension !== undefined && l.extension === number);
  if (called !== undefined) {
    if (called.port === ctx.fromPort) return { step: 'extension', destination: { kind: 'none', reason: `${number} is this phone's own extension` } };
    return { step: 'extension', destination: { kind: 'line', port: called.port } };
  }

  for (const [routeIndex, route] of ctx.routes.entries()) {
    const result = ctx.matcher(route.pattern).match(number);
    if (result.kind !== 'complete' && result.kind !== 'complete-on-timeout') continue;
    const rewritten = (route.prepend ?? '') + number.slice(route.strip ?? 0);
    return { step: 'route', routeIndex, onTimeout: result.kind === 'complete-on-timeout', destination: destinationOf(route.route, rewritten, ctx, fxo) };
  }

  const landline = fxo.find((l) => l.prefix !== undefined && number.startsWith(l.prefix) && number.length > l.prefix.length);
  if (landline?.prefix !== undefined) return { step: 'prefix', destination: { kind: 'fxo', port: landline.port, number: number.slice(landline.prefix.length) } };

  const own = ctx.lines.find((l) => l.port === ctx.fromPort);
  if (own?.account !== undefined) return { step: 'own', destination: { kind: 'sip', account: own.account, number } };
  return { step: 'none', destination: { kind: 'none', reason: `no route for ${number}, and port ${ctx.fromPort} has no SIP account` } };
}

function destinationOf(route: string, number: string, ctx: OutboundContext, fxo: readonly Line[]): Destination {
  if (route.startsWith('account:')) return { kind: 'sip', account: route.slice('account:'.length), number };
  if (route === 'fxo') {
    const port = fxo[0]?.port;
    return port === undefined ? { kind: 'none', reason: 'the dial plan routes to the landline, but no FXO line is configured' } : { kind: 'fxo', port, number };
  }
  if (route.startsWith('line:')) {
    const port = Number(route.slice('line:'.length));
    if (port === ctx.fromPort) return { kind: 'none', reason: `the dial plan routes ${number} back to port ${port}` };
    return { kind: 'line', port };
  }
  return { kind: 'none', reason: `unknown route "${route}"` };
}

/** The FXS ports that ring for a call to `account`: the FXS lines that use it. */
export function portsForAccount(account: string, lines: readonly Line[]): number[] {
  return lines.filter((l) => l.kind === 'fxs' && l.account === account).map((l) => l.port);
}

/** The FXS ports that ring for a landline call on `fxoPort`: its `ringsOnFxs`, or every FXS line. */
export function portsForLandline(fxoPort: number, lines: readonly Line[]): number[] {
  const fxs = lines.filter((l) => l.kind === 'fxs').map((l) => l.port);
  const chosen = lines.find((l) => l.port === fxoPort && l.kind === 'fxo')?.ringsOnFxs;
  return chosen === undefined ? fxs : chosen.filter((p) => fxs.includes(p));
}

/**
 * The digit map a phone dials with: the other phones' extensions, the dial-plan
 * routes' patterns and "the landline prefix, then a number" come before the line's own
 * map, so that dialling 102 or 9 5551234 completes even when the region's map would
 * never match it (an SPA user writes these into the dial plan by hand; here they follow
 * from the configuration).
 */
export function effectiveDigitMap(port: number, lineMap: string, lines: readonly Line[], routes: readonly DialPlanRoute[]): string {
  const local = [
    ...lines.filter((l) => l.kind === 'fxs' && l.port !== port && l.extension !== undefined).map((l) => l.extension!),
    ...routes.map((r) => r.pattern),
    ...lines.filter((l) => l.kind === 'fxo' && l.prefix !== undefined).map((l) => `${l.prefix!}x.T`),
  ];
  const unique = [...new Set(local)];
  return unique.length === 0 ? lineMap : `${unique.join('|')}|${stripParens(lineMap)}`;
}

function stripParens(map: string): string {
  const t = map.trim();
  return t.startsWith('(') && t.endsWith(')') ? t.slice(1, -1) : t;
}
