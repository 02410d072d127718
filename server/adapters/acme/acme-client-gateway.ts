/**
 * `AcmeGateway` over acme-client 5.4.0, with its sharp edges filed off
 * (see ../shared/reference/acme-and-pebble.md §4):
 *
 * - no in-process sleeping: acme-client's own retry of 429/5xx is switched off; the error carries
 *   `Retry-After` and the caller reschedules (its immediate badNonce retry stays on);
 * - no wait loops: `waitForValidStatus` and `auto()` are never used; every call is single-shot;
 * - problem documents and transport errors are captured below acme-client, where they are still
 *   intact, through a wrapper around axios's HTTP adapter, and rethrown as typed `AcmeError`s;
 * - per-CA settings (timeout, trusted roots, proxy) are applied per request from an
 *   AsyncLocalStorage context, instead of acme-client's process-global axios defaults;
 * - order, authorization and certificate URLs are carried by us, never lost.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import * as acme from 'acme-client';
import axios, { type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import {
  AcmeError,
  type AcmeAuthorizationView,
  type AcmeChallengeView,
  type AcmeDirectoryInfo,
  type AcmeGateway,
  type AcmeOrderView,
  type AcmeSession,
  type CaEndpoint,
  type ExternalAccountBinding,
} from '../../ports/acme';
import type { RenewalWindow } from '../../domain/ari';
import { problemFromBody, retryAfterMs, transportKind } from './problems';
import { fetchRenewalInfo } from './renewal-info';

interface CallContext {
  endpoint: CaEndpoint;
  /** The last failed HTTP exchange seen below acme-client in this call. */
  failure: { status: number | null; body: unknown; retryAfter: string | null; code: string | null; cause: unknown } | null;
}

const context = new AsyncLocalStorage<CallContext>();
const agents = new Map<string, Agent>();
let installed = false;

/** Hooks into acme-client's axios instance once per process. */
function install(): void {
  if (installed) return;
  installed = true;
  const settings = (acme.axios.defaults as { acmeSettings?: { retryMaxAttempts: number } }).acmeSettings;
  if (settings) settings.retryMaxAttempts = 0;
  const httpAdapter = axios.getAdapter('http');
  acme.axios.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    const current = context.getStore();
    if (!current) return config;
    config.timeout = current.endpoint.timeoutMs;
    config.proxy = false;
    config.httpsAgent = agentFor(current.endpoint);
    config.adapter = capturing(httpAdapter, current);
    return config;
  });
}

function capturing(adapter: AxiosAdapter, current: CallContext): AxiosAdapter {
  // acme-client sets `validateStatus: () => false`, so the adapter rejects even for 2xx answers and
  // acme-client's own interceptor sorts them out afterwards. Here every HTTP answer is an
  // `error.response`; only an error without one is a transport failure.
  const record = (response: AxiosResponse) => {
    if (response.status < 400) return;
    const retryAfter = response.headers['retry-after'] as unknown;
    current.failure = {
      status: response.status,
      body: response.data,
      retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
      code: null,
      cause: null,
    };
  };
  return async (config) => {
    try {
      const response: AxiosResponse = await adapter(config);
      record(response);
      return response;
    } catch (error) {
      const { response, code } = error as { response?: AxiosResponse; code?: unknown };
      if (response) record(response);
      else current.failure = { status: null, body: null, retryAfter: null, code: typeof code === 'string' ? code : null, cause: error };
      throw error;
    }
  };
}

function agentFor(endpoint: CaEndpoint): Agent {
  const key = `${endpoint.proxyUrl ?? ''}\n${endpoint.trustPem ?? ''}`;
  let agent = agents.get(key);
  if (!agent) {
    // Extra roots are trusted in addition to Node's bundled ones. The TLS context is built once:
    // passing `ca` per connection would re-parse the whole root list on every handshake.
    const secureContext = endpoint.trustPem ? createSecureContext({ ca: [...rootCertificates, endpoint.trustPem] }) : undefined;
    agent = endpoint.proxyUrl
      ? new TrustingProxyAgent(endpoint.proxyUrl, secureContext)
      : new HttpsAgent({ keepAlive: true, ...(secureContext ? { secureContext } : {}) });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Tunnels through an HTTP(S) proxy with CONNECT. https-proxy-agent opens the TLS session to the
 * CA with the request's options only, so the extra roots are added there.
 */
class TrustingProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxyUrl: string,
    private readonly secureContext: SecureContext | undefined,
  ) {
    super(proxyUrl, { keepAlive: true });
  }

  override async connect(...[request, options]: Parameters<HttpsProxyAgent<string>['connect']>) {
    // Only TLS endpoints read it; the CA directory is always https.
    return super.connect(request, this.secureContext && options.secureEndpoint ? { ...options, secureContext: this.secureContext } : options);
  }
}

