/**
 * Structured logs, in English. Fields must never carry secrets: private keys, account keys,
 * DNS credentials, master keys, export passwords. Log ids and names instead.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}
