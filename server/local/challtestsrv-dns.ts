/**
 * The local CA stack's DNS (challtestsrv) as a DNS provider: the local runtime's delegation zone
 * and the tests' stand-in for a vendor's API, so that Pebble really validates what was published.
 */
import type { DnsProvider, TxtRecordHandle } from '../ports/dns-provider';
import type { PebbleStack } from './pebble';

export function challtestsrvProvider(stack: Pick<PebbleStack, 'setTxt' | 'clearTxt'>, zone: string): DnsProvider {
  // challtestsrv can only clear every value of a name, so the values are kept to put the others back.
  const values = new Map<string, string[]>();
  let sequence = 0;
  return {
    findZone: async () => ({ zone, zoneId: zone }),
    async createTxt(fqdn, value): Promise<TxtRecordHandle> {
      values.set(fqdn, [...(values.get(fqdn) ?? []), value]);
      await stack.setTxt(fqdn, value);
      // `provider` only labels the handle; whichever provider id it stands in for, removal comes back here.
      return { provider: 'dnspod', zone, zoneId: zone, recordId: `local-${++sequence}`, fqdn, value };
    },
    async deleteTxt(handle) {
      const left = (values.get(handle.fqdn) ?? []).filter((v, i, all) => v !== handle.value || all.indexOf(v) !== i);
      values.set(handle.fqdn, left);
      await stack.clearTxt(handle.fqdn);
      for (const value of left) await stack.setTxt(handle.fqdn, value);
    },
    testConnection: async () => ({ zones: 1 }),
  };
}
