import {
  challengeRecordName,
  DEFAULT_MAX_NAMES,
  NAME_RULES,
  parseName,
  parseNames,
  RESERVED_SUFFIXES,
  type DomainName,
  type NameRule,
  type NameViolation,
} from '../../../server/domain/names';
import { describeNameViolation } from '../../../server/domain/names.messages.zh';
import { encode } from '../../../server/domain/punycode';

function parsed(input: string, policy?: Parameters<typeof parseName>[1]): DomainName {
  const result = parseName(input, policy);
  if (!result.ok) throw new Error(`expected ${input} to parse, got ${result.violation.rule}`);
  return result.name;
}

function violationsOf(result: ReturnType<typeof parseNames>): NameViolation[] {
  if (result.ok) throw new Error('expected violations');
  return result.violations;
}

function refused(input: string, policy?: Parameters<typeof parseName>[1]): NameViolation {
  const result = parseName(input, policy);
  if (result.ok) throw new Error(`expected ${input} to be refused, got ${result.name.ascii}`);
  return result.violation;
}

describe('parseName accepts and normalises', () => {
  test.each([
    // input, ascii, unicode
    ['example.com', 'example.com', 'example.com'],
    ['  Example.COM.  ', 'example.com', 'example.com'],
    ['ＥＸＡＭＰＬＥ。com', 'example.com', 'example.com'],
    ['example．com', 'example.com', 'example.com'],
    ['www｡example.com', 'www.example.com', 'www.example.com'],
    ['中国.cn', 'xn--fiqs8s.cn', '中国.cn'],
    ['xn--fiqs8s.cn', 'xn--fiqs8s.cn', '中国.cn'],
    ['XN--FIQS8S.CN', 'xn--fiqs8s.cn', '中国.cn'],
    ['bücher.de', 'xn--bcher-kva.de', 'bücher.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de', 'bücher.de'],
    ['MÜNCHEN.de', 'xn--mnchen-3ya.de', 'münchen.de'],
    ['bu\u0308cher.de', 'xn--bcher-kva.de', 'bücher.de'],
    ['straße.de', 'xn--strae-oqa.de', 'straße.de'],
    ['证书管家.公司', 'xn--1jq773am2yzqn.xn--55qx5d', '证书管家.公司'],
    ['a-b.example.com', 'a-b.example.com', 'a-b.example.com'],
    ['123.example.com', '123.example.com', '123.example.com'],
    ['0x1.example.com', '0x1.example.com', '0x1.example.com'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ])('%j → %s / %s', (input, ascii, unicode) => {
    expect(parsed(input)).toEqual({ ascii, unicode, wildcard: false, base: ascii });
  });

  test.each([
    ['*.example.com', '*.example.com', '*.example.com', 'example.com'],
    ['*.中国.cn', '*.xn--fiqs8s.cn', '*.中国.cn', 'xn--fiqs8s.cn'],
    ['*.EXAMPLE.com.', '*.example.com', '*.example.com', 'example.com'],
  ])('wildcard %j', (input, ascii, unicode, base) => {
    expect(parsed(input)).toEqual({ ascii, unicode, wildcard: true, base });
  });

  test('a name of exactly 253 octets', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(name).toHaveLength(253);
    expect(parsed(name).ascii).toBe(name);
  });

  test('reserved suffixes only with allowReservedNames (the local Pebble CA)', () => {
    expect(refused('demo.certkeeper.test')).toEqual({ input: 'demo.certkeeper.test', rule: 'reservedName', params: { suffix: 'test' } });
    expect(parsed('demo.certkeeper.test', { allowReservedNames: true }).ascii).toBe('demo.certkeeper.test');
    expect(parsed('*.demo.certkeeper.test', { allowReservedNames: true }).base).toBe('demo.certkeeper.test');
  });

  test('every reserved suffix is refused by default and names its source', () => {
    for (const { suffix, source } of RESERVED_SUFFIXES) {
      expect(source).toMatch(/RFC \d+|ICANN/);
      expect(refused(`www.${suffix}`)).toEqual({ input: `www.${suffix}`, rule: 'reservedName', params: { suffix } });
      expect(parsed(`www.${suffix}`, { allowReservedNames: true }).ascii).toBe(`www.${suffix}`);
    }
  });
});

