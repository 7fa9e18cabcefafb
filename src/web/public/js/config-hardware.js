// Settings page, hardware: the board and the hardware profile it runs, each port's fault,
// and the choice of another profile (GET /api/board, PUT /api/board/profile). Using other
// hardware restarts the box's lines; the section waits for them, then shows them again.
import { h, replace } from './dom.js';
import { field, busy, setMessage, valueOf } from './forms.js';
import { ApiError } from './api.js';
import { badge, confirmAction, loadError } from './config-common.js';

const BOARD_NAMES = {
  sim: 'Simulated board (virtual phones and landline)',
  'gpio-slic': 'Phone modules on the Pi header (gpio-slic)',
  'usb-modem': 'USB voice modem (usb-modem)',
};
const KIND_NAMES = { fxs: 'phone (FXS)', fxo: 'landline (FXO)' };
/** How long the lines may take to come back with the new hardware. */
const RESTART_WAIT_MS = 60_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The section's content; loads /api/board and draws it, again after a change. */
export function hardwareSection(ctx) {
  const el = h('div');
  const load = async (notice) => {
    replace(el, h('p', { class: 'help', role: 'status' }, 'Loading…'));
    try {
      replace(el, hardwareView(ctx, await ctx.api('GET', '/api/board'), load, notice));
    } catch (err) {
      replace(el, h('p', { class: 'error', role: 'alert' }, loadError(err)));
    }
  };
  load();
  return el;
}

function hardwareView(ctx, info, reload, notice) {
  const profile = info.profile;
  const inUse = info.board === 'sim' ? 'none' : profile ? `${profile.name} (${profile.id})` : 'starting…';
  return h('div', {},
    notice ? h('p', { class: 'form-message ok', role: 'status' }, notice) : null,
    h('dl', { class: 'kv' },
      h('dt', {}, 'Board'), h('dd', {}, BOARD_NAMES[info.board] ?? info.board),
      h('dt', {}, 'Hardware in use'), h('dd', {}, inUse, profile?.fromCommandLine ? ' — set by --profile on the command line' : '')),
    portList(info.ports ?? []),
    info.board === 'sim'
      ? h('p', {}, 'Simulated board: no hardware to choose.')
      : profile?.fromCommandLine
        ? h('p', { class: 'help' }, `The box was started with --profile ${profile.id}, which wins over a choice made here. Start it without --profile to choose the hardware on this page.`)
        : chooseForm(ctx, info, reload));
}

function portList(ports) {
  if (ports.length === 0) return h('p', { class: 'help' }, 'The board is starting: its ports show in a moment.');
  return h('ul', { class: 'hw-ports', 'aria-label': 'Ports' }, ports.map((p) => h('li', {},
    h('span', {}, `Port ${p.port}, ${KIND_NAMES[p.kind] ?? p.kind}: `),
    p.fault ? [badge({ text: 'fault', kind: 'bad' }), h('span', { class: 'hw-fault' }, ` ${p.fault}`)] : badge({ text: 'working', kind: 'ok' }))));
}

/** The wiring notes of a profile, one item per line of its description. */
function wiring(p) {
  const lines = (p?.description ?? '').split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return h('p', { class: 'help' }, 'No wiring notes for this hardware.');
  return h('ul', { class: 'hw-wiring help' }, lines.map((l) => h('li', {}, l)));
}

function chooseForm(ctx, info, reload) {
  const profiles = info.profiles ?? [];
  const current = info.profile?.id ?? '';
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const notes = h('div', { class: 'hw-notes' });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Use this hardware');
  const form = h('form', { novalidate: true },
    h('p', {}, 'Choose the line hardware wired to this box. Unknown hardware is refused, with the choices the board has.'),
    field('Hardware profile', 'profile', {
      type: 'select', value: current, options: profiles.map((p) => [p.id, `${p.name} (${p.id})`]),
      help: 'The wiring notes of the hardware chosen are below.',
    }),
    h('h3', { class: 'hw-notes-title' }, 'Wiring'),
    notes,
    h('div', { class: 'actions' }, btn));
  const select = form.querySelector('[data-field=profile]');
  const showNotes = () => replace(notes, wiring(byId.get(select.value)));
  select.addEventListener('change', showNotes);
  showNotes();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = valueOf(form, 'profile');
    if (chosen !== undefined && chosen === current) {
      setMessage(form, 'This hardware is already in use.', 'ok');
      return;
    }
    const name = byId.get(chosen)?.name ?? chosen;
    if (!confirmAction(`Use ${name}? The box restarts its lines to open the new hardware: calls in progress end, and this page loses the box for a few seconds.`)) return;
    const ok = await busy(form, btn, 'Restarting the lines…', async () => {
      await ctx.api('PUT', '/api/board/profile', { profile: chosen });
      setMessage(form, 'The box is restarting its lines with the new hardware…', 'progress');
      await untilInUse(ctx, chosen);
      return `Now using ${name}.`;
    });
    if (ok) {
      ctx.toast?.(`Now using ${name}.`);
      await reload(`Now using ${name}. Each port below shows whether its hardware answers.`);
    }
  });
  return form;
}

/** Polls /api/board until the board runs `id` (the web server restarts too: errors meanwhile are expected). */
async function untilInUse(ctx, id) {
  const deadline = Date.now() + RESTART_WAIT_MS;
  await sleep(500);
  while (Date.now() < deadline) {
    try {
      const info = await ctx.api('GET', '/api/board');
      if (info?.profile?.id === id && (info.ports ?? []).length > 0) return info;
    } catch {
      // The box is restarting its parts; ask again.
    }
    await sleep(1000);
  }
  throw new ApiError(0, 'timeout', 'The box has not come back with the new hardware yet. Reload the page in a moment.');
}
