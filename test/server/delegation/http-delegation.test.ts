/**
 * The redirect snippets users paste (`domain/http-delegation.ts`): exact text per server, and what
 * each server does with it (read back out of the text by `support.ts`), so the CA lands on exactly
 * `<delegation URL>/.well-known/acme-challenge/<token>`.
 */
import {
  delegatedChallengeUrl,
  delegationUrl,
  httpDelegationGuide,
  parseDelegatedChallengePath,
  redirectSnippets,
  type RedirectServer,
} from '../../../server/domain/http-delegation';
import { REDIRECT_GENERAL_NOTES } from '../../../server/domain/http-delegation.messages.zh';
import { emulateRedirect } from './support';

const FUNCTION_URL = 'https://env-1a2b3c.service.tcloudbase.com/acmehttp';
const KEY = 'AbCdEfGhIjKlMnOpQr_-12';
const DELEGATION = `${FUNCTION_URL}/${KEY}`;
const TOKEN = '-Evz0_uVnmW4PLtOtb6zqQ0yYWdVrwPZjYz3e0wEvUs';
const CHINESE = /[\u4e00-\u9fa5]/;

function snippet(server: RedirectServer) {
  return redirectSnippets(FUNCTION_URL, KEY).find((s) => s.server === server)!;
}

describe('the delegation URL', () => {
  test('is the function URL and the key, however the function URL ends', () => {
    expect(delegationUrl(FUNCTION_URL, KEY)).toBe(DELEGATION);
    expect(delegationUrl(`${FUNCTION_URL}/`, KEY)).toBe(DELEGATION);
    expect(delegationUrl(` ${FUNCTION_URL}// `, KEY)).toBe(DELEGATION);
    expect(delegationUrl('https://certs.example.com', KEY)).toBe(`https://certs.example.com/${KEY}`);
    expect(delegationUrl('http://acmehttp.certkeeper.test:40123/acmehttp', KEY)).toBe(`http://acmehttp.certkeeper.test:40123/acmehttp/${KEY}`);
    expect(delegatedChallengeUrl(DELEGATION, TOKEN)).toBe(`${DELEGATION}/.well-known/acme-challenge/${TOKEN}`);
  });

  test.each([
    'ftp://env.service.tcloudbase.com/acmehttp',
    'env.service.tcloudbase.com/acmehttp',
    'https://env.service.tcloudbase.com/acmehttp?x=1',
    'https://env.service.tcloudbase.com/acmehttp#top',
    'https://env.service.tcloudbase.com/acme$http',
    'https://env.service.tcloudbase.com/acme{uri}',
    'https://env.service.tcloudbase.com/acme http',
    'https://env.service.tcloudbase.com/acme%20http',
    'https://env.service.tcloudbase.com/../acmehttp',
    'https://env.service.tcloudbase.com/a/./b',
    'https://user@env.service.tcloudbase.com/acmehttp',
    '',
  ])('refuses the function URL %j', (url) => {
    expect(() => delegationUrl(url, KEY)).toThrow(TypeError);
    expect(() => redirectSnippets(url, KEY)).toThrow(TypeError);
  });

  test.each(['', 'short', `${KEY}x`, 'AbCdEfGhIjKlMnOpQr/-12', 'AbCdEfGhIjKlMnOpQr.-12'])('refuses the key %j', (key) => {
    expect(() => delegationUrl(FUNCTION_URL, key)).toThrow(TypeError);
  });
});

