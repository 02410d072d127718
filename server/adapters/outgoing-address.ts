/**
 * Connecting to a host a user named, without being tricked into the cloud's internal network:
 * resolve the name here, refuse it unless every address passes the address rules
 * (`server/domain/address.ts`), then connect to that checked address, with the name carried in
 * `Host` and SNI, so that no second resolution can swap in another address. Shared by the
 * http-01 self-check and the notification channels.
 */
import { promises as dns } from 'node:dns';
import { describeAddress, isAllowedTarget, isIpLiteral, type AddressClass, type TargetPolicy } from '../domain/address';

/** Name → addresses. */
export type Resolve = (host: string) => Promise<string[]>;

export type CheckedAddress =
  | { kind: 'allowed'; address: string }
  | { kind: 'unresolvable'; detail: string }
  | { kind: 'refused'; address: string; class: AddressClass; detail: string };

/** The system resolver (`dns.lookup`, all addresses, in the order the system gives). */
export async function systemResolve(host: string): Promise<string[]> {
  const entries = await dns.lookup(host, { all: true, verbatim: true });
  return entries.map((entry) => entry.address);
}

/** The parsed URL, or null. */
export function parseUrl(text: string, base?: URL): URL | null {
  try {
    return new URL(text, base);
  } catch {
    return null;
  }
}

/** The URL's host without IPv6 brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Resolves `host` (an IP literal stands for itself) and checks every address; any refused
 * address refuses the host. Prefers an IPv4 address to connect to.
 */
export async function checkHost(host: string, policy: TargetPolicy, resolve: Resolve = systemResolve): Promise<CheckedAddress> {
  let addresses: string[];
  if (isIpLiteral(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return { kind: 'unresolvable', detail: `${host} does not resolve: ${errorText(error)}` };
    }
    if (addresses.length === 0) return { kind: 'unresolvable', detail: `${host} does not resolve: no addresses` };
  }
  const refused = addresses.find((address) => !isAllowedTarget(address, policy));
  if (refused !== undefined) {
    const info = describeAddress(refused);
    const embedded = info.embedded ? ` (embeds ${info.embedded.address}, ${info.embedded.class})` : '';
    return { kind: 'refused', address: refused, class: info.class, detail: `${host} resolves to ${refused}, a ${info.class} address${embedded}` };
  }
  const address = addresses.find((a) => !a.includes(':')) ?? addresses[0] ?? host;
  return { kind: 'allowed', address };
}

/**
 * `http(s).request` options that connect to `address` while `Host` and (for https) SNI and the
 * certificate check carry the URL's name.
 */
export function pinnedRequestOptions(url: URL, address: string, port: number): { host: string; port: number; path: string; servername?: string; headers: { Host: string } } {
  return {
    host: address,
    port,
    path: `${url.pathname}${url.search}`,
    ...(url.protocol === 'https:' && !isIpLiteral(url.hostname) ? { servername: url.hostname } : {}),
    headers: { Host: url.host },
  };
}

/** `work`'s result, or `'deadline'` when `deadlineAt` (epoch ms) passes first. */
export async function withDeadline<T>(work: Promise<T>, deadlineAt: number): Promise<T | 'deadline'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), Math.max(0, deadlineAt - Date.now()));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Code and message; duck-typed, as errors may come from another realm. */
export function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('message' in error) || typeof error.message !== 'string') return String(error);
  const code = 'code' in error && typeof error.code === 'string' && !error.message.includes(error.code) ? `${error.code} ` : '';
  return `${code}${error.message}`;
}
