/**
 * The `ChallengeSelfCheck` port over the real network: TXT records at the authoritative name
 * servers (`dns-txt-check.ts`) and the http-01 file as a CA would fetch it (`http-check.ts`).
 */
import { promises as dns } from 'node:dns';
import type { ChallengeSelfCheck, HttpCheckRequest, HttpCheckResult, TxtCheckRequest, TxtCheckResult } from '../../ports/self-check';
import { DnsTxtCheck, type DnsTxtCheckOptions } from './dns-txt-check';
import { HttpCheck, type HttpCheckOptions } from './http-check';

export type { DnsTxtCheckOptions } from './dns-txt-check';
export type { HttpCheckOptions } from './http-check';

export interface SelfCheckOptions {
  dns?: DnsTxtCheckOptions;
  http?: HttpCheckOptions;
}

export class NetworkSelfCheck implements ChallengeSelfCheck {
  private readonly txt: DnsTxtCheck;
  private readonly http: HttpCheck;

  constructor(options: SelfCheckOptions = {}) {
    this.txt = new DnsTxtCheck(options.dns);
    this.http = new HttpCheck(options.http);
  }

  checkTxt(request: TxtCheckRequest): Promise<TxtCheckResult> {
    return this.txt.checkTxt(request);
  }

  checkHttp(request: HttpCheckRequest): Promise<HttpCheckResult> {
    return this.http.checkHttp(request);
  }
}

/**
 * Local mode: challtestsrv (`dnsServer`, `127.0.0.1:port`) stands in for every authoritative
 * server and resolves names for http-01, whose files are served on 127.0.0.1:`httpPort`.
 * Loopback is allowed; nothing else changes.
 */
/**
 * Names → IPv4 and IPv6 addresses as `dnsServer` (host:port) answers, instead of the system's
 * resolver: the local runtime and the tests ask challtestsrv on loopback and nothing else.
 */
export function resolverAt(dnsServer: string): (host: string) => Promise<string[]> {
  const resolver = new dns.Resolver({ timeout: 2_000, tries: 2 });
  resolver.setServers([dnsServer]);
  const none = (): string[] => [];
  return async (host) => [...(await resolver.resolve4(host).catch(none)), ...(await resolver.resolve6(host).catch(none))];
}

export function localSelfCheckOptions(dnsServer: string, httpPort: number): SelfCheckOptions {
  return {
    dns: { authoritativeServers: [dnsServer] },
    http: {
      allowLoopback: true,
      httpPort,
      resolve: resolverAt(dnsServer),
    },
  };
}
