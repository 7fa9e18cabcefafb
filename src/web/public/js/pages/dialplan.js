// Dial plan: the routes for outgoing calls (edit, reorder, add, remove), a diagram of
// every rule the box applies in order, and a "Try a number" box. Where a number goes and
// what is wrong with a pattern come from the box itself (POST /api/dial-plan/try, the
// call router's own code), with the routes as they stand in the editor.
import { h, replace } from '../dom.js';
import { field, busy } from '../forms.js';
import { loadSchema, helpFor, compact, loadInto } from '../config-common.js';
import { drawPlan, destinationWords } from '../config-dialplan-view.js';

export const title = 'Dial plan';

/** How long the editor waits after the last keystroke before asking the box. */
const TRY_DELAY_MS = 250;

export function mount(root, ctx) {
  const { api } = ctx;
  const content = h('div');
  let stop = () => {};
  let gone = false;
  root.append(h('p', {}, 'When a phone dials a number, the box tries these rules from the top; the first that fits decides where the call goes.'), content);
  loadInto(content, [() => loadSchema(api), () => api('GET', '/api/dial-plan'), () => api('GET', '/api/lines'), () => api('GET', '/api/accounts')],
    (schema, plan, lines, accs) => {
      if (!gone) stop = build(ctx, content, schema, plan?.routes ?? [], lines?.lines ?? [], lines?.ports ?? [], accs?.accounts ?? []);
    });
  return () => { gone = true; stop(); };
}

/** The sentence for an answer of POST /api/dial-plan/try. */
function tryWords(number, answer, routes) {
  const d = answer.destination;
  const route = routes[answer.routeIndex];
  const why = answer.step === 'extension' ? 'the extension of another phone'
    : answer.step === 'route' ? `route ${answer.routeIndex + 1}${route ? ` (${route.pattern})` : ''}${answer.onTimeout ? ', after the short pause when you stop dialling' : ''}`
      : answer.step === 'prefix' ? 'the landline prefix' : answer.step === 'own' ? 'no route fits: the phone\'s own account' : '';
  const where = d.kind === 'sip' ? `calls ${d.number} through SIP account ${d.account}`
    : d.kind === 'fxo' ? `calls ${d.number} on the landline`
      : d.kind === 'line' ? `rings phone port ${d.port}` : `cannot be called: ${d.reason}`;
  return `${number} ${where}${why && d.kind !== 'none' ? ` — by ${why}` : ''}.`;
}

/** The diagram row a tried number takes (config-dialplan-view.js planRows keys). */
function hitKey(answer) {
  const d = answer.destination;
  if (answer.step === 'extension') return d.kind === 'line' ? `ext:${d.port}` : undefined;
  if (answer.step === 'route') return `route:${answer.routeIndex}`;
  if (answer.step === 'prefix') return `prefix:${d.port}`;
  return answer.step === 'own' ? 'own' : undefined;
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

  // Each change asks the box again after a pause; only the answer to the latest question is shown.
  let timer;
  let asked = 0;
  function tryNumber() {
    asked += 1;
    clearTimeout(timer);
    timer = setTimeout(askBox, TRY_DELAY_MS);
  }

  async function askBox() {
    const question = asked;
    const number = tryInput.value.replace(/[\s()-]/g, '');
    const data = { routes: readAll(), lines, accounts };
    const port = Number(fromSelect.value || fxsPorts[0]);
    if (!port) {
      tryResult.textContent = 'There is no phone port to dial from.';
      tryResult.className = 'try-result error';
      drawPlan(diagram, data, undefined);
      return;
    }
    tryResult.setAttribute('aria-busy', 'true');
    let answer;
    try {
      answer = await ctx.api('POST', '/api/dial-plan/try', { number, port, routes: data.routes });
    } catch (err) {
      if (question !== asked) return;
      tryResult.removeAttribute('aria-busy');
      const details = Object.values(err.fields ?? {});
      tryResult.textContent = `Could not try the number: ${err.message}${details.length > 0 ? ` (${details.join('; ')})` : ''}.`;
      tryResult.className = 'try-result error';
      drawPlan(diagram, data, undefined);
      return;
    }
    if (question !== asked) return;
    tryResult.removeAttribute('aria-busy');
    showProblems(answer.problems ?? {});
    if (number === '') {
      tryResult.textContent = 'Type a number to see where it goes.';
      tryResult.className = 'try-result';
      drawPlan(diagram, data, undefined);
      return;
    }
    tryResult.textContent = tryWords(number, answer, data.routes);
    tryResult.className = `try-result ${answer.destination.kind === 'none' ? 'error' : 'ok'}`;
    drawPlan(diagram, data, hitKey(answer));
  }

  /**
   * The box's problems with the routes (`routes[i].pattern`: the message a save would
   * give) beside their fields; an empty pattern is still being typed. Only errors shown
   * here are cleared here, not those of a save.
   */
  function showProblems(problems) {
    for (const control of list.querySelectorAll('[data-field]')) {
      const err = control.closest('.field')?.querySelector('.field-error');
      if (!err) continue;
      const path = control.getAttribute('data-field');
      const problem = control.dataset.part === 'pattern' && control.value.trim() === '' ? undefined : problems[path];
      if (problem) {
        err.textContent = problem;
        err.dataset.live = 'true';
        control.setAttribute('aria-invalid', 'true');
      } else if (err.dataset.live === 'true') {
        err.textContent = '';
        delete err.dataset.live;
        control.removeAttribute('aria-invalid');
      }
    }
  }

  function draw(focusIndex, focusSel) {
    replace(list, routes.map((r, i) => routeItem(r, i)));
    if (focusIndex !== undefined) list.children[focusIndex]?.querySelector(focusSel)?.focus();
    drawPlan(diagram, { routes, lines, accounts }, undefined);
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
    for (const el of li.querySelectorAll('select, input')) el.addEventListener('input', tryNumber);
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
  return () => { asked += 1; clearTimeout(timer); };
}
