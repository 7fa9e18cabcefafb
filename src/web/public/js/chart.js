// Small SVG line charts for the status page's live RTP figures, with axis labels
// and a text summary (the chart itself is one labelled image for screen readers).
import { h, svg, uid } from './dom.js';

const W = 320;
const H = 120;
const PAD = { left: 40, right: 8, top: 8, bottom: 22 };

/**
 * A line chart of `points` ([{t: ms, v: number}]) over the last `windowMs` until `now`.
 * opts: { title, unit, min, max (a floor for the top of the axis), digits, windowMs, now }
 */
export function lineChart(points, opts) {
  const windowMs = opts.windowMs ?? 120_000;
  const now = opts.now ?? Date.now();
  const digits = opts.digits ?? 1;
  const shown = points.filter((p) => p.t >= now - windowMs && Number.isFinite(p.v));
  const values = shown.map((p) => p.v);
  const lo = opts.min ?? Math.min(0, ...values);
  const hi = Math.max(opts.max ?? 1, ...values, lo + 1e-6);
  const x = (t) => PAD.left + ((t - (now - windowMs)) / windowMs) * (W - PAD.left - PAD.right);
  const y = (v) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const titleId = uid('chart');
  const last = values.at(-1);
  const summary = values.length === 0
    ? `${opts.title}: no figures yet.`
    : `${opts.title}: now ${fmt(last, digits)} ${opts.unit}; lowest ${fmt(Math.min(...values), digits)}, highest ${fmt(Math.max(...values), digits)} over the last ${Math.round(windowMs / 60000)} minutes.`;
  const axisY = [hi, (hi + lo) / 2, lo];
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': titleId, preserveAspectRatio: 'none' },
    svg('title', { id: titleId }, summary),
    axisY.map((v) => [
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid-line' }),
      svg('text', { x: PAD.left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, fmt(v, digits)),
    ]),
    svg('text', { x: PAD.left, y: H - 6, class: 'axis' }, `−${Math.round(windowMs / 60000)} min`),
    svg('text', { x: W - PAD.right, y: H - 6, 'text-anchor': 'end', class: 'axis' }, 'now'),
    svg('text', { x: (PAD.left + W - PAD.right) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis' }, opts.unit),
    shown.length > 0
      ? svg('polyline', { class: 'series', fill: 'none', points: shown.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ') })
      : null,
    shown.length > 0 ? svg('circle', { class: 'series-dot', r: 3, cx: x(shown.at(-1).t), cy: y(last) }) : null);
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, h('strong', {}, opts.title), ' ', h('span', { class: 'now' }, last === undefined ? '—' : `${fmt(last, digits)} ${opts.unit}`)),
    chart,
    h('p', { class: 'chart-summary' }, summary));
}

function fmt(v, digits) {
  return Number(v).toFixed(digits);
}
