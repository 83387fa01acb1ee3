import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from './fake-graph-api.js';

const PAGE_ID = '100000000000001';
const PSID = '9000000000000001';
const TOKEN = 'page-token-for-tests';

interface GraphResponse {
  status: number;
  body: Record<string, unknown>;
}

interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  fbtrace_id: string;
}

let fake: FakeGraphApi;

beforeEach(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(TOKEN);
});

afterEach(async () => {
  await fake.close();
});

/** Posts to the fake, passing `token` as the access_token query parameter unless it is null. */
async function post(path: string, body: string, contentType: string, token: string | null): Promise<GraphResponse> {
  const query = token === null ? '' : `?access_token=${encodeURIComponent(token)}`;
  const response = await fetch(`${fake.url}${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function postJson(path: string, body: unknown, token: string | null = TOKEN): Promise<GraphResponse> {
  return post(path, JSON.stringify(body), 'application/json', token);
}

function readError(response: GraphResponse): GraphErrorBody {
  return response.body.error as GraphErrorBody;
}

const textMessage = { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Hello from Parley' } };

describe('startFakeGraphApi', () => {
  it('serves a versioned base URL on 127.0.0.1', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v\d+\.\d+$/);
  });

  it('rejects an unknown route with code 100', async () => {
    const response = await postJson(`/${PAGE_ID}/feed`, { message: 'hi' });

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
    expect(readError(response).error_subcode).toBe(33);
    expect(readError(response).type).toBe('GraphMethodException');
    expect(readError(response).message).toMatch(/^Unsupported post request\. Object with ID '100000000000001'/);
  });

  it('rejects a GET on the Send API route', async () => {
    const response = await fetch(`${fake.url}/${PAGE_ID}/messages?access_token=${TOKEN}`);
    const body = (await response.json()) as { error: GraphErrorBody };

    expect(response.status).toBe(400);
    expect(body.error.code).toBe(100);
    expect(body.error.message).toMatch(/^Unsupported get request/);
  });
});

describe('Send API route', () => {
  it('returns recipient_id and a message_id', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, textMessage);

    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['message_id', 'recipient_id']);
    expect(response.body.recipient_id).toBe(PSID);
    expect(response.body.message_id).toMatch(/^m_[\w-]+$/);
  });

  it('returns a different message_id per send', async () => {
    const first = await postJson(`/${PAGE_ID}/messages`, textMessage);
    const second = await postJson(`/${PAGE_ID}/messages`, textMessage);

    expect(first.body.message_id).not.toBe(second.body.message_id);
  });

  it('accepts an attachment without text', async () => {
    const message = { attachment: { type: 'image', payload: { url: 'https://cdn.example.test/a.png' } } };
    const response = await postJson(`/${PAGE_ID}/messages`, { recipient: { id: PSID }, message });

    expect(response.status).toBe(200);
    expect(response.body.recipient_id).toBe(PSID);
  });

  it('accepts a private reply by comment_id', async () => {
    const body = { recipient: { comment_id: '5000_6001' }, message: { text: 'We sent you a message' } };
    const response = await postJson(`/${PAGE_ID}/messages`, body);

    expect(response.status).toBe(200);
    expect(response.body.message_id).toMatch(/^m_/);
    expect(response.body.recipient_id).toBeUndefined();
  });

  it('accepts a sender action without a message', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, { recipient: { id: PSID }, sender_action: 'mark_seen' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ recipient_id: PSID });
  });

  it('accepts form-encoded JSON parameters', async () => {
    const form = new URLSearchParams({
      recipient: JSON.stringify({ id: PSID }),
      message: JSON.stringify({ text: 'hi' }),
    });
    const response = await post(`/${PAGE_ID}/messages`, form.toString(), 'application/x-www-form-urlencoded', TOKEN);

    expect(response.status).toBe(200);
    expect(response.body.recipient_id).toBe(PSID);
  });

  it('accepts a bearer token header', async () => {
    const response = await fetch(`${fake.url}/${PAGE_ID}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(textMessage),
    });

    expect(response.status).toBe(200);
  });

  it('rejects an unknown token with code 190', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, textMessage, 'revoked-token');

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(190);
    expect(readError(response).type).toBe('OAuthException');
    expect(readError(response).error_subcode).toBeUndefined();
    expect(readError(response).fbtrace_id).toMatch(/^[\w-]+$/);
  });

  it('rejects a missing token with code 190', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, textMessage, null);

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(190);
  });

  it('rejects a missing recipient with code 100', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, { message: { text: 'hi' } });

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
    expect(readError(response).type).toBe('OAuthException');
    expect(readError(response).message).toBe('(#100) The parameter recipient is required');
  });

  it('rejects a recipient without id with code 100', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, { recipient: {}, message: { text: 'hi' } });

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
  });

  it('rejects a missing message with code 100', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, { recipient: { id: PSID } });

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
    expect(readError(response).message).toMatch(/^\(#100\) /);
  });

  it('rejects a message without text or attachment', async () => {
    const response = await postJson(`/${PAGE_ID}/messages`, { recipient: { id: PSID }, message: { text: '' } });

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
  });

  it('rejects text over 2000 characters', async () => {
    const atLimit = await postJson(
      `/${PAGE_ID}/messages`, { recipient: { id: PSID }, message: { text: 'a'.repeat(2_000) } },
    );
    const overLimit = await postJson(
      `/${PAGE_ID}/messages`, { recipient: { id: PSID }, message: { text: 'a'.repeat(2_001) } },
    );

    expect(atLimit.status).toBe(200);
    expect(overLimit.status).toBe(400);
    expect(readError(overLimit).code).toBe(100);
  });
});

