import type { CodegenConfig } from '@graphql-codegen/cli';

// Generates typed documents for the operations the tests send, from the committed schema.graphql.
// Run `npm run codegen` after changing the schema or an operation; a test fails when the output is stale.
const config: CodegenConfig = {
  schema: './schema.graphql',
  documents: ['./test/operations/**/*.graphql'],
  generates: {
    './test/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        scalars: { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;
