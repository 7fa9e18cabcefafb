// Phone ports: one card per FXS port with its line settings and calling features.
import { h } from '../dom.js';
import { busy, valueOf } from '../forms.js';
import { loadSchema, sfield, compact, loadInto, choicesFor, accountOptions } from '../config-common.js';

export const title = 'Phone ports';

export const CID_LABELS = { bell202: 'Bell 202 (North America)', v23: 'V.23 (Europe)', dtmf: 'DTMF', none: 'None' };

export function mount(root, ctx) {
  const { api } = ctx;
  const content = h('div');
  root.append(h('p', {}, 'Each card is one phone socket on the box. Changes apply as soon as the phone is idle.'), content);
  loadInto(content, [() => loadSchema(api), () => api('GET', '/api/lines'), () => api('GET', '/api/accounts')], (schema, lines, accs) => {
    const fxs = (lines?.ports ?? []).filter((p) => p.kind === 'fxs');
    if (fxs.length === 0) { content.append(h('p', {}, 'This box has no phone ports.')); return; }
    content.append(h('div', { class: 'port-cards' }, fxs.map((p) => portCard(ctx, schema, p.port, (lines.lines ?? []).find((l) => l.port === p.port), accs?.accounts ?? []))));
  });
  return () => {};
}

function portCard(ctx, schema, port, existing, accounts) {
  const line = existing ?? { port, kind: 'fxs' };
  const f = line.features ?? {};
  const L = (name, label, opts = {}) => sfield(schema, ['lines', name], label, name, { value: line[name], ...opts });
  const F = (name, label, opts = {}) => sfield(schema, ['lines', 'features', name], label, `features.${name}`, { value: f[name], ...opts });
  const cid = choicesFor(schema, ['lines', 'callerIdStandard'], Object.keys(CID_LABELS));
  const speed = speedDials(schema, f.speedDial ?? {});
  const saveBtn = h('button', { type: 'submit', class: 'primary' }, `Save port ${port}`);
  const titleId = `port-${port}-title`;
  const form = h('form', { class: 'card port-card', novalidate: true, 'aria-labelledby': titleId, 'data-port': port },
    h('h2', { id: titleId }, `Phone port ${port}`, line.name ? ` · ${line.name}` : ''),
    L('name', 'Name', { placeholder: 'Kitchen' }),
    L('account', 'SIP account', { type: 'select', options: accountOptions(accounts, '— none (local calls only) —'), value: line.account ?? '' }),
    L('extension', 'Extension', { inputmode: 'numeric', placeholder: `10${port}` }),
    L('callerIdStandard', 'Caller-ID standard', { type: 'select', options: [['', 'The region\'s default'], ...cid.map((c) => [c, CID_LABELS[c] ?? c])], value: line.callerIdStandard ?? '' }),
    L('digitMap', 'Digit map', { placeholder: 'The region\'s default' }),
    h('fieldset', { class: 'plain' }, h('legend', {}, 'Features'),
      F('callWaiting', 'Call waiting', { type: 'checkbox', value: f.callWaiting !== false }),
      F('threeWay', 'Three-way calling', { type: 'checkbox', value: f.threeWay !== false }),
      F('dnd', 'Do not disturb', { type: 'checkbox', value: f.dnd === true })),
    h('fieldset', { class: 'plain' }, h('legend', {}, 'Call forwarding'),
      F('forwardAll', 'Forward all calls to', { inputmode: 'tel' }),
      F('forwardBusy', 'Forward when busy to', { inputmode: 'tel' }),
      F('forwardNoAnswer', 'Forward on no answer to', { inputmode: 'tel' }),
      F('noAnswerSeconds', 'Seconds before no-answer forwarding', { type: 'number', inputmode: 'numeric', placeholder: '20' })),
    h('fieldset', { class: 'plain' }, h('legend', {}, 'Hotline'),
      F('hotline', 'Hotline number', { inputmode: 'tel' }),
      F('warmlineSeconds', 'Warmline delay (seconds)', { type: 'number', inputmode: 'numeric', placeholder: '0' })),
    speed.el,
    h('div', { class: 'actions' }, saveBtn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = (n) => valueOf(form, n);
    const features = compact({
      callWaiting: v('features.callWaiting'), threeWay: v('features.threeWay'), dnd: v('features.dnd'),
      forwardAll: v('features.forwardAll'), forwardBusy: v('features.forwardBusy'), forwardNoAnswer: v('features.forwardNoAnswer'),
      noAnswerSeconds: v('features.noAnswerSeconds'), hotline: v('features.hotline'), warmlineSeconds: v('features.warmlineSeconds'),
    });
    const dials = speed.value();
    if (Object.keys(dials).length > 0) features.speedDial = dials;
    const body = compact({
      port, kind: 'fxs', name: v('name'), account: v('account'), extension: v('extension'),
      callerIdStandard: v('callerIdStandard'), digitMap: v('digitMap'),
    });
    body.features = features;
    busy(form, saveBtn, 'Saving…', async () => {
      await api(ctx, port, body);
      ctx.toast(`Port ${port} saved.`);
      return `Saved. Port ${port} uses the new settings when the phone is idle.`;
    });
  });
  return form;
}

function api(ctx, port, body) {
  return ctx.api('PUT', `/api/lines/${port}`, body);
}

/** Editable speed-dial rows (key → number); value() gives the object for features.speedDial. */
function speedDials(schema, initial) {
  const rows = h('div', { class: 'speed-rows' });
  const help = schema?.properties?.lines?.items?.properties?.features?.properties?.speedDial?.description
    ?? 'Dialling the key and # calls its number.';
  const addRow = (key = '', number = '', focus = false) => {
    const keyInput = h('input', { type: 'text', inputmode: 'numeric', value: key, 'aria-label': 'Speed-dial key', class: 'speed-key', maxlength: '2', spellcheck: 'false' });
    const numInput = h('input', { type: 'text', inputmode: 'tel', value: number, 'aria-label': 'Speed-dial number', 'data-field': `features.speedDial.${key}`, spellcheck: 'false' });
    keyInput.addEventListener('input', () => {
      numInput.setAttribute('data-field', `features.speedDial.${keyInput.value.trim()}`);
      numInput.setAttribute('aria-label', `Number for speed dial ${keyInput.value.trim()}`);
    });
    const row = h('div', { class: 'field speed-row' },
      h('div', { class: 'speed-inputs' }, keyInput, h('span', { 'aria-hidden': 'true' }, '→'), numInput,
        h('button', { type: 'button', class: 'small', 'aria-label': 'Remove this speed dial', onclick: () => { row.remove(); addBtn.focus(); } }, 'Remove')),
      h('small', { class: 'field-error', role: 'alert' }));
    rows.append(row);
    if (focus) keyInput.focus();
  };
  const addBtn = h('button', { type: 'button', onclick: () => addRow('', '', true) }, 'Add speed dial');
  for (const [k, n] of Object.entries(initial)) addRow(k, n);
  const el = h('fieldset', { class: 'plain' }, h('legend', {}, 'Speed dials'),
    h('div', { class: 'field' }, h('span', { class: 'help', 'data-field': 'features.speedDial', tabindex: '-1' }, help),
      h('small', { class: 'field-error', role: 'alert' })),
    rows, addBtn);
  return {
    el,
    value: () => {
      const out = {};
      for (const row of rows.querySelectorAll('.speed-row')) {
        const [k, n] = [...row.querySelectorAll('input')].map((i) => i.value.trim());
        if (k !== '' || n !== '') out[k] = n;
      }
      return out;
    },
  };
}