describe('comment reply route', () => {
  it('returns an id under the post part', async () => {
    const response = await postJson('/5000_6001/comments', { message: 'Thanks for asking!' });

    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['id']);
    expect(response.body.id).toMatch(/^5000_\d+$/);
  });

  it('accepts a form-encoded message', async () => {
    const form = new URLSearchParams({ message: 'Thanks!', access_token: TOKEN }).toString();
    const response = await post('/5000_6001/comments', form, 'application/x-www-form-urlencoded', null);

    expect(response.status).toBe(200);
    expect(response.body.id).toMatch(/^5000_\d+$/);
  });

  it('returns a different id per reply', async () => {
    const first = await postJson('/5000_6001/comments', { message: 'one' });
    const second = await postJson('/5000_6001/comments', { message: 'two' });

    expect(first.body.id).not.toBe(second.body.id);
  });

  it('rejects a reply without message', async () => {
    const response = await postJson('/5000_6001/comments', {});

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
  });

  it('rejects an unknown token with code 190', async () => {
    const response = await postJson('/5000_6001/comments', { message: 'hi' }, 'revoked-token');

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(190);
  });
});

describe('Instagram comment reply route', () => {
  it('returns a numeric id', async () => {
    const response = await postJson('/17900000000000001/replies', { message: 'Thanks for asking!' });

    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['id']);
    expect(response.body.id).toMatch(/^\d+$/);
  });

  it('rejects a reply without message', async () => {
    const response = await postJson('/17900000000000001/replies', {});

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
  });
});

describe('comment update route', () => {
  it.each([
    { parameter: 'is_hidden', commentId: '5000_6001' },
    { parameter: 'hide', commentId: '17900000000000001' },
  ])('accepts $parameter and returns success', async ({ parameter, commentId }) => {
    const response = await postJson(`/${commentId}`, { [parameter]: true });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true });
  });

  it('accepts a form-encoded boolean', async () => {
    const form = new URLSearchParams({ is_hidden: 'false', access_token: TOKEN }).toString();
    const response = await post('/5000_6001', form, 'application/x-www-form-urlencoded', null);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true });
  });

  it('rejects an update without is_hidden or hide', async () => {
    const response = await postJson('/5000_6001', { message: 'edited' });

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
    expect(readError(response).message).toBe('(#100) The parameter is_hidden or hide is required');
  });

  it('rejects a value that is not a boolean', async () => {
    const response = await postJson('/5000_6001', { is_hidden: 'yes' });

    expect(response.status).toBe(400);
    expect(readError(response).message).toBe('(#100) Param is_hidden must be a boolean');
  });

  it('rejects an unknown token with code 190', async () => {
    const response = await postJson('/5000_6001', { is_hidden: true }, 'revoked-token');

    expect(readError(response).code).toBe(190);
  });
});

