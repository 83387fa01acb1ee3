import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the root logger. Child loggers carry request, socket and webhook ids; message text,
 * names, emails and phone numbers are never logged.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'parley' },
    redact: { paths: ['req.headers.authorization', '*.accessToken', '*.password'], remove: true },
  });
}
