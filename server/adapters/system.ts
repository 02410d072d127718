import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';

export const systemClock: Clock = { now: () => Date.now() };

/** One JSON object per line on stdout/stderr, which CloudBase's log console indexes. */
export function jsonLogger(component: string, write: (line: string, isError: boolean) => void = defaultWrite): Logger {
  const emit = (level: string, event: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ level, component, event, ...fields }), level === 'error');
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

function defaultWrite(line: string, isError: boolean): void {
  (isError ? process.stderr : process.stdout).write(`${line}\n`);
}