describe('like route', () => {
  it('returns success without parameters', async () => {
    const response = await postJson('/5000_6001/likes', {});

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true });
  });

  it('serves a queued error', async () => {
    fake.failNext({ status: 403, code: 200, message: '(#200) Permissions error' });
    const response = await postJson('/5000_6001/likes', {});

    expect(response.status).toBe(403);
    expect(readError(response).code).toBe(200);
  });
});

describe('failNext', () => {
  it('serves the queued error once', async () => {
    const expiredMessage = 'Error validating access token: Session has expired';
    fake.failNext({ status: 400, code: 190, subcode: 463, message: expiredMessage });

    const failed = await postJson(`/${PAGE_ID}/messages`, textMessage);
    const recovered = await postJson(`/${PAGE_ID}/messages`, textMessage);

    expect(failed.status).toBe(400);
    expect(readError(failed)).toMatchObject({
      message: expiredMessage,
      type: 'OAuthException',
      code: 190,
      error_subcode: 463,
    });
    expect(readError(failed).fbtrace_id).toMatch(/^[\w-]+$/);
    expect(recovered.status).toBe(200);
  });

  it('serves queued errors in order', async () => {
    fake.failNext({ status: 500, code: 2, type: 'OAuthException', message: 'Service temporarily unavailable' });
    fake.failNext({ status: 400, code: 4, message: '(#4) Application request limit reached' });

    const first = await postJson('/5000_6001/comments', { message: 'hi' });
    const second = await postJson('/5000_6001/comments', { message: 'hi' });
    const third = await postJson('/5000_6001/comments', { message: 'hi' });

    expect(first.status).toBe(500);
    expect(readError(first).code).toBe(2);
    expect(second.status).toBe(400);
    expect(readError(second).code).toBe(4);
    expect(readError(second).error_subcode).toBeUndefined();
    expect(third.status).toBe(200);
  });

  it('uses the given error type', async () => {
    fake.failNext({
      status: 400,
      code: 100,
      subcode: 2018001,
      type: 'GraphMethodException',
      message: 'No matching user found',
    });

    const response = await postJson(`/${PAGE_ID}/messages`, textMessage);

    expect(readError(response).type).toBe('GraphMethodException');
    expect(readError(response).error_subcode).toBe(2018001);
  });

  it('leaves unknown routes to their own error', async () => {
    fake.failNext({ status: 503, code: 2, message: 'Service temporarily unavailable' });

    const unknownRoute = await postJson(`/${PAGE_ID}/feed`, { message: 'hi' });
    const send = await postJson(`/${PAGE_ID}/messages`, textMessage);

    expect(unknownRoute.status).toBe(400);
    expect(send.status).toBe(503);
  });
});

