import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the root logger, writing to stdout unless given another destination. Child loggers carry request, socket and webhook ids; message text,
 * names, emails and phone numbers are never logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'parley' },
    redact: { paths: ['req.headers.authorization', '*.accessToken', '*.password'], remove: true },
    serializers: {
      // Query strings can carry secrets (Meta's hub.verify_token) and ids: log the path only.
      req: (request: { method?: string; url?: string }) => ({ method: request.method, url: request.url?.split('?')[0] }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
