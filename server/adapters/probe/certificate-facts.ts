/**
 * What a served certificate says: node:crypto parses it (names, serial, fingerprint, key, CA flag,
 * issuance and signature checks) and `der.ts` reads the fields Node does not expose as data
 * (SANs, validity, key identifiers, signature algorithm).
 *
 * A certificate OpenSSL accepted in a handshake always parses with node:crypto; should the DER
 * reader not follow one, those fields fall back to node:crypto's text (key identifiers unknown).
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import type { ServedCertificate } from '../../ports/tls-probe';
import { readTbsFields, type TbsFields } from './der';

export interface ParsedCertificate {
  node: NodeCertificate;
  facts: ServedCertificate;
}

/** Curve bits by OpenSSL curve name. */
const CURVE_BITS: Record<string, number> = {
  prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256, SM2: 256,
  brainpoolP256r1: 256, brainpoolP384r1: 384, brainpoolP512r1: 512,
};

/** OpenSSL's long names of the signature algorithms certificates use. */
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.840.10040.4.3': 'dsaWithSHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
  '1.2.156.10197.1.501': 'SM2-with-SM3',
};

/** Parses one served DER certificate; throws only when node:crypto cannot read it at all. */
export function parseServedCertificate(der: Buffer): ParsedCertificate {
  const node = new NodeCertificate(der);
  let fields: TbsFields;
  try {
    fields = readTbsFields(der);
  } catch {
    fields = fieldsFromNode(node);
  }
  const facts: ServedCertificate = {
    subject: oneLine(node.subject),
    issuer: oneLine(node.issuer),
    dnsNames: fields.dnsNames,
    ipAddresses: fields.ipAddresses,
    serialNumber: node.serialNumber.toUpperCase(),
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    fingerprintSha256: node.fingerprint256.replace(/:/g, '').toUpperCase(),
    ...keyFacts(node),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[fields.signatureAlgorithmOid] ?? fields.signatureAlgorithmOid,
    isCa: node.ca,
    selfSigned: node.checkIssued(node) && verifiesWith(node, node),
    authorityKeyId: fields.authorityKeyId,
    subjectKeyId: fields.subjectKeyId,
  };
  return { node, facts };
}

/**
 * Each certificate names the next one as its issuer (subject, and key identifiers when present)
 * and its signature verifies with the next one's key. A lone certificate is in order.
 */
export function isOrdered(chain: readonly NodeCertificate[]): boolean {
  return chain.every((cert, index) => {
    const issuer = chain[index + 1];
    return issuer === undefined || (cert.checkIssued(issuer) && verifiesWith(cert, issuer));
  });
}

function verifiesWith(cert: NodeCertificate, issuer: NodeCertificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function keyFacts(node: NodeCertificate): Pick<ServedCertificate, 'keyType' | 'keyBits' | 'curve'> {
  let type: string | undefined;
  let details: { modulusLength?: number; namedCurve?: string } = {};
  try {
    type = node.publicKey.asymmetricKeyType;
    details = node.publicKey.asymmetricKeyDetails ?? {};
  } catch {
    // A key algorithm OpenSSL cannot load (GOST, …).
  }
  switch (type) {
    case 'rsa':
    case 'rsa-pss':
      return { keyType: 'rsa', keyBits: details.modulusLength ?? null, curve: null };
    case 'dsa':
      return { keyType: 'dsa', keyBits: details.modulusLength ?? null, curve: null };
    case 'ec': {
      const curve = details.namedCurve ?? null;
      return { keyType: 'ec', keyBits: curve === null ? null : (CURVE_BITS[curve] ?? null), curve };
    }
    case 'ed25519':
      return { keyType: 'ed25519', keyBits: 256, curve: null };
    case 'ed448':
      return { keyType: 'ed448', keyBits: 456, curve: null };
    default:
      return { keyType: 'other', keyBits: null, curve: null };
  }
}

/** From Node's text: `DNS:a.example, IP Address:192.0.2.1` (values are quoted when they hold separators). */
function fieldsFromNode(node: NodeCertificate): TbsFields {
  const fields: TbsFields = {
    signatureAlgorithmOid: 'unknown',
    notBefore: Date.parse(node.validFrom),
    notAfter: Date.parse(node.validTo),
    dnsNames: [],
    ipAddresses: [],
    authorityKeyId: null,
    subjectKeyId: null,
  };
  for (const entry of (node.subjectAltName ?? '').split(', ')) {
    const value = entry.slice(entry.indexOf(':') + 1).replace(/^"|"$/g, '').toLowerCase();
    if (entry.startsWith('DNS:')) fields.dnsNames.push(value);
    else if (entry.startsWith('IP Address:')) fields.ipAddresses.push(value);
  }
  return fields;
}

/** Node's multi-line `C=US\nO=…\nCN=…` (RFC 2253-escaped values) as one line, most specific first like RFC 4514. */
function oneLine(text: string): string {
  return text.split('\n').filter((part) => part !== '').reverse().join(', ');
}
