// The setup wizard after the first-start password: region, the first SIP account,
// which phone ports use it, then a live registration check and a test ring.
import { h, replace } from '../dom.js';
import { field, busy, valueOf } from '../forms.js';
import { loadSchema, sfield, compact, registrationWords, badge, loadError, choicesFor } from '../config-common.js';

export const title = 'Setup wizard';

const STEPS = ['Region', 'SIP account', 'Phone ports', 'Test'];

export function mount(root, ctx) {
  const { api } = ctx;
  const state = { step: 0, accountId: 'main', ports: [], regions: [], presets: [], accounts: [], lines: [], settings: {}, schema: {} };
  const cleanups = [];
  const indicator = h('ol', { class: 'wizard-steps', 'aria-label': 'Setup steps' });
  const body = h('div', { class: 'wizard-body' });
  root.append(
    h('p', {}, 'A few steps get your phone working. You can change everything later. ',
      h('a', { href: '#/status', class: 'wizard-skip' }, 'Skip setup')),
    indicator, body);

  const drawIndicator = () => replace(indicator, STEPS.map((s, i) => h('li', {
    class: i < state.step ? 'done' : i === state.step ? 'current' : '',
    'aria-current': i === state.step ? 'step' : undefined,
  }, h('span', { class: 'num', 'aria-hidden': 'true' }, String(i + 1)), ` ${s}`, i < state.step ? h('span', { class: 'visually-hidden' }, ' (done)') : null)));

  const go = (step) => {
    while (cleanups.length) cleanups.pop()();
    state.step = step;
    drawIndicator();
    [stepRegion, stepAccount, stepPorts, stepTest][step]();
    body.querySelector('h2')?.focus();
  };

  /** A step: heading, content, and the Back / Skip / Next buttons. next() resolves true to move on. */
  const frame = (heading, content, next, { nextLabel = 'Next', skippable = true } = {}) => {
    const nextBtn = h('button', { type: 'submit', class: 'primary' }, nextLabel);
    const form = h('form', { class: 'card', novalidate: true },
      h('h2', { tabindex: '-1' }, `Step ${state.step + 1} of ${STEPS.length}: ${heading}`),
      content,
      h('div', { class: 'actions' },
        state.step > 0 ? h('button', { type: 'button', onclick: () => go(state.step - 1) }, 'Back') : null,
        skippable && state.step < STEPS.length - 1 ? h('button', { type: 'button', onclick: () => go(state.step + 1) }, 'Skip this step') : null,
        nextBtn,
        h('a', { href: '#/status' }, 'Skip setup')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      let ok = false;
      await busy(form, nextBtn, 'Saving…', async () => { ok = await next(form); return 'Saved.'; });
      if (ok === true) go(state.step + 1);
    });
    replace(body, form);
    return form;
  };

  function stepRegion() {
    const current = state.settings.region ?? 'US';
    const options = state.regions.length > 0
      ? state.regions.map((r) => [r.code, `${r.name} (${r.code})`])
      : choicesFor(state.schema, ['region'], ['US']).map((c) => [c, c]);
    frame('Region', [
      h('p', {}, 'Choose the country the box is in. This sets the tones your phone plays (dial tone, busy, ringback), how it rings, and the caller-ID standard your phone understands.'),
      field('Country', 'region', { type: 'select', options, value: current }),
    ], async (form) => {
      const region = valueOf(form, 'region');
      const res = await api('PUT', '/api/settings/region', { region });
      state.settings.region = res?.region ?? region;
      return true;
    });
  }

  function stepAccount() {
    const existing = state.accounts.find((a) => a.id === state.accountId) ?? {};
    const presetOptions = [['', 'Other provider or my own PBX'], ...state.presets.filter((p) => p.id !== 'generic').map((p) => [p.id, p.name])];
    const presetHelp = h('p', { class: 'help', 'aria-live': 'polite' });
    const transports = choicesFor(state.schema, ['accounts', 'transport'], ['udp', 'tcp', 'tls']);
    const content = [
      h('p', {}, 'Enter the SIP account your provider gave you (the "VoIP" or "SIP" login).'),
      field('Provider', 'preset', { type: 'select', options: presetOptions, help: 'Pick your provider to fill in the server and transport.' }),
      presetHelp,
      sfield(state.schema, ['accounts', 'server'], 'Server', 'server', { value: existing.server, required: true, placeholder: 'sip.example.com' }),
      sfield(state.schema, ['accounts', 'transport'], 'Transport', 'transport', { type: 'select', options: transports.map((t) => [t, t.toUpperCase()]), value: existing.transport ?? 'udp' }),
      sfield(state.schema, ['accounts', 'username'], 'Username', 'username', { value: existing.username, required: true, autocomplete: 'off' }),
      h('div', { class: 'wizard-auth', hidden: !existing.authUsername },
        sfield(state.schema, ['accounts', 'authUsername'], 'Authentication username', 'authUsername', { value: existing.authUsername, autocomplete: 'off' })),
      sfield(state.schema, ['accounts', 'password'], 'Password', 'password', {
        type: 'password', autocomplete: 'new-password', placeholder: existing.hasPassword ? 'unchanged' : undefined,
      }),
      sfield(state.schema, ['accounts', 'displayName'], 'Display name', 'displayName', { value: existing.displayName }),
    ];
    let preset;
    const form = frame('SIP account', content, async (f) => {
      const body = compact({
        ...existing, hasPassword: undefined, id: state.accountId,
        server: valueOf(f, 'server'), transport: valueOf(f, 'transport'), username: valueOf(f, 'username'),
        authUsername: valueOf(f, 'authUsername'), password: valueOf(f, 'password'), displayName: valueOf(f, 'displayName'),
        registerExpires: preset?.registerExpires ?? existing.registerExpires,
      });
      const res = await api('PUT', `/api/accounts/${encodeURIComponent(state.accountId)}`, body);
      const saved = res?.account ?? body;
      state.accounts = [...state.accounts.filter((a) => a.id !== state.accountId), { ...saved, hasPassword: saved.hasPassword ?? Boolean(body.password) }];
      return true;
    });
    form.querySelector('[data-field=preset]').addEventListener('change', (e) => {
      preset = state.presets.find((p) => p.id === e.target.value);
      presetHelp.textContent = preset?.help ?? '';
      form.querySelector('.wizard-auth').hidden = !(preset?.fields?.includes('authUsername') || valueOf(form, 'authUsername'));
      if (!preset) return;
      if (preset.server) form.querySelector('[data-field=server]').value = preset.server;
      if (preset.transport) form.querySelector('[data-field=transport]').value = preset.transport;
    });
  }

  function stepPorts() {
    const fxs = state.ports.filter((p) => p.kind === 'fxs');
    const lineOf = (port) => state.lines.find((l) => l.port === port);
    const anyUses = fxs.some((p) => lineOf(p.port)?.account === state.accountId);
    const boxes = fxs.map((p) => {
      const line = lineOf(p.port);
      const label = `Phone port ${p.port}${line?.name ? ` (${line.name})` : ''}`;
      return field(label, `port-${p.port}`, { type: 'checkbox', value: anyUses ? line?.account === state.accountId : !line?.account });
    });
    frame('Phone ports', [
      h('p', {}, `Which phones make and take calls with the account "${state.accountId}"?`),
      fxs.length === 0 ? h('p', { class: 'error' }, 'This box reports no phone ports.') : h('fieldset', { class: 'plain' }, h('legend', {}, 'Phone ports'), boxes),
    ], async (form) => {
      for (const p of fxs) {
        const line = lineOf(p.port) ?? {};
        const on = form.querySelector(`[data-field="port-${p.port}"]`).checked;
        if (!on && line.account !== state.accountId) continue;
        const next = { ...line, port: p.port, kind: 'fxs', account: on ? state.accountId : undefined };
        const res = await api('PUT', `/api/lines/${p.port}`, compact(next));
        state.lines = [...state.lines.filter((l) => l.port !== p.port), res?.line ?? next];
      }
      return true;
    });
  }

  function stepTest() {
    const account = state.accounts.find((a) => a.id === state.accountId);
    const regLine = h('p', { class: 'wizard-reg', role: 'status', 'aria-live': 'polite' }, badge({ text: 'Waiting for the status…', kind: 'warn' }));
    const usedPorts = state.lines.filter((l) => l.kind === 'fxs' && l.account === state.accountId).map((l) => l.port);
    const fxs = state.ports.filter((p) => p.kind === 'fxs').map((p) => p.port);
    const portChoices = (usedPorts.length > 0 ? usedPorts : fxs).map((p) => [p, `Phone port ${p}`]);
    const ringForm = h('form', { class: 'card', novalidate: true });
    const ringBtn = h('button', { type: 'submit' }, 'Ring my phone');
    replace(ringForm,
      h('h3', {}, 'Test call'),
      h('p', {}, 'Rings the phone. Pick it up: you hear a short announcement, then your own voice for 10 seconds.'),
      field('Phone to ring', 'port', { type: 'select', options: portChoices, value: portChoices[0]?.[0] }),
      h('div', { class: 'actions' }, ringBtn));
    ringForm.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(ringForm, ringBtn, 'Ringing…', async () => {
        await api('POST', '/api/diag/call-me', { port: Number(valueOf(ringForm, 'port')) });
        return 'The phone should ring now. Pick it up.';
      });
    });
    frame('Test', [
      account
        ? h('p', {}, `Account "${state.accountId}": `, regLine)
        : h('p', {}, 'No SIP account was set up. You can add one later under SIP accounts.'),
      account ? ringForm : null,
    ], async () => { ctx.navigate('#/status'); return false; }, { nextLabel: 'Finish', skippable: false });
    if (account) {
      const unsub = ctx.status.subscribe((s) => {
        const reg = s?.sip?.registrations?.find((r) => r.id === state.accountId);
        replace(regLine, badge(registrationWords(reg, account)));
      });
      cleanups.push(unsub);
    }
  }

  (async () => {
    replace(body, h('p', { role: 'status' }, 'Loading…'));
    const soft = (p, dflt) => p.catch(() => dflt);
    try {
      const [schema, regions, presets, accounts, lines, settings] = await Promise.all([
        loadSchema(api),
        soft(api('GET', '/api/regions'), { regions: [] }),
        soft(api('GET', '/api/presets'), { presets: [] }),
        api('GET', '/api/accounts'),
        api('GET', '/api/lines'),
        soft(api('GET', '/api/settings'), {}),
      ]);
      Object.assign(state, {
        schema, regions: regions?.regions ?? [], presets: presets?.presets ?? [], accounts: accounts?.accounts ?? [],
        ports: lines?.ports ?? [], lines: lines?.lines ?? [], settings: settings ?? {},
      });
      if (state.accounts.length > 0 && !state.accounts.some((a) => a.id === 'main')) state.accountId = state.accounts[0].id;
      go(0);
    } catch (err) {
      replace(body, h('p', { class: 'error', role: 'alert' }, loadError(err)), h('p', {}, h('a', { href: '#/status' }, 'Go to the status page')));
    }
  })();

  return () => { while (cleanups.length) cleanups.pop()(); };
}
