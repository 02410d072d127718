/** Every DNS provider adapter, by provider id (descriptors in `domain/dns-providers.ts`). */
import type { DnsProviderId } from '../../domain/dns-providers';
import type { DnsProviderFactory } from '../../ports/dns-provider';
import { createAlidnsProvider } from './alidns';
import { createCloudflareProvider } from './cloudflare';
import { createDnspodProvider } from './dnspod';
import { createHuaweicloudProvider } from './huaweicloud';

export const DNS_PROVIDER_FACTORIES: Readonly<Record<DnsProviderId, DnsProviderFactory>> = {
  dnspod: createDnspodProvider,
  alidns: createAlidnsProvider,
  cloudflare: createCloudflareProvider,
  huaweicloud: createHuaweicloudProvider,
};
