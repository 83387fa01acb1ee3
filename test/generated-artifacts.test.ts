import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printParleySchema, schemaFile } from '../scripts/emit-schema.js';

describe('committed schema.graphql', () => {
  it('matches the schema the resolvers build', async () => {
    const committed = await readFile(schemaFile, 'utf8');
    // On failure: run `npm run schema:emit && npm run codegen` and commit the result.
    expect(committed).toBe(await printParleySchema());
  });
});

describe('generated test operations', () => {
  it('match the committed schema and operations', async () => {
    const { generate } = await import('@graphql-codegen/cli');
    const { default: config } = await import('../codegen.js');
    const [output] = await generate({ ...config, silent: true }, false);
    const committed = await readFile(new URL('./generated/graphql.ts', import.meta.url), 'utf8');
    // On failure: run `npm run codegen` and commit the result.
    expect(committed).toBe(output?.content);
  });
});
