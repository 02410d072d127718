import { CA_CATALOG, checkCaInput } from '../../../server/domain/ca-catalog';
import { CA_INPUT_MESSAGES } from '../../../server/domain/ca.messages.zh';
import { createCaRegistry } from '../../../server/usecases/engine';

const GOOD_HMAC = 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W';

describe('CA catalog', () => {
  test('public CAs have https directories; EAB CAs say where to get credentials', () => {
    for (const ca of Object.values(CA_CATALOG)) {
      if (ca.directoryUrl) expect(ca.directoryUrl).toMatch(/^https:\/\//);
      if (ca.eab === 'required') expect(ca.eabHelpUrl).toMatch(/^https:\/\//);
    }
    expect(CA_CATALOG.zerossl.eab).toBe('required');
    expect(CA_CATALOG.google.eab).toBe('required');
    expect(CA_CATALOG.letsencrypt.eab).toBe('none');
    expect(CA_CATALOG.custom.validationTypes).toEqual(['DV', 'OV', 'EV']);
  });

  test.each([
    ['zerossl without EAB', 'zerossl', {}, ['eab:eabMissing']],
    ['Let’s Encrypt with EAB', 'letsencrypt', { eab: { kid: 'k', hmacKey: GOOD_HMAC } }, ['eab:eabNotAccepted']],
    ['a key id with spaces', 'google', { eab: { kid: 'my kid', hmacKey: GOOD_HMAC } }, ['eab.kid:eabKidInvalid']],
    ['a short HMAC key', 'google', { eab: { kid: 'kid', hmacKey: 'c2hvcnQ' } }, ['eab.hmacKey:eabHmacInvalid']],
    ['an HMAC key that is not base64url', 'zerossl', { eab: { kid: 'kid', hmacKey: `${GOOD_HMAC}!!` } }, ['eab.hmacKey:eabHmacInvalid']],
    ['custom without a directory', 'custom', {}, ['directoryUrl:directoryUrlMissing']],
    ['custom over http', 'custom', { directoryUrl: 'http://acme.example.com/directory' }, ['directoryUrl:directoryUrlNotHttps']],
    ['custom with junk', 'custom', { directoryUrl: 'not a url' }, ['directoryUrl:directoryUrlInvalid']],
  ] as const)('%s is refused', (_label, caId, input, expected) => {
    const violations = checkCaInput(CA_CATALOG[caId], input);
    expect(violations.map((v) => `${v.field}:${v.rule}`)).toEqual(expected);
    for (const v of violations) expect(CA_INPUT_MESSAGES[v.rule]).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('valid input passes', () => {
    expect(checkCaInput(CA_CATALOG.zerossl, { eab: { kid: 'kid_1', hmacKey: GOOD_HMAC } })).toEqual([]);
    expect(checkCaInput(CA_CATALOG.custom, { directoryUrl: 'https://acme.vendor.example/v2/OV' })).toEqual([]);
    expect(checkCaInput(CA_CATALOG.letsencrypt, {})).toEqual([]);
  });
});

describe('CA registry', () => {
  const registry = createCaRegistry({
    timeoutMs: 7_000,
    directoryUrls: { pebble: 'https://127.0.0.1:14000/dir' },
    perDirectory: {
      [CA_CATALOG.letsencrypt.directoryUrl ?? '']: { mirrorUrl: 'https://acme-mirror.example.cn/directory', proxyUrl: 'http://proxy.internal:3128' },
    },
  });

  test('directory URLs come from the catalog, the runtime (pebble) or the user (custom)', () => {
    expect(registry.directoryUrl('letsencrypt', null)).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(registry.directoryUrl('pebble', null)).toBe('https://127.0.0.1:14000/dir');
    expect(registry.directoryUrl('custom', 'https://acme.vendor.example/dir')).toBe('https://acme.vendor.example/dir');
    expect(createCaRegistry({ timeoutMs: 1, directoryUrls: {} }).directoryUrl('pebble', null)).toBeNull();
  });

  test('a configured mirror and proxy apply to their CA only', () => {
    expect(registry.endpoint('https://acme-v02.api.letsencrypt.org/directory')).toEqual({
      directoryUrl: 'https://acme-mirror.example.cn/directory',
      proxyUrl: 'http://proxy.internal:3128',
      timeoutMs: 7_000,
    });
    expect(registry.endpoint('https://acme.zerossl.com/v2/DV90')).toEqual({ directoryUrl: 'https://acme.zerossl.com/v2/DV90', timeoutMs: 7_000 });
  });
});
