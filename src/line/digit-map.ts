/**
 * Digit maps in the usual ATA syntax (Cisco/Linksys SPA "Dial Plan",
 * Grandstream, and the MGCP digit map of RFC 3435 §2.1.5), which say when the
 * digits dialled so far make a number:
 *
 *   [2-9]xxxxxxxxx|1xxxxxxxxxx|011xx.T|*xx|911
 *
 * - Patterns are separated by `|`; the whole map may be wrapped in `( )`.
 * - `0`-`9`, `*`, `#`, `A`-`D` match themselves (`a`-`d` too); `+` matches a
 *   literal `+` (accepted for compatibility with maps written for SIP numbers).
 * - `x` (or `X`) matches any digit 0-9.
 * - `[...]` matches one of a set: digits, `*`, `#`, `A`-`D` and ranges `2-9`,
 *   e.g. `[2-9]`, `[135]`, `[1-3579]`, `[*#]`.
 * - `.` after an element: zero or more of it (`x.` = any number of digits).
 * - `T` (or `t`) ending a pattern: the number is complete when the short
 *   interdigit timer expires, never at once.
 * - `<dialled:sent>` (SPA): matches `dialled` (elements as above; `.` not
 *   allowed); `sent` may hold digits, `*`, `#` and `+` and is ignored here: the
 *   rewriting is the dial plan's business, not the matcher's.
 *
 * Matching runs each pattern as a small NFA over its parsed elements, in time
 * linear in the input (O(digits × elements)), with no backtracking.
 *
 * `#` as a "send now" key is the line's business, not the map's: a `#` in the
 * digits is just a symbol a pattern may or may not contain.
 */
import { ValidationError } from '../errors.js';
import type { DigitMapResult, DigitMatcher } from './types.js';

/** The symbols a map can name, as bits of a mask. */
const SYMBOLS = '0123456789*#ABCD+';
const ANY_DIGIT = 0b1111111111;

interface Element {
  /** Bit i set: matches SYMBOLS[i]. */
  readonly mask: number;
  /** Followed by `.`: zero or more. */
  readonly repeat: boolean;
}

interface Pattern {
  readonly elements: readonly Element[];
  /** Ends in T: complete only on the short timer. */
  readonly timer: boolean;
}

function symbolBit(ch: string): number {
  const i = SYMBOLS.indexOf(ch.toUpperCase());
  return i < 0 ? 0 : 1 << i;
}

class ParseError extends Error {}

