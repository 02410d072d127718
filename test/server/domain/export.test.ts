import type { ExportFormat } from '../../../typings/api';
import { exportFileName, serverSnippets, splitChain, validatePfxPassword } from '../../../server/domain/export';
import { PFX_PASSWORD_MESSAGES } from '../../../server/domain/export.messages.zh';

/** A PEM block whose body is `fill` repeated (the split does not parse DER, only PEM framing). */
function pem(fill: string, length = 100): string {
  const body = fill.repeat(length).slice(0, length);
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

describe('exportFileName', () => {
  test.each<[ExportFormat, string]>([
    ['fullchain', 'example.com_fullchain.pem'],
    ['leaf', 'example.com_cert.pem'],
    ['chain', 'example.com_chain.pem'],
    ['privateKey', 'example.com_key.pem'],
    ['pfx', 'example.com.pfx'],
  ])('%s → %s, after the first name', (format, expected) => {
    expect(exportFileName(['example.com', 'www.example.com'], format)).toBe(expected);
  });

  test('a wildcard becomes _wildcard_, an IDN keeps its A-label', () => {
    expect(exportFileName(['*.example.com'], 'fullchain')).toBe('_wildcard_.example.com_fullchain.pem');
    expect(exportFileName(['*.xn--fiqs8s.cn'], 'pfx')).toBe('_wildcard_.xn--fiqs8s.cn.pfx');
  });

  test('only letters, digits, dot, hyphen and underscore reach the file name', () => {
    expect(exportFileName(['../Etc/pass wd:"x"'], 'privateKey')).toBe('_etc_pass_wd__x__key.pem');
    expect(exportFileName(['中国.cn'], 'leaf')).toBe('__.cn_cert.pem');
    expect(exportFileName([], 'fullchain')).toBe('certificate_fullchain.pem');
    expect(exportFileName([`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`], 'fullchain').length).toBeLessThanOrEqual(255);
  });
});

describe('splitChain', () => {
  const leaf = pem('L');
  const intermediate = pem('I');
  const cross = pem('X');

  test('leaf first, then the intermediates; fullchain is both', () => {
    const parts = splitChain(leaf + intermediate + cross);
    expect(parts).toEqual({ leaf, chain: intermediate + cross, fullchain: leaf + intermediate + cross });
  });

  test('rewrites CRLF, odd wrapping and surrounding text as canonical PEM ending in a newline', () => {
    const messy = `issued by test CA\r\n-----BEGIN CERTIFICATE-----\r\n${'L'.repeat(100)}\r\n-----END CERTIFICATE-----${intermediate.replace(/\n/g, '\r\n').trimEnd()}`;
    const parts = splitChain(messy);
    expect(parts.leaf).toBe(leaf);
    expect(parts.chain).toBe(intermediate);
    expect(parts.fullchain.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    expect(parts.fullchain).not.toContain('\r');
  });

  test('a chain with only the leaf has an empty chain part; no certificate at all is an error', () => {
    expect(splitChain(leaf)).toEqual({ leaf, chain: '', fullchain: leaf });
    expect(() => splitChain('no certificates here')).toThrow(/no -----BEGIN CERTIFICATE----- block/);
  });
});

describe('validatePfxPassword', () => {
  test('8 to 64 printable ASCII characters pass', () => {
    expect(validatePfxPassword('abcd1234')).toBeNull();
    expect(validatePfxPassword('Pa ss!~{}"\'\\`word')).toBeNull();
    expect(validatePfxPassword('x'.repeat(64))).toBeNull();
  });

  test('shorter or longer breaks pfxPasswordLength', () => {
    expect(validatePfxPassword('')).toBe('pfxPasswordLength');
    expect(validatePfxPassword('abc1234')).toBe('pfxPasswordLength');
    expect(validatePfxPassword('x'.repeat(65))).toBe('pfxPasswordLength');
  });

  test('Chinese, full-width, emoji and control characters break pfxPasswordCharacters', () => {
    for (const password of ['证书管家密码12345', 'ｐａｓｓｗｏｒｄ１２', 'password😀12', 'pass\tword12', 'pass\u00e9word12']) {
      expect(validatePfxPassword(password)).toBe('pfxPasswordCharacters');
    }
  });

  test('every rule has a Chinese message', () => {
    expect(PFX_PASSWORD_MESSAGES.pfxPasswordLength).toContain('8–64');
    expect(PFX_PASSWORD_MESSAGES.pfxPasswordCharacters).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('serverSnippets', () => {
  const names = ['*.example.com', 'example.com'];
  const snippets = serverSnippets(names);
  const byServer = (server: string) => snippets.find((snippet) => snippet.server === server)!;

  test('one snippet each for nginx, Apache, IIS and Tomcat, with the files each needs', () => {
    expect(snippets.map((snippet) => [snippet.server, snippet.files])).toEqual([
      ['nginx', ['fullchain', 'privateKey']],
      ['apache', ['fullchain', 'privateKey']],
      ['iis', ['pfx']],
      ['tomcat', ['pfx']],
    ]);
  });

  test('every snippet names the exact export file names of the files it needs', () => {
    for (const snippet of snippets) {
      for (const format of snippet.files) expect(snippet.config).toContain(exportFileName(names, format));
    }
  });

  test('nginx serves the fullchain, not the leaf, and says why', () => {
    const config = byServer('nginx').config;
    expect(config).toContain('ssl_certificate     /etc/nginx/ssl/_wildcard_.example.com_fullchain.pem;');
    expect(config).toContain('ssl_certificate_key /etc/nginx/ssl/_wildcard_.example.com_key.pem;');
    expect(config).toContain('ssl_protocols       TLSv1.2 TLSv1.3;');
    expect(config).toContain('server_name *.example.com example.com;');
    expect(config).toMatch(/安卓.*微信/);
    expect(config).not.toContain('_cert.pem');
  });

  test('Apache 2.4.8+ uses the fullchain; older versions get the leaf plus SSLCertificateChainFile', () => {
    const config = byServer('apache').config;
    expect(config).toMatch(/^ {4}SSLCertificateFile +\S+_wildcard_\.example\.com_fullchain\.pem$/m);
    expect(config).toMatch(/^ {4}SSLCertificateKeyFile +\S+_wildcard_\.example\.com_key\.pem$/m);
    expect(config).toMatch(/2\.4\.8[\s\S]*SSLCertificateChainFile +\S+_wildcard_\.example\.com_chain\.pem/);
    expect(config).toContain('_wildcard_.example.com_cert.pem');
    expect(config).toContain('ServerName *.example.com');
    expect(config).toContain('ServerAlias example.com');
  });

  test('IIS imports the PFX into 本地计算机\\个人 with the password and binds https on 443', () => {
    const config = byServer('iis').config;
    expect(config).toContain('_wildcard_.example.com.pfx');
    expect(config).toContain('本地计算机\\个人');
    expect(config).toContain('PFX 密码');
    expect(config).toMatch(/https.*443/);
    expect(config).toContain('Cert:\\LocalMachine\\My');
    // Windows before Server 2019 / 10 1709 cannot read AES PFX files: the snippet shows how to convert.
    expect(config).toContain('-in _wildcard_.example.com_fullchain.pem -inkey _wildcard_.example.com_key.pem -out _wildcard_.example.com_legacy.pfx');
  });

  test('Tomcat reads the PFX as a PKCS12 keystore from conf/', () => {
    const config = byServer('tomcat').config;
    expect(config).toContain('<Connector port="8443"');
    expect(config).toContain('SSLEnabled="true"');
    expect(config).toContain('certificateKeystoreFile="conf/_wildcard_.example.com.pfx"');
    expect(config).toContain('certificateKeystoreType="PKCS12"');
    expect(config).toMatch(/certificateKeystorePassword="[^"]+"/);
    // XML comments may not contain "--".
    for (const comment of config.match(/<!--([\s\S]*?)-->/g) ?? []) expect(comment.slice(4, -3)).not.toContain('--');
  });
});
