// Dial plan: the routes for outgoing calls (edit, reorder, add, remove), a diagram of
// every rule the box applies in order, and a "Try a number" box.
import { h, replace } from '../dom.js';
import { field, busy } from '../forms.js';
import { loadSchema, helpFor, compact, loadInto } from '../config-common.js';
import { digitMapProblem, routeNumber } from '../config-digitmap.js';
import { drawPlan, destinationWords } from '../config-dialplan-view.js';

export const title = 'Dial plan';

export function mount(root, ctx) {
  const { api } = ctx;
  const content = h('div');
  root.append(h('p', {}, 'When a phone dials a number, the box tries these rules from the top; the first that fits decides where the call goes.'), content);
  loadInto(content, [() => loadSchema(api), () => api('GET', '/api/dial-plan'), () => api('GET', '/api/lines'), () => api('GET', '/api/accounts')],
    (schema, plan, lines, accs) => build(ctx, content, schema, plan?.routes ?? [], lines?.lines ?? [], lines?.ports ?? [], accs?.accounts ?? []));
  return () => {};
}

function build(ctx, content, schema, initialRoutes, lines, ports, accounts) {
  let routes = initialRoutes.map((r) => ({ ...r }));
  const fxsPorts = ports.filter((p) => p.kind === 'fxs').map((p) => p.port);
  const routeChoices = [
    ...accounts.map((a) => [`account:${a.id}`, destinationWords(`account:${a.id}`, { accounts, lines })]),
    ['fxo', 'The landline'],
    ...fxsPorts.map((p) => [`line:${p}`, destinationWords(`line:${p}`, { accounts, lines })]),
  ];
  const list = h('ol', { class: 'route-list' });
  const diagram = h('div', { class: 'dp-diagram' });
  const saveBtn = h('button', { type: 'submit', class: 'primary' }, 'Save dial plan');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'routes-title' },
    h('h2', { id: 'routes-title' }, 'Routes'),
    h('p', { class: 'help' }, helpFor(schema, 'dialPlan') || 'Routes for outgoing calls, tried in order.'),
    list,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => { readAll(); routes.push({ pattern: '', route: routeChoices[0]?.[0] ?? 'fxo' }); draw(routes.length - 1, '[data-part=pattern]'); } }, 'Add route'),
      saveBtn));

  // "Try a number"
  const tryInput = h('input', { id: 'try-number', type: 'text', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'try-result' });
  const fromSelect = h('select', { id: 'try-from' }, fxsPorts.map((p) => h('option', { value: p }, `Phone port ${p}`)));
  const tryResult = h('p', { id: 'try-result', class: 'try-result', role: 'status', 'aria-live': 'polite' });
  const tryBox = h('section', { class: 'card', 'aria-labelledby': 'try-title' },
    h('h2', { id: 'try-title' }, 'Try a number'),
    h('div', { class: 'try-row' },
      h('div', { class: 'field' }, h('label', { for: 'try-number' }, 'Number'), tryInput),
      fxsPorts.length > 1 ? h('div', { class: 'field' }, h('label', { for: 'try-from' }, 'Dialled on'), fromSelect) : null),
    tryResult);

  content.append(form, tryBox, h('section', { class: 'card', 'aria-labelledby': 'diagram-title' },
    h('h2', { id: 'diagram-title' }, 'How numbers are routed'), diagram));

  function readAll() {
    routes = [...list.children].map((li) => compact({
      pattern: li.querySelector('[data-part=pattern]').value.trim(),
      route: li.querySelector('[data-part=route]').value,
      strip: li.querySelector('[data-part=strip]').value === '' ? undefined : Number(li.querySelector('[data-part=strip]').value),
      prepend: li.querySelector('[data-part=prepend]').value.trim(),
    }));
    return routes;
  }

  function tryNumber() {
    const number = tryInput.value.replace(/[\s()-]/g, '');
    const data = { routes: readAll(), lines, accounts };
    if (number === '') {
      tryResult.textContent = 'Type a number to see where it goes.';
      drawPlan(diagram, data, undefined);
      return;
    }
    const fromPort = Number(fromSelect.value || fxsPorts[0] || 1);
    const r = routeNumber(number, { fromPort, lines, routes: data.routes });
    const hit = r.step === 'extension' ? `ext:${r.port}` : r.step === 'route' ? `route:${r.routeIndex}` : r.step === 'prefix' ? `prefix:${r.port}` : r.step === 'own' ? 'own' : undefined;
    const why = r.step === 'extension' ? 'the extension of another phone'
      : r.step === 'route' ? `route ${r.routeIndex + 1} (${data.routes[r.routeIndex].pattern})${r.onTimeout ? ', after the short pause when you stop dialling' : ''}`
        : r.step === 'prefix' ? 'the landline prefix' : r.step === 'own' ? 'no route fits: the phone\'s own account' : '';
    const where = r.kind === 'sip' ? `calls ${r.number} through SIP account ${r.account}`
      : r.kind === 'fxo' ? `calls ${r.number} on the landline`
        : r.kind === 'line' ? `rings phone port ${r.port}` : `cannot be called: ${r.reason}`;
    tryResult.textContent = `${number} ${where}${why ? ` — by ${why}` : ''}.`;
    tryResult.className = `try-result ${r.kind === 'none' ? 'error' : 'ok'}`;
    drawPlan(diagram, data, hit);
  }

  function draw(focusIndex, focusSel) {
    replace(list, routes.map((r, i) => routeItem(r, i)));
    if (focusIndex !== undefined) list.children[focusIndex]?.querySelector(focusSel)?.focus();
    tryNumber();
  }

  function routeItem(r, i) {
    const n = i + 1;
    const move = (by) => {
      readAll();
      const j = i + by;
      [routes[i], routes[j]] = [routes[j], routes[i]];
      draw(j, by < 0 ? (j === 0 ? '[data-move=down]' : '[data-move=up]') : (j === routes.length - 1 ? '[data-move=up]' : '[data-move=down]'));
      ctx.toast(`Route moved to position ${j + 1}.`);
    };
    const part = (label, key, opts) => {
      const f = field(label, `routes[${i}].${key}`, { ...opts, help: opts.help });
      f.querySelector('[data-field]').setAttribute('data-part', key);
      return f;
    };
    const choices = routeChoices.some(([v]) => v === r.route) || !r.route ? routeChoices : [[r.route, r.route], ...routeChoices];
    const li = h('li', { class: 'route-item', 'aria-label': `Route ${n}` },
      h('fieldset', { class: 'plain' }, h('legend', {}, `Route ${n}`),
        h('div', { class: 'route-fields' },
          part('Numbers (digit-map pattern)', 'pattern', { value: r.pattern, placeholder: '011xx.T', help: helpFor(schema, 'dialPlan', 'pattern') }),
          part('Goes to', 'route', { type: 'select', options: choices, value: r.route }),
          part('Remove digits from the front', 'strip', { type: 'number', value: r.strip ?? '', min: 0, max: 32, inputmode: 'numeric', placeholder: '0' }),
          part('Add in front', 'prepend', { value: r.prepend ?? '', inputmode: 'tel' })),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'small', 'data-move': 'up', disabled: i === 0, 'aria-label': `Move route ${n} up`, onclick: () => move(-1) }, '↑ Up'),
          h('button', { type: 'button', class: 'small', 'data-move': 'down', disabled: i === routes.length - 1, 'aria-label': `Move route ${n} down`, onclick: () => move(1) }, '↓ Down'),
          h('button', { type: 'button', class: 'small', 'aria-label': `Remove route ${n}`, onclick: () => { readAll(); routes.splice(i, 1); draw(Math.min(i, routes.length - 1), '[data-part=pattern]'); if (routes.length === 0) form.querySelector('.actions button')?.focus(); } }, 'Remove'))));
    const patternInput = li.querySelector('[data-part=pattern]');
    patternInput.addEventListener('input', () => {
      const problem = patternInput.value.trim() === '' ? undefined : digitMapProblem(patternInput.value.trim());
      const err = patternInput.closest('.field').querySelector('.field-error');
      err.textContent = problem ? `Not a valid pattern: ${problem}` : '';
      if (problem) patternInput.setAttribute('aria-invalid', 'true'); else patternInput.removeAttribute('aria-invalid');
      tryNumber();
    });
    for (const el of li.querySelectorAll('select, input:not([data-part=pattern])')) el.addEventListener('input', tryNumber);
    return li;
  }

  tryInput.addEventListener('input', tryNumber);
  fromSelect.addEventListener('change', tryNumber);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { routes: readAll() };
    busy(form, saveBtn, 'Saving…', async () => {
      const res = await ctx.api('PUT', '/api/dial-plan', body);
      routes = (res?.routes ?? body.routes).map((r) => ({ ...r }));
      draw();
      ctx.toast('Dial plan saved.');
      return `Saved ${routes.length} route${routes.length === 1 ? '' : 's'}.`;
    });
  });
  draw();
}
