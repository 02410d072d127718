import * as acme from 'acme-client';

/**
 * Plain acme-client, as the tests use it to prove the local CA, with two test settings: fast
 * polling (the library waits 5 s by default), and more immediate badNonce retries than its 5,
 * so the suite also passes against a CA rejecting half of all nonces (PEBBLE_WFE_NONCEREJECT=50).
 */
export function plainAcmeClient(options: acme.ClientOptions): acme.Client {
  const client = new acme.Client({ backoffAttempts: 30, backoffMin: 50, backoffMax: 500, ...options });
  (client as unknown as { http: { maxBadNonceRetries: number } }).http.maxBadNonceRetries = 20;
  return client;
}
