import { pino, type Logger } from 'pino';
// pino's namespace, for its option and stream types.
import type * as pinoTypes from 'pino';

export type { Logger };

/**
 * Creates the root logger. Child loggers carry request, socket and webhook ids; message text,
 * names, emails and phone numbers are never logged.
 */
export function createLogger(level: string, destination?: pinoTypes.DestinationStream): Logger {
  const options: pinoTypes.LoggerOptions = {
    level,
    base: { service: 'parley' },
    redact: { paths: ['req.headers.authorization', '*.accessToken', '*.password'], remove: true },
    serializers: {
      // Query strings can carry secrets (Meta's hub.verify_token) and ids: log the path only.
      req: (request: { method?: string; url?: string; ip?: string }) => ({
        method: request.method,
        url: request.url?.split('?')[0],
        remoteAddress: request.ip,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
