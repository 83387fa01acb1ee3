import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationsDocument } from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, PAGE_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

let server: TestServer;
let graphApi: FakeGraphApi;
let tenant: TestTenant;

function messengerText(visitorId: string, mid: string) {
  const timestamp = Date.now();
  return {
    object: 'page',
    entry: [{ id: PAGE_ID, time: timestamp, messaging: [{ sender: { id: visitorId }, recipient: { id: PAGE_ID }, timestamp, message: { mid, text: 'Hello' } }] }],
  };
}

/** Polls the inbox until the predicate holds, for at most five seconds. */
async function waitForContactName(visitorMid: string, expected: string | null): Promise<string | null> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const data = await graphqlData(server.graphqlUrl, ConversationsDocument, {}, tenant.adminToken);
    const conversation = data.conversations.edges.find((edge) => edge.node.lastMessage?.providerMessageId === visitorMid);
    const name = conversation?.node.contact.displayName ?? null;
    if (name === expected || Date.now() > deadline) return name;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  graphApi = await startFakeGraphApi();
  graphApi.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: graphApi.url, fetchContactProfiles: true });
  tenant = await createTenantWithChannels(server, 'profile-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
  await graphApi?.close();
});

describe('contact profile lookup', () => {
  it('names a new Messenger contact from the User Profile API', async () => {
    graphApi.setProfile('9000000000000101', { first_name: 'Ada', last_name: 'Lovelace', profile_pic: 'https://cdn.example.test/ada.jpg' });
    expect((await postWebhook(server.url, messengerText('9000000000000101', 'm_profile_1'))).status).toBe(200);

    expect(await waitForContactName('m_profile_1', 'Ada Lovelace')).toBe('Ada Lovelace');
    const lookup = graphApi.requests.find((request) => request.method === 'GET' && request.path === '/v21.0/9000000000000101');
    expect(lookup?.query.fields).toBe('first_name,last_name,profile_pic');
    expect(lookup?.query.access_token).toBe(PAGE_TOKEN);
  });

  it('leaves the contact unnamed when Meta refuses the profile', async () => {
    expect((await postWebhook(server.url, messengerText('9000000000000102', 'm_profile_2'))).status).toBe(200);
    // Give the background lookup time to run and fail.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await waitForContactName('m_profile_2', null)).toBeNull();
    expect(graphApi.requests.some((request) => request.path === '/v21.0/9000000000000102')).toBe(true);
  });

  it('looks a named contact up only once', async () => {
    graphApi.setProfile('9000000000000103', { first_name: 'Grace', last_name: 'Hopper' });
    await postWebhook(server.url, messengerText('9000000000000103', 'm_profile_3'));
    expect(await waitForContactName('m_profile_3', 'Grace Hopper')).toBe('Grace Hopper');
    await postWebhook(server.url, messengerText('9000000000000103', 'm_profile_4'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lookups = graphApi.requests.filter((request) => request.method === 'GET' && request.path === '/v21.0/9000000000000103');
    expect(lookups).toHaveLength(1);
  });
});