describe('parseName refuses', () => {
  const long = (n: number): string => 'a'.repeat(n);
  /** Twenty-five scattered CJK characters: too long as an A-label, though only 25 characters. */
  const cjk = Array.from({ length: 25 }, (_, i) => String.fromCodePoint(0x4e00 + i * 797)).join('');
  const rows: [string, NameRule, Record<string, string | number>?][] = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['.', 'empty'],
    [`${long(63)}.${long(63)}.${long(63)}.${long(62)}`, 'tooLong', { length: 254, max: 253 }],
    [`*.${long(63)}.${long(63)}.${long(63)}.${long(60)}`, 'tooLong', { length: 254, max: 253 }],
    [long(5000), 'tooLong', { length: 5000, max: 253 }],
    [`${long(64)}.com`, 'labelTooLong', { label: long(64), length: 64, max: 63 }],
    [`${cjk}.cn`, 'labelTooLong', { label: `xn--${encode(cjk)}`, length: 4 + encode(cjk).length, max: 63 }],
    ['a..b.com', 'emptyLabel'],
    ['.example.com', 'emptyLabel'],
    ['example.com..', 'emptyLabel'],
    ['exa_mple.com', 'invalidCharacter', { char: '_', code: 'U+005F' }],
    ['exa mple.com', 'invalidCharacter', { char: ' ', code: 'U+0020' }],
    ['user@example.com', 'invalidCharacter', { char: '@', code: 'U+0040' }],
    ['a\u200bb.com', 'invalidCharacter', { char: '\u200b', code: 'U+200B' }],
    ['😀.com', 'invalidCharacter', { char: '😀', code: 'U+1F600' }],
    ['\u0301a.com', 'invalidCharacter', { char: '\u0301', code: 'U+0301' }],
    ['-a.com', 'hyphenPosition', { label: '-a' }],
    ['a-.com', 'hyphenPosition', { label: 'a-' }],
    ['ab--c.com', 'hyphenPosition', { label: 'ab--c' }],
    ['中文--x.com', 'hyphenPosition', { label: '中文--x' }],
    ['xn--abc-.com', 'hyphenPosition', { label: 'xn--abc-' }],
    ['xn--abc.com', 'invalidPunycode', { label: 'xn--abc' }],
    ['xn--zz.com', 'invalidPunycode', { label: 'xn--zz' }],
    [`xn--${encode('bu\u0308cher')}.de`, 'invalidPunycode', { label: `xn--${encode('bu\u0308cher')}` }],
    [`xn--${encode('bÜcher')}.de`, 'invalidPunycode', { label: `xn--${encode('bÜcher')}` }],
    [`xn--${encode('a😀')}.com`, 'invalidPunycode', { label: `xn--${encode('a😀')}` }],
    ['www.*.example.com', 'wildcardPosition'],
    ['a*.example.com', 'wildcardPosition'],
    ['*a.example.com', 'wildcardPosition'],
    ['*.*.example.com', 'wildcardPosition'],
    ['**.example.com', 'wildcardPosition'],
    ['*', 'wildcardOnPublicSuffixOnly'],
    ['*.com', 'wildcardOnPublicSuffixOnly'],
    ['*.cn.', 'wildcardOnPublicSuffixOnly'],
    ['*.中国', 'wildcardOnPublicSuffixOnly'],
    ['127.0.0.1', 'ipAddress'],
    ['127.1', 'ipAddress'],
    ['0x7f.0.0.1', 'ipAddress'],
    ['2130706433', 'ipAddress'],
    ['1.2.3.4.', 'ipAddress'],
    ['*.1.2.3.4', 'ipAddress'],
    ['::1', 'ipAddress'],
    ['[::1]', 'ipAddress'],
    ['[2001:db8::1]:443', 'ipAddress'],
    ['2001:DB8::1', 'ipAddress'],
    ['fe80::1%eth0', 'ipAddress'],
    ['::ffff:192.0.2.1', 'ipAddress'],
    ['http://192.0.2.1/', 'ipAddress'],
    ['https://[::1]:8443/x', 'ipAddress'],
    ['https://Example.com/path', 'urlOrPath', { suggestion: 'example.com' }],
    ['http://user@中国.cn:8080/?q#f', 'urlOrPath', { suggestion: '中国.cn' }],
    ['example.com/', 'urlOrPath', { suggestion: 'example.com' }],
    ['example.com:8443', 'urlOrPath', { suggestion: 'example.com' }],
    ['example.com?x=1', 'urlOrPath', { suggestion: 'example.com' }],
    ['https://', 'urlOrPath'],
    ['https://exa_mple.com/', 'urlOrPath'],
    ['localhost', 'localhost'],
    ['*.localhost', 'localhost'],
    ['app.localhost.', 'localhost'],
    ['com', 'singleLabel'],
    ['xn--fiqs8s', 'singleLabel'],
    ['example.123', 'numericTld', { tld: '123' }],
    ['example.0x1f', 'numericTld', { tld: '0x1f' }],
    ['printer.local', 'reservedName', { suffix: 'local' }],
    ['router.home.arpa', 'reservedName', { suffix: 'home.arpa' }],
    ['*.example', 'wildcardOnPublicSuffixOnly'],
    ['*.x.example', 'reservedName', { suffix: 'example' }],
    ['abc.onion', 'reservedName', { suffix: 'onion' }],
    ['test', 'singleLabel'],
  ];
  test.each(rows.map(([input, rule, params]) => ({ input, rule, params })))('$input: $rule', ({ input, rule, params }) => {
    const expected: NameViolation = params ? { input, rule, params } : { input, rule };
    expect(refused(input)).toStrictEqual(expected);
  });
});

