/**
 * Checks the cron expressions of CloudBase timer triggers before they reach the platform, which
 * answers a malformed one only with a vague failure (miniprogram-ci's `createTimeTrigger` turns
 * every error into "请检查传入的 triggersConfig 是否符合格式").
 *
 * The platform's format has 7 fields, separated by single spaces:
 *   second minute hour day month weekday year
 * (WeChat cloud docs, guide/functions/triggers: seconds 0-59, minutes 0-59, hours 0-23, day 1-31,
 * month 1-12 or JAN-DEC, weekday 0-6 (0 = Sunday) or SUN-SAT, year 1970-2099; `,` lists, `-`
 * ranges, `*` every value, `/` steps; the time zone is UTC+8; when day and weekday are both set
 * either may match).
 *
 * Each comma-separated item is `*`, a value, or a range `a-b`, optionally followed by `/step`;
 * a bare value with a step (`5/15`) means "from 5, every 15". Names are accepted in upper case.
 */

export interface CronField {
  readonly name: 'second' | 'minute' | 'hour' | 'day' | 'month' | 'weekday' | 'year';
  readonly min: number;
  readonly max: number;
  /** Upper-case names standing for `min`, `min + 1`, … */
  readonly names?: readonly string[];
}

export const CRON_FIELDS: readonly CronField[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'weekday', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
  { name: 'year', min: 1970, max: 2099 },
];

/** One thing wrong with an expression; `field` is absent when the whole expression is wrong. */
export interface CronProblem {
  field?: CronField['name'];
  message: string;
}

/** Every problem of `expression`, or an empty list when CloudBase will accept it. */
export function validateCron(expression: string): CronProblem[] {
  if (expression !== expression.trim() || /\s{2,}|[\t\n\r]/.test(expression)) {
    return [{ message: 'fields must be separated by single spaces, without leading or trailing space' }];
  }
  const parts = expression.split(' ');
  if (parts.length !== CRON_FIELDS.length) {
    return [{ message: `has ${parts.length} field${parts.length === 1 ? '' : 's'}; CloudBase needs 7: second minute hour day month weekday year` }];
  }
  return CRON_FIELDS.flatMap((field, index) => validateField(field, parts[index] ?? '').map((message) => ({ field: field.name, message })));
}

export function describeProblem(problem: CronProblem): string {
  return problem.field ? `${problem.field} ${problem.message}` : problem.message;
}

function validateField(field: CronField, text: string): string[] {
  if (text === '') return ['is empty'];
  const problems: string[] = [];
  for (const item of text.split(',')) {
    const problem = validateItem(field, item);
    if (problem) problems.push(problem);
  }
  return problems;
}

function validateItem(field: CronField, item: string): string | null {
  if (item === '') return 'has an empty list item';
  const pieces = item.split('/');
  if (pieces.length > 2) return `"${item}" has more than one "/"`;
  const [range = '', stepText] = pieces;
  let low = field.min;
  let high = field.max;
  if (range !== '*') {
    const bounds = range.split('-');
    if (bounds.length > 2) return `"${item}" has more than one "-"`;
    const first = parseValue(field, bounds[0] ?? '');
    if (typeof first === 'string') return first;
    low = first;
    high = first;
    if (bounds.length === 2) {
      const last = parseValue(field, bounds[1] ?? '');
      if (typeof last === 'string') return last;
      if (last < first) return `range "${range}" ends before it starts`;
      high = last;
    } else if (stepText !== undefined) {
      high = field.max; // `5/15`: from 5 to the end of the field
    }
  }
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) return `step "${stepText}" is not a whole number`;
    const step = Number(stepText);
    if (step < 1) return 'step must be at least 1';
    if (step > field.max - field.min) return `step ${step} is larger than the field's span (${field.min}-${field.max})`;
    if (high === low) return `"${item}" steps over a single value`;
  }
  return null;
}

function parseValue(field: CronField, text: string): number | string {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < field.min || value > field.max) return `${text} is out of range ${field.min}-${field.max}`;
    return value;
  }
  const index = field.names?.indexOf(text) ?? -1;
  if (index >= 0) return field.min + index;
  if (text === '') return 'has an empty value';
  if (text === '?' || text === 'L' || text === 'W' || text.includes('#')) return `"${text}" is not supported by CloudBase (use *, numbers, lists, ranges and steps)`;
  return field.names ? `"${text}" is not a number or one of ${field.names.join(', ')}` : `"${text}" is not a number`;
}
