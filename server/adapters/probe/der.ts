/**
 * The few X.509 fields node:crypto does not expose (key identifiers, the signature algorithm) or
 * exposes only as text (SANs, validity), read straight from the DER (RFC 5280 §4.1): a few
 * microseconds per certificate, where a general ASN.1 parser costs hundreds. Throws `RangeError`
 * on anything malformed; callers fall back to node:crypto's text.
 */

interface Element {
  tag: number;
  contentStart: number;
  end: number;
}

export interface TbsFields {
  signatureAlgorithmOid: string;
  notBefore: number;
  notAfter: number;
  dnsNames: string[];
  ipAddresses: string[];
  /** Upper-case hex; null when absent. */
  authorityKeyId: string | null;
  subjectKeyId: string | null;
}

const OID_SAN = '2.5.29.17';
const OID_AKI = '2.5.29.35';
const OID_SKI = '2.5.29.14';
const TAG_EXTENSIONS = 0xa3;
const TAG_VERSION = 0xa0;

export function readTbsFields(der: Buffer): TbsFields {
  const certificate = element(der, 0);
  const [tbs, signatureAlgorithm] = children(der, certificate);
  if (tbs === undefined || signatureAlgorithm === undefined) throw new RangeError('not a certificate');
  const fields = children(der, tbs);
  const first = fields[0]?.tag === TAG_VERSION ? 1 : 0;
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, then optional fields.
  const validity = fields[first + 3];
  if (validity === undefined) throw new RangeError('no validity');
  const [notBefore, notAfter] = children(der, validity).map((time) => readTime(der, time));
  if (notBefore === undefined || notAfter === undefined) throw new RangeError('no validity times');
  const result: TbsFields = {
    signatureAlgorithmOid: readOid(der, firstChild(der, signatureAlgorithm)),
    notBefore,
    notAfter,
    dnsNames: [],
    ipAddresses: [],
    authorityKeyId: null,
    subjectKeyId: null,
  };
  const wrapper = fields.slice(first + 6).find((field) => field.tag === TAG_EXTENSIONS);
  const extensions = wrapper === undefined ? [] : children(der, firstChild(der, wrapper));
  for (const extension of extensions) {
    const parts = children(der, extension);
    const [oidElement] = parts;
    const value = parts.at(-1);
    if (oidElement === undefined || value === undefined || value.tag !== 0x04) continue;
    const oid = readOid(der, oidElement);
    const inner = element(der, value.contentStart);
    if (oid === OID_SAN) readSan(der, inner, result);
    else if (oid === OID_SKI && inner.tag === 0x04) result.subjectKeyId = hex(der, inner);
    else if (oid === OID_AKI) {
      const keyId = children(der, inner).find((part) => part.tag === 0x80);
      if (keyId !== undefined) result.authorityKeyId = hex(der, keyId);
    }
  }
  return result;
}

/** GeneralNames: dNSName [2] IA5String, iPAddress [7] OCTET STRING (4 or 16 bytes). */
function readSan(der: Buffer, names: Element, into: TbsFields): void {
  for (const name of children(der, names)) {
    const bytes = der.subarray(name.contentStart, name.end);
    if (name.tag === 0x82) into.dnsNames.push(bytes.toString('latin1').toLowerCase());
    else if (name.tag === 0x87 && bytes.length === 4) into.ipAddresses.push([...bytes].join('.'));
    else if (name.tag === 0x87 && bytes.length === 16) into.ipAddresses.push(formatIpv6(bytes));
  }
}

/** RFC 5952 text: lower-case, leading zeros dropped, the longest run of two or more zero groups as `::`. */
export function formatIpv6(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const text = groups.map((group) => group.toString(16));
  if (best.start < 0) return text.join(':');
  return `${text.slice(0, best.start).join(':')}::${text.slice(best.start + best.length).join(':')}`;
}

function element(der: Buffer, offset: number): Element {
  if (offset + 2 > der.length) throw new RangeError('DER element runs past the end');
  const tag = der.readUInt8(offset);
  const first = der.readUInt8(offset + 1);
  let length = first;
  let contentStart = offset + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > der.length) throw new RangeError('unsupported DER length');
    length = der.readUIntBE(contentStart, count);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new RangeError('DER element runs past the end');
  return { tag, contentStart, end };
}

function children(der: Buffer, parent: Element): Element[] {
  const list: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = element(der, offset);
    if (child.end > parent.end) throw new RangeError('DER element runs past its parent');
    list.push(child);
    offset = child.end;
  }
  return list;
}

function firstChild(der: Buffer, parent: Element): Element {
  return element(der, parent.contentStart);
}

function readOid(der: Buffer, oid: Element): string {
  if (oid.tag !== 0x06) throw new RangeError('expected an OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of der.subarray(oid.contentStart, oid.end)) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const [head = 0, ...rest] = arcs;
  const prefix = head < 80 ? [Math.floor(head / 40), head % 40] : [2, head - 80];
  return [...prefix, ...rest].join('.');
}

/** UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or GeneralizedTime `YYYYMMDDHHMMSS[.f]Z`, epoch ms. */
function readTime(der: Buffer, time: Element): number {
  const text = der.subarray(time.contentStart, time.end).toString('latin1');
  const match = time.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
  if (match === null) throw new RangeError(`unsupported time ${text}`);
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  const fullYear = time.tag === 0x17 ? (year < 50 ? 2000 + year : 1900 + year) : year;
  return Date.UTC(fullYear, month - 1, day, hour, minute, second);
}

function hex(der: Buffer, value: Element): string {
  return der.subarray(value.contentStart, value.end).toString('hex').toUpperCase();
}
