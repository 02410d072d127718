/**
 * What the user reads when a domain name is refused: the input, the broken rule and how to fix it,
 * one message per `NameRule`. One place, so English can follow. Pure (no imports but types), so
 * the Mini Program can show the same text inline.
 */
import type { NameRule, NameViolation } from './names';

/** Inputs longer than this are cut with `…` in messages. */
const MAX_QUOTED_LENGTH = 60;

/** `“text”`, trimmed and shortened. */
function quote(text: string): string {
  const chars = Array.from(text.trim());
  const shown = chars.length > MAX_QUOTED_LENGTH ? `${chars.slice(0, MAX_QUOTED_LENGTH).join('')}…` : chars.join('');
  return `“${shown}”`;
}

function param(v: NameViolation, key: string): string {
  const value = v.params?.[key];
  return value === undefined ? '' : String(value);
}

/** A text param, quoted like the input. */
function quoted(v: NameViolation, key: string): string {
  return quote(param(v, key));
}

/** A character as the user can see it: itself, or its code point when it is invisible. */
function shownCharacter(v: NameViolation): string {
  const ch = param(v, 'char');
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `“${ch}”` : param(v, 'code');
}

const MESSAGES: Record<NameRule, (v: NameViolation, q: string) => string> = {
  empty: () => '域名不能为空：请填写域名，例如 “example.com”',
  tooLong: (v, q) => `${q} 太长了：域名最多 ${param(v, 'max')} 个字符（中文域名按转换后的 xn-- 形式计算），现在是 ${param(v, 'length')} 个`,
  ipAddress: (_v, q) => `${q} 是 IP 地址：这里只能为域名申请证书，请填写域名`,
  urlOrPath: (v, q) => {
    const suggestion = param(v, 'suggestion');
    const hint = suggestion === '' ? '' : `，例如 “${suggestion}”`;
    return `${q} 看起来是网址：请只填写域名，不要包含 https://、端口或路径${hint}`;
  },
  emptyLabel: (_v, q) => `${q} 中有空的一段：域名不能以点开头，也不能有连续的点（..）`,
  wildcardPosition: (_v, q) => `${q} 的通配符位置不对：“*” 只能单独作为最左边的一段，例如 “*.example.com”`,
  invalidCharacter: (v, q) => `${q} 含有不允许的字符 ${shownCharacter(v)}：域名只能包含字母、数字和连字符`,
  hyphenPosition: (v, q) =>
    `${q} 中的 ${quoted(v, 'label')} 连字符位置不对：每一段不能以 “-” 开头或结尾，第 3、4 个字符也不能都是 “-”（以 “xn--” 开头的国际化域名除外）`,
  invalidPunycode: (v, q) => `${q} 中的 ${quoted(v, 'label')} 不是有效的国际化域名编码（xn--）：请检查拼写，或直接填写中文等原文域名`,
  labelTooLong: (v, q) =>
    `${q} 中的 ${quoted(v, 'label')} 太长了：两个点之间的每一段最多 ${param(v, 'max')} 个字符（中文按转换后的 xn-- 形式计算），现在是 ${param(v, 'length')} 个`,
  localhost: (_v, q) => `${q} 指向本机（localhost），证书颁发机构无法验证：请填写公网可以访问的域名`,
  wildcardOnPublicSuffixOnly: (_v, q) => `${q} 的通配符范围太大：通配符不能直接加在顶级域上，请写成 “*.example.com” 这样的形式`,
  singleLabel: (_v, q) => `${q} 不是完整的域名：至少要有两段，例如 “example.com”`,
  numericTld: (v, q) => `${q} 的顶级域 ${quoted(v, 'tld')} 全是数字，这不是有效的域名`,
  reservedName: (v, q) => `${q} 使用了保留或内网专用的后缀 “.${param(v, 'suffix')}”，公共证书颁发机构不会为它签发证书`,
  duplicate: (v, q) => `${q} 与 ${quoted(v, 'other')} 是同一个域名：请删除其中一个`,
  coveredByWildcard: (v, q) => `${q} 已被通配符 ${quoted(v, 'other')} 覆盖：无需单独填写，请删除它`,
  tooManyNames: (v) => `一张证书最多包含 ${param(v, 'max')} 个域名，现在填写了 ${param(v, 'count')} 个：请减少域名，或分成多张证书申请`,
  noNames: () => '请至少填写一个域名',
};

/** Chinese text for the user naming the input and the broken rule. */
export function describeNameViolation(v: NameViolation): string {
  return MESSAGES[v.rule](v, quote(v.input));
}
