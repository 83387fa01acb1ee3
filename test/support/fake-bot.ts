import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BotDelivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
}

export interface FakeBot {
  /** The hook URL to configure on the channel. */
  url: string;
  deliveries: BotDelivery[];
  /** Statuses for the next deliveries, in order; 'hang' never responds. Once used up every delivery gets 200. */
  respondWith(...statuses: (number | 'hang')[]): void;
  /** Waits until `count` deliveries arrived in total. */
  waitForDeliveries(count: number, timeoutMs?: number): Promise<BotDelivery[]>;
  reset(): void;
  close(): Promise<void>;
}

/** A chatbot's hook endpoint on 127.0.0.1 that records every delivery. */
export async function startFakeBot(): Promise<FakeBot> {
  const deliveries: BotDelivery[] = [];
  let statuses: (number | 'hang')[] = [];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      deliveries.push({ headers: request.headers, rawBody, body: JSON.parse(rawBody) as Record<string, unknown> });
      const status = statuses.shift() ?? 200;
      if (status === 'hang') return;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    respondWith(...next) {
      statuses = next;
    },
    async waitForDeliveries(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < count) {
        if (Date.now() > deadline) throw new Error(`the bot got ${deliveries.length} deliveries, expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return deliveries;
    },
    reset() {
      deliveries.length = 0;
      statuses = [];
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
