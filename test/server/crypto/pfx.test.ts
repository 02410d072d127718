import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { createPfx, PFX_ITERATIONS } from '../../../server/adapters/crypto/pfx';
import { useTempDir } from '../support/temp-dir';

const run = promisify(execFile);
const PASSWORD = 'Correct-Horse 9!';
const DAY = 86_400_000;

type Params = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
const EC_P256: Params = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_P384: Params = { name: 'ECDSA', namedCurve: 'P-384' };
const RSA_2048: Params = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
const SIGN_EC = { name: 'ECDSA', hash: 'SHA-256' };

interface Chain {
  leafPem: string;
  intermediatePem: string;
  leafKeyPem: string;
  leafKey: KeyObject;
}

/** Root → intermediate (EC P-256) → leaf with the given key, the way a CA issues them. */
async function buildChain(leafParams: Params): Promise<Chain> {
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 90 * DAY) };
  const caExtensions = [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)];
  const rootKeys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=CertKeeper Test Root', keys: rootKeys, signingAlgorithm: SIGN_EC, extensions: caExtensions, ...validity,
  }, webcrypto);
  const intermediateKeys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: 'CN=CertKeeper Test Intermediate', issuer: root.subject, publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey, signingAlgorithm: SIGN_EC, extensions: caExtensions, ...validity,
  }, webcrypto);
  const leafKeys = await webcrypto.subtle.generateKey(leafParams, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '03', subject: 'CN=example.com', issuer: intermediate.subject, publicKey: leafKeys.publicKey,
    signingKey: intermediateKeys.privateKey, signingAlgorithm: SIGN_EC, ...validity,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'example.com' }, { type: 'dns', value: '*.example.com' }])],
  }, webcrypto);
  const leafKey = KeyObject.from(leafKeys.privateKey);
  return {
    leafPem: leaf.toString('pem'),
    intermediatePem: intermediate.toString('pem'),
    leafKeyPem: leafKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    leafKey,
  };
}

const spki = (key: KeyObject): Buffer => createPublicKey(key).export({ type: 'spki', format: 'der' });
const certificatesIn = (pem: string): X509Certificate[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));

