/**
 * The guided demo of the local runtime: issues one certificate for a demo domain through the
 * local Pebble CA with dns-01, verifies its chain, and stores it with its private key encrypted.
 *
 * It drives acme-client directly, one step at a time, and prints each step. The resumable
 * issuance engine (order state machine, self-checks, typed ACME errors) replaces this flow as the
 * demo's engine once it exists; the steps a user sees stay the same.
 */
import { X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import * as acme from 'acme-client';
import type { Cipher } from '../ports/cipher';
import type { Clock } from '../ports/clock';
import type { Store, StoredDoc } from '../ports/store';
import { newDocId } from '../adapters/store/common';
import type { PebbleStack } from './pebble';

export interface DemoResult {
  certificateId: string;
  versionId: string;
  names: string[];
  serialNumber: string;
  notAfter: number;
  daysLeft: number;
}

interface AccountDoc extends StoredDoc {
  ownerId: string;
  directoryUrl: string;
  accountUrl: string;
  accountKeySealed: string;
}

interface CertificateDoc extends StoredDoc {
  ownerId: string;
  names: string[];
  caId: string;
  keyType: string;
  currentVersionId: string | null;
  notAfter: number | null;
  nextActionAt: number | null;
}

interface CertificateVersionDoc extends StoredDoc {
  ownerId: string;
  certificateId: string;
  chainPem: string;
  privateKeySealed: string;
  serialNumber: string;
  fingerprint256: string;
  notBefore: number;
  notAfter: number;
}

const DAY_MS = 86_400_000;

export async function runDemoIssuance(deps: {
  stack: PebbleStack;
  store: Store;
  cipher: Cipher;
  clock: Clock;
  ownerId: string;
  names: string[];
  say: (line: string) => void;
}): Promise<DemoResult> {
  const { stack, store, cipher, clock, ownerId, names, say } = deps;
  const total = 6;
  const step = (n: number, text: string) => say(`[${n}/${total}] ${text}`);

  // acme-client's HTTP settings are process-wide: trust the local CA's listener, never hang.
  acme.axios.defaults.httpsAgent = new Agent({ ca: stack.caCertPem });
  acme.axios.defaults.timeout = 10_000;
  acme.axios.defaults.proxy = false;
  step(1, `Local CA ready: ${stack.directoryUrl} (Pebble, loopback only)`);

  const accountKey = await acme.crypto.createPrivateEcdsaKey('P-256');
  const client = new acme.Client({
    directoryUrl: stack.directoryUrl,
    accountKey,
    backoffAttempts: 30,
    backoffMin: 50,
    backoffMax: 500,
  });
  await client.createAccount({ termsOfServiceAgreed: true });
  const accounts = store.collection<AccountDoc>('accounts');
  // Ids are chosen first so each secret is sealed to its own document in a single write.
  const accountId = newDocId();
  await accounts.insert({
    _id: accountId,
    ownerId,
    directoryUrl: stack.directoryUrl,
    accountUrl: client.getAccountUrl(),
    accountKeySealed: cipher.encrypt(accountKey.toString(), `accounts/${accountId}/accountKey`),
  });
  step(2, `ACME account ${client.getAccountUrl()} (ECDSA P-256); key encrypted into accounts/${accountId}`);

  const order = await client.createOrder({ identifiers: names.map((value) => ({ type: 'dns', value })) });
  const authorizations = await client.getAuthorizations(order);
  const txtNames = new Set<string>();
  for (const authz of authorizations) {
    const challenge = dnsChallengeOf(authz);
    const value = await client.getChallengeKeyAuthorization(challenge);
    const txtName = `_acme-challenge.${authz.identifier.value}`;
    await stack.setTxt(txtName, value);
    txtNames.add(txtName);
    step(3, `Validation for ${authz.wildcard ? '*.' : ''}${authz.identifier.value}: TXT ${txtName} = ${value}`);
  }

  try {
    for (const authz of authorizations) {
      const challenge = dnsChallengeOf(authz);
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
    }
  } finally {
    for (const name of txtNames) await stack.clearTxt(name);
  }
  step(4, `CA validated ${names.join(', ')}; TXT records removed`);

  const [privateKey, csr] = await acme.crypto.createCsr({ altNames: names }, await acme.crypto.createPrivateEcdsaKey('P-256'));
  const finalized = await client.finalizeOrder(order, csr);
  const chainPem = await client.getCertificate({ ...(await client.waitForValidStatus(finalized)), url: order.url });
  const chain = acme.crypto.splitPemChain(chainPem).map((pem) => new X509Certificate(pem));
  const root = new X509Certificate(await stack.issuingRootPem());
  const leaf = chain[0];
  if (!leaf) throw new Error('demo: the CA returned an empty chain');
  chain.forEach((cert, i) => {
    const issuer = chain[i + 1] ?? root;
    if (!cert.verify(issuer.publicKey)) throw new Error(`demo: chain link ${i} is not signed by its issuer`);
  });
  const notBefore = Date.parse(leaf.validFrom);
  const notAfter = Date.parse(leaf.validTo);
  step(5, `Issued serial ${leaf.serialNumber}, valid until ${leaf.validTo}; chain of ${chain.length} verified against Pebble's root`);

  const certificateId = newDocId();
  const versionId = newDocId();
  // The version first: a certificate never points at a version that is not there.
  await store.collection<CertificateVersionDoc>('certificateVersions').insert({
    _id: versionId,
    ownerId,
    certificateId,
    chainPem,
    privateKeySealed: cipher.encrypt(privateKey.toString(), `certificateVersions/${versionId}/privateKey`),
    serialNumber: leaf.serialNumber,
    fingerprint256: leaf.fingerprint256,
    notBefore,
    notAfter,
  });
  // Renew with a third of the lifetime left (the lifetime-ratio policy).
  const renewAt = notAfter - Math.floor((notAfter - notBefore) / 3);
  await store.collection<CertificateDoc>('certificates').insert({
    _id: certificateId, ownerId, names, caId: 'pebble', keyType: 'ec-p256', currentVersionId: versionId, notAfter, nextActionAt: renewAt,
  });
  const daysLeft = Math.floor((notAfter - clock.now()) / DAY_MS);
  step(6, `Stored certificates/${certificateId} (version ${versionId}); private key encrypted; ${daysLeft} days left, renewal due ${new Date(renewAt).toISOString()}`);

  return { certificateId, versionId, names, serialNumber: leaf.serialNumber, notAfter, daysLeft };
}

function dnsChallengeOf(authz: acme.Authorization) {
  const challenge = authz.challenges.find((c) => c.type === 'dns-01');
  if (!challenge) throw new Error(`demo: the CA offered no dns-01 challenge for ${authz.identifier.value}`);
  return challenge;
}
