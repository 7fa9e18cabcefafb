// The landline (FXO) port: its account, outside-line prefix, caller ID, and what a
// landline call does (ring chosen phones, or go to a SIP number).
import { h, uid } from '../dom.js';
import { busy, valueOf } from '../forms.js';
import { ApiError } from '../api.js';
import { loadSchema, sfield, compact, loadInto, choicesFor, accountOptions, helpFor } from '../config-common.js';
import { CID_LABELS } from './ports.js';

export const title = 'Landline';

export function mount(root, ctx) {
  const { api } = ctx;
  const content = h('div');
  root.append(content);
  loadInto(content, [() => loadSchema(api), () => api('GET', '/api/lines'), () => api('GET', '/api/accounts')], (schema, lines, accs) => {
    const ports = lines?.ports ?? [];
    const fxo = ports.filter((p) => p.kind === 'fxo');
    const fxs = ports.filter((p) => p.kind === 'fxs');
    if (fxo.length === 0) {
      content.append(h('p', { class: 'card' }, 'This box has no landline port.'));
      return;
    }
    for (const p of fxo) content.append(landlineCard(ctx, schema, p.port, (lines.lines ?? []).find((l) => l.port === p.port), fxs, lines.lines ?? [], accs?.accounts ?? [], fxo.length > 1));
    content.append(h('section', { class: 'card', 'aria-labelledby': 'disconnect-title' },
      h('h2', { id: 'disconnect-title' }, 'How the box notices the far end hung up'),
      h('p', {}, 'A landline does not always say when the other side hangs up. The box watches for it two ways, with no setting needed: '
        + 'the loop current dropping for a moment (the exchange\'s disconnect signal), and the busy or reorder tone the exchange plays after the caller has gone. '
        + 'Either ends the call and frees the line.')));
  });
  return () => {};
}

function landlineCard(ctx, schema, port, existing, fxs, allLines, accounts, several) {
  const line = existing ?? { port, kind: 'fxo' };
  const L = (name, label, opts = {}) => sfield(schema, ['lines', name], label, name, { value: line[name], ...opts });
  const cid = choicesFor(schema, ['lines', 'callerIdStandard'], Object.keys(CID_LABELS));
  const mode = line.sipTarget ? 'sip' : 'ring';
  const group = uid('answer');
  const ringing = new Set(line.ringsOnFxs ?? fxs.map((p) => p.port));
  const ringBoxes = h('fieldset', { class: 'plain', 'data-field': 'ringsOnFxs', tabindex: '-1' },
    h('legend', {}, 'Phones that ring'),
    fxs.map((p) => {
      const id = uid('rings');
      const name = allLines.find((l) => l.port === p.port)?.name;
      return h('div', { class: 'field check' },
        h('input', { type: 'checkbox', id, 'data-ring-port': p.port, checked: ringing.has(p.port) }),
        h('label', { for: id }, `Phone port ${p.port}${name ? ` (${name})` : ''}`));
    }),
    h('div', { class: 'field' }, h('small', { class: 'help' }, helpFor(schema, 'lines', 'ringsOnFxs')), h('small', { class: 'field-error', role: 'alert' })));
  const sipBox = h('div', {}, L('sipTarget', 'Send landline calls to this number', { inputmode: 'tel' }));
  const radio = (value, label) => {
    const id = uid('mode');
    return h('div', { class: 'field check' }, h('input', { type: 'radio', name: group, id, value, checked: mode === value, onchange: sync }), h('label', { for: id }, label));
  };
  function sync() {
    const sip = form.querySelector(`input[name="${group}"]:checked`)?.value === 'sip';
    ringBoxes.hidden = sip;
    sipBox.hidden = !sip;
  }
  const saveBtn = h('button', { type: 'submit', class: 'primary' }, several ? `Save landline ${port}` : 'Save');
  const titleId = `landline-${port}-title`;
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': titleId },
    h('h2', { id: titleId }, several ? `Landline port ${port}` : 'Landline settings'),
    L('name', 'Name', { placeholder: 'Home line' }),
    L('account', 'SIP account', { type: 'select', options: accountOptions(accounts, '— none —'), value: line.account ?? '', help: 'Used when landline calls go to a SIP number.' }),
    L('prefix', 'Outside-line prefix', { inputmode: 'numeric', placeholder: '9' }),
    L('callerIdStandard', 'Caller-ID standard', { type: 'select', options: [['', 'The region\'s default'], ...cid.map((c) => [c, CID_LABELS[c] ?? c])], value: line.callerIdStandard ?? '' }),
    h('fieldset', { class: 'plain' }, h('legend', {}, 'When the landline rings'),
      radio('ring', 'Ring phones on this box'),
      radio('sip', 'Forward the call to a SIP number'),
      ringBoxes, sipBox),
    h('div', { class: 'actions' }, saveBtn));
  sync();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const sip = form.querySelector(`input[name="${group}"]:checked`)?.value === 'sip';
    const body = compact({
      port, kind: 'fxo', name: valueOf(form, 'name'), account: valueOf(form, 'account'), prefix: valueOf(form, 'prefix'),
      callerIdStandard: valueOf(form, 'callerIdStandard'), sipTarget: sip ? valueOf(form, 'sipTarget') : undefined,
    });
    if (!sip) body.ringsOnFxs = [...form.querySelectorAll('[data-ring-port]')].filter((c) => c.checked).map((c) => Number(c.dataset.ringPort));
    busy(form, saveBtn, 'Saving…', async () => {
      if (sip && !body.sipTarget) throw new ApiError(0, 'invalid', 'Enter the number to send landline calls to.', { sipTarget: 'enter a number' });
      await ctx.api('PUT', `/api/lines/${port}`, body);
      ctx.toast('Landline saved.');
      return 'Saved.';
    });
  });
  return form;
}
