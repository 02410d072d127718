/**
 * The certificate authorities CertKeeper can issue from, and what each needs.
 *
 * Public CAs with External Account Binding (ZeroSSL, Google Trust Services) need the user's EAB
 * key id and HMAC key from the CA's console. Any other ACME CA (including commercial OV/EV
 * vendors, which hand out ACME directory URLs with EAB credentials) is reached as `custom`.
 * `pebble` is the local test CA and only exists when the runtime configures it.
 */

export type CaId = 'letsencrypt' | 'letsencrypt-staging' | 'zerossl' | 'google' | 'google-staging' | 'custom' | 'pebble';

export interface CaDescriptor {
  id: CaId;
  /** Chinese name for the UI. */
  displayName: string;
  /** The CA's own directory URL; null for `custom` (the user gives one) and `pebble` (the runtime does). */
  directoryUrl: string | null;
  eab: 'required' | 'optional' | 'none';
  /** Where the user gets EAB credentials. */
  eabHelpUrl: string | null;
  /** Certificate types reachable through this CA's ACME. */
  validationTypes: ('DV' | 'OV' | 'EV')[];
  /** Test CAs issue untrusted certificates; the UI says so. */
  trusted: boolean;
  /** Names under reserved suffixes (`.test`) are accepted: only for the local CA. */
  allowsReservedNames: boolean;
}

export const CA_CATALOG: Readonly<Record<CaId, CaDescriptor>> = {
  letsencrypt: {
    id: 'letsencrypt',
    displayName: "Let's Encrypt",
    directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
    eab: 'none',
    eabHelpUrl: null,
    validationTypes: ['DV'],
    trusted: true,
    allowsReservedNames: false,
  },
  'letsencrypt-staging': {
    id: 'letsencrypt-staging',
    displayName: "Let's Encrypt 测试环境",
    directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    eab: 'none',
    eabHelpUrl: null,
    validationTypes: ['DV'],
    trusted: false,
    allowsReservedNames: false,
  },
  zerossl: {
    id: 'zerossl',
    displayName: 'ZeroSSL',
    directoryUrl: 'https://acme.zerossl.com/v2/DV90',
    eab: 'required',
    eabHelpUrl: 'https://app.zerossl.com/developer',
    validationTypes: ['DV'],
    trusted: true,
    allowsReservedNames: false,
  },
  google: {
    id: 'google',
    displayName: 'Google Trust Services',
    directoryUrl: 'https://dv.acme-v02.api.pki.goog/directory',
    eab: 'required',
    eabHelpUrl: 'https://cloud.google.com/certificate-manager/docs/public-ca-tutorial',
    validationTypes: ['DV'],
    trusted: true,
    allowsReservedNames: false,
  },
  'google-staging': {
    id: 'google-staging',
    displayName: 'Google Trust Services 测试环境',
    directoryUrl: 'https://dv.acme-v02.test-api.pki.goog/directory',
    eab: 'required',
    eabHelpUrl: 'https://cloud.google.com/certificate-manager/docs/public-ca-tutorial',
    validationTypes: ['DV'],
    trusted: false,
    allowsReservedNames: false,
  },
  custom: {
    id: 'custom',
    displayName: '其他 ACME 证书颁发机构',
    directoryUrl: null,
    eab: 'optional',
    eabHelpUrl: null,
    validationTypes: ['DV', 'OV', 'EV'],
    trusted: true,
    allowsReservedNames: false,
  },
  pebble: {
    id: 'pebble',
    displayName: '本地测试 CA（Pebble）',
    directoryUrl: null,
    eab: 'optional',
    eabHelpUrl: null,
    validationTypes: ['DV'],
    trusted: false,
    allowsReservedNames: true,
  },
};

export function isCaId(value: string): value is CaId {
  return Object.hasOwn(CA_CATALOG, value);
}

/** Why an EAB credential or a custom directory URL is refused; the Chinese text is in ca.messages.zh.ts. */
export type CaInputRule = 'eabMissing' | 'eabKidInvalid' | 'eabHmacInvalid' | 'eabNotAccepted' | 'directoryUrlMissing' | 'directoryUrlInvalid' | 'directoryUrlNotHttps';

export interface CaInputViolation {
  field: 'eab.kid' | 'eab.hmacKey' | 'directoryUrl' | 'eab';
  rule: CaInputRule;
}

const KID = /^[\x21-\x7e]{1,256}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
/** HMAC keys shorter than 128 bits are refused; CAs hand out 256-bit or longer keys. */
const MIN_HMAC_BYTES = 16;

/**
 * Checks what the user supplies for a CA before anything is sent: the EAB key id and HMAC key
 * (base64url, as CAs display them), and for `custom` an https directory URL.
 */
export function checkCaInput(
  ca: CaDescriptor,
  input: { eab?: { kid: string; hmacKey: string } | null; directoryUrl?: string | null },
): CaInputViolation[] {
  const violations: CaInputViolation[] = [];
  const eab = input.eab ?? null;
  if (ca.eab === 'required' && !eab) violations.push({ field: 'eab', rule: 'eabMissing' });
  if (ca.eab === 'none' && eab) violations.push({ field: 'eab', rule: 'eabNotAccepted' });
  if (eab && ca.eab !== 'none') {
    if (!KID.test(eab.kid.trim())) violations.push({ field: 'eab.kid', rule: 'eabKidInvalid' });
    const key = eab.hmacKey.trim();
    if (!BASE64URL.test(key) || base64urlByteLength(key) < MIN_HMAC_BYTES) violations.push({ field: 'eab.hmacKey', rule: 'eabHmacInvalid' });
  }
  if (ca.id === 'custom') {
    const url = input.directoryUrl?.trim() ?? '';
    if (!url) violations.push({ field: 'directoryUrl', rule: 'directoryUrlMissing' });
    else if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+[^\s]*$/i.test(url)) violations.push({ field: 'directoryUrl', rule: 'directoryUrlInvalid' });
    else if (!url.toLowerCase().startsWith('https://')) violations.push({ field: 'directoryUrl', rule: 'directoryUrlNotHttps' });
  }
  return violations;
}

function base64urlByteLength(text: string): number {
  const unpadded = text.replace(/=+$/, '');
  return Math.floor((unpadded.length * 3) / 4);
}
