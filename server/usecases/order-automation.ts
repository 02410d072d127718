/**
 * The two steps of hands-free validation: `publish` puts an order's challenges where the CA will
 * look (the user's DNS provider, the operator's delegation zone, or the acmehttp token store), and
 * `cleanup` removes exactly that again once the order has ended. Between them the order runs the
 * same self-check and submission as a manual one.
 */
import type { PublishedRecord } from '../domain/automation';
import type { OrderDoc } from '../domain/order';
import { DnsProviderError, type DnsProvider } from '../ports/dns-provider';
import { providerFor } from './credentials';
import type { EngineDeps } from './engine';
import { publishHttpTokens, removeHttpTokens } from './http-tokens';

/** A pause after publishing before the first self-check: DNS APIs take a moment to reach their servers. */
export const PUBLISH_SETTLE_MS = 5_000;

/**
 * Publishes the pending challenges. All or nothing: when one record fails, those already made are
 * removed again. A provider's permanent refusal is returned as `refused` (the order fails with
 * the reason); anything transient is thrown, and the step is retried with back-off.
 */
export async function publishChallenges(deps: EngineDeps, order: OrderDoc): Promise<{ published: PublishedRecord[] } | { refused: string }> {
  const pending = order.challenges.filter((task) => task.status === 'pending');
  const published: PublishedRecord[] = [];
  try {
    const { automation } = order;
    if (automation.kind === 'httpRedirect') {
      for (const token of await publishHttpTokens(deps, order)) published.push({ kind: 'httpToken', token });
    } else if (automation.kind === 'dnsProvider' || automation.kind === 'cnameDelegation') {
      const via = automation.kind === 'dnsProvider' ? 'provider' : 'delegation';
      const provider = await dnsFor(deps, order);
      for (const task of pending) {
        const fqdn = automation.kind === 'dnsProvider' ? `_acme-challenge.${task.name}` : automation.targets[task.name];
        if (fqdn === undefined) return { refused: `no delegation target for ${task.name}` };
        published.push({ kind: 'txt', via, handle: await provider.createTxt(fqdn, task.proof) });
      }
    }
    return { published };
  } catch (error) {
    await removePublished(deps, order, published);
    if (error instanceof DnsProviderError && !error.retryable) return { refused: `${error.kind}: ${error.message}` };
    throw error;
  }
}

/** Removes what an order published. Never throws: a failed removal is logged, and the rest still goes. */
export async function removePublished(deps: EngineDeps, order: OrderDoc, published: readonly PublishedRecord[] = order.published): Promise<void> {
  let provider: DnsProvider | null = null;
  for (const record of published) {
    try {
      if (record.kind === 'httpToken') {
        await removeHttpTokens(deps, [record.token]);
      } else {
        provider ??= await dnsFor(deps, order);
        await provider.deleteTxt(record.handle);
      }
    } catch (error) {
      deps.logger.warn('order.cleanup_failed', { orderId: order._id, kind: record.kind, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

async function dnsFor(deps: EngineDeps, order: OrderDoc): Promise<DnsProvider> {
  const { automation } = order;
  if (automation.kind === 'dnsProvider') return providerFor(deps, order.ownerId, automation.credentialId);
  if (deps.dns.delegation) return deps.dns.delegation.provider;
  throw new DnsProviderError('vendor', 'this deployment has no delegation zone configured');
}
