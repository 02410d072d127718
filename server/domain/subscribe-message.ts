/**
 * WeChat subscription messages: turning an `OutgoingMessage` into a template's `data`, each value
 * shaped to its keyword's rules (platform-wechat.md §3.3), since one value WeChat dislikes fails
 * the whole send with 47003. The operator maps template keywords to message fields, e.g.
 * `{ thing1: 'domain', date2: 'expiresOn', phrase3: 'status', thing4: 'note' }`.
 */
import { MESSAGE_FIELDS, type MessageField, type OutgoingMessage } from './notification';

/** The keyword types this product fills; a keyword's type is its name without the trailing digits. */
export type KeywordType = 'thing' | 'number' | 'letter' | 'symbol' | 'character_string' | 'time' | 'date' | 'name' | 'phrase';
const KEYWORD_TYPES: readonly KeywordType[] = ['thing', 'number', 'letter', 'symbol', 'character_string', 'time', 'date', 'name', 'phrase'];

/** Which keyword types can show each field sensibly; other pairings are configuration errors. */
const FITTING_TYPES: Readonly<Record<MessageField, readonly KeywordType[]>> = {
  domain: ['thing', 'character_string'],
  expiresOn: ['date', 'time', 'thing'],
  daysLeft: ['number', 'thing', 'character_string'],
  status: ['phrase', 'thing'],
  note: ['thing'],
  title: ['thing'],
  time: ['time', 'date', 'thing'],
};

/**
 * Values that are empty after shaping are replaced, since WeChat rejects empty values. `date` and
 * `time` keywords accept only dates, so `templateData` always gives them one.
 */
const PLACEHOLDERS: Readonly<Record<KeywordType, string>> = {
  thing: '-',
  number: '0',
  letter: 'NA',
  symbol: '-',
  character_string: '-',
  time: '-',
  date: '-',
  name: '无',
  phrase: '无',
};

const CHINA_OFFSET_MS = 8 * 3600_000;

/** `thing7` → `thing`, `character_string2` → `character_string`; null when not a known keyword. */
export function keywordType(keyword: string): KeywordType | null {
  const match = /^([a-z_]+?)\d+$/.exec(keyword);
  const type = match?.[1];
  return KEYWORD_TYPES.find((known) => known === type) ?? null;
}

/** Shapes `value` to the rules of `keyword`'s type; never empty. Throws on an unknown type. */
export function shapeKeywordValue(keyword: string, value: string): string {
  const type = requireType(keyword);
  const text = value.replace(/\s+/g, ' ').trim();
  return shape(type, text) || PLACEHOLDERS[type];
}

function shape(type: KeywordType, text: string): string {
  switch (type) {
    case 'thing':
      return truncate(text, 20);
    case 'phrase':
      return cut(han(text), 5);
    case 'character_string':
      return cut(text.replace(/[^\x21-\x7e]/g, ''), 32);
    case 'number':
      return cut(/\d+(\.\d+)?/.exec(text)?.[0] ?? '', 32);
    case 'letter':
      return cut(text.replace(/[^A-Za-z]/g, ''), 32);
    case 'symbol':
      return cut(text.replace(/[^\p{P}\p{S}]/gu, ''), 5);
    case 'name':
      return han(text) ? cut(han(text), 10) : cut(text.replace(/[^A-Za-z]/g, ''), 20);
    case 'date':
    case 'time':
      return text;
  }
}

/** `YYYY年MM月DD日` in China time (UTC+8, no daylight saving). */
export function formatWechatDate(epochMs: number): string {
  const [year, month, day] = chinaParts(epochMs);
  return `${year}年${month}月${day}日`;
}

/** `YYYY年MM月DD日 HH:mm` in China time (UTC+8, no daylight saving). */
export function formatWechatTime(epochMs: number): string {
  const [, , , hour, minute] = chinaParts(epochMs);
  return `${formatWechatDate(epochMs)} ${hour}:${minute}`;
}

