/**
 * The process logger: JSON lines on standard output (what log collectors in a cluster expect), with
 * every secret-bearing path censored, so a logged config, sink spec or request never leaks a token.
 */
import { type Logger, pino } from 'pino';
import { SECRET_PATHS } from './config/config.ts';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'crashtriage' },
      redact: { paths: SECRET_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
