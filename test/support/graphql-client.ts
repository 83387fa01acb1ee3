import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphqlResponse<T> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
}

/** Sends one operation over real HTTP, as a front-end app would. */
export async function graphqlRequest<TResult, TVariables>(
  graphqlUrl: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<GraphqlResponse<TResult>> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult | null; errors?: GraphQLFormattedError[] };
  return { status: response.status, data: body.data, errors: body.errors };
}

/** Returns the data of a successful operation, failing with the errors otherwise. */
export async function graphqlData<TResult, TVariables>(
  graphqlUrl: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<TResult> {
  const response = await graphqlRequest(graphqlUrl, document, variables, token);
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL operation failed: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

export function createSubscriptionClient(webSocketUrl: string, token: string | undefined): Client {
  return createClient({
    url: webSocketUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/**
 * A live subscription that collects every result; `next()` waits for the next one.
 */
export interface LiveSubscription<T> {
  results: { data?: T | null; errors?: readonly GraphQLFormattedError[] }[];
  next(timeoutMs?: number): Promise<{ data?: T | null; errors?: readonly GraphQLFormattedError[] }>;
  /** Resolves with nothing if no result arrives within the time, or rejects if one does. */
  expectNothing(withinMs: number): Promise<void>;
  close(): void;
}

export function subscribe<TResult, TVariables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): LiveSubscription<TResult> {
  const results: LiveSubscription<TResult>['results'] = [];
  let consumed = 0;
  let waiter: (() => void) | undefined;
  let failure: unknown;

  const dispose = client.subscribe<TResult>(
    { query: print(document), variables },
    {
      next(value) {
        results.push(value as LiveSubscription<TResult>['results'][number]);
        waiter?.();
      },
      error(error) {
        failure = error;
        waiter?.();
      },
      complete() {
        waiter?.();
      },
    },
  );

  return {
    results,
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length <= consumed) {
        // graphql-ws reports a closed socket as the CloseEvent itself; rethrow it so tests can read its code.
        if (failure) throw failure;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no subscription result within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, Math.min(remaining, 100));
        });
      }
      const result = results[consumed];
      consumed += 1;
      return result!;
    },
    async expectNothing(withinMs) {
      await new Promise((resolve) => setTimeout(resolve, withinMs));
      if (results.length > consumed) {
        throw new Error(`unexpected subscription result: ${JSON.stringify(results[consumed])}`);
      }
    },
    close: dispose,
  };
}

/** Waits until the server's event bus has at least `count` live subscriptions. */
export async function waitForSubscriptions(bus: { subscriptionCount(): number }, count: number, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (bus.subscriptionCount() < count) {
    if (Date.now() > deadline) throw new Error(`event bus has ${bus.subscriptionCount()} subscriptions, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
