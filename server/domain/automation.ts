/**
 * Hands-free validation: how a certificate's challenges get published without a person, set up
 * once per certificate, and the records an order published (so that they are removed again).
 */
import type { TxtRecordHandle } from '../ports/dns-provider';
import type { DnsProviderId } from './dns-providers';

export type Automation =
  /** The user publishes the TXT record or file at every issuance and renewal. */
  | { kind: 'manual' }
  /** TXT records through the user's DNS provider API, with their stored credential. */
  | { kind: 'dnsProvider'; credentialId: string; provider: DnsProviderId }
  /**
   * `_acme-challenge.<name>` is a CNAME, added once by the user, to a name in the operator's
   * delegation zone, where CertKeeper writes the TXT records. `targets` maps each base name (no
   * `*.`) to its target; `verifiedAt` is when the CNAMEs were seen working (automatic from then on).
   */
  | { kind: 'cnameDelegation'; targets: Record<string, string>; verifiedAt: number | null }
  /** The user's server redirects `/.well-known/acme-challenge/` to CertKeeper's `acmehttp` function. */
  | { kind: 'httpRedirect'; verifiedAt: number | null };

export type AutomationKind = Automation['kind'];

export const MANUAL: Automation = { kind: 'manual' };

/** Whether orders of this certificate publish their challenges themselves. */
export function isAutomatic(automation: Automation): boolean {
  switch (automation.kind) {
    case 'manual':
      return false;
    case 'dnsProvider':
      return true;
    case 'cnameDelegation':
    case 'httpRedirect':
      return automation.verifiedAt !== null;
  }
}

/** Something an order published, to be removed when the order ends. */
export type PublishedRecord =
  | { kind: 'txt'; via: 'provider' | 'delegation'; handle: TxtRecordHandle }
  | { kind: 'httpToken'; token: string };

/**
 * A stable, unique delegation target for `base` in `zone`: a label from the certificate's id and
 * the name's position, so it never changes for the certificate and never collides between users.
 */
export function delegationTarget(certificateId: string, index: number, zone: string): string {
  return `${certificateId.toLowerCase().replace(/[^a-z0-9]/g, '')}-${index}.${zone}`;
}

/** The base names (no `*.`, de-duplicated) of a certificate's names: one `_acme-challenge` each. */
export function challengeBases(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => (name.startsWith('*.') ? name.slice(2) : name)))];
}