/** Runs one CA operation with the endpoint's settings and turns any failure into an AcmeError. */
async function call<T>(endpoint: CaEndpoint, operation: string, run: () => Promise<T>): Promise<T> {
  install();
  const current: CallContext = { endpoint, failure: null };
  try {
    return await context.run(current, run);
  } catch (error) {
    throw toAcmeError(operation, error, current.failure);
  }
}

function toAcmeError(operation: string, error: unknown, failure: CallContext['failure']): AcmeError {
  if (error instanceof AcmeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (failure?.status != null) {
    const problem = problemFromBody(failure.body, failure.status);
    const wait = retryAfterMs(failure.retryAfter);
    if (problem) {
      return new AcmeError(problem.kind, `${operation}: ${problem.detail}`, { status: failure.status, problem, retryAfterMs: wait, operation, cause: error });
    }
    return new AcmeError('httpError', `${operation}: HTTP ${failure.status}`, { status: failure.status, retryAfterMs: wait, operation, cause: error });
  }
  if (failure?.code) {
    return new AcmeError(transportKind(failure.code), `${operation}: ${failure.code}`, { operation, cause: failure.cause });
  }
  return new AcmeError('unexpected', `${operation}: ${message}`, { operation, cause: error });
}

/**
 * A badNonce is answered with a fresh nonce and retried at once (RFC 8555 §6.5), without sleeping;
 * acme-client gives up after 5. At 50 % rejection 5 fail once in 64 requests, 20 once in two million.
 */
const BAD_NONCE_RETRIES = 20;

/**
 * Clients are kept per (directory, account key, account URL, EAB key id) for the life of the
 * process, so a warm function instance reads each CA's directory once instead of on every step.
 */
const clients = new Map<string, acme.Client>();
const MAX_CLIENTS = 64;

function clientFor(session: AcmeSession | (CaEndpoint & { accountKeyPem: string; accountUrl?: string }), eab?: ExternalAccountBinding) {
  const key = [session.directoryUrl, createHash('sha256').update(session.accountKeyPem).digest('hex'), session.accountUrl ?? '', eab?.kid ?? ''].join('\n');
  const cached = clients.get(key);
  if (cached) return cached;
  const client = new acme.Client({
    directoryUrl: session.directoryUrl,
    accountKey: session.accountKeyPem,
    ...(session.accountUrl ? { accountUrl: session.accountUrl } : {}),
    ...(eab ? { externalAccountBinding: { kid: eab.kid, hmacKey: eab.hmacKey } } : {}),
  });
  // Not an option of acme-client's constructor; the field is read on every signed request.
  (client as unknown as { http: { maxBadNonceRetries: number } }).http.maxBadNonceRetries = BAD_NONCE_RETRIES;
  if (clients.size >= MAX_CLIENTS) {
    const oldest = clients.keys().next().value;
    if (oldest !== undefined) clients.delete(oldest);
  }
  clients.set(key, client);
  return client;
}

/** The challenge types the product offers (tls-alpn-01 needs control of port 443, which users rarely give). */
const SUPPORTED_CHALLENGES: ReadonlySet<string> = new Set(['http-01', 'dns-01']);

export class AcmeClientGateway implements AcmeGateway {
  async directory(endpoint: CaEndpoint): Promise<AcmeDirectoryInfo> {
    return call(endpoint, 'directory', async () => {
      const response = await acme.axios.get<unknown>(endpoint.directoryUrl, { validateStatus: () => true });
      if (response.status !== 200 || typeof response.data !== 'object' || response.data === null) {
        throw new AcmeError('unexpected', `directory: ${endpoint.directoryUrl} answered HTTP ${response.status} without a directory`, { status: response.status });
      }
      const data = response.data as { renewalInfo?: unknown; meta?: { termsOfService?: unknown; externalAccountRequired?: unknown; profiles?: unknown } };
      const profiles: Record<string, string> = {};
      if (typeof data.meta?.profiles === 'object' && data.meta.profiles !== null) {
        for (const [name, description] of Object.entries(data.meta.profiles)) profiles[name] = String(description);
      }
      return {
        termsOfService: typeof data.meta?.termsOfService === 'string' ? data.meta.termsOfService : null,
        externalAccountRequired: data.meta?.externalAccountRequired === true,
        renewalInfo: typeof data.renewalInfo === 'string' ? data.renewalInfo : null,
        profiles,
      };
    });
  }

  async createAccount(
    endpoint: CaEndpoint,
    request: { accountKeyPem: string; externalAccountBinding?: ExternalAccountBinding; contact?: string[] },
  ): Promise<{ accountUrl: string }> {
    return call(endpoint, 'newAccount', async () => {
      const client = clientFor({ ...endpoint, accountKeyPem: request.accountKeyPem }, request.externalAccountBinding);
      // acme-client's createAccount() answers an existing account (HTTP 200) with an empty account
      // update, which CAs may refuse ("use POST-as-GET"); RFC 8555 §7.3.1 puts the URL of the new or
      // existing account in Location either way, so the request is made one level down.
      const internals = client as unknown as { api: { createAccount(data: object): Promise<{ headers: Record<string, unknown> }> } };
      const response = await internals.api.createAccount({ termsOfServiceAgreed: true, ...(request.contact ? { contact: request.contact } : {}) });
      const location = response.headers.location;
      if (typeof location !== 'string') throw new AcmeError('unexpected', 'newAccount: the CA returned no account URL');
      return { accountUrl: location };
    });
  }

  async createOrder(session: AcmeSession, request: { names: string[]; profile?: string; replaces?: string }): Promise<AcmeOrderView> {
    return call(session, 'newOrder', async () => {
      // `profile` and `replaces` are sent verbatim; acme-client's request type does not list them.
      const body = {
        identifiers: request.names.map((value) => ({ type: 'dns', value })),
        ...(request.profile ? { profile: request.profile } : {}),
        ...(request.replaces ? { replaces: request.replaces } : {}),
      } as Parameters<acme.Client['createOrder']>[0];
      return orderView(await clientFor(session).createOrder(body));
    });
  }

  async getOrder(session: AcmeSession, orderUrl: string): Promise<AcmeOrderView> {
    return call(session, 'getOrder', async () => orderView(await clientFor(session).getOrder({ url: orderUrl } as acme.Order)));
  }

  async getAuthorization(session: AcmeSession, authorizationUrl: string): Promise<AcmeAuthorizationView> {
    return call(session, 'getAuthorization', async () => {
      const client = clientFor(session);
      const [authz] = await client.getAuthorizations({ authorizations: [authorizationUrl] } as acme.Order);
      if (!authz) throw new AcmeError('unexpected', 'getAuthorization: empty answer');
      const challenges: AcmeChallengeView[] = [];
      for (const challenge of authz.challenges) {
        if (!SUPPORTED_CHALLENGES.has(challenge.type)) continue;
        challenges.push({
          type: challenge.type,
          url: challenge.url,
          status: challenge.status,
          token: challenge.token,
          proof: await client.getChallengeKeyAuthorization(challenge),
          error: problemFromBody((challenge as { error?: unknown }).error, null),
        });
      }
      return {
        url: authorizationUrl,
        status: authz.status,
        name: authz.identifier.value,
        wildcard: authz.wildcard === true,
        expiresAt: authz.expires ? Date.parse(authz.expires) : null,
        challenges,
      };
    });
  }

  async respondToChallenge(session: AcmeSession, challengeUrl: string): Promise<void> {
    await call(session, 'respondToChallenge', async () => {
      await clientFor(session).completeChallenge({ url: challengeUrl } as acme.Authorization['challenges'][number]);
    });
  }

  async deactivateAuthorization(session: AcmeSession, authorizationUrl: string): Promise<void> {
    await call(session, 'deactivateAuthorization', async () => {
      await clientFor(session).deactivateAuthorization({ url: authorizationUrl } as acme.Authorization);
    });
  }

  async finalize(session: AcmeSession, order: { url: string; finalizeUrl: string }, csrPem: string): Promise<AcmeOrderView> {
    return call(session, 'finalize', async () =>
      orderView(await clientFor(session).finalizeOrder({ url: order.url, finalize: order.finalizeUrl } as acme.Order, csrPem)),
    );
  }

  async downloadCertificate(session: AcmeSession, certificateUrl: string): Promise<string> {
    return call(session, 'downloadCertificate', async () =>
      // A 'valid' status keeps acme-client from polling before it downloads.
      clientFor(session).getCertificate({ status: 'valid', certificate: certificateUrl } as acme.Order),
    );
  }

  renewalInfo(endpoint: CaEndpoint, renewalInfoUrl: string, certificateId: string): Promise<RenewalWindow> {
    return fetchRenewalInfo(endpoint, renewalInfoUrl, certificateId);
  }

  async revoke(session: AcmeSession, certificatePem: string, reason: number): Promise<void> {
    await call(session, 'revokeCert', async () => {
      // RFC 5280 reason codes; acme-client types them as an enum that has no runtime value.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- see above
      await clientFor(session).revokeCertificate(certificatePem, { reason });
    });
  }
}

function orderView(order: acme.Order): AcmeOrderView {
  return {
    url: order.url,
    status: order.status,
    expiresAt: order.expires ? Date.parse(order.expires) : null,
    names: order.identifiers.map((identifier) => identifier.value),
    authorizationUrls: order.authorizations,
    finalizeUrl: order.finalize,
    certificateUrl: order.certificate ?? null,
    error: problemFromBody((order as { error?: unknown }).error, null),
  };
}
