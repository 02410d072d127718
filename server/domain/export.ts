/**
 * What an export hands the user: file names, the PEM parts of a chain, the PFX password rules and
 * configuration snippets for the common servers that name exactly those files.
 *
 * Pure (no Node, no clock), so the Mini Program can use the same names and rules. Names arrive in
 * A-label form (`*.xn--fiqs8s.cn`), as issued; file names keep that form, since servers and shells
 * handle ASCII file names everywhere.
 */
import type { ExportFormat, ServerSnippet } from '../../typings/api';

/** Printable ASCII only: Windows' import dialog and Java's keytool mangle other characters. */
export const PFX_PASSWORD_MIN_LENGTH = 8;
export const PFX_PASSWORD_MAX_LENGTH = 64;
export type PfxPasswordRule = 'pfxPasswordLength' | 'pfxPasswordCharacters';

/** File names stay well under the 255 bytes most file systems allow. */
const MAX_BASE_LENGTH = 200;

const SUFFIX: Record<ExportFormat, string> = {
  fullchain: '_fullchain.pem',
  leaf: '_cert.pem',
  chain: '_chain.pem',
  privateKey: '_key.pem',
  pfx: '.pfx',
};

/**
 * `example.com_fullchain.pem`, `_wildcard_.example.com_key.pem`, `example.com.pfx`: named after the
 * first name; `*` becomes `_wildcard_` and anything but letters, digits, `.`, `-` and `_` becomes `_`.
 */
export function exportFileName(names: readonly string[], format: ExportFormat): string {
  const first = (names[0] ?? '').trim().toLowerCase();
  const safe = first.replace(/\*/g, '_wildcard_').replace(/[^a-z0-9._-]/g, '_').replace(/^\.+/, '');
  const base = safe === '' ? 'certificate' : safe.slice(0, MAX_BASE_LENGTH);
  return `${base}${SUFFIX[format]}`;
}

export interface ChainParts {
  /** The end-entity certificate. */
  leaf: string;
  /** The intermediates, in the order issued; empty when the CA sent none. */
  chain: string;
  /** Leaf then intermediates: what servers should be given. */
  fullchain: string;
}

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Splits a PEM chain (leaf first, as the CA issued it) into its parts. Each certificate is
 * rewritten as canonical PEM (64-column base64, `\n` line ends, a final newline), so CRLF or odd
 * wrapping in the stored chain does not reach the user's files.
 */
export function splitChain(chainPem: string): ChainParts {
  const blocks = [...chainPem.matchAll(CERTIFICATE_PEM)].map((match) => canonicalPem(match[1] ?? ''));
  const [leaf, ...intermediates] = blocks;
  if (leaf === undefined) throw new Error('splitChain: no -----BEGIN CERTIFICATE----- block in the chain');
  const chain = intermediates.join('');
  return { leaf, chain, fullchain: leaf + chain };
}

