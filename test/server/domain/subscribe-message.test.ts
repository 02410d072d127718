import type { OutgoingMessage } from '../../../server/domain/notification';
import {
  formatWechatDate,
  formatWechatTime,
  keywordType,
  shapeKeywordValue,
  templateData,
  validateTemplateMapping,
} from '../../../server/domain/subscribe-message';

/** 2026-01-05 16:30 UTC = 2026-01-06 00:30 in China. */
const AT = Date.UTC(2026, 0, 5, 16, 30);

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    notificationId: 'n1',
    kind: 'expiry',
    title: '证书将在 7 天后到期',
    lines: ['域名：example.com'],
    names: ['example.com'],
    certificateId: 'c1',
    notAfter: Date.UTC(2026, 0, 12, 3, 4),
    daysLeft: 7,
    status: '即将到期',
    note: '请确认自动续期已开启',
    page: 'pages/certificate/index?id=c1',
    at: AT,
    ...overrides,
  };
}

describe('keywordType', () => {
  test.each([
    ['thing1', 'thing'],
    ['date2', 'date'],
    ['character_string3', 'character_string'],
    ['phrase4', 'phrase'],
    ['time5', 'time'],
    ['number6', 'number'],
    ['name7', 'name'],
    ['letter8', 'letter'],
    ['symbol9', 'symbol'],
    ['thing12', 'thing'],
  ])('%s → %s', (keyword, type) => {
    expect(keywordType(keyword)).toBe(type);
  });

  test.each(['thing', 'amount1', 'enum2', 'Thing1', '1thing', 'thing1a', ''])('%j is not a supported keyword', (keyword) => {
    expect(keywordType(keyword)).toBeNull();
  });
});

describe('shapeKeywordValue', () => {
  test('thing: up to 20 code points kept, longer cut with … counted within 20', () => {
    expect(shapeKeywordValue('thing1', 'a'.repeat(20))).toBe('a'.repeat(20));
    const cut = shapeKeywordValue('thing1', 'very-long-subdomain.example.com');
    expect(cut).toBe('very-long-subdomain…');
    expect(Array.from(cut)).toHaveLength(20);
  });

  test('thing counts code points, not UTF-16 units', () => {
    const emoji = '🔒'.repeat(25);
    const shaped = shapeKeywordValue('thing1', emoji);
    expect(Array.from(shaped)).toHaveLength(20);
    expect(shaped).toBe(`${'🔒'.repeat(19)}…`);
    expect(shapeKeywordValue('thing1', '证书'.repeat(10))).toBe('证书'.repeat(10));
  });

  test('whitespace is collapsed and trimmed', () => {
    expect(shapeKeywordValue('thing1', '  a \n\t b  ')).toBe('a b');
  });

  test('phrase: only Chinese characters, at most 5', () => {
    expect(shapeKeywordValue('phrase3', '即将到期')).toBe('即将到期');
    expect(shapeKeywordValue('phrase3', '续期失败了，请处理')).toBe('续期失败了');
    expect(shapeKeywordValue('phrase3', '已续期 OK!')).toBe('已续期');
    expect(shapeKeywordValue('phrase3', 'expired')).toBe('无');
  });

  test('character_string: printable ASCII only, at most 32', () => {
    expect(shapeKeywordValue('character_string2', 'xn--fiqs8s.cn')).toBe('xn--fiqs8s.cn');
    expect(shapeKeywordValue('character_string2', `${'a'.repeat(40)}.com`)).toBe('a'.repeat(32));
    expect(shapeKeywordValue('character_string2', '证书 abc')).toBe('abc');
    expect(shapeKeywordValue('character_string2', '证书')).toBe('-');
  });

  test('number: the first number, at most 32 digits', () => {
    expect(shapeKeywordValue('number1', '7')).toBe('7');
    expect(shapeKeywordValue('number1', '剩 12 天')).toBe('12');
    expect(shapeKeywordValue('number1', '3.5')).toBe('3.5');
    expect(shapeKeywordValue('number1', '9'.repeat(40))).toBe('9'.repeat(32));
    expect(shapeKeywordValue('number1', '无')).toBe('0');
  });

  test('letter, symbol and name', () => {
    expect(shapeKeywordValue('letter1', 'ab-12 CD')).toBe('abCD');
    expect(shapeKeywordValue('letter1', '123')).toBe('NA');
    expect(shapeKeywordValue('symbol1', 'a%b&c*d#e!f?')).toBe('%&*#!');
    expect(shapeKeywordValue('symbol1', 'abc')).toBe('-');
    expect(shapeKeywordValue('name1', '证书管家的运维值班同学们')).toBe('证书管家的运维值班同');
    expect(shapeKeywordValue('name1', 'Zhang San the Operator')).toBe('ZhangSantheOperator');
    expect(shapeKeywordValue('name1', '???')).toBe('无');
  });

  test('date and time pass through', () => {
    expect(shapeKeywordValue('date2', '2026年01月05日')).toBe('2026年01月05日');
    expect(shapeKeywordValue('time2', '2026年01月05日 08:00')).toBe('2026年01月05日 08:00');
  });

  test.each(['thing1', 'date2', 'character_string3', 'phrase4', 'time5', 'number6', 'name7', 'letter8', 'symbol9'])(
    '%s never returns an empty value',
    (keyword) => {
      expect(shapeKeywordValue(keyword, '')).not.toBe('');
      expect(shapeKeywordValue(keyword, '   ')).not.toBe('');
    },
  );

  test('an unknown keyword type throws', () => {
    expect(() => shapeKeywordValue('amount1', '1')).toThrow(/amount1/);
  });
});

