import {
  getNamedType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  isCompositeType,
  type GraphQLField,
  type GraphQLFormattedError,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildParleySchema } from '../src/schema/build-schema.js';
import { createSubscriptionClient } from './support/graphql-client.js';
import { createOperatorWithToken } from './support/operators.js';
import { createTenantWithChannels, PAGE_ID } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Fields an operator may call: its own API, and the two logins, which need credentials and return
// nothing of a tenant's. Every other root field must return FORBIDDEN to an operator. A field
// added later fails this test until it is either closed to operators or listed here on purpose.
const OPERATOR_FIELDS = new Set([
  'Query.tenants',
  'Query.auditLog',
  'Mutation.operatorLogin',
  'Mutation.login',
  'Mutation.createTenant',
  'Mutation.suspendTenant',
  'Mutation.reactivateTenant',
  'Mutation.deleteTenant',
]);

let server: TestServer;
let operatorToken: string;

beforeAll(async () => {
  server = await startTestServer();
  // A tenant with data, so a leak would have something to show.
  await createTenantWithChannels(server, 'private-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
  operatorToken = (await createOperatorWithToken(server, 'ops@platform.test')).token;
});

afterAll(async () => {
  await server?.close();
});

/** Returns a value GraphQL accepts for the type, so a request passes validation and reaches the resolver. */
function sampleValue(type: GraphQLInputType): unknown {
  if (type instanceof GraphQLNonNull) return sampleValue(type.ofType);
  if (type instanceof GraphQLList) return [sampleValue(type.ofType)];
  if (type instanceof GraphQLEnumType) return type.getValues()[0]?.name;
  if (type instanceof GraphQLInputObjectType) {
    const fields = Object.values(type.getFields()).filter((field) => field.type instanceof GraphQLNonNull);
    return Object.fromEntries(fields.map((field) => [field.name, sampleValue(field.type)]));
  }
  if (type instanceof GraphQLScalarType) {
    const samples: Record<string, unknown> = {
      ID: 'VGVuYW50OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA',
      String: 'probe',
      Int: 1,
      Float: 1,
      Boolean: true,
      DateTimeISO: '2030-01-01T00:00:00.000Z',
      JSONObject: {},
    };
    if (!(type.name in samples)) throw new Error(`add a sample value for scalar ${type.name}`);
    return samples[type.name];
  }
  throw new Error(`no sample value for ${String(type)}`);
}

/** Builds an operation calling one root field with every required argument. */
function operationFor(keyword: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((arg) => arg.type instanceof GraphQLNonNull);
  const definitions = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const argumentList = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return {
    query: `${keyword} Probe${definitions ? `(${definitions})` : ''} { ${field.name}${argumentList ? `(${argumentList})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, sampleValue(arg.type)])),
  };
}

async function postOperation(operation: { query: string; variables: Record<string, unknown> }) {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
    body: JSON.stringify(operation),
  });
  return (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
}

const schemaPromise = buildParleySchema();
const rootFields = async (pick: (schema: Awaited<typeof schemaPromise>) => GraphQLObjectType | null | undefined) => {
  const type = pick(await schemaPromise);
  return type ? Object.values(type.getFields()).map((field) => ({ type: type.name, field })) : [];
};

describe('operator access to the schema', () => {
  it('gets FORBIDDEN from every query and mutation outside its own API', async () => {
    const fields = [...(await rootFields((schema) => schema.getQueryType())), ...(await rootFields((schema) => schema.getMutationType()))];
    const outcomes: Record<string, string> = {};
    for (const { type, field } of fields) {
      const keyword = type === 'Query' ? 'query' : 'mutation';
      const body = await postOperation(operationFor(keyword, field));
      outcomes[`${type}.${field.name}`] = String(body.errors?.[0]?.extensions?.code ?? 'OK');
    }

    const forbidden = Object.keys(outcomes).filter((name) => !OPERATOR_FIELDS.has(name));
    expect(forbidden.length).toBeGreaterThan(8);
    for (const name of forbidden) expect({ field: name, code: outcomes[name] }).toEqual({ field: name, code: 'FORBIDDEN' });
    for (const name of OPERATOR_FIELDS) expect({ field: name, code: outcomes[name] }).not.toEqual({ field: name, code: 'FORBIDDEN' });
  });

  it('gets FORBIDDEN from every subscription', async () => {
    const fields = await rootFields((schema) => schema.getSubscriptionType());
    expect(fields.length).toBeGreaterThan(0);
    const client = createSubscriptionClient(server.webSocketUrl, operatorToken);
    try {
      for (const { field } of fields) {
        const operation = operationFor('subscription', field);
        const errors = await new Promise<readonly GraphQLFormattedError[]>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`subscription ${field.name} neither failed nor ended`)), 5_000);
          const finish = (value: readonly GraphQLFormattedError[]) => {
            clearTimeout(timer);
            resolve(value);
          };
          client.subscribe(operation, {
            next: (result) => finish(result.errors ?? []),
            error: (error) => finish(Array.isArray(error) ? (error as GraphQLFormattedError[]) : []),
            complete: () => finish([]),
          });
        });
        expect({ field: field.name, code: errors[0]?.extensions?.code }).toEqual({ field: field.name, code: 'FORBIDDEN' });
      }
    } finally {
      await client.dispose();
    }
  });

  it('reads its own tenant list', async () => {
    const body = await postOperation({ query: '{ tenants { slug usage { agents channels } } }', variables: {} });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ tenants: [{ slug: 'private-tenant', usage: { agents: 1, channels: 1 } }] });
  });
});