describe('parseNames', () => {
  test('returns the names in input order', () => {
    const result = parseNames(['example.com', '*.example.com', '中国.cn']);
    expect(result).toEqual({ ok: true, names: [parsed('example.com'), parsed('*.example.com'), parsed('中国.cn')] });
  });

  test('an empty list', () => {
    expect(parseNames([])).toStrictEqual({ ok: false, violations: [{ input: '', rule: 'noNames' }] });
  });

  test('more than maxNames (default 100)', () => {
    const names = Array.from({ length: DEFAULT_MAX_NAMES + 1 }, (_, i) => `n${i}.example.com`);
    expect(parseNames(names.slice(0, DEFAULT_MAX_NAMES)).ok).toBe(true);
    expect(parseNames(names)).toStrictEqual({
      ok: false,
      violations: [{ input: '', rule: 'tooManyNames', params: { count: 101, max: 100 } }],
    });
    expect(parseNames(['a.com', 'b.com', 'c.com'], { maxNames: 2 })).toStrictEqual({
      ok: false,
      violations: [{ input: '', rule: 'tooManyNames', params: { count: 3, max: 2 } }],
    });
  });

  test('duplicates after normalisation', () => {
    const result = parseNames(['Example.com', 'example.com.', '中国.cn', 'xn--fiqs8s.cn', '*.a.com', '*.A.com']);
    expect(result).toStrictEqual({
      ok: false,
      violations: [
        { input: 'example.com.', rule: 'duplicate', params: { other: 'Example.com', otherIndex: 0 }, index: 1 },
        { input: 'xn--fiqs8s.cn', rule: 'duplicate', params: { other: '中国.cn', otherIndex: 2 }, index: 3 },
        { input: '*.A.com', rule: 'duplicate', params: { other: '*.a.com', otherIndex: 4 }, index: 5 },
      ],
    });
  });

  test('names covered by a wildcard in the list, but not the apex nor deeper names', () => {
    expect(parseNames(['www.example.com', 'example.com', 'a.b.example.com', ' *.example.com '])).toStrictEqual({
      ok: false,
      violations: [{ input: 'www.example.com', rule: 'coveredByWildcard', params: { other: '*.example.com', otherIndex: 3 }, index: 0 }],
    });
    expect(parseNames(['example.com', '*.example.com', 'a.b.example.com', '*.c.example.com']).ok).toBe(true);
    expect(parseNames(['*.中国.cn', 'WWW.xn--fiqs8s.cn'])).toStrictEqual({
      ok: false,
      violations: [{ input: 'WWW.xn--fiqs8s.cn', rule: 'coveredByWildcard', params: { other: '*.中国.cn', otherIndex: 0 }, index: 1 }],
    });
  });

  test('collects every violation, in input order, list rules first', () => {
    const result = parseNames(['ok.example.com', 'exa_mple.com', 'OK.example.com', '*.example.com', '127.0.0.1', 'www.example.com', 'https://a.com/'], { maxNames: 5 });
    expect(result).toStrictEqual({
      ok: false,
      violations: [
        { input: '', rule: 'tooManyNames', params: { count: 7, max: 5 } },
        { input: 'ok.example.com', rule: 'coveredByWildcard', params: { other: '*.example.com', otherIndex: 3 }, index: 0 },
        { input: 'exa_mple.com', rule: 'invalidCharacter', params: { char: '_', code: 'U+005F' }, index: 1 },
        { input: 'OK.example.com', rule: 'duplicate', params: { other: 'ok.example.com', otherIndex: 0 }, index: 2 },
        { input: '127.0.0.1', rule: 'ipAddress', index: 4 },
        { input: 'www.example.com', rule: 'coveredByWildcard', params: { other: '*.example.com', otherIndex: 3 }, index: 5 },
        { input: 'https://a.com/', rule: 'urlOrPath', params: { suggestion: 'a.com' }, index: 6 },
      ],
    });
  });

  test('passes the policy on to each name', () => {
    expect(parseNames(['a.test', '*.a.test']).ok).toBe(false);
    expect(parseNames(['a.test', '*.a.test'], { allowReservedNames: true }).ok).toBe(true);
  });
});