describe('request recording', () => {
  it('records method, path, query, headers and exact body', async () => {
    await postJson(`/${PAGE_ID}/messages`, textMessage);

    expect(fake.requests).toHaveLength(1);
    const [recorded] = fake.requests;
    expect(recorded?.method).toBe('POST');
    expect(recorded?.path).toMatch(/^\/v\d+\.\d+\/100000000000001\/messages$/);
    expect(recorded?.query).toEqual({ access_token: TOKEN });
    expect(recorded?.headers['content-type']).toBe('application/json');
    expect(recorded?.body).toEqual(textMessage);
  });

  it('records a form body as fields', async () => {
    await post('/5000_6001/comments', 'message=Thanks%21', 'application/x-www-form-urlencoded', TOKEN);

    expect(fake.requests[0]?.body).toEqual({ message: 'Thanks!' });
  });

  it('records rejected requests too', async () => {
    await postJson(`/${PAGE_ID}/messages`, textMessage, 'revoked-token');
    await postJson(`/${PAGE_ID}/feed`, { message: 'hi' });

    expect(fake.requests.map((request) => request.path)).toEqual([
      expect.stringMatching(/\/messages$/),
      expect.stringMatching(/\/feed$/),
    ]);
  });

  it('records a body that is not JSON as text', async () => {
    await post(`/${PAGE_ID}/messages`, 'not json', 'text/plain', TOKEN);

    expect(fake.requests[0]?.body).toBe('not json');
  });
});

