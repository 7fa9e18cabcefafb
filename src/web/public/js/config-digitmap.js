// Digit maps in the browser (the same syntax and meaning as src/line/digit-map.ts) and
// where a dialled number goes (as src/calls/dial-plan.ts routeOutbound): for the dial
// plan's "Try a number" box and its diagram.
//   [2-9]xxxxxxxxx|1xxxxxxxxxx|011xx.T|*xx|911
// x = any digit, [..] = a set or range, `.` = the previous element zero or more times,
// T ending a pattern = complete on the inter-digit timer, <dialled:sent> = dialled.

const SYMBOLS = '0123456789*#ABCD+';
const ANY_DIGIT = 0b1111111111;

function bitOf(ch) {
  const i = SYMBOLS.indexOf(ch.toUpperCase());
  return i < 0 ? 0 : 1 << i;
}

function fail(message) {
  throw Object.assign(new Error(message), { digitMap: true });
}

/** Parses a map into patterns [{elements: [{mask, repeat}], timer}]; throws with a message for a user. */
export function parseDigitMap(text) {
  if (text.trim() === '') fail('the digit map is empty');
  let start = 0;
  let end = text.length;
  if (text.startsWith('(')) {
    if (!text.endsWith(')') || text.length < 2) fail('unclosed ( at position 1');
    start = 1;
    end = text.length - 1;
  }
  const at = (i) => `at position ${i + 1}`;
  const patterns = [];
  let elements = [];
  let timer = false;
  let patternStart = start;
  const finish = (i) => {
    if (elements.length === 0 && !timer) fail(`empty pattern ${at(patternStart)}`);
    if (elements.length === 0) fail(`'T' needs digits before it ${at(i - 1)}`);
    patterns.push({ elements, timer });
    elements = [];
    timer = false;
  };
  let i = start;
  while (i < end) {
    const ch = text.charAt(i);
    if (timer && ch !== '|') fail(`'T' must end a pattern; '${ch}' follows it ${at(i)}`);
    if (ch === '|') { finish(i); patternStart = i + 1; i += 1; continue; }
    if (ch === 'T' || ch === 't') { timer = true; i += 1; continue; }
    if (ch === '.') {
      const last = elements.at(-1);
      if (last === undefined || last.repeat) fail(`'.' must follow a digit, x or [ ] ${at(i)}`);
      elements[elements.length - 1] = { mask: last.mask, repeat: true };
      i += 1;
      continue;
    }
    if (ch === '<') {
      const close = text.indexOf('>', i);
      if (close < 0 || close >= end) fail(`unclosed < ${at(i)}`);
      const colon = text.indexOf(':', i);
      if (colon < 0 || colon > close) fail(`'<' needs 'dialled:sent' with a ':' ${at(i)}`);
      let j = i + 1;
      while (j < colon) j = parseElement(text, j, colon, elements, true);
      for (let k = colon + 1; k < close; k++) {
        if (!/[0-9*#+]/.test(text.charAt(k))) fail(`'${text.charAt(k)}' is not allowed after ':' in < > ${at(k)}`);
      }
      i = close + 1;
      continue;
    }
    i = parseElement(text, i, end, elements, false);
  }
  finish(end);
  return patterns;
}

function parseElement(text, i, end, out, inSubstitution) {
  const ch = text.charAt(i);
  const at = (k) => `at position ${k + 1}`;
  if (ch === 'x' || ch === 'X') { out.push({ mask: ANY_DIGIT, repeat: false }); return i + 1; }
  if (ch === '[') {
    const close = text.indexOf(']', i);
    if (close < 0 || close >= end) fail(`unclosed [ ${at(i)}`);
    let mask = 0;
    for (let k = i + 1; k < close; k++) {
      const c = text.charAt(k);
      if (c === '-') {
        const lo = text.charAt(k - 1);
        const hi = text.charAt(k + 1);
        if (k === i + 1 || k + 1 >= close || !/[0-9]/.test(lo) || !/[0-9]/.test(hi)) fail(`'-' must join two digits in [ ] ${at(k)}`);
        if (hi < lo) fail(`range ${lo}-${hi} runs backwards ${at(k - 1)}`);
        for (let d = Number(lo); d <= Number(hi); d++) mask |= 1 << d;
        continue;
      }
      if (c === '[') fail(`'[' inside [ ] ${at(k)}`);
      const bit = bitOf(c);
      if (bit === 0 || c === '+') fail(`'${c}' is not allowed inside [ ] ${at(k)}`);
      mask |= bit;
    }
    if (mask === 0) fail(`empty [ ] ${at(i)}`);
    out.push({ mask, repeat: false });
    return close + 1;
  }
  if (ch === ']') fail(`']' without '[' ${at(i)}`);
  if (ch === '>') fail(`'>' without '<' ${at(i)}`);
  if (ch === ')') fail(`')' without '(' ${at(i)}`);
  if (ch === '(') fail(`'(' may only wrap the whole map ${at(i)}`);
  if (inSubstitution && ['.', '<', 'T', 't'].includes(ch)) fail(`'${ch}' is not allowed in < > ${at(i)}`);
  const bit = bitOf(ch);
  if (bit === 0) fail(`${ch === ' ' ? 'a space' : `'${ch}'`} is not allowed ${at(i)} (use digits, * # A-D, x, [ ], ., T, |)`);
  out.push({ mask: bit, repeat: false });
  return i + 1;
}

function closure(p, states) {
  for (let s = 0; s < p.elements.length; s++) if (states.has(s) && p.elements[s].repeat) states.add(s + 1);
  return states;
}

function run(p, digits) {
  const n = p.elements.length;
  let states = closure(p, new Set([0]));
  for (const ch of digits) {
    const bit = bitOf(ch);
    const next = new Set();
    for (const s of states) {
      const e = p.elements[s];
      if (e === undefined || (e.mask & bit) === 0) continue;
      if (e.repeat) next.add(s);
      next.add(s + 1);
    }
    if (next.size === 0) return { matched: false, longer: false };
    states = closure(p, next);
  }
  return { matched: states.has(n), longer: [...states].some((s) => s < n) };
}

/** 'complete' | 'complete-on-timeout' | 'more' | 'invalid' for the digits against a map text (throws on a bad map). */
export function matchDigitMap(map, digits) {
  let matched = false;
  let timed = false;
  let longer = false;
  for (const p of parseDigitMap(map)) {
    const r = run(p, digits);
    if (r.matched) { matched = true; if (p.timer) timed = true; }
    if (r.longer) longer = true;
  }
  if (matched) return timed || longer ? 'complete-on-timeout' : 'complete';
  return longer ? 'more' : 'invalid';
}

/** What is wrong with a map ("unclosed [ at position 7"), or undefined. */
export function digitMapProblem(map) {
  try { parseDigitMap(map); return undefined; } catch (err) {
    if (err.digitMap) return err.message;
    throw err;
  }
}

/**
 * Where `number` dialled on FXS port `fromPort` goes, in the box's order: another
 * phone's extension, the dial-plan routes (first complete match), the landline prefix,
 * the line's own account. Returns { step, kind: 'line'|'sip'|'fxo'|'none', port?, account?, number?, routeIndex?, reason? }.
 */
export function routeNumber(number, { fromPort, lines, routes }) {
  if (number === '') return { step: 'none', kind: 'none', reason: 'Type a number.' };
  const fxs = lines.filter((l) => l.kind === 'fxs');
  const fxo = lines.filter((l) => l.kind === 'fxo');
  const called = fxs.find((l) => l.extension !== undefined && l.extension === number);
  if (called) {
    if (called.port === fromPort) return { step: 'extension', kind: 'none', reason: `${number} is this phone's own extension.` };
    return { step: 'extension', kind: 'line', port: called.port };
  }
  for (const [i, route] of routes.entries()) {
    let result;
    try { result = matchDigitMap(route.pattern, number); } catch { continue; }
    if (result !== 'complete' && result !== 'complete-on-timeout') continue;
    const rewritten = (route.prepend ?? '') + number.slice(route.strip ?? 0);
    const r = route.route ?? '';
    const base = { step: 'route', routeIndex: i, number: rewritten, onTimeout: result === 'complete-on-timeout' };
    if (r.startsWith('account:')) return { ...base, kind: 'sip', account: r.slice(8) };
    if (r === 'fxo') {
      return fxo[0] ? { ...base, kind: 'fxo', port: fxo[0].port } : { ...base, kind: 'none', reason: 'The route goes to the landline, but no landline port is set up.' };
    }
    if (r.startsWith('line:')) {
      const port = Number(r.slice(5));
      if (port === fromPort) return { ...base, kind: 'none', reason: `The route sends ${rewritten} back to port ${port} itself.` };
      return { ...base, kind: 'line', port };
    }
    return { ...base, kind: 'none', reason: `Unknown route "${r}".` };
  }
  const landline = fxo.find((l) => l.prefix !== undefined && number.startsWith(l.prefix) && number.length > l.prefix.length);
  if (landline) return { step: 'prefix', kind: 'fxo', port: landline.port, number: number.slice(landline.prefix.length) };
  const own = lines.find((l) => l.port === fromPort);
  if (own?.account !== undefined) return { step: 'own', kind: 'sip', account: own.account, number };
  return { step: 'none', kind: 'none', reason: `No route for ${number}, and port ${fromPort} has no SIP account.` };
}
