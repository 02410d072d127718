/**
 * Which IP addresses the product may connect to on a user's behalf (self-checks, endpoint probes).
 * Only `public` addresses are allowed, plus `loopback` when the local runtime opts in: everything
 * else could reach the cloud's internal network or its metadata service (SSRF).
 *
 * Parsing is strict: canonical dotted-quad IPv4 (no leading zeros, no shorthand) and RFC 4291 IPv6
 * text (`::` compression, a trailing dotted quad, an optional `%zone` and `[brackets]`). Anything
 * else is `invalid`, which is never allowed.
 *
 * IPv6 forms that carry an IPv4 address (`::ffff:a.b.c.d`, `::ffff:0:a.b.c.d`, the deprecated
 * `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are `ipv4Mapped` and always refused; the
 * embedded address and its own class are reported so that a message can name it.
 */

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'linkLocal'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'metadata'
  | 'ipv4Mapped'
  | 'documentation'
  | 'reserved'
  | 'uniqueLocal'
  | 'invalid';

export interface AddressInfo {
  class: AddressClass;
  /** 4 or 6; absent when the text is not an address. */
  version?: 4 | 6;
  /** For `ipv4Mapped`: the embedded IPv4 address and its own class. */
  embedded?: { address: string; class: AddressClass };
}

export interface TargetPolicy {
  /** Local runtime only: loopback servers stand in for the internet. */
  allowLoopback: boolean;
}

type Rule = readonly [cidr: string, cls: AddressClass];

/** First match wins, so single cloud-metadata addresses come before their enclosing ranges. */
const V4_RULES: readonly Rule[] = [
  ['0.0.0.0/32', 'unspecified'],
  ['255.255.255.255/32', 'broadcast'],
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, Huawei, …
  ['169.254.0.23/32', 'metadata'], // Tencent Cloud (metadata.tencentyun.com)
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['0.0.0.0/8', 'reserved'], // "this network"
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'linkLocal'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'], // deprecated 6to4 relay anycast
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];

/** IPv6 prefixes that embed an IPv4 address, and the bit offset where it sits. */
const V6_EMBEDDINGS: readonly (readonly [cidr: string, offset: number])[] = [
  ['::ffff:0:0/96', 96], // IPv4-mapped
  ['::ffff:0:0:0/96', 96], // SIIT IPv4-translated
  ['64:ff9b::/96', 96], // NAT64 well-known prefix
  ['::/96', 96], // deprecated IPv4-compatible (after :: and ::1 are handled)
  ['2002::/16', 16], // 6to4
];

const V6_RULES: readonly Rule[] = [
  ['fd00:ec2::254/128', 'metadata'], // AWS IMDS over IPv6
  ['64:ff9b:1::/48', 'reserved'], // local-use NAT64
  ['::/8', 'reserved'],
  ['100::/64', 'reserved'], // discard-only
  ['2001::/23', 'reserved'], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['5f00::/16', 'reserved'], // SRv6 SIDs
  ['fc00::/7', 'uniqueLocal'],
  ['fe80::/10', 'linkLocal'],
  ['fec0::/10', 'reserved'], // deprecated site-local
  ['ff00::/8', 'multicast'],
  ['2000::/3', 'public'],
];

export function classifyAddress(ip: string): AddressClass {
  return describeAddress(ip).class;
}

export function isAllowedTarget(ip: string, policy: TargetPolicy): boolean {
  const cls = classifyAddress(ip);
  return cls === 'public' || (policy.allowLoopback && cls === 'loopback');
}

/** Whether the text is an IP address literal (IPv4, or IPv6 with or without brackets). */
export function isIpLiteral(text: string): boolean {
  return describeAddress(text).class !== 'invalid';
}

export function describeAddress(ip: string): AddressInfo {
  const v4 = parseIpv4(ip);
  if (v4 !== null) return { class: classifyV4(v4), version: 4 };
  const v6 = parseIpv6(ip);
  if (v6 === null) return { class: 'invalid' };
  if (v6 === 0n) return { class: 'unspecified', version: 6 };
  if (v6 === 1n) return { class: 'loopback', version: 6 };
  for (const [cidr, offset] of V6_EMBEDDINGS) {
    if (!inV6Prefix(v6, cidr)) continue;
    const embedded = Number((v6 >> BigInt(96 - offset)) & 0xffffffffn);
    return { class: 'ipv4Mapped', version: 6, embedded: { address: formatIpv4(embedded), class: classifyV4(embedded) } };
  }
  const match = V6_RULES.find(([cidr]) => inV6Prefix(v6, cidr));
  return { class: match ? match[1] : 'reserved', version: 6 };
}

function classifyV4(value: number): AddressClass {
  const match = V4_RULES.find(([cidr]) => inV4Prefix(value, cidr));
  return match ? match[1] : 'public';
}

/** Parses canonical dotted-quad text into an unsigned 32-bit number, or null. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Parses IPv6 text (brackets and a zone id are accepted and dropped) into a 128-bit bigint, or null. */
export function parseIpv6(input: string): bigint | null {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = text.indexOf('%');
  if (zone >= 0) {
    if (zone === text.length - 1) return null;
    text = text.slice(0, zone);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  // A dotted quad may only end the address.
  const all = [...head, ...tail];
  if (all.slice(0, -1).some((group) => group.includes('.'))) return null;
  const words: number[] = [];
  for (const group of all) {
    if (group.includes('.')) {
      const v4 = parseIpv4(group);
      if (v4 === null) return null;
      words.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
      words.push(parseInt(group, 16));
    }
  }
  const tailWords = halves.length === 2 ? wordCount(tail) : 0;
  const headWords = words.length - tailWords;
  if (halves.length === 2 ? words.length > 7 : words.length !== 8) return null;
  const full = [...words.slice(0, headWords), ...Array<number>(8 - words.length).fill(0), ...words.slice(headWords)];
  return full.reduce((acc, word) => (acc << 16n) | BigInt(word), 0n);
}

function groupsOf(text: string): string[] | null {
  if (text === '') return [];
  const groups = text.split(':');
  return groups.some((group) => group === '') ? null : groups;
}

function wordCount(groups: string[]): number {
  return groups.reduce((count, group) => count + (group.includes('.') ? 2 : 1), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function inV4Prefix(value: number, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const start = parseIpv4(base ?? '');
  const bits = Number(bitsText);
  if (start === null) throw new Error(`bad IPv4 rule ${cidr}`);
  const size = 2 ** (32 - bits);
  return value >= start && value < start + size;
}

function inV6Prefix(value: bigint, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const start = parseIpv6(base ?? '');
  if (start === null) throw new Error(`bad IPv6 rule ${cidr}`);
  const shift = BigInt(128 - Number(bitsText));
  return value >> shift === start >> shift;
}
