/**
 * A small Prometheus metrics registry: counters and gauges with labels, rendered
 * in the text exposition format (version 0.0.4). Values that live elsewhere (RSS,
 * uptime, tree state) are read at scrape time through collectors.
 */

export type Labels = Record<string, string>;

interface Sample {
  labels: Labels;
  value: number;
}

abstract class Metric {
  protected readonly values = new Map<string, Sample>();
  abstract readonly type: 'counter' | 'gauge';

  constructor(readonly name: string, readonly help: string) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
  }

  protected sample(labels: Labels): Sample {
    const key = labelKey(labels);
    let s = this.values.get(key);
    if (s === undefined) {
      s = { labels: { ...labels }, value: 0 };
      this.values.set(key, s);
    }
    return s;
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  samples(): readonly Sample[] {
    return [...this.values.values()];
  }
}

export class Counter extends Metric {
  readonly type = 'counter';

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`counter ${this.name} cannot decrease`);
    this.sample(labels).value += by;
  }
}

export class Gauge extends Metric {
  readonly type = 'gauge';

  set(labels: Labels, value: number): void {
    this.sample(labels).value = value;
  }

  /** Replaces every sample: for gauges refreshed whole at scrape time. */
  reset(): void {
    this.values.clear();
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: (() => void)[] = [];

  /**
   * The counter of that name, made on first use. A part that restarts asks again
   * and keeps counting where its previous incarnation stopped.
   */
  counter(name: string, help: string): Counter {
    return this.register(name, Counter, () => new Counter(name, help));
  }

  /** The gauge of that name, made on first use. */
  gauge(name: string, help: string): Gauge {
    return this.register(name, Gauge, () => new Gauge(name, help));
  }

  /** Runs before every render, to refresh gauges from their sources. */
  onCollect(collector: () => void): void {
    this.collectors.push(collector);
  }

  render(): string {
    for (const c of this.collectors) c();
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`);
      for (const s of m.samples()) out.push(`${m.name}${renderLabels(s.labels)} ${formatValue(s.value)}`);
    }
    return out.join('\n') + '\n';
  }

  private register<M extends Metric>(name: string, kind: abstract new (...args: never[]) => M, make: () => M): M {
    const existing = this.metrics.get(name);
    if (existing !== undefined) {
      if (!(existing instanceof kind)) throw new Error(`metric ${name} is already a ${existing.type}`);
      return existing;
    }
    const metric = make();
    this.metrics.set(name, metric);
    return metric;
  }
}

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0000');
}

function renderLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
