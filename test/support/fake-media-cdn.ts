import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCdnRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** Date.now() when the request arrived. */
  receivedAt: number;
}

export interface ServedFile {
  bytes: Buffer;
  contentType: string;
  /** When set, requests must carry `Authorization: Bearer <token>`, as WhatsApp media URLs require. */
  bearerToken?: string;
  /** Leaves Content-Length out and sends the body in chunks, as a CDN streaming a file may. */
  chunked?: boolean;
  /** Delay before the response, in milliseconds, to hold a download in flight. */
  delayMs?: number;
}

export interface FakeMediaCdn {
  /** Base URL, such as http://127.0.0.1:43210. */
  url: string;
  requests: RecordedCdnRequest[];
  /** Serves the file at `path` and returns its full URL. */
  serve(path: string, file: ServedFile): string;
  /** Stops serving a URL as Meta's CDN does once a signed link has expired: HTTP 403. */
  expire(url: string): void;
  /** Fails the next `times` requests for a URL with `status` before serving it again. */
  failNext(url: string, status: number, times?: number): void;
  /** Requests recorded for one URL. */
  requestsFor(url: string): RecordedCdnRequest[];
  close(): Promise<void>;
}

/**
 * A stand-in for the CDNs that host providers' media (Messenger's and WhatsApp's), on 127.0.0.1.
 * NOTE: Meta's CDN rejects an expired signed URL with 403. Its exact body and headers are not
 * documented, so the fake sends only the status and a plain-text reason.
 */
export async function startFakeMediaCdn(): Promise<FakeMediaCdn> {
  const files = new Map<string, ServedFile>();
  const expired = new Set<string>();
  const failures = new Map<string, { status: number; remaining: number }>();
  const requests: RecordedCdnRequest[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ method: request.method ?? 'GET', path, authorization: request.headers.authorization, receivedAt: Date.now() });

    const file = files.get(path);
    const failure = failures.get(path);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      return sendText(response, failure.status, 'Injected failure');
    }
    if (!file) return sendText(response, 404, 'Not Found');
    if (expired.has(path)) return sendText(response, 403, 'URL signature expired');
    if (file.bearerToken && request.headers.authorization !== `Bearer ${file.bearerToken}`) {
      return sendText(response, 401, 'Unauthorized');
    }
    if (file.delayMs) await new Promise((resolve) => setTimeout(resolve, file.delayMs));

    if (file.chunked) {
      response.writeHead(200, { 'content-type': file.contentType });
      const middle = Math.floor(file.bytes.length / 2);
      response.write(file.bytes.subarray(0, middle));
      response.end(file.bytes.subarray(middle));
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
    response.end(file.bytes);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const pathOf = (url: string) => new URL(url).pathname;

  return {
    url: base,
    requests,
    serve(path, file) {
      files.set(path, file);
      expired.delete(path);
      return `${base}${path}`;
    },
    expire: (url) => void expired.add(pathOf(url)),
    failNext: (url, status, times = 1) => void failures.set(pathOf(url), { status, remaining: times }),
    requestsFor: (url) => requests.filter((request) => request.path === pathOf(url)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(text);
}