describe('formatWechatDate and formatWechatTime', () => {
  test('China time (UTC+8), zero-padded', () => {
    expect(formatWechatDate(AT)).toBe('2026年01月06日');
    expect(formatWechatTime(AT)).toBe('2026年01月06日 00:30');
    expect(formatWechatDate(Date.UTC(2026, 8, 3, 2, 5))).toBe('2026年09月03日');
    expect(formatWechatTime(Date.UTC(2026, 8, 3, 2, 5))).toBe('2026年09月03日 10:05');
  });

  test('no daylight saving: the same offset in summer and winter', () => {
    expect(formatWechatTime(Date.UTC(2026, 6, 1, 0, 0))).toBe('2026年07月01日 08:00');
    expect(formatWechatTime(Date.UTC(2026, 11, 31, 15, 59))).toBe('2026年12月31日 23:59');
    expect(formatWechatTime(Date.UTC(2026, 11, 31, 16, 0))).toBe('2027年01月01日 00:00');
  });
});

describe('templateData', () => {
  const MAPPING = { thing1: 'domain', date2: 'expiresOn', phrase3: 'status', thing4: 'note' } as const;

  test('renders and shapes each mapped field', () => {
    expect(templateData(MAPPING, message())).toEqual({
      thing1: { value: 'example.com' },
      date2: { value: '2026年01月12日' },
      phrase3: { value: '即将到期' },
      thing4: { value: '请确认自动续期已开启' },
    });
  });

  test('several names: the first plus 等N个, kept when a long first name is cut', () => {
    const names = ['a-very-long-subdomain-name.example.com', 'b.example.com', 'c.example.com'];
    const data = templateData({ thing1: 'domain', character_string2: 'domain' }, message({ names }));
    expect(data.thing1?.value).toBe('a-very-long-sub… 等3个');
    expect(Array.from(data.thing1?.value ?? '')).toHaveLength(20);
    expect(data.character_string2?.value).toBe('a-very-long-subdomain-name.examp');
    const short = templateData({ thing1: 'domain' }, message({ names: ['a.cn', 'b.cn'] }));
    expect(short.thing1?.value).toBe('a.cn 等2个');
  });

  test('daysLeft: with 天 for text keywords, digits for number keywords', () => {
    const data = templateData({ thing1: 'daysLeft', number2: 'daysLeft' }, message({ daysLeft: 7 }));
    expect(data).toEqual({ thing1: { value: '7天' }, number2: { value: '7' } });
  });

  test('expiresOn in a time keyword carries the time; time is the event time', () => {
    const data = templateData({ time1: 'expiresOn', time2: 'time', date3: 'time', thing4: 'title' }, message());
    expect(data).toEqual({
      time1: { value: '2026年01月12日 11:04' },
      time2: { value: '2026年01月06日 00:30' },
      date3: { value: '2026年01月06日 00:30' },
      thing4: { value: '证书将在 7 天后到期' },
    });
  });

  test('missing values become placeholders, never empty', () => {
    const data = templateData(
      { thing1: 'domain', thing2: 'expiresOn', number3: 'daysLeft', thing4: 'note' },
      message({ names: [], notAfter: null, daysLeft: null, note: '' }),
    );
    expect(data).toEqual({ thing1: { value: '-' }, thing2: { value: '-' }, number3: { value: '0' }, thing4: { value: '-' } });
  });

  test('without an expiry, date and time keywords show the event time (they must hold a date)', () => {
    const data = templateData({ date1: 'expiresOn', time2: 'expiresOn' }, message({ notAfter: null }));
    expect(data).toEqual({ date1: { value: '2026年01月06日' }, time2: { value: '2026年01月06日 00:30' } });
  });
});

describe('validateTemplateMapping', () => {
  test('a usable mapping has no problems', () => {
    expect(validateTemplateMapping({ thing1: 'domain', date2: 'expiresOn', phrase3: 'status', thing4: 'note' })).toEqual([]);
  });

  test('reports unknown keyword types, unknown fields and fields that do not fit', () => {
    const problems = validateTemplateMapping({ amount1: 'domain', thing2: 'domains', phrase3: 'domain', date4: 'note' });
    expect(problems.map((p) => [p.keyword, p.rule])).toEqual([
      ['amount1', 'unknownKeywordType'],
      ['thing2', 'unknownField'],
      ['phrase3', 'fieldDoesNotFit'],
      ['date4', 'fieldDoesNotFit'],
    ]);
    expect(problems[2]?.detail).toContain('phrase');
  });

  test('an empty mapping is refused', () => {
    expect(validateTemplateMapping({}).map((p) => p.rule)).toEqual(['noKeywords']);
  });
});