describe('the snippets', () => {
  test('nginx: a ^~ location returning 302 to the delegation URL plus $request_uri', () => {
    expect(snippet('nginx').code).toBe(['location ^~ /.well-known/acme-challenge/ {', `    return 302 ${DELEGATION}$request_uri;`, '}'].join('\n'));
  });

  test('Apache: RedirectMatch 302 capturing the token', () => {
    expect(snippet('apache').code).toBe(`RedirectMatch 302 ^/\\.well-known/acme-challenge/([A-Za-z0-9_-]+)$ ${DELEGATION}/.well-known/acme-challenge/$1`);
  });

  test('Caddy: redir with {uri}, 302', () => {
    expect(snippet('caddy').code).toBe(`redir /.well-known/acme-challenge/* ${DELEGATION}{uri} 302`);
  });

  test('IIS: a URL Rewrite rule with a Found (302) redirect, the URL escaped for XML', () => {
    const code = snippet('iis').code;
    expect(code).toContain('<match url="^\\.well-known/acme-challenge/([A-Za-z0-9_-]+)$" />');
    expect(code).toContain(`<action type="Redirect" url="${DELEGATION}/.well-known/acme-challenge/{R:1}" redirectType="Found" appendQueryString="false" />`);
    expect(code).toMatch(/^<configuration>\n {2}<system\.webServer>\n {4}<rewrite>\n {6}<rules>\n {8}<rule name="CertKeeper ACME http-01" stopProcessing="true">/);
    expect(code.endsWith('</configuration>')).toBe(true);
  });

  test.each<RedirectServer>(['nginx', 'apache', 'caddy', 'iis'])('%s sends a challenge to exactly <delegation URL>/.well-known/acme-challenge/<token>, and nothing else anywhere', (server) => {
    const s = snippet(server);
    const expected = `${DELEGATION}/.well-known/acme-challenge/${TOKEN}`;
    expect(emulateRedirect(s, `/.well-known/acme-challenge/${TOKEN}`)).toBe(expected);
    // The path is not doubled: the delegation URL carries no /.well-known of its own.
    expect(expected.match(/\.well-known/g)).toHaveLength(1);
    for (const other of ['/', '/index.html', '/.well-known/security.txt', '/acme-challenge/x', `/static/.well-known/acme-challenge/${TOKEN}`]) {
      expect(emulateRedirect(s, other)).toBeNull();
    }
    // What the redirect names is what acmehttp parses.
    const path = expected.slice('https://env-1a2b3c.service.tcloudbase.com'.length);
    expect(parseDelegatedChallengePath(path)).toEqual({ delegationKey: KEY, token: TOKEN });
  });

  test('each has a Chinese title and notes; the guide adds the notes for every server', () => {
    const guide = httpDelegationGuide(`${FUNCTION_URL}/`, KEY);
    expect(guide.url).toBe(DELEGATION);
    expect(guide.snippets.map((s) => s.server)).toEqual(['nginx', 'apache', 'caddy', 'iis']);
    for (const s of guide.snippets) {
      expect(s.title.length).toBeGreaterThan(0);
      expect(s.note).toMatch(CHINESE);
    }
    expect(guide.notes).toEqual([...REDIRECT_GENERAL_NOTES]);
    expect(guide.notes.every((n) => CHINESE.test(n))).toBe(true);
    // Port 80, and HTTPS-only sites still answering there, are spelled out.
    expect(guide.notes.some((n) => n.includes('80 端口') && n.includes('http://'))).toBe(true);
    expect(guide.notes.some((n) => n.includes('只开放 HTTPS') && n.includes('80 端口'))).toBe(true);
    expect(snippet('nginx').note).toContain('80');
  });
});

describe('the path acmehttp reads', () => {
  test.each([
    [`/acmehttp/${KEY}/.well-known/acme-challenge/${TOKEN}`, { delegationKey: KEY, token: TOKEN }],
    [`/${KEY}/.well-known/acme-challenge/${TOKEN}`, { delegationKey: KEY, token: TOKEN }],
    [`/a/b/${KEY}/.well-known/acme-challenge/x`, { delegationKey: KEY, token: 'x' }],
    [`/acmehttp/.well-known/acme-challenge/${TOKEN}`, null],
    [`/acmehttp/${KEY}x/.well-known/acme-challenge/${TOKEN}`, null],
    [`/acmehttp/${KEY}/.well-known/acme-challenge/${TOKEN}/`, null],
    [`/acmehttp/${KEY}/.well-known/acme-challenge/`, null],
    [`/acmehttp/${KEY}/.well-known/acme-challenge/${'a'.repeat(129)}`, null],
    [`/acmehttp/${KEY}/.well-known/acme-challenge/a.b`, null],
    [`/acmehttp/${KEY}/.well-known/acme-challenge/a%2e`, null],
    [`${KEY}/.well-known/acme-challenge/${TOKEN}`, null],
  ])('%s', (path, expected) => {
    expect(parseDelegatedChallengePath(path)).toEqual(expected);
  });
});
