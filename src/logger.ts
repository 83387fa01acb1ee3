import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the root logger. Child loggers carry request, socket and webhook ids; message text,
 * names, emails and phone numbers are never logged. Logs go to stdout unless `destination` names
 * another stream. The CLI sends them to stderr, keeping stdout for its output.
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
