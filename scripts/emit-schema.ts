import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildParleySchema } from '../src/schema/build-schema.js';

/** Writes schema.graphql from the resolver classes; a test fails when the committed file is stale. */
export async function printParleySchema(): Promise<string> {
  return `${printSchema(await buildParleySchema())}\n`;
}

export const schemaFile = fileURLToPath(new URL('../schema.graphql', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(schemaFile, await printParleySchema());
  process.stdout.write(`Wrote ${schemaFile}\n`);
}