async function isInstalled(command: string): Promise<boolean> {
  const dirs = (process.env.PATH ?? '').split(':').filter((dir) => dir !== '');
  for (const dir of dirs) {
    try {
      await access(join(dir, command));
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

describe('createPfx', () => {
  const dir = useTempDir('pfx', 'all');
  const openssl = async (...args: string[]) => run('openssl', args, { cwd: dir() });
  async function writePfx(name: string, chain: Chain, friendlyName = 'example.com'): Promise<string> {
    const pfx = createPfx({ privateKeyPem: chain.leafKeyPem, chainPem: chain.leafPem + chain.intermediatePem, password: PASSWORD, friendlyName });
    const file = join(dir(), `${name}.pfx`);
    await writeFile(file, pfx);
    return file;
  }

  const cases: [string, Params][] = [['EC P-256', EC_P256], ['EC P-384', EC_P384], ['RSA 2048', RSA_2048]];
  test.each(cases)('%s: OpenSSL 3 opens it and gets back the key of the leaf and the whole chain', async (label, params) => {
    const chain = await buildChain(params);
    const file = await writePfx(label.replace(/\W/g, ''), chain);

    const keyOut = await openssl('pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes');
    expect(spki(createPrivateKey(keyOut.stdout))).toEqual(spki(chain.leafKey));

    const certOut = await openssl('pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nokeys');
    expect(certificatesIn(certOut.stdout).map((cert) => cert.fingerprint256))
      .toEqual([chain.leafPem, chain.intermediatePem].map((pem) => new X509Certificate(pem).fingerprint256));
  });

  test('encrypts the key with PBES2 / AES-256-CBC and MACs with SHA-256, as OpenSSL 3 reports', async () => {
    const file = await writePfx('info', await buildChain(EC_P256));
    const { stdout, stderr } = await openssl('pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-info', '-nodes');
    expect(stderr).toContain(`MAC: sha256, Iteration ${PFX_ITERATIONS}`);
    expect(stderr).toContain(`Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration ${PFX_ITERATIONS}, PRF hmacWithSHA256`);
    expect(stderr).toMatch(/Certificate bag\n[\s\S]*Certificate bag/);

    // The key and the leaf share a localKeyID and carry the friendly name; the intermediate has neither.
    const localKeyIds = [...stdout.matchAll(/localKeyID: ([0-9A-F ]+)/g)].map((match) => match[1]);
    expect(localKeyIds).toHaveLength(2);
    expect(localKeyIds[0]).toBe(localKeyIds[1]);
    expect([...stdout.matchAll(/friendlyName: example\.com/g)]).toHaveLength(2);
  });

  test('a wrong password fails the MAC check', async () => {
    const file = await writePfx('wrong', await buildChain(EC_P256));
    await expect(openssl('pkcs12', '-in', file, '-passin', 'pass:Wrong-Password-1', '-nodes', '-noout'))
      .rejects.toMatchObject({ stderr: expect.stringMatching(/mac verify/i) });
  });

  test('takes traditional EC and RSA key PEMs as well as PKCS#8', async () => {
    for (const [params, type] of [[EC_P256, 'sec1'], [RSA_2048, 'pkcs1']] as const) {
      const chain = await buildChain(params);
      const traditional = chain.leafKey.export({ type, format: 'pem' }).toString();
      expect(traditional).toMatch(/-----BEGIN (EC|RSA) PRIVATE KEY-----/);
      const file = join(dir(), `traditional-${type}.pfx`);
      await writeFile(file, createPfx({ privateKeyPem: traditional, chainPem: chain.leafPem, password: PASSWORD, friendlyName: 'example.com' }));
      const { stdout } = await openssl('pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes');
      expect(spki(createPrivateKey(stdout))).toEqual(spki(chain.leafKey));
    }
  });

  test.each(cases)('%s: Java keytool lists one private key entry with the chain under the friendly name and decrypts the key (when Java is installed)', async (label, params) => {
    const chain = await buildChain(params);
    const file = await writePfx(`java-${label.replace(/\W/g, '')}`, chain, 'shop.example.com');
    // Java takes the alias from the key bag's friendlyName.
    const { stdout: info } = await openssl('pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes');
    expect(info).toContain('friendlyName: shop.example.com');
    if (!(await isInstalled('keytool'))) {
      console.log('keytool not installed (Debian: default-jre-headless): the Java import was not checked');
      return;
    }
    const { stdout } = await run('keytool', ['-list', '-v', '-keystore', file, '-storetype', 'PKCS12', '-storepass', PASSWORD]);
    expect(stdout).toContain('Your keystore contains 1 entry');
    expect(stdout).toContain('Alias name: shop.example.com');
    expect(stdout).toContain('Entry type: PrivateKeyEntry');
    expect(stdout).toContain('Certificate chain length: 2');
    await expect(run('keytool', ['-list', '-keystore', file, '-storetype', 'PKCS12', '-storepass', 'Wrong-Password-1'])).rejects.toThrow();

    // -list leaves the key encrypted; copying the entry makes Java decrypt it. Java writes the copy,
    // and OpenSSL reads the leaf's key back out of it.
    const copy = join(dir(), `java-copy-${label.replace(/\W/g, '')}.p12`);
    await run('keytool', ['-importkeystore', '-noprompt', '-srckeystore', file, '-srcstoretype', 'PKCS12', '-srcstorepass', PASSWORD,
      '-destkeystore', copy, '-deststoretype', 'PKCS12', '-deststorepass', 'Java-Copy-1']);
    const { stdout: copied } = await openssl('pkcs12', '-in', copy, '-passin', 'pass:Java-Copy-1', '-nocerts', '-nodes');
    expect(spki(createPrivateKey(copied))).toEqual(spki(chain.leafKey));
  });

  test('refuses a key that is not the leaf\'s, an empty chain, and a password that is not printable ASCII', async () => {
    const chain = await buildChain(EC_P256);
    const other = await buildChain(EC_P256);
    const base = { privateKeyPem: chain.leafKeyPem, chainPem: chain.leafPem, password: PASSWORD, friendlyName: 'example.com' };
    expect(() => createPfx({ ...base, privateKeyPem: other.leafKeyPem })).toThrow(/does not belong to the first certificate/);
    expect(() => createPfx({ ...base, chainPem: '' })).toThrow(/no -----BEGIN CERTIFICATE----- block/);
    expect(() => createPfx({ ...base, password: '证书管家密码123' })).toThrow(/printable ASCII/);
    expect(() => createPfx({ ...base, password: '' })).toThrow(/printable ASCII/);
    expect(() => createPfx({ ...base, privateKeyPem: 'not a key' })).toThrow(/not a PEM private key/);
  });
});
