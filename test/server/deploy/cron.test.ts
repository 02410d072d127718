/**
 * The 7-field cron expressions of CloudBase timer triggers (deploy/cron.ts): second minute hour
 * day month weekday year, with `*`, values in range, lists, ranges and steps.
 */
import { describeProblem, validateCron } from '../../../deploy/cron';
import { FUNCTIONS } from '../../../deploy/functions';

function problems(expression: string): string[] {
  return validateCron(expression).map(describeProblem);
}

describe('validateCron', () => {
  test.each([
    ['0 * * * * * *', 'every minute at second 0'],
    ['0 0 9 * * * *', 'daily at 09:00 (the WeChat docs example)'],
    ['0 0 2 1 * * *', 'the miniprogram-ci README example'],
    ['*/5 * * * * * *', 'every 5 seconds'],
    ['0 0/30 9-17 * * MON-FRI *', 'every half hour in office hours on weekdays'],
    ['0 0 0 1,15 JAN,JUL * 2026-2030', 'lists and names'],
    ['30 15 10 * * SUN 2099', 'year at the upper bound'],
    ['59 59 23 31 12 6 1970', 'every field at a bound'],
    ['0 0 */2 1-31/3 * 0,6 *', 'steps over ranges'],
    ['0 5-5 * * * * *', 'a one-value range'],
  ])('accepts %s (%s)', (expression) => {
    expect(problems(expression)).toEqual([]);
  });

  test.each([
    ['* * * * *', 'has 5 fields; CloudBase needs 7: second minute hour day month weekday year'],
    ['0 * * * * *', 'has 6 fields; CloudBase needs 7: second minute hour day month weekday year'],
    ['0 * * * * * * *', 'has 8 fields; CloudBase needs 7: second minute hour day month weekday year'],
    ['', 'has 1 field; CloudBase needs 7: second minute hour day month weekday year'],
    ['0  * * * * * *', 'fields must be separated by single spaces, without leading or trailing space'],
    [' 0 * * * * * *', 'fields must be separated by single spaces, without leading or trailing space'],
    ['0\t* * * * * * *', 'fields must be separated by single spaces, without leading or trailing space'],
    ['60 * * * * * *', 'second 60 is out of range 0-59'],
    ['0 60 * * * * *', 'minute 60 is out of range 0-59'],
    ['0 0 24 * * * *', 'hour 24 is out of range 0-23'],
    ['0 0 0 0 * * *', 'day 0 is out of range 1-31'],
    ['0 0 0 32 * * *', 'day 32 is out of range 1-31'],
    ['0 0 0 * 13 * *', 'month 13 is out of range 1-12'],
    ['0 0 0 * * 7 *', 'weekday 7 is out of range 0-6'],
    ['0 0 0 * * * 1969', 'year 1969 is out of range 1970-2099'],
    ['0 0 0 * * * 2100', 'year 2100 is out of range 1970-2099'],
    ['0 0 0 * * FUN *', 'weekday "FUN" is not a number or one of SUN, MON, TUE, WED, THU, FRI, SAT'],
    ['0 0 0 * JANUARY * *', 'month "JANUARY" is not a number or one of JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC'],
    ['0 0 MON * * * *', 'hour "MON" is not a number'],
    ['0 0 0 ? * * *', 'day "?" is not supported by CloudBase (use *, numbers, lists, ranges and steps)'],
    ['0 0 0 L * * *', 'day "L" is not supported by CloudBase (use *, numbers, lists, ranges and steps)'],
    ['0 0 0 * * 1#2 *', 'weekday "1#2" is not supported by CloudBase (use *, numbers, lists, ranges and steps)'],
    ['0 0 17-9 * * * *', 'hour range "17-9" ends before it starts'],
    ['0 0 1-2-3 * * * *', 'hour "1-2-3" has more than one "-"'],
    ['*/0 * * * * * *', 'second step must be at least 1'],
    ['*/60 * * * * * *', "second step 60 is larger than the field's span (0-59)"],
    ['*/x * * * * * *', 'second step "x" is not a whole number'],
    ['*/5/2 * * * * * *', 'second "*/5/2" has more than one "/"'],
    ['5-5/2 * * * * * *', 'second "5-5/2" steps over a single value'],
    ['0 1,,2 * * * * *', 'minute has an empty list item'],
    ['0 1, * * * * *', 'minute has an empty list item'],
    ['0 -5 * * * * *', 'minute has an empty value'],
    ['0 1.5 * * * * *', 'minute "1.5" is not a number'],
    ['0 0 0 * * mon *', 'weekday "mon" is not a number or one of SUN, MON, TUE, WED, THU, FRI, SAT'],
  ])('refuses %j: %s', (expression, problem) => {
    expect(problems(expression)).toEqual([problem]);
  });

  test('reports every broken field, each by name', () => {
    expect(problems('61 61 25 * * * *')).toEqual(['second 61 is out of range 0-59', 'minute 61 is out of range 0-59', 'hour 25 is out of range 0-23']);
  });

  test('every declared trigger is valid', () => {
    const triggers = FUNCTIONS.flatMap((spec) => (spec.trigger ? [spec.trigger.config] : []));
    expect(triggers).toEqual(['0 * * * * * *']);
    for (const config of triggers) expect(problems(config)).toEqual([]);
  });
});