function chinaParts(epochMs: number): string[] {
  const d = new Date(epochMs + CHINA_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return [String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours()), pad(d.getUTCMinutes())];
}

/**
 * The template's `data`: for each keyword of the operator's mapping, the message field rendered
 * for the keyword's type, then shaped to its rules.
 */
export function templateData(mapping: Readonly<Record<string, MessageField>>, message: OutgoingMessage): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {};
  for (const [keyword, field] of Object.entries(mapping)) {
    data[keyword] = { value: shapeKeywordValue(keyword, renderField(field, requireType(keyword), message)) };
  }
  return data;
}

function renderField(field: MessageField, type: KeywordType, message: OutgoingMessage): string {
  switch (field) {
    case 'domain':
      return renderDomain(message.names, type);
    case 'expiresOn': {
      // A date or time keyword must hold one: without an expiry (nothing issued yet) it shows the event's.
      const at = message.notAfter ?? (type === 'thing' ? null : message.at);
      if (at === null) return '';
      return type === 'time' ? formatWechatTime(at) : formatWechatDate(at);
    }
    case 'daysLeft':
      if (message.daysLeft === null) return '';
      return type === 'number' ? String(Math.max(0, message.daysLeft)) : `${message.daysLeft}天`;
    case 'status':
      return message.status;
    case 'note':
      return message.note;
    case 'title':
      return message.title;
    case 'time':
      return formatWechatTime(message.at);
  }
}

/** The first name, plus " 等N个" when there are several, which a `thing` keeps even when the name is cut. */
function renderDomain(names: readonly string[], type: KeywordType): string {
  const first = names[0] ?? '';
  if (type === 'character_string' || names.length < 2) return first;
  const suffix = ` 等${names.length}个`;
  return type === 'thing' ? `${truncate(first, 20 - suffix.length)}${suffix}` : `${first}${suffix}`;
}

export interface MappingProblem {
  keyword: string;
  rule: 'noKeywords' | 'unknownKeywordType' | 'unknownField' | 'fieldDoesNotFit';
  /** English, for the operator's startup error. */
  detail: string;
}

/** What is wrong with an operator's keyword → field mapping; empty when it can be used. */
export function validateTemplateMapping(mapping: Readonly<Record<string, string>>): MappingProblem[] {
  const entries = Object.entries(mapping);
  if (entries.length === 0) return [{ keyword: '', rule: 'noKeywords', detail: 'the mapping names no keyword' }];
  const problems: MappingProblem[] = [];
  for (const [keyword, fieldName] of entries) {
    const type = keywordType(keyword);
    const field = MESSAGE_FIELDS.find((known) => known === fieldName);
    if (type === null) {
      problems.push({ keyword, rule: 'unknownKeywordType', detail: `"${keyword}" is not a keyword of a supported type (${KEYWORD_TYPES.join(', ')}) followed by digits` });
    }
    if (field === undefined) {
      problems.push({ keyword, rule: 'unknownField', detail: `"${fieldName}" is not a message field (${MESSAGE_FIELDS.join(', ')})` });
    }
    if (type !== null && field !== undefined && !FITTING_TYPES[field].includes(type)) {
      problems.push({ keyword, rule: 'fieldDoesNotFit', detail: `field "${field}" cannot be shown in a ${type} keyword (use ${FITTING_TYPES[field].join(', ')})` });
    }
  }
  return problems;
}

function requireType(keyword: string): KeywordType {
  const type = keywordType(keyword);
  if (type === null) throw new TypeError(`"${keyword}" is not a subscription-message keyword of a supported type`);
  return type;
}

/** Only CJK ideographs. */
function han(text: string): string {
  return text.replace(/[^\p{Unified_Ideograph}]/gu, '');
}

/** The first `max` code points. */
function cut(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}

/** At most `max` code points, the last one `…` when cut. */
function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
