/**
 * Hands-free validation settings of a deployment, from the functions' environment, checked at
 * start-up (a wrong value names its variable):
 * - `CERTKEEPER_DELEGATION_ZONE`: the zone users delegate `_acme-challenge` to by CNAME, e.g.
 *   `acme.example.com`; `CERTKEEPER_DELEGATION_PROVIDER`: its DNS provider (`dnspod`, `alidns`,
 *   `cloudflare`, `huaweicloud`); `CERTKEEPER_DELEGATION_CREDENTIALS`: JSON of that provider's
 *   credential fields. All three or none.
 * - `CERTKEEPER_ACMEHTTP_URL`: public https base URL of the `acmehttp` function (its HTTP access
 *   route), which users' http-01 redirects point at. Unset: no http-01 delegation.
 */
import { DNS_PROVIDERS, isDnsProviderId } from '../domain/dns-providers';
import { parseName } from '../domain/names';
import type { DnsProviderFactory } from '../ports/dns-provider';
import type { DnsServices } from '../usecases/engine';
import { ConfigError } from './delivery-config';

export function readAutomationConfig(env: Readonly<Record<string, string | undefined>>, factories: DnsServices['providers']): DnsServices {
  return { providers: factories, delegation: readDelegation(env, factories), acmeHttpBaseUrl: readAcmeHttpUrl(env.CERTKEEPER_ACMEHTTP_URL) };
}

function readDelegation(env: Readonly<Record<string, string | undefined>>, factories: Readonly<Record<string, DnsProviderFactory>>): DnsServices['delegation'] {
  const zone = env.CERTKEEPER_DELEGATION_ZONE;
  const providerId = env.CERTKEEPER_DELEGATION_PROVIDER;
  const credentials = env.CERTKEEPER_DELEGATION_CREDENTIALS;
  if (zone === undefined && providerId === undefined && credentials === undefined) return null;
  const parsed = parseName(zone ?? '');
  if (!parsed.ok || parsed.name.wildcard) throw new ConfigError('CERTKEEPER_DELEGATION_ZONE', 'must be a domain name, e.g. acme.example.com');
  if (providerId === undefined || !isDnsProviderId(providerId)) throw new ConfigError('CERTKEEPER_DELEGATION_PROVIDER', `must be one of ${Object.keys(DNS_PROVIDERS).join(', ')}`);
  let fields: unknown;
  try {
    fields = JSON.parse(credentials ?? '');
  } catch {
    throw new ConfigError('CERTKEEPER_DELEGATION_CREDENTIALS', 'must be a JSON object of the provider’s credential fields');
  }
  const descriptor = DNS_PROVIDERS[providerId];
  const record = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {};
  for (const field of descriptor.fields) {
    const value = record[field.key];
    if (typeof value !== 'string' || !field.pattern.test(value)) throw new ConfigError('CERTKEEPER_DELEGATION_CREDENTIALS', `needs a valid "${field.key}" for ${providerId}`);
  }
  const factory = factories[providerId];
  if (!factory) throw new ConfigError('CERTKEEPER_DELEGATION_PROVIDER', `has no adapter: ${providerId}`);
  return { zone: parsed.name.ascii, provider: factory(record as Record<string, string>) };
}

function readAcmeHttpUrl(text: string | undefined): string | null {
  if (text === undefined || text === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('CERTKEEPER_ACMEHTTP_URL', 'must be an https URL');
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') throw new ConfigError('CERTKEEPER_ACMEHTTP_URL', 'must be an https URL without query or fragment');
  return text.replace(/\/+$/, '');
}
