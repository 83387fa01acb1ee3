import os from 'node:os';
import type { BenchOptions } from './bench-options.js';
import { percentile, type LoadResult } from './run-load.js';

export interface PhaseFigures {
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface BenchSetup {
  driver: 'postgres' | 'pglite';
  eventBus: 'redis' | 'memory';
}

export function summarize(result: LoadResult): PhaseFigures {
  return {
    messagesPerSecond: round(result.count / (result.elapsedMs / 1000), 1),
    p50Ms: round(percentile(result.latenciesMs, 50), 2),
    p99Ms: round(percentile(result.latenciesMs, 99), 2),
  };
}

/** Formats the figures as a table for people and one JSON line for scripts. */
export function formatReport(
  parley: PhaseFigures,
  baseline: PhaseFigures,
  setup: BenchSetup,
  options: BenchOptions,
): string {
  const cpus = os.cpus();
  const cpuModel = cpus[0]?.model.trim() ?? 'unknown';
  const ratio = round(parley.messagesPerSecond / baseline.messagesPerSecond, 3);

  const row = (label: string, figures: PhaseFigures) =>
    label.padEnd(34) +
    figures.messagesPerSecond.toFixed(1).padStart(12) +
    figures.p50Ms.toFixed(2).padStart(10) +
    figures.p99Ms.toFixed(2).padStart(10);

  const lines = [
    `ingest benchmark: ${options.messages} messages measured after ${options.warmup} warm-up, ` +
      `${options.concurrency} in flight, ${options.visitors} visitors`,
    `database ${setup.driver}, event bus ${setup.eventBus}, Node ${process.version}, ${cpuModel} (${cpus.length} cores)`,
    '',
    'phase'.padEnd(34) + 'messages/s'.padStart(12) + 'p50 ms'.padStart(10) + 'p99 ms'.padStart(10),
    row('Parley: signed webhook to 200', parley),
    row('baseline: raw SQL transaction', baseline),
    '',
    `throughput ratio Parley/baseline: ${ratio.toFixed(3)}`,
    JSON.stringify({
      benchmark: 'ingest',
      parley,
      baseline,
      throughputRatio: ratio,
      setup: {
        ...setup,
        node: process.version,
        cpuModel,
        cpuCount: cpus.length,
        ...options,
      },
    }),
  ];
  return lines.join('\n');
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
