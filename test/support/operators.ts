import { createOperator } from '../../src/services/create-operator.js';
import { OperatorLoginDocument } from '../generated/graphql.js';
import { graphqlData } from './graphql-client.js';
import type { TestServer } from './test-server.js';

export const OPERATOR_PASSWORD = 'operator-password-for-tests';

/** Creates an operator in the server's database and logs it in over GraphQL; returns its token. */
export async function createOperatorWithToken(server: TestServer, email: string): Promise<{ operatorId: string; token: string }> {
  const operator = await createOperator(server.app.db, { email, password: OPERATOR_PASSWORD });
  const data = await graphqlData(server.graphqlUrl, OperatorLoginDocument, { email, password: OPERATOR_PASSWORD });
  return { operatorId: operator.id, token: data.operatorLogin.token };
}