test('challengeRecordName: apex and wildcard share one TXT name, in A-label form', () => {
  expect(challengeRecordName(parsed('Example.com'))).toBe('_acme-challenge.example.com');
  expect(challengeRecordName(parsed('*.example.com'))).toBe('_acme-challenge.example.com');
  expect(challengeRecordName(parsed('*.中国.cn'))).toBe('_acme-challenge.xn--fiqs8s.cn');
});

describe('describeNameViolation', () => {
  test('the example from the brief, word for word', () => {
    expect(describeNameViolation(refused('exa_mple.com'))).toBe('“exa_mple.com” 含有不允许的字符 “_”：域名只能包含字母、数字和连字符');
  });

  test.each(NAME_RULES.map((rule) => [rule]))('%s has Chinese text naming the input', (rule) => {
    const input = rule === 'noNames' || rule === 'tooManyNames' || rule === 'empty' ? '' : 'bad.example';
    const params = { other: 'other.example', otherIndex: 0, char: '_', code: 'U+005F', label: 'bad', length: 99, max: 63, count: 101, tld: '123', suffix: 'test', suggestion: 'example.com' };
    const text = describeNameViolation({ input, rule, params });
    expect(text).toMatch(/[\u4e00-\u9fff]{2}/);
    expect(text).not.toMatch(/undefined|\[object/);
    if (input !== '') expect(text).toContain('“bad.example”');
  });

  test('fills in params', () => {
    const [tooMany] = violationsOf(parseNames(['a.com', 'b.com'], { maxNames: 1 }));
    expect(describeNameViolation(tooMany!)).toBe('一张证书最多包含 1 个域名，现在填写了 2 个：请减少域名，或分成多张证书申请');
    expect(describeNameViolation(refused('https://Example.com/x'))).toBe(
      '“https://Example.com/x” 看起来是网址：请只填写域名，不要包含 https://、端口或路径，例如 “example.com”',
    );
    expect(describeNameViolation(refused('https://'))).toBe('“https://” 看起来是网址：请只填写域名，不要包含 https://、端口或路径');
    expect(describeNameViolation(refused('a\u200bb.com'))).toContain('不允许的字符 U+200B');
    expect(describeNameViolation(refused('x.home.arpa'))).toContain('“.home.arpa”');
  });

  test('shortens very long input and labels', () => {
    const tooLong = describeNameViolation(refused(Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')));
    expect(tooLong).toContain(`“${'a'.repeat(60)}…”`);
    expect(tooLong).toContain('253');
    const labelTooLong = describeNameViolation(refused(`${'b'.repeat(300)}.com`));
    expect(labelTooLong).toContain(`“${'b'.repeat(60)}…” 中的 “${'b'.repeat(60)}…” 太长了`);
    expect(labelTooLong).toContain('现在是 300 个');
  });
});