function canonicalPem(body: string): string {
  const base64 = body.replace(/\s+/g, '');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.map((line) => `${line}\n`).join('')}-----END CERTIFICATE-----\n`;
}

/** Null when the password may protect a PFX; otherwise the broken rule. */
export function validatePfxPassword(password: string): PfxPasswordRule | null {
  const length = Array.from(password).length;
  if (length < PFX_PASSWORD_MIN_LENGTH || length > PFX_PASSWORD_MAX_LENGTH) return 'pfxPasswordLength';
  if (!/^[\x20-\x7e]*$/.test(password)) return 'pfxPasswordCharacters';
  return null;
}

/**
 * How to install the exported files in nginx, Apache, IIS and Tomcat. Comments are Chinese (the
 * user reads them); every snippet names the files `exportFileName` gives.
 */
export function serverSnippets(names: readonly string[]): ServerSnippet[] {
  const file = (format: ExportFormat): string => exportFileName(names, format);
  const first = names[0] ?? 'example.com';
  const aliases = names.slice(1);
  return [
    { server: 'nginx', files: ['fullchain', 'privateKey'], config: nginx(names, file) },
    { server: 'apache', files: ['fullchain', 'privateKey'], config: apache(first, aliases, file) },
    { server: 'iis', files: ['pfx'], config: iis(first, file) },
    { server: 'tomcat', files: ['pfx'], config: tomcat(file) },
  ];
}

type FileOf = (format: ExportFormat) => string;

function nginx(names: readonly string[], file: FileOf): string {
  return [
    '# 把文件上传到 /etc/nginx/ssl/（或改成你的实际目录），私钥建议 chmod 600',
    'server {',
    '    listen 443 ssl;',
    `    server_name ${names.length > 0 ? names.join(' ') : 'example.com'};`,
    '',
    '    # 必须用完整证书链 fullchain（证书 + 中间证书），不要只用单个证书文件：',
    '    # 缺少中间证书时电脑浏览器可能正常，但安卓手机和微信内置浏览器会提示证书不受信任',
    `    ssl_certificate     /etc/nginx/ssl/${file('fullchain')};`,
    `    ssl_certificate_key /etc/nginx/ssl/${file('privateKey')};`,
    '    ssl_protocols       TLSv1.2 TLSv1.3;',
    '}',
    '# 修改后先运行 nginx -t 检查配置，再 nginx -s reload 生效',
    '',
  ].join('\n');
}

function apache(first: string, aliases: readonly string[], file: FileOf): string {
  return [
    '# Apache 2.4.8 及以上；需先启用 mod_ssl（a2enmod ssl），把文件上传到 /etc/ssl/certkeeper/',
    '<VirtualHost *:443>',
    `    ServerName ${first}`,
    ...(aliases.length > 0 ? [`    ServerAlias ${aliases.join(' ')}`] : []),
    '    SSLEngine on',
    '    # 用完整证书链 fullchain（证书 + 中间证书），否则安卓手机和微信内置浏览器会提示证书不受信任',
    `    SSLCertificateFile      /etc/ssl/certkeeper/${file('fullchain')}`,
    `    SSLCertificateKeyFile   /etc/ssl/certkeeper/${file('privateKey')}`,
    '    SSLProtocol             all -SSLv3 -TLSv1 -TLSv1.1',
    '</VirtualHost>',
    '# Apache 2.4.8 以下的旧版本不读取 SSLCertificateFile 中的中间证书，需改为：',
    `#     SSLCertificateFile      /etc/ssl/certkeeper/${file('leaf')}`,
    `#     SSLCertificateChainFile /etc/ssl/certkeeper/${file('chain')}`,
    '# 修改后运行 apachectl configtest 检查，再 apachectl graceful 生效',
    '',
  ].join('\n');
}

function iis(first: string, file: FileOf): string {
  return [
    `1. 把 ${file('pfx')} 复制到服务器，双击打开证书导入向导：`,
    '   存储位置选“本地计算机”，输入导出时设置的 PFX 密码，',
    '   证书存储选“个人”（本地计算机\\个人）。',
    '2. 打开 IIS 管理器，选中网站，点右侧“绑定…” → “添加”：',
    `   类型 https，端口 443，主机名 ${first}，`,
    '   同一 IP 上有多个 HTTPS 网站时勾选“需要服务器名称指示”，',
    `   SSL 证书选择 ${first}，确定。`,
    '也可以用 PowerShell（管理员）导入到 本地计算机\\个人：',
    `Import-PfxCertificate -FilePath C:\\certs\\${file('pfx')} -CertStoreLocation Cert:\\LocalMachine\\My -Password (Read-Host -AsSecureString "PFX 密码")`,
    '注意：此 PFX 使用 AES-256 加密，需要 Windows Server 2019 / Windows 10 1709 及以上；',
    '更早的系统（如 Windows Server 2012 R2、2016）导入时会提示密码错误，可下载 PEM 格式后用 OpenSSL 转换成旧格式：',
    `openssl pkcs12 -export -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 -in ${file('fullchain')} -inkey ${file('privateKey')} -out ${file('pfx').replace(/\.pfx$/, '_legacy.pfx')}`,
    '',
  ].join('\n');
}

function tomcat(file: FileOf): string {
  return [
    `<!-- conf/server.xml，Tomcat 8.5 及以上；把 ${file('pfx')} 放到 Tomcat 的 conf/ 目录 -->`,
    '<!-- 需要 Java 8u301、11.0.12 或更高版本才能读取此 PFX（AES-256 加密，SHA-256 校验） -->',
    '<Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol"',
    '           maxThreads="150" SSLEnabled="true">',
    '  <SSLHostConfig protocols="TLSv1.2,TLSv1.3">',
    `    <Certificate certificateKeystoreFile="conf/${file('pfx')}"`,
    '                 certificateKeystorePassword="这里填导出时设置的 PFX 密码"',
    '                 certificateKeystoreType="PKCS12" />',
    '  </SSLHostConfig>',
    '</Connector>',
    '<!-- 修改后重启 Tomcat 生效；对外用 443 端口时把 port 改成 443，或在前面用 nginx 转发 -->',
    '',
  ].join('\n');
}
