import { pino, type Logger } from 'pino';

/**
 * Paths redacted from every log line. Request/response objects are logged through the serializers below,
 * but any object carrying these keys at these depths is scrubbed too.
 */
const SENSITIVE_KEYS = [
  'authorization', 'Authorization', 'cookie', 'Cookie', 'set-cookie', 'Set-Cookie',
  'token', 'access_token', 'accessToken', 'refresh_token', 'refreshToken', 'id_token',
  'password', 'secret', 'client_secret', 'clientSecret', 'jwtSecretKey', 'secretKey', 'webhookSecret',
  'x-webhook-signature', 'signature',
];

export const REDACT_PATHS = [
  ...SENSITIVE_KEYS.map((k) => `["${k}"]`),
  ...SENSITIVE_KEYS.map((k) => `*["${k}"]`),
  ...SENSITIVE_KEYS.map((k) => `*.*["${k}"]`),
  ...SENSITIVE_KEYS.map((k) => `*.*.*["${k}"]`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level?: string;
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'progress-api',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}

export type { Logger };
