/**
 * The user's web server, for the delegation tests: a loopback HTTP server that applies a pasted
 * redirect snippet the way its server would, per `Host`. Each server's rule is read back out of the
 * snippet text (not rebuilt from the same inputs), so a snippet that means something else than
 * intended sends the CA somewhere else and the test fails.
 *
 * - nginx `location ^~ P { return 302 T$request_uri; }`: a path starting with P → T + the raw URI.
 * - Apache `RedirectMatch 302 R T`: R (PCRE; these patterns mean the same in JavaScript) against
 *   the path, `$1` in T replaced by the first group.
 * - Caddy `redir P* T{uri} 302`: a path starting with P → T + the URI.
 * - IIS `<match url="R" />` against the path without its leading slash, `{R:1}` in the action URL.
 */
import { createServer, type Server } from 'node:http';
import type { RedirectSnippet } from '../../../server/domain/http-delegation';

export type SiteRule = RedirectSnippet | { server: 'status'; status: number } | { server: 'location'; to: (uri: string) => string };

/** The Location a server configured with `snippet` answers for `uri`, or null when its rule does not apply. */
export function emulateRedirect(snippet: RedirectSnippet, uri: string): string | null {
  const path = uri.split('?')[0] ?? '';
  const code = snippet.code;
  switch (snippet.server) {
    case 'nginx': {
      const rule = /location \^~ (\S+) \{\s*return 302 (\S+)\$request_uri;\s*\}/.exec(code);
      if (!rule?.[1] || !rule[2]) throw new Error(`no nginx rule in ${code}`);
      return path.startsWith(rule[1]) ? rule[2] + uri : null;
    }
    case 'apache': {
      const rule = /^RedirectMatch 302 (\S+) (\S+)$/.exec(code);
      if (!rule?.[1] || !rule[2]) throw new Error(`no RedirectMatch in ${code}`);
      const match = new RegExp(rule[1]).exec(path);
      return match ? rule[2].replace('$1', match[1] ?? '') : null;
    }
    case 'caddy': {
      const rule = /^redir (\S+)\* (\S+)\{uri\} 302$/.exec(code);
      if (!rule?.[1] || !rule[2]) throw new Error(`no redir in ${code}`);
      return path.startsWith(rule[1]) ? rule[2] + uri : null;
    }
    case 'iis': {
      const match = /<match url="([^"]+)" \/>/.exec(code);
      const action = /<action type="Redirect" url="([^"]+)" redirectType="Found"/.exec(code);
      if (!match?.[1] || !action?.[1]) throw new Error(`no rewrite rule in ${code}`);
      const found = new RegExp(match[1]).exec(path.slice(1));
      return found ? xmlUnescape(action[1]).replace('{R:1}', found[1] ?? '') : null;
    }
  }
}

function xmlUnescape(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export interface SeenRequest {
  host: string;
  uri: string;
  userAgent: string;
  status: number;
  location: string | null;
}

export interface UserSite {
  /** How the site answers requests for `host` (no rule: 404). */
  rules: Map<string, SiteRule>;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** The user's web server on 127.0.0.1:`port`, where the CA (and the self-check) connect for every name. */
export async function startUserSite(port: number): Promise<UserSite> {
  const rules = new Map<string, SiteRule>();
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const uri = req.url ?? '/';
    const rule = rules.get(host);
    let status = 404;
    let location: string | null = null;
    if (rule?.server === 'status') status = rule.status;
    else if (rule?.server === 'location') location = rule.to(uri);
    else if (rule) location = emulateRedirect(rule, uri);
    if (location !== null) status = 302;
    seen.push({ host, uri, userAgent: req.headers['user-agent'] ?? '', status, location });
    res.writeHead(status, location === null ? { 'content-type': 'text/plain' } : { location });
    res.end(status === 404 ? 'not found' : '');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    rules,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** GET over loopback: status, content type and body. */
export async function fetchText(url: string, method: 'GET' | 'HEAD' | 'POST' = 'GET'): Promise<{ status: number; type: string | null; body: string; headers: Headers }> {
  const response = await fetch(url, { method, redirect: 'manual' });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text(), headers: response.headers };
}
