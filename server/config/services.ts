/**
 * Turns the parsed configuration into what the engine is built from: the CA registry (directory
 * overrides, mirrors, one proxy for every CA, the timeout) and the hands-free validation services.
 * No I/O: the composition root (`handlers/cloud-runtime.ts`) supplies the adapters.
 */
import type { CaRegistry, DnsServices } from '../usecases/engine';
import { createCaRegistry } from '../usecases/engine';
import type { AutomationConfig, CaConfig } from './read';

/** A CaRegistry from the CA settings; the proxy applies to every directory, custom ones included. */
export function caRegistryFromConfig(ca: CaConfig): CaRegistry {
  const perDirectory = Object.fromEntries(Object.entries(ca.mirrors).map(([directory, mirrorUrl]) => [directory, { mirrorUrl }]));
  const registry = createCaRegistry({ timeoutMs: ca.timeoutMs, directoryUrls: ca.directoryUrls, perDirectory });
  const { proxyUrl } = ca;
  if (proxyUrl === null) return registry;
  return {
    directoryUrl: (caId, customDirectoryUrl) => registry.directoryUrl(caId, customDirectoryUrl),
    endpoint: (directoryUrl) => ({ ...registry.endpoint(directoryUrl), proxyUrl }),
  };
}

/** The DNS services from the delegation settings and the provider adapters. */
export function dnsServicesFromConfig(automation: AutomationConfig, providers: DnsServices['providers']): DnsServices {
  const { delegation } = automation;
  return {
    providers,
    delegation: delegation ? { zone: delegation.zone, provider: providers[delegation.providerId](delegation.credentials) } : null,
    acmeHttpBaseUrl: automation.acmeHttpBaseUrl,
  };
}
