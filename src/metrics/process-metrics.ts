/** Process-level metrics read at scrape time: memory, uptime, event-loop delay. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { MetricsRegistry } from './registry.js';

export function registerProcessMetrics(registry: MetricsRegistry, clock: Clock, startedAtWall: number): void {
  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes');
  const heap = registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use, bytes');
  const start = registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, seconds');
  const uptime = registry.gauge('dialtone_uptime_seconds', 'Seconds since the appliance started');
  const lag = registry.gauge('nodejs_eventloop_delay_seconds', 'Event-loop delay since the last scrape, by quantile');
  const resolutionMs = 10;
  const delay = monitorEventLoopDelay({ resolution: resolutionMs });
  // The histogram holds the time between its timer's runs, resolution included.
  const lateBy = (ns: number): number => Math.max(0, ns / 1e9 - resolutionMs / 1000);
  delay.enable();
  registry.onCollect(() => {
    const mem = process.memoryUsage();
    rss.set({}, mem.rss);
    heap.set({}, mem.heapUsed);
    start.set({}, Math.floor(startedAtWall / 1000));
    uptime.set({}, Math.floor((clock.wallTime() - startedAtWall) / 1000));
    lag.set({ quantile: '0.5' }, lateBy(delay.percentile(50)));
    lag.set({ quantile: '0.99' }, lateBy(delay.percentile(99)));
    lag.set({ quantile: '1' }, lateBy(delay.max));
    delay.reset();
  });
}