describe('reset', () => {
  it('clears requests and queued errors but keeps tokens', async () => {
    fake.failNext({ status: 400, code: 190, message: 'expired' });
    await postJson('/5000_6001/comments', { message: 'hi' });
    fake.failNext({ status: 400, code: 190, message: 'expired' });

    fake.reset();
    const response = await postJson('/5000_6001/comments', { message: 'hi' });

    expect(response.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('WhatsApp messages route', () => {
  const PHONE_NUMBER_ID = '200000000000001';
  const WA_ID = '15550100001';

  function postWhatsApp(body: unknown): Promise<GraphResponse> {
    return fetch(`${fake.url}/${PHONE_NUMBER_ID}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }));
  }

  const text = { messaging_product: 'whatsapp', recipient_type: 'individual', to: WA_ID, type: 'text', text: { body: 'Hello' } };

  it('returns contacts and a wamid for a text', async () => {
    const response = await postWhatsApp(text);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: WA_ID, wa_id: WA_ID }],
      messages: [{ id: expect.stringMatching(/^wamid\.[\w+/=]+$/) }],
    });
  });

  it('returns a queued id once', async () => {
    fake.queueMessageId('wamid.TEST-QUEUED');

    const first = await postWhatsApp(text);
    const second = await postWhatsApp(text);

    expect(first.body.messages).toEqual([{ id: 'wamid.TEST-QUEUED' }]);
    expect(second.body.messages).not.toEqual([{ id: 'wamid.TEST-QUEUED' }]);
  });

  it('marks a template accepted', async () => {
    const response = await postWhatsApp({ ...text, type: 'template', text: undefined, template: { name: 'hello_world', language: { code: 'en_US' } } });

    expect(response.status).toBe(200);
    expect((response.body.messages as { message_status: string }[])[0]?.message_status).toBe('accepted');
  });

  it('accepts media by link', async () => {
    const response = await postWhatsApp({ ...text, type: 'image', text: undefined, image: { link: 'https://cdn.example.test/a.png' } });

    expect(response.status).toBe(200);
  });

  it('answers a read receipt with success', async () => {
    const response = await postWhatsApp({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.TEST-IN-1' });

    expect(response).toEqual({ status: 200, body: { success: true } });
  });

  const invalidBodies = [
    { name: 'a missing to', body: { ...text, to: undefined }, details: 'Param to is required' },
    { name: 'an empty text body', body: { ...text, text: { body: '' } }, details: "Param text['body'] is required" },
    {
      name: 'media with link and id',
      body: { ...text, type: 'image', image: { link: 'https://cdn.example.test/a.png', id: '1' } },
      details: 'Param image must have exactly one of id or link',
    },
    { name: 'a template without language', body: { ...text, type: 'template', template: { name: 'hello_world' } }, details: "Param template['language']['code'] is required" },
    { name: 'another product', body: { ...text, messaging_product: 'sms' }, details: "Param messaging_product must be 'whatsapp'" },
  ];

  it.each(invalidBodies)('rejects $name with code 100 and details', async ({ body, details }) => {
    const response = await postWhatsApp(body);

    expect(response.status).toBe(400);
    expect(readError(response)).toMatchObject({ code: 100, type: 'OAuthException', message: '(#100) Invalid parameter' });
    expect(response.body.error).toMatchObject({ error_data: { messaging_product: 'whatsapp', details } });
  });

  it('serves a queued error with error_data', async () => {
    fake.failNext({ status: 400, code: 131047, message: '(#131047) Re-engagement message', details: 'More than 24 hours have passed.' });

    const response = await postWhatsApp(text);

    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      message: '(#131047) Re-engagement message',
      type: 'OAuthException',
      code: 131047,
      error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours have passed.' },
      fbtrace_id: expect.stringMatching(/^[\w-]+$/),
    });
  });

  it('holds the answer for delayNext', async () => {
    fake.delayNext(300);
    const started = Date.now();

    await postWhatsApp(text);

    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('message_templates route', () => {
  const ACCOUNT_ID = '300000000000001';
  const templates = ['first', 'second', 'third'].map((name) => ({
    name,
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: name }],
  }));

  async function getTemplates(query: string): Promise<GraphResponse> {
    const response = await fetch(`${fake.url}/${ACCOUNT_ID}/message_templates?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('pages with cursors and a next URL', async () => {
    fake.setMessageTemplates(ACCOUNT_ID, templates);

    const first = await getTemplates('limit=2&fields=name,status');
    const paging = first.body.paging as { cursors: { after: string }; next: string };
    const second = await getTemplates(`limit=2&fields=name,status&after=${paging.cursors.after}`);

    expect(first.body.data).toEqual([
      { id: '9000000000', name: 'first', status: 'APPROVED' },
      { id: '9000000001', name: 'second', status: 'APPROVED' },
    ]);
    expect(new URL(paging.next).searchParams.get('after')).toBe(paging.cursors.after);
    expect(second.body.data).toEqual([{ id: '9000000002', name: 'third', status: 'APPROVED' }]);
    expect((second.body.paging as { next?: string }).next).toBeUndefined();
  });

  it('rejects an account without templates with code 100', async () => {
    const response = await getTemplates('limit=2');

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
    expect(readError(response).error_subcode).toBe(33);
  });

  it('rejects a POST', async () => {
    fake.setMessageTemplates(ACCOUNT_ID, templates);

    const response = await postJson(`/${ACCOUNT_ID}/message_templates`, { name: 'new' });

    expect(response.status).toBe(400);
    expect(readError(response).message).toMatch(/^Unsupported post request/);
  });
});

describe('WhatsApp media route', () => {
  const media = {
    mediaId: '1037543291543636',
    phoneNumberId: '200000000000001',
    url: 'http://127.0.0.1:9/whatsapp_business/attachments/wa-1',
    mimeType: 'image/jpeg',
    bytes: Buffer.from('not really a jpeg'),
  };

  async function get(path: string, token: string | null): Promise<GraphResponse> {
    const response = await fetch(`${fake.url}${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('returns the URL, type, hash, size and id of the media', async () => {
    fake.addWhatsAppMedia(media);
    const response = await get(`/${media.mediaId}?phone_number_id=${media.phoneNumberId}`, TOKEN);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      messaging_product: 'whatsapp',
      url: media.url,
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update(media.bytes).digest('hex'),
      file_size: media.bytes.length,
      id: media.mediaId,
    });
  });

  it('rejects a request without a token with code 190', async () => {
    fake.addWhatsAppMedia(media);
    const response = await get(`/${media.mediaId}`, null);

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(190);
  });

  it('rejects an unknown media id with code 100', async () => {
    const response = await get('/999999999', TOKEN);

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
    expect(readError(response).error_subcode).toBe(33);
    expect(readError(response).message).toMatch(/^Unsupported get request\. Object with ID '999999999'/);
  });

  it('rejects media of another phone number with code 100', async () => {
    fake.addWhatsAppMedia(media);
    const response = await get(`/${media.mediaId}?phone_number_id=200000000000999`, TOKEN);

    expect(response.status).toBe(400);
    expect(readError(response).code).toBe(100);
  });
});
