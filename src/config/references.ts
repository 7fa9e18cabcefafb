/**
 * Rules between values: a line's account exists, extensions are unique and do not
 * clash with a landline prefix, ringsOnFxs names FXS lines, dial-plan routes name
 * what exists. The same check runs on a provisioning document (with the stored
 * sections it leaves out) and after every repository write, so one set of rules
 * keeps the store consistent.
 *
 * Values are read loosely (a field of the wrong type is simply ignored here; the
 * schema check reports it), so a document with other errors still gets its
 * references checked.
 */

export type Section = 'accounts' | 'lines' | 'dialPlan';

export interface Problem {
  section: Section;
  /** Index in the section's array. */
  index: number;
  /** Path inside the item (`account`, `ringsOnFxs[1]`). */
  field: string;
  message: string;
  /** The item for people: `line 3`, `account 'main'`, `dial-plan route 2`. */
  where: string;
}

/** The sections to check; an undefined section is unknown and references into it are not checked. */
export interface Snapshot {
  accounts?: readonly unknown[];
  lines?: readonly unknown[];
  dialPlan?: readonly unknown[];
}

interface LooseLine {
  index: number;
  port: number | undefined;
  kind: unknown;
  account: string | undefined;
  extension: string | undefined;
  prefix: string | undefined;
  ringsOnFxs: unknown;
}

function field(item: unknown, key: string): unknown {
  return typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : undefined;
}

function str(item: unknown, key: string): string | undefined {
  const v = field(item, key);
  return typeof v === 'string' ? v : undefined;
}

function int(item: unknown, key: string): number | undefined {
  const v = field(item, key);
  return Number.isInteger(v) ? (v as number) : undefined;
}

function lineLabel(l: LooseLine): string {
  return l.port === undefined ? `line #${l.index + 1}` : `line ${l.port}`;
}

/** Every reference problem in `snap`; problems are reported on each side of a clash. */
export function findProblems(snap: Snapshot): Problem[] {
  const problems: Problem[] = [];
  const accountIds = snap.accounts === undefined ? undefined : new Set<string>();

  snap.accounts?.forEach((a, index) => {
    const id = str(a, 'id');
    if (id === undefined || accountIds === undefined) return;
    if (accountIds.has(id)) {
      problems.push({ section: 'accounts', index, field: 'id', message: `account id '${id}' is used twice`, where: `account '${id}'` });
    }
    accountIds.add(id);
  });

  const lines: LooseLine[] = (snap.lines ?? []).map((l, index) => ({
    index,
    port: int(l, 'port'),
    kind: field(l, 'kind'),
    account: str(l, 'account'),
    extension: str(l, 'extension'),
    prefix: str(l, 'prefix'),
    ringsOnFxs: field(l, 'ringsOnFxs'),
  }));
  const onLine = (l: LooseLine, fieldName: string, message: string): void => {
    problems.push({ section: 'lines', index: l.index, field: fieldName, message, where: lineLabel(l) });
  };

  const firstByPort = new Map<number, LooseLine>();
  for (const l of lines) {
    if (l.port === undefined) continue;
    if (firstByPort.has(l.port)) onLine(l, 'port', `port ${l.port} is listed twice`);
    else firstByPort.set(l.port, l);
  }

  for (const l of lines) {
    if (l.account !== undefined && accountIds !== undefined && !accountIds.has(l.account)) {
      onLine(l, 'account', `no account with id '${l.account}'`);
    }
  }

  // Dialled digits select an extension or a landline prefix: neither may be the start of another.
  const extensions = lines.filter((l) => l.kind === 'fxs' && l.extension !== undefined);
  const prefixes = lines.filter((l) => l.kind === 'fxo' && l.prefix !== undefined);
  for (const a of extensions) {
    for (const b of extensions) {
      if (a !== b && a.extension === b.extension) onLine(a, 'extension', `extension ${a.extension} is also ${lineLabel(b)}'s`);
    }
    for (const p of prefixes) {
      const [ext = '', pre = ''] = [a.extension, p.prefix];
      if (ext.startsWith(pre) || pre.startsWith(ext)) {
        onLine(a, 'extension', `extension ${ext} clashes with ${lineLabel(p)}'s landline prefix ${pre}`);
        onLine(p, 'prefix', `landline prefix ${pre} clashes with ${lineLabel(a)}'s extension ${ext}`);
      }
    }
  }
  for (const p of prefixes) {
    for (const q of prefixes) {
      const [a = '', b = ''] = [p.prefix, q.prefix];
      if (p !== q && (a.startsWith(b) || b.startsWith(a))) onLine(p, 'prefix', `landline prefix ${a} clashes with ${lineLabel(q)}'s prefix ${b}`);
    }
  }

  if (snap.lines !== undefined) {
    for (const l of lines) {
      if (l.kind !== 'fxo' || !Array.isArray(l.ringsOnFxs)) continue;
      l.ringsOnFxs.forEach((port: unknown, k) => {
        if (!Number.isInteger(port)) return;
        const target = firstByPort.get(port as number);
        if (target?.kind !== 'fxs') onLine(l, `ringsOnFxs[${k}]`, `port ${String(port)} is not an FXS line`);
      });
    }
  }

  snap.dialPlan?.forEach((r, index) => {
    const route = str(r, 'route');
    if (route === undefined) return;
    const where = `dial-plan route ${index + 1}`;
    const refused = (message: string): void => {
      problems.push({ section: 'dialPlan', index, field: 'route', message, where });
    };
    if (route.startsWith('account:')) {
      const id = route.slice('account:'.length);
      if (accountIds !== undefined && !accountIds.has(id)) refused(`no account with id '${id}'`);
    } else if (route.startsWith('line:')) {
      const port = Number(route.slice('line:'.length));
      if (snap.lines !== undefined && !firstByPort.has(port)) refused(`no line on port ${port}`);
    } else if (route === 'fxo') {
      if (snap.lines !== undefined && !lines.some((l) => l.kind === 'fxo')) refused('there is no FXO line');
    }
  });

  return problems;
}
