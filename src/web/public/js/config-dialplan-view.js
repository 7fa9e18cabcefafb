// The dial plan as a picture: for each rule in the order the box tries them, the numbers
// it takes → what it does to them → where the call goes; with the same as a list for
// screen readers.
import { h, svg, replace } from './dom.js';

/** Where a route string leads, in words. */
export function destinationWords(route, { accounts, lines }) {
  if (!route) return '(no destination)';
  if (route.startsWith('account:')) {
    const id = route.slice(8);
    const a = accounts.find((x) => x.id === id);
    return a ? `SIP account ${id} (${a.username}@${a.server})` : `SIP account ${id} (missing!)`;
  }
  if (route === 'fxo') return 'the landline';
  if (route.startsWith('line:')) {
    const port = Number(route.slice(5));
    const name = lines.find((l) => l.port === port)?.name;
    return `phone port ${port}${name ? ` (${name})` : ''}`;
  }
  return route;
}

function transformWords(strip, prepend) {
  const parts = [];
  if (strip > 0) parts.push(`remove first ${strip} digit${strip === 1 ? '' : 's'}`);
  if (prepend) parts.push(`add ${prepend} in front`);
  return parts.length ? parts.join(', ') : 'unchanged';
}

/**
 * The rules in order: [{ key, pattern, transform, destination, builtIn }]. key names the
 * rule for highlighting: 'ext:<port>', 'route:<i>', 'prefix:<port>', 'own'.
 */
export function planRows({ routes, lines, accounts }) {
  const rows = [];
  for (const l of lines.filter((x) => x.kind === 'fxs' && x.extension)) {
    rows.push({ key: `ext:${l.port}`, pattern: l.extension, transform: 'unchanged', destination: `phone port ${l.port}${l.name ? ` (${l.name})` : ''}`, builtIn: 'extension' });
  }
  routes.forEach((r, i) => rows.push({
    key: `route:${i}`, pattern: r.pattern || '(empty)', transform: transformWords(Number(r.strip ?? 0), r.prepend),
    destination: destinationWords(r.route, { accounts, lines }), builtIn: false, index: i,
  }));
  for (const l of lines.filter((x) => x.kind === 'fxo' && x.prefix)) {
    rows.push({ key: `prefix:${l.port}`, pattern: `${l.prefix} then a number`, transform: `remove the prefix ${l.prefix}`, destination: 'the landline', builtIn: 'prefix' });
  }
  rows.push({ key: 'own', pattern: 'anything else', transform: 'unchanged', destination: 'the SIP account of the phone\'s line', builtIn: 'own' });
  return rows;
}

const W = 760;
const ROW = 52;
const COLS = [{ x: 8, w: 230 }, { x: 268, w: 210 }, { x: 508, w: 244 }];

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Draws the diagram and its text version into `into`; `hit` is the key of the rule a tried number takes. */
export function drawPlan(into, data, hit) {
  const rows = planRows(data);
  const height = 34 + rows.length * ROW;
  const arrow = (x1, x2, y) => [
    svg('line', { x1, y1: y, x2: x2 - 6, y2: y, class: 'dp-arrow' }),
    svg('path', { d: `M${x2 - 8},${y - 5} L${x2},${y} L${x2 - 8},${y + 5} Z`, class: 'dp-arrowhead' }),
  ];
  const box = (col, y, text, cls) => [
    svg('rect', { x: COLS[col].x, y, width: COLS[col].w, height: ROW - 14, rx: 6, class: cls }),
    svg('text', { x: COLS[col].x + 10, y: y + (ROW - 14) / 2 + 5, class: 'dp-text' }, clip(text, col === 1 ? 28 : 32)),
  ];
  const picture = svg('svg', { viewBox: `0 0 ${W} ${height}`, width: W, height, class: 'dp-svg', 'aria-hidden': 'true', focusable: 'false' },
    svg('text', { x: COLS[0].x, y: 18, class: 'dp-head' }, 'Number dialled'),
    svg('text', { x: COLS[1].x, y: 18, class: 'dp-head' }, 'Change'),
    svg('text', { x: COLS[2].x, y: 18, class: 'dp-head' }, 'Goes to'),
    rows.map((r, i) => {
      const y = 28 + i * ROW;
      const mid = y + (ROW - 14) / 2;
      const kind = r.builtIn ? 'dp-builtin' : 'dp-route';
      return svg('g', { class: `dp-row ${r.key === hit ? 'dp-hit' : ''}`, 'data-key': r.key },
        box(0, y, `${r.builtIn ? '' : `${r.index + 1}. `}${r.pattern}`, `dp-box ${kind}`),
        arrow(COLS[0].x + COLS[0].w, COLS[1].x, mid),
        box(1, y, r.transform, 'dp-box dp-transform'),
        arrow(COLS[1].x + COLS[1].w, COLS[2].x, mid),
        box(2, y, r.destination, 'dp-box dp-dest'));
    }));
  const list = h('ol', { class: 'dp-list' }, rows.map((r) => h('li', { class: r.key === hit ? 'dp-hit' : '' },
    r.builtIn === 'extension' ? 'Built in: ' : r.builtIn === 'prefix' ? 'Built in: ' : r.builtIn === 'own' ? 'Last: ' : `Route ${r.index + 1}: `,
    `${r.pattern} → ${r.transform} → ${r.destination}`, r.key === hit ? ' (the number you tried goes here)' : '')));
  // The list is the diagram's text version: always there for screen readers, shown on request.
  const shown = into.dataset.listShown === 'true';
  if (!shown) list.classList.add('visually-hidden');
  const toggle = h('button', { type: 'button', class: 'small dp-toggle', 'aria-expanded': String(shown), onclick: () => {
    into.dataset.listShown = String(!shown);
    drawPlan(into, data, hit);
    into.querySelector('.dp-toggle')?.focus();
  } }, 'Show the rules as a list');
  replace(into,
    h('p', { class: 'visually-hidden' }, 'The dial plan, in the order the box tries each rule:'),
    h('div', { class: 'dp-scroll', tabindex: 0, role: 'region', 'aria-label': 'Dial-plan diagram' }, picture),
    toggle, list);
}
