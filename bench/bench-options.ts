import { parseArgs } from 'node:util';

/** Settings of one benchmark run. Each comes from a flag, else an environment variable, else a default. */
export interface BenchOptions {
  /** Messages measured per phase, after the warm-up. */
  messages: number;
  /** Requests or transactions in flight at once. */
  concurrency: number;
  /** Messages sent before measuring, to warm connections, JIT and statement caches. They are not counted. */
  warmup: number;
  /** Distinct visitor PSIDs the messages cycle through. Each visitor gets one contact and one conversation. */
  visitors: number;
}

export const USAGE = `Usage: npm run bench:ingest -- [options]

Measures signed Messenger webhook ingest through Parley's HTTP server against a raw SQL baseline
that writes the same rows. Uses DATABASE_URL (a scratch database is created and dropped) or an
embedded PGlite database in a temporary folder, and REDIS_URL or the in-process event bus.

Options (flag, environment variable, default):
  --messages N      BENCH_MESSAGES     2000  messages measured per phase
  --concurrency N   BENCH_CONCURRENCY  8     requests or transactions in flight at once
  --warmup N        BENCH_WARMUP       100   messages sent first and not measured
  --visitors N      BENCH_VISITORS     200   distinct visitor PSIDs the messages cycle through
  -h, --help                               print this help
`;

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

interface Setting {
  flag: keyof BenchOptions;
  variable: string;
  defaultValue: number;
  min: number;
  max: number;
}

const SETTINGS: Setting[] = [
  { flag: 'messages', variable: 'BENCH_MESSAGES', defaultValue: 2000, min: 1, max: 100_000 },
  { flag: 'concurrency', variable: 'BENCH_CONCURRENCY', defaultValue: 8, min: 1, max: 256 },
  { flag: 'warmup', variable: 'BENCH_WARMUP', defaultValue: 100, min: 0, max: 100_000 },
  { flag: 'visitors', variable: 'BENCH_VISITORS', defaultValue: 200, min: 1, max: 100_000 },
];

/** Parses flags and environment into options, or returns undefined when help was requested. */
export function parseBenchOptions(argv: string[], environment: NodeJS.ProcessEnv): BenchOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        messages: { type: 'string' },
        concurrency: { type: 'string' },
        warmup: { type: 'string' },
        visitors: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) return undefined;

  const options: BenchOptions = { messages: 0, concurrency: 0, warmup: 0, visitors: 0 };
  for (const setting of SETTINGS) {
    const flagValue = parsed.values[setting.flag];
    const environmentValue = environment[setting.variable];
    if (flagValue !== undefined) {
      options[setting.flag] = parseInteger(flagValue, `--${setting.flag}`, setting);
    } else if (environmentValue !== undefined && environmentValue !== '') {
      options[setting.flag] = parseInteger(environmentValue, setting.variable, setting);
    } else {
      options[setting.flag] = setting.defaultValue;
    }
  }
  return options;
}

function parseInteger(text: string, source: string, setting: Setting): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < setting.min || value > setting.max) {
    throw new BenchUsageError(
      `Invalid ${source} "${text}": expected a whole number from ${setting.min} to ${setting.max}.`,
    );
  }
  return value;
}
