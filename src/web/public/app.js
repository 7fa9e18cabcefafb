// The placeholder page: first-start setup, login, and the supervision tree.
// It uses only the JSON API, like any script would.
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return data;
}

function show(id) {
  for (const s of ['setup', 'login', 'status']) $(s).hidden = s !== id;
  $('message').textContent = '';
}

function renderTree(node, depth = 0) {
  const pad = '  '.repeat(depth);
  const line = `${pad}${node.id}  ${node.state}  restarts: ${node.restarts}${node.lastError ? `  last error: ${node.lastError}` : ''}`;
  return [line, ...(node.children ?? []).map((c) => renderTree(c, depth + 1))].join('\n');
}

async function refresh() {
  const { required } = await api('GET', '/api/setup');
  if (required) return show('setup');
  try {
    const status = await api('GET', '/api/status');
    show('status');
    $('summary').textContent = `Board: ${status.board}. Healthy: ${status.healthy ? 'yes' : 'no'}. Up ${status.uptimeSeconds} s.`;
    $('tree').textContent = renderTree(status.supervision);
  } catch {
    show('login');
  }
}

$('setup-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('POST', '/api/setup', { password: new FormData(e.target).get('password') });
    await refresh();
  } catch (err) { $('message').textContent = err.message; }
});

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('POST', '/api/session', { username: 'admin', password: new FormData(e.target).get('password') });
    await refresh();
  } catch (err) { $('message').textContent = err.message; }
});

$('logout').addEventListener('click', async () => {
  await api('DELETE', '/api/session');
  await refresh();
});

refresh().catch((err) => { $('message').textContent = err.message; });
setInterval(() => { if (!$('status').hidden) refresh().catch(() => {}); }, 5000);
