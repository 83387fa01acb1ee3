import { measureBaselineInserts } from './baseline-inserts.js';
import { createBenchDatabase, type BenchDatabase } from './bench-database.js';
import { BenchUsageError, parseBenchOptions, USAGE, type BenchOptions } from './bench-options.js';
import { formatReport, summarize } from './bench-report.js';
import { measureParleyIngest } from './parley-ingest.js';

// Measures how fast Parley acknowledges signed Messenger webhooks, and how fast the driver alone
// writes the same rows, in one process on one fresh database. See docs/benchmarks.md.

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }

  // The first SIGINT or SIGTERM stops the phase after the operations in flight, so the server
  // closes and the scratch database is dropped. A second signal ends the process at once.
  // NOTE: while Parley runs, Apollo Server also handles both signals, because its option
  // stopOnTerminationSignals is on unless NODE_ENV is "test". It stops the server and raises the
  // signal again, which ends the process before the scratch database is dropped.
  const interruption = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    process.stderr.write(`Received ${signal}. Stopping after the operations in flight, then dropping the benchmark database.\n`);
    interruption.abort(new Error(`Interrupted by ${signal}.`));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const database = await createBenchDatabase(process.env.DATABASE_URL || undefined);
  try {
    await measureAndReport(database, options, interruption.signal);
  } finally {
    await database.drop();
  }
}

async function measureAndReport(database: BenchDatabase, options: BenchOptions, signal: AbortSignal): Promise<void> {
  const parley = await measureParleyIngest(database, options, process.env.REDIS_URL || undefined, signal);
  const baseline = await measureBaselineInserts(database, options, parley.baselineTarget, signal);

  const report = formatReport(
    summarize(parley.result),
    summarize(baseline),
    { driver: database.driver, eventBus: parley.eventBus },
    options,
  );
  process.stdout.write(`${report}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
