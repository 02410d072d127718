/**
 * http-01 by delegation: the user's web server answers `/.well-known/acme-challenge/<token>` on
 * port 80 with a redirect to CertKeeper's `acmehttp` function, which serves the key
 * authorization (RFC 8555 §8.3, https://www.rfc-editor.org/rfc/rfc8555#section-8.3; CAs follow
 * redirects, Let's Encrypt up to 10, to http or https on ports 80 and 443 only).
 *
 * The redirect target carries the user's delegation key as a path segment
 * (`<function URL>/<key>/.well-known/acme-challenge/<token>`), and `acmehttp` answers a token only
 * under its owner's key. Without it, once a site redirects to the shared function, any CertKeeper
 * user could validate that site's names with their own orders.
 *
 * Pure (no Node, no `URL`, no clock), so the Mini Program can show the same snippets.
 */
import { REDIRECT_GENERAL_NOTES, REDIRECT_SERVER_NOTES, REDIRECT_SERVER_TITLES } from './http-delegation.messages.zh';

/** Where every CA looks for the file (RFC 8555 §8.3). */
export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';

/** A token as `acmehttp` accepts it in a path: base64url, at most 128 characters. */
export const HTTP_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Length of a delegation key: 22 base64url characters (132 bits). */
export const DELEGATION_KEY_LENGTH = 22;
const DELEGATION_KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * `.../<key>/.well-known/acme-challenge/<token>` at the end of a path. Whatever comes before the
 * key (the HTTP access route, e.g. `/acmehttp`) is ignored: the route is configured outside the
 * code and may or may not reach the function as part of the path.
 */
const DELEGATED_PATH = /\/([A-Za-z0-9_-]{22})\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]{1,128})$/;

export function isHttpToken(token: string): boolean {
  return HTTP_TOKEN_PATTERN.test(token);
}

export function isDelegationKey(key: string): boolean {
  return DELEGATION_KEY_PATTERN.test(key);
}

/** The delegation key and token a request path names, or null when it names none. */
export function parseDelegatedChallengePath(path: string): { delegationKey: string; token: string } | null {
  const match = DELEGATED_PATH.exec(path);
  if (!match?.[1] || !match[2]) return null;
  return { delegationKey: match[1], token: match[2] };
}

/**
 * `scheme://host[:port][/path]`, path segments of unreserved characters only (and no `.` or `..`
 * segment): such a URL means the same in every server's configuration language (no `$`, `{`, `%`,
 * quotes or spaces to escape).
 */
const BASE_URL = /^(https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?)((?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9._~-]+)*)\/*$/;

/**
 * The URL a user's redirect points at: the `acmehttp` function's URL (as the HTTP access service
 * publishes it, e.g. `https://<env>.service.tcloudbase.com/acmehttp`) and the user's key.
 * Throws TypeError for anything else: both come from the deployment, not from users.
 */
export function delegationUrl(functionUrl: string, delegationKey: string): string {
  const match = BASE_URL.exec(functionUrl.trim());
  if (!match) throw new TypeError(`delegationUrl: "${functionUrl}" is not an http(s) URL without query, fragment or special characters`);
  if (!isDelegationKey(delegationKey)) throw new TypeError('delegationUrl: the delegation key is malformed');
  return `${match[1] ?? ''}${match[2] ?? ''}/${delegationKey}`;
}

/** Where `acmehttp` answers `token` for the user whose delegation URL this is. */
export function delegatedChallengeUrl(delegation: string, token: string): string {
  return `${delegation}${ACME_CHALLENGE_PATH}${token}`;
}

export type RedirectServer = 'nginx' | 'apache' | 'caddy' | 'iis';

export interface RedirectSnippet {
  server: RedirectServer;
  /** Chinese, e.g. "Nginx". */
  title: string;
  /** The configuration to paste, exactly. */
  code: string;
  /** Chinese, one line per point: where it goes and what to watch out for. */
  note: string;
}

export interface HttpDelegationGuide {
  /** The user's delegation URL, which every snippet redirects to. */
  url: string;
  /** Chinese notes that hold for every server (port 80, HTTPS-only sites, CDNs). */
  notes: string[];
  snippets: RedirectSnippet[];
}

/**
 * Redirects that send `/.well-known/acme-challenge/<token>` to
 * `<function URL>/<delegation key>/.well-known/acme-challenge/<token>`, one per server, with a 302
 * (temporary: a 301 may be cached by browsers and CDNs long after the user removes it).
 *
 * - nginx: `$request_uri` is the whole original path (and query), which already starts with
 *   `/.well-known/acme-challenge/`, so it is appended to the delegation URL as is; `^~` keeps
 *   regex locations (such as the common "deny dot files" rule) from taking the path over.
 * - Apache (mod_alias): the token is captured and appended after the same path.
 * - Caddy: `{uri}` is the whole request URI, as nginx's `$request_uri`.
 * - IIS (URL Rewrite): `match url` sees the path without its leading slash.
 *
 * Throws TypeError for a malformed function URL or key (both come from the deployment).
 */
export function redirectSnippets(functionUrl: string, delegationKey: string): RedirectSnippet[] {
  const target = delegationUrl(functionUrl, delegationKey);
  const code: Record<RedirectServer, string> = {
    nginx: [
      'location ^~ /.well-known/acme-challenge/ {',
      `    return 302 ${target}$request_uri;`,
      '}',
    ].join('\n'),
    apache: `RedirectMatch 302 ^/\\.well-known/acme-challenge/([A-Za-z0-9_-]+)$ ${target}/.well-known/acme-challenge/$1`,
    caddy: `redir /.well-known/acme-challenge/* ${target}{uri} 302`,
    iis: [
      '<configuration>',
      '  <system.webServer>',
      '    <rewrite>',
      '      <rules>',
      '        <rule name="CertKeeper ACME http-01" stopProcessing="true">',
      '          <match url="^\\.well-known/acme-challenge/([A-Za-z0-9_-]+)$" />',
      `          <action type="Redirect" url="${xmlAttribute(target)}/.well-known/acme-challenge/{R:1}" redirectType="Found" appendQueryString="false" />`,
      '        </rule>',
      '      </rules>',
      '    </rewrite>',
      '  </system.webServer>',
      '</configuration>',
    ].join('\n'),
  };
  const servers: RedirectServer[] = ['nginx', 'apache', 'caddy', 'iis'];
  return servers.map((server) => ({
    server,
    title: REDIRECT_SERVER_TITLES[server],
    code: code[server],
    note: REDIRECT_SERVER_NOTES[server].join('\n'),
  }));
}

/** Everything the page that sets up delegation shows: the URL, the general notes, the snippets. */
export function httpDelegationGuide(functionUrl: string, delegationKey: string): HttpDelegationGuide {
  return {
    url: delegationUrl(functionUrl, delegationKey),
    notes: [...REDIRECT_GENERAL_NOTES],
    snippets: redirectSnippets(functionUrl, delegationKey),
  };
}

function xmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
