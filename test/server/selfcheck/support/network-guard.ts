/**
 * Keeps a test on loopback even if the code under test is wrong: TCP/TLS connections and DNS
 * queries to anything but 127.0.0.0/8 or ::1 throw before a packet leaves, and every connection
 * attempt is recorded so that tests can assert that a refused address was never contacted.
 */
import { promises as dns } from 'node:dns';
import { Socket } from 'node:net';

export interface NetworkGuard {
  /** Hosts of every connection attempted since the guard was installed (or last cleared). */
  readonly connections: string[];
  restore(): void;
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || bare === '::1' || bare === 'localhost';
}

type Method = (...args: unknown[]) => unknown;

export function guardLoopbackOnly(): NetworkGuard {
  const connections: string[] = [];
  const socketProto = Socket.prototype as unknown as Record<string, Method>;
  const connect = socketProto.connect;
  if (connect === undefined) throw new Error('network guard: net.Socket has no connect');
  socketProto.connect = function (this: Socket, ...args: unknown[]) {
    const host = connectHost(args);
    if (host !== null) {
      connections.push(host);
      if (!isLoopback(host)) throw new Error(`network guard: refused a connection to ${host}`);
    }
    return connect.apply(this, args);
  };

  const resolverProto = dns.Resolver.prototype as unknown as Record<string, Method>;
  const originals = new Map<string, Method>();
  for (const name of ['resolveTxt', 'resolveCname', 'resolveNs', 'resolve4', 'resolve6', 'resolveSoa', 'resolveAny']) {
    const original = resolverProto[name];
    if (original === undefined) continue;
    originals.set(name, original);
    resolverProto[name] = function (this: dns.Resolver, ...args: unknown[]) {
      const outside = this.getServers().filter((server) => !isLoopback(hostOfServer(server)));
      if (outside.length > 0) return Promise.reject(new Error(`network guard: refused a DNS query to ${outside.join(', ')}`));
      return original.apply(this, args);
    };
  }

  return {
    connections,
    restore: () => {
      socketProto.connect = connect;
      for (const [name, original] of originals) resolverProto[name] = original;
    },
  };
}

/** The host a `Socket#connect` call goes to, or null for a Unix socket. */
function connectHost(args: unknown[]): string | null {
  const [first, second] = args;
  const options = Array.isArray(first) ? (first[0] as unknown) : first;
  if (typeof options === 'number' || (typeof options === 'string' && /^\d+$/.test(options))) {
    return typeof second === 'string' ? second : 'localhost';
  }
  if (typeof options !== 'object' || options === null) return null;
  if ('host' in options && typeof options.host === 'string') return options.host;
  // No host: a Unix socket when there is no port (HTTP passes its request path as `path` too).
  return 'port' in options && options.port !== undefined && options.port !== null ? 'localhost' : null;
}

function hostOfServer(server: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(server);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const parts = server.split(':');
  return parts.length === 2 ? (parts[0] ?? server) : server;
}