/** Parses a whole map; throws ParseError with a user-facing message (1-based positions). */
function parsePatterns(text: string): Pattern[] {
  if (text.trim().length === 0) throw new ParseError('the digit map is empty');
  let start = 0;
  let end = text.length;
  if (text.startsWith('(')) {
    if (!text.endsWith(')') || text.length < 2) throw new ParseError('unclosed ( at position 1');
    start = 1;
    end = text.length - 1;
  }
  const patterns: Pattern[] = [];
  let elements: Element[] = [];
  let timer = false;
  let patternStart = start;
  const at = (i: number): string => `at position ${i + 1}`;
  const finishPattern = (i: number): void => {
    if (elements.length === 0 && !timer) throw new ParseError(`empty pattern ${at(patternStart)}`);
    if (elements.length === 0) throw new ParseError(`'T' needs digits before it ${at(i - 1)}`);
    patterns.push({ elements, timer });
    elements = [];
    timer = false;
  };
  let i = start;
  while (i < end) {
    const ch = text.charAt(i);
    if (timer && ch !== '|') throw new ParseError(`'T' must end a pattern; '${ch}' follows it ${at(i)}`);
    if (ch === '|') {
      finishPattern(i);
      patternStart = i + 1;
      i++;
    } else if (ch === 'T' || ch === 't') {
      timer = true;
      i++;
    } else if (ch === '.') {
      const last = elements.at(-1);
      if (last === undefined || last.repeat) throw new ParseError(`'.' must follow a digit, x or [ ] ${at(i)}`);
      elements[elements.length - 1] = { mask: last.mask, repeat: true };
      i++;
    } else if (ch === '<') {
      const close = text.indexOf('>', i);
      if (close < 0 || close >= end) throw new ParseError(`unclosed < ${at(i)}`);
      const colon = text.indexOf(':', i);
      if (colon < 0 || colon > close) throw new ParseError(`'<' needs 'dialled:sent' with a ':' ${at(i)}`);
      let j = i + 1;
      while (j < colon) j = parseElement(text, j, colon, elements, true);
      for (let k = colon + 1; k < close; k++) {
        if (!/[0-9*#+]/.test(text.charAt(k))) throw new ParseError(`'${text.charAt(k)}' is not allowed after ':' in < > ${at(k)}`);
      }
      i = close + 1;
    } else {
      i = parseElement(text, i, end, elements, false);
    }
  }
  finishPattern(end);
  return patterns;
}

/** Parses one element at `i` (a symbol, x or a set) into `out`; returns the next index. */
function parseElement(text: string, i: number, end: number, out: Element[], inSubstitution: boolean): number {
  const ch = text.charAt(i);
  const at = (k: number): string => `at position ${k + 1}`;
  if (ch === 'x' || ch === 'X') {
    out.push({ mask: ANY_DIGIT, repeat: false });
    return i + 1;
  }
  if (ch === '[') {
    const close = text.indexOf(']', i);
    if (close < 0 || close >= end) throw new ParseError(`unclosed [ ${at(i)}`);
    let mask = 0;
    for (let k = i + 1; k < close; k++) {
      const c = text.charAt(k);
      if (c === '-') {
        const lo = text.charAt(k - 1);
        const hi = text.charAt(k + 1);
        if (k === i + 1 || k + 1 >= close || !/[0-9]/.test(lo) || !/[0-9]/.test(hi)) throw new ParseError(`'-' must join two digits in [ ] ${at(k)}`);
        if (hi < lo) throw new ParseError(`range ${lo}-${hi} runs backwards ${at(k - 1)}`);
        for (let d = Number(lo); d <= Number(hi); d++) mask |= 1 << d;
        continue;
      }
      if (c === '[') throw new ParseError(`'[' inside [ ] ${at(k)}`);
      const bit = symbolBit(c);
      if (bit === 0 || c === '+') throw new ParseError(`'${c}' is not allowed inside [ ] ${at(k)}`);
      mask |= bit;
    }
    if (mask === 0) throw new ParseError(`empty [ ] ${at(i)}`);
    out.push({ mask, repeat: false });
    return close + 1;
  }
  if (ch === ']') throw new ParseError(`']' without '[' ${at(i)}`);
  if (ch === '>') throw new ParseError(`'>' without '<' ${at(i)}`);
  if (ch === ')') throw new ParseError(`')' without '(' ${at(i)}`);
  if (ch === '(') throw new ParseError(`'(' may only wrap the whole map ${at(i)}`);
  if (inSubstitution && (ch === '.' || ch === '<' || ch === 'T' || ch === 't')) throw new ParseError(`'${ch}' is not allowed in < > ${at(i)}`);
  const bit = symbolBit(ch);
  if (bit === 0) {
    const shown = ch === ' ' ? 'a space' : `'${ch}'`;
    throw new ParseError(`${shown} is not allowed ${at(i)} (use digits, * # A-D, x, [ ], ., T, |)`);
  }
  out.push({ mask: bit, repeat: false });
  return i + 1;
}

/** The states reachable from `states` without input (skipping starred elements). */
function closure(p: Pattern, states: Set<number>): Set<number> {
  const n = p.elements.length;
  for (let s = 0; s < n; s++) {
    // States only move forward, so one ordered sweep closes the set.
    if (states.has(s) && p.elements[s]?.repeat === true) states.add(s + 1);
  }
  return states;
}

/** What `digits` is to one pattern: an exact match, a prefix of longer matches, both or neither. */
function run(p: Pattern, digits: string): { matched: boolean; longer: boolean } {
  const n = p.elements.length;
  let states = closure(p, new Set([0]));
  for (const ch of digits) {
    const bit = symbolBit(ch);
    const next = new Set<number>();
    for (const s of states) {
      const e = p.elements[s];
      if (e === undefined || (e.mask & bit) === 0) continue;
      if (e.repeat) next.add(s);
      next.add(s + 1);
    }
    if (next.size === 0) return { matched: false, longer: false };
    states = closure(p, next);
  }
  let longer = false;
  for (const s of states) if (s < n) longer = true;
  return { matched: states.has(n), longer };
}

export class DigitMap implements DigitMatcher {
  readonly source: string;
  private readonly patterns: readonly Pattern[];

  private constructor(source: string, patterns: readonly Pattern[]) {
    this.source = source;
    this.patterns = patterns;
  }

  /** Parses a map; throws ValidationError (field `digitMap`) with a message for a user. */
  static parse(text: string): DigitMap {
    try {
      return new DigitMap(text, parsePatterns(text));
    } catch (err) {
      if (err instanceof ParseError) throw new ValidationError(err.message, { digitMap: err.message });
      throw err;
    }
  }

  /** What the digits dialled so far are (see DigitMapResult). */
  match(digits: string): DigitMapResult {
    let matched = false;
    let timed = false;
    let longer = false;
    for (const p of this.patterns) {
      const r = run(p, digits);
      if (r.matched) {
        matched = true;
        if (p.timer) timed = true;
      }
      if (r.longer) longer = true;
    }
    if (matched) return timed || longer ? { kind: 'complete-on-timeout' } : { kind: 'complete' };
    return longer ? { kind: 'more' } : { kind: 'invalid' };
  }
}

/** What is wrong with a digit map, for a user ("unclosed [ at position 7"), or undefined. */
export function digitMapProblem(text: string): string | undefined {
  try {
    parsePatterns(text);
    return undefined;
  } catch (err) {
    if (err instanceof ParseError) return err.message;
    throw err;
  }
}
