/**
 * What the user reads about a server check: each rule's title, what its result means and the
 * concrete fix, the details (addresses, certificates, numbers), the one-line summary and the
 * change notices. One place, so English can follow. Imports only types from the rules.
 */
import type { TlsVersion, TrustError } from '../ports/tls-probe';
import { formatWechatDate } from './subscribe-message';
import type { ChangeKind } from './tls-changes';
import type {
  CheckId,
  CheckReasons,
  CheckResult,
  EndpointEvaluation,
  Finding,
  IssuedCertificate,
  NoteFact,
  ServedSummary,
  Verdict,
} from './tls-evaluation';

export interface CheckText {
  /** The rule as a checklist row. */
  title: string;
  /** The rule broken, for summaries ("小程序无法访问：证书链不完整"). */
  problem: string;
}

export const CHECK_TEXT: Record<CheckId, CheckText> = {
  https: { title: '使用 HTTPS', problem: '没有使用 HTTPS' },
  noIp: { title: '使用域名而不是 IP', problem: '地址是 IP' },
  noLocalhost: { title: '不是 localhost', problem: '地址是 localhost' },
  port: { title: '端口写法正确', problem: '地址不能带 :443' },
  resolves: { title: '域名能解析', problem: '域名无法解析' },
  reachable: { title: '服务器能连接', problem: '服务器连接失败' },
  tls12: { title: '支持 TLS 1.2 及以上', problem: 'TLS 版本过低' },
  legacyTls: { title: '已关闭 TLS 1.0/1.1', problem: '仍接受 TLS 1.0/1.1' },
  trusted: { title: '证书受信任', problem: '证书不受信任' },
  chainComplete: { title: '证书链完整', problem: '证书链不完整' },
  chainOrder: { title: '证书链顺序正确', problem: '证书链顺序不对' },
  hostname: { title: '证书包含这个域名', problem: '证书与域名不匹配' },
  notExpired: { title: '证书未过期', problem: '证书已过期' },
  notYetValid: { title: '证书已生效', problem: '证书尚未生效' },
  expiresSoon: { title: '距离到期还早', problem: '证书即将到期' },
  keyStrength: { title: '密钥强度足够', problem: '密钥强度不足' },
  signature: { title: '签名算法安全', problem: '签名算法已淘汰' },
  consistent: { title: '各地址证书一致', problem: '各地址证书不一致' },
  deployedIsIssued: { title: '部署的是最新证书', problem: '服务器上不是最新证书' },
  icp: { title: '域名已备案', problem: '域名需要 ICP 备案' },
};

export interface TextContext {
  /** As the user wrote it. */
  host: string;
  port: number;
  issued: IssuedCertificate | null;
}

interface Advice {
  explanation: string;
  fix: string | null;
}

type AdviceTable = { [K in CheckId]: Record<CheckReasons[K], (c: TextContext) => Advice> };

const NOT_CHECKED = (): Advice => ({ explanation: '没有连上服务器，这一项无法检查。', fix: null });

const NGINX_PROTOCOLS = 'nginx 中设置 ssl_protocols TLSv1.2 TLSv1.3;（Apache：SSLProtocol -all +TLSv1.2 +TLSv1.3），然后重新加载服务';
const REISSUE = '在证书管家重新申请证书（推荐 ECDSA P-256 密钥，或 RSA 2048 位以上），把新的完整证书链部署到服务器并重新加载，然后重新检查。';
const DEPLOY_NEW = '在证书管家导出最新的完整证书链（fullchain）和私钥，替换服务器上的证书文件，然后重新加载服务器（如 nginx -s reload）。';

function origin(c: TextContext): string {
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  return c.port === 443 ? `https://${host}` : `https://${host}:${c.port}`;
}

const ADVICE: AdviceTable = {
  https: {
    pass: () => ({ explanation: '小程序的 wx.request 只能访问 https:// 地址，这个服务器按 https 检查。', fix: null }),
  },
  noIp: {
    pass: () => ({ explanation: '服务器域名使用的是域名。', fix: null }),
    ipLiteral: (c) => ({ explanation: `小程序的服务器域名不能填写 IP 地址（${c.host}），手机上的请求会被拒绝。`, fix: '为服务器绑定一个已备案的域名，在证书管家为它申请证书并部署，然后在小程序后台“服务器域名”中填写 https://域名。' }),
  },
  noLocalhost: {
    pass: () => ({ explanation: '服务器域名不是 localhost。', fix: null }),
    localhost: () => ({ explanation: '小程序的服务器域名不能是 localhost：它在手机上指向手机自己，而不是你的服务器。', fix: '改用服务器的公网域名（已备案），部署证书后在“服务器域名”中填写它。' }),
  },
  port: {
    default: () => ({ explanation: '使用默认端口 443，服务器域名和请求地址中都不要写端口。', fix: null }),
    explicitDefault: (c) => ({ explanation: '使用默认端口 443 时，服务器域名不能带 “:443”，带了端口的地址会被小程序拒绝。', fix: `在小程序后台“服务器域名”和代码的请求地址中都去掉 “:443”，写成 https://${c.host}。` }),
    custom: (c) => ({ explanation: `服务器使用非默认端口 ${c.port}：小程序后台必须配置 ${origin(c)}，并且每个请求地址都要带上 :${c.port}，不带端口的请求不会被允许。`, fix: `在“服务器域名”中填写 ${origin(c)}；如果希望地址不带端口，把 HTTPS 服务改到 443 端口。` }),
  },
  resolves: {
    pass: () => ({ explanation: '域名能解析到公网地址。', fix: null }),
    someRefused: (c) => ({ explanation: '域名同时解析到了内网或保留地址，部分手机会连到这些地址而请求失败或变慢。', fix: `在 DNS 解析中删除 ${c.host} 指向内网或保留地址的 A/AAAA 记录，只保留服务器的公网地址。` }),
    notFound: (c) => ({ explanation: '查不到这个域名的 A 或 AAAA 记录，手机找不到服务器。', fix: `在域名的 DNS 服务商处为 ${c.host} 添加指向服务器公网 IP 的 A 记录（有 IPv6 时再加 AAAA 记录），生效后重新检查。` }),
    privateOnly: (c) => ({ explanation: '域名只解析到了内网或保留地址，手机从公网访问不到。', fix: `把 ${c.host} 的 A/AAAA 记录改为服务器的公网 IP，生效后重新检查。` }),
    failed: () => ({ explanation: '查询这个域名时 DNS 服务器出错或超时，无法确认解析结果。', fix: '确认域名没有过期，DNS 服务器（NS 记录）和 DNSSEC 设置正确，稍后重新检查。' }),
  },
  reachable: {
    pass: () => ({ explanation: '每个解析到的地址都能完成 TLS 握手。', fix: null }),
    failed: (c) => ({ explanation: '有的地址连接不上或 TLS 握手失败，连到这些地址的手机会请求失败。', fix: `确认服务器在 ${c.port} 端口提供 HTTPS，安全组和防火墙放行了 ${c.port} 端口；不再使用的地址请从 DNS 解析中删除。` }),
    notChecked: () => ({ explanation: '域名没有可连接的地址，这一项无法检查。', fix: null }),
  },
  tls12: {
    pass: () => ({ explanation: '服务器支持 TLS 1.2 或更高版本，符合小程序“TLS 必须支持 1.2 及以上版本”的要求。', fix: null }),
    tls13Only: () => ({ explanation: '服务器只接受 TLS 1.3：Android 9 及更早的手机和 iOS 12.1 及更早的 iPhone 不支持 TLS 1.3，在这些手机上会连接失败。', fix: `同时开启 TLS 1.2：${NGINX_PROTOCOLS}。` }),
    legacyOnly: () => ({ explanation: '服务器只支持 TLS 1.0/1.1，小程序要求 TLS 1.2 及以上，手机上的请求会失败。', fix: `${NGINX_PROTOCOLS}；系统的 OpenSSL 太旧（1.0.1 以前）时需要先升级。` }),
    undetermined: () => ({ explanation: '没能确认服务器是否支持 TLS 1.2。', fix: null }),
    notChecked: NOT_CHECKED,
  },
  legacyTls: {
    pass: () => ({ explanation: '服务器已不再接受淘汰的 TLS 1.0 和 1.1。', fix: null }),
    accepted: () => ({ explanation: '服务器仍然接受 TLS 1.0/1.1。这两个版本已被淘汰（RFC 8996），不影响小程序访问，但会被安全扫描标为风险。', fix: `只保留新版本：${NGINX_PROTOCOLS}。` }),
    undetermined: () => ({ explanation: '没能确认服务器是否还接受 TLS 1.0/1.1。', fix: null }),
    notChecked: NOT_CHECKED,
  },
  trusted: {
    pass: () => ({ explanation: '证书由手机系统信任的证书颁发机构签发。', fix: null }),
    selfSignedLeaf: () => ({ explanation: '服务器使用的是自签名证书，手机系统不信任它（iOS 一律拒绝），小程序请求会失败。', fix: '改用公共证书颁发机构签发的证书：在证书管家免费申请 Let’s Encrypt 等证书，部署完整证书链后重新检查。' }),
    untrustedRoot: () => ({ explanation: '证书链的根证书不在手机系统的信任列表中：可能是自建 CA、测试环境（staging）CA，或已被移出信任列表的 CA 签发的证书。', fix: '改用公共证书颁发机构签发的正式证书（不要使用 staging 测试证书），部署完整证书链后重新检查。' }),
    badSignature: () => ({ explanation: '证书链中的签名校验失败：证书和签发它的中间证书对不上，或者文件已损坏。', fix: `证书和中间证书可能来自不同的签发批次：${DEPLOY_NEW}` }),
    rejected: (c) => ({ explanation: '证书链没有通过系统校验，手机会拒绝连接。', fix: `重新部署证书管家导出的完整证书链；仍然失败时，用 openssl s_client -connect ${c.host}:${c.port} -servername ${c.host} 查看具体原因。` }),
    undetermined: () => ({ explanation: '证书链不完整或证书不在有效期内，先解决这些问题，才能确认证书是否受信任。', fix: null }),
    notChecked: NOT_CHECKED,
  },
  chainComplete: {
    pass: () => ({ explanation: '服务器发送了完整的证书链（证书 + 中间证书），手机不用额外下载就能验证。', fix: null }),
    incomplete: () => ({ explanation: '服务器没有发送中间证书。电脑浏览器会自动补全，但安卓手机不会下载缺少的中间证书，小程序在这些手机上会报 “ssl hand shake error”。', fix: '在 nginx 的 ssl_certificate 中使用 fullchain.pem（证书+中间证书），不要只用单个证书文件（Apache 2.4.8 以上在 SSLCertificateFile 中同样使用完整证书链）；可以在证书管家“导出”中选择“完整证书链”。然后重新加载服务器。如果证书来自自建 CA，请改用公共 CA 签发的证书。' }),
    undetermined: () => ({ explanation: '证书不在有效期内或签名校验失败，暂时无法判断证书链是否完整。', fix: null }),
    notChecked: NOT_CHECKED,
  },
  chainOrder: {
    pass: () => ({ explanation: '证书链按“服务器证书 → 中间证书”的顺序发送。', fix: null }),
    outOfOrder: () => ({ explanation: '证书链的顺序不对，或者夹带了无关的证书（应当服务器证书在前、中间证书在后）。多数手机能自行处理，但部分旧客户端和工具会验证失败。', fix: '按顺序合并：cat 证书.pem 中间证书.pem > fullchain.pem，或直接使用证书管家导出的完整证书链，然后重新加载服务器。' }),
    notChecked: NOT_CHECKED,
  },
  hostname: {
    pass: (c) => ({ explanation: `证书包含 ${c.host}。`, fix: null }),
    mismatch: (c) => ({ explanation: `证书里没有 ${c.host}，手机会拒绝连接。证书的域名（SAN）必须包含它；通配符 *.example.com 只匹配一级子域名，不匹配 example.com 本身，也不匹配 a.b.example.com。`, fix: `申请一张包含 ${c.host} 的证书（证书管家可以一次申请多个域名）；或检查服务器给这个域名配的是不是正确的证书（nginx 的 server_name 与 ssl_certificate 是否对应）。` }),
    noSan: () => ({ explanation: '证书没有 SAN（使用者备用名称）扩展，只在 CN 中写了域名；iOS 和安卓只认 SAN，会拒绝这张证书。', fix: '重新申请证书（公共 CA 签发的证书都带 SAN），部署后重新检查。' }),
    notChecked: NOT_CHECKED,
  },
  notExpired: {
    pass: () => ({ explanation: '证书和中间证书都在有效期内。', fix: null }),
    leafExpired: () => ({ explanation: '服务器证书已经过期，所有手机都会拒绝连接。', fix: `续期或重新申请证书；如果证书管家已经续期，${DEPLOY_NEW}` }),
    chainExpired: () => ({ explanation: '证书链里的中间证书已经过期（服务器证书本身可能还有效），手机会拒绝连接。', fix: `服务器上的中间证书是旧的：${DEPLOY_NEW}` }),
    notChecked: NOT_CHECKED,
  },
  notYetValid: {
    pass: () => ({ explanation: '证书已经生效。', fix: null }),
    notYetValid: () => ({ explanation: '证书的生效时间还没到，手机会拒绝连接。通常是签发证书的机器时钟不对，或者提前部署了一张还没生效的证书。', fix: '先换回仍然有效的证书；公共 CA 签发的证书立即生效，自建 CA 请校准签发机器的时钟后重新签发，再部署。' }),
    notChecked: NOT_CHECKED,
  },
  expiresSoon: {
    pass: () => ({ explanation: '距离证书到期还有 30 天以上。', fix: null }),
    soon: () => ({ explanation: '证书将在 30 天内到期，到期后小程序将无法访问这个服务器。', fix: '尽快续期并把新证书部署到服务器；开启证书管家的自动续期后，记得每次续期都要部署新的完整证书链。' }),
    critical: () => ({ explanation: '证书 7 天内就要到期，到期后小程序会立即无法访问这个服务器。', fix: `立即续期：${DEPLOY_NEW}` }),
    expired: () => ({ explanation: '证书已经过期，见“证书未过期”。', fix: null }),
    notChecked: NOT_CHECKED,
  },
  keyStrength: {
    pass: () => ({ explanation: '证书密钥满足要求（RSA 至少 2048 位，ECDSA 至少 256 位）。', fix: null }),
    rsaTooSmall: () => ({ explanation: 'RSA 密钥短于 2048 位：iOS 13 起不再信任这样的证书，公共 CA 也早已停止签发，iPhone 上的小程序请求会失败。', fix: REISSUE }),
    ecTooSmall: () => ({ explanation: 'ECDSA 密钥短于 256 位：iOS（ATS）要求至少 256 位，主流客户端也不支持这类曲线。', fix: REISSUE }),
    unsupportedAlgorithm: () => ({ explanation: '证书使用 DSA 密钥，现在的手机和浏览器都不再支持，请求会失败。', fix: REISSUE }),
    limitedSupport: () => ({ explanation: '证书使用的密钥类型或曲线（如 Ed25519、secp256k1、SM2）在手机上支持有限，部分手机会连接失败。', fix: REISSUE }),
    notChecked: NOT_CHECKED,
  },
  signature: {
    pass: () => ({ explanation: '证书使用 SHA-2 系列（如 SHA-256）签名。', fix: null }),
    weakHash: () => ({ explanation: '证书链中有使用 SHA-1 或 MD5 签名的证书。这些算法已被攻破，iOS 13 起和主流浏览器都不再信任，手机上的请求会失败。', fix: '在证书管家重新申请证书（公共 CA 现在都用 SHA-256 签名），并部署证书颁发机构当前的完整证书链。' }),
    notChecked: NOT_CHECKED,
  },
  consistent: {
    pass: () => ({ explanation: '所有地址返回的是同一张证书。', fix: null }),
    different: () => ({ explanation: '不同的服务器地址返回了不同的证书，通常是负载均衡或 CDN 后面有一台服务器还没换上新证书；连到那台的用户会遇到旧证书的问题。', fix: '把最新的完整证书链部署到每一台服务器（以及 CDN、负载均衡）并重新加载，然后重新检查。' }),
    notChecked: NOT_CHECKED,
  },
  deployedIsIssued: {
    pass: () => ({ explanation: '服务器正在使用证书管家最新签发的证书。', fix: null }),
    oldVersion: (c) => ({ explanation: `服务器还在使用旧证书：证书管家已经签发了新证书${c.issued ? `（有效期至 ${formatWechatDate(c.issued.notAfter)}）` : ''}，但服务器没有换上。`, fix: DEPLOY_NEW }),
    otherCertificate: () => ({ explanation: '服务器上的证书不是证书管家签发的（可能来自其他工具或手动上传），证书管家续期后它不会自动更新。', fix: `如果希望由证书管家管理：${DEPLOY_NEW}` }),
    nothingIssued: () => ({ explanation: '证书管家还没有为这个域名签发过证书，无法比对。', fix: null }),
    notChecked: NOT_CHECKED,
  },
  icp: {
    reminder: () => ({ explanation: '中国大陆服务器的域名需要完成 ICP 备案，小程序才能配置。证书管家无法替你确认备案状态。', fix: '在服务器所在云服务商的备案系统提交 ICP 备案；可在工信部政务服务平台 beian.miit.gov.cn 查询域名是否已备案。' }),
  },
};

const VERSION_NAMES: Record<TlsVersion, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

/** The classes `domain/address.ts` gives; a class it does not know is shown as reserved. */
const ADDRESS_CLASS_NAMES: Record<string, string> = {
  private: '内网地址', loopback: '本机回环地址', linkLocal: '链路本地地址', cgnat: '运营商内部地址（CGNAT）', multicast: '组播地址',
  unspecified: '未指定地址', broadcast: '广播地址', metadata: '云服务器元数据地址', ipv4Mapped: '内嵌 IPv4 的 IPv6 地址',
  documentation: '文档示例地址', uniqueLocal: 'IPv6 内网地址',
};

const FAILURE_NAMES: Record<NonNullable<Extract<NoteFact, { kind: 'failure' }>['failure']>, string> = {
  connect: '连接失败', timeout: '连接超时', handshake: 'TLS 握手失败', refusedAddress: '不允许连接的地址',
};

const TRUST_ERROR_NAMES: Record<TrustError, string> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '找不到签发者',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '无法验证服务器证书的签发者',
  SELF_SIGNED_CERT_IN_CHAIN: '根证书不受信任',
  DEPTH_ZERO_SELF_SIGNED_CERT: '自签名证书',
  CERT_HAS_EXPIRED: '有证书已过期',
  CERT_NOT_YET_VALID: '有证书尚未生效',
  CERT_SIGNATURE_FAILURE: '签名校验失败',
  OTHER: '校验未通过',
};

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const ROLE_NAMES = { leaf: '服务器证书', intermediate: '中间证书' } as const;
const MAX_DETAIL_LINES = 8;

function quote(text: string): string {
  return `“${text}”`;
}

function keyLabel(fact: Extract<NoteFact, { kind: 'key' }>): string {
  const bits = fact.keyBits === null ? '' : ` ${fact.keyBits} 位`;
  switch (fact.keyType) {
    case 'rsa':
      return `RSA${bits}`;
    case 'ec':
      return `ECDSA ${fact.curve === null ? bits.trim() : (CURVE_NAMES[fact.curve] ?? fact.curve)}`.trim();
    case 'dsa':
      return `DSA${bits}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return '未知类型的密钥';
  }
}

function describeFact(fact: NoteFact): string {
  switch (fact.kind) {
    case 'resolved':
      return `解析到 ${fact.addresses.join('、')}`;
    case 'refused':
      return `${ADDRESS_CLASS_NAMES[fact.addressClass] ?? '保留地址'}，不会连接`;
    case 'failure':
      return fact.detail === '' ? FAILURE_NAMES[fact.failure] : `${FAILURE_NAMES[fact.failure]}（${fact.detail}）`;
    case 'versions':
      return `接受 ${fact.accepted.map((v) => VERSION_NAMES[v]).join('、')}`;
    case 'chainEnd':
      return `证书链最后一张是 ${quote(fact.subject)}，签发者 ${quote(fact.issuer)}（${fact.error === null ? '校验未通过' : TRUST_ERROR_NAMES[fact.error]}）`;
    case 'missingIssuer':
      return `服务器发送了 ${fact.served} 张证书，缺少签发者 ${quote(fact.issuer)} 的中间证书`;
    case 'order':
      return `发送顺序：${fact.subjects.map(quote).join(' → ')}`;
    case 'matched':
      return `与证书中的 ${fact.name} 匹配`;
    case 'names':
      return `证书包含 ${fact.names.join('、')}${fact.total > fact.names.length ? ` 等 ${fact.total} 个域名` : ''}`;
    case 'expired':
      return `${ROLE_NAMES[fact.role]} ${quote(fact.subject)} 已于 ${formatWechatDate(fact.notAfter)} 过期`;
    case 'notYetValid':
      return `${ROLE_NAMES[fact.role]} ${quote(fact.subject)} 要到 ${formatWechatDate(fact.notBefore)} 才生效`;
    case 'expires':
      return `${ROLE_NAMES[fact.role]} ${quote(fact.subject)} 还有 ${fact.days} 天到期（${formatWechatDate(fact.notAfter)}）`;
    case 'key':
      return `${ROLE_NAMES[fact.role]} ${quote(fact.subject)} 使用 ${keyLabel(fact)} 密钥`;
    case 'signature':
      return `${ROLE_NAMES[fact.role]} ${quote(fact.subject)} 使用 ${fact.algorithm} 签名`;
    case 'verifier':
      return `系统校验结果：${TRUST_ERROR_NAMES[fact.error]}`;
    case 'served': {
      const which = { latest: '，证书管家最新签发', previous: '，证书管家签发的旧版本', other: '，不是证书管家签发的' } as const;
      return `证书 SHA-256 ${fact.fingerprintSha256.slice(0, 16)}…，有效期至 ${formatWechatDate(fact.notAfter)}${fact.version === null ? '' : which[fact.version]}`;
    }
    case 'issued':
      return `证书管家最新的证书签发于 ${formatWechatDate(fact.issuedAt)}，有效期至 ${formatWechatDate(fact.notAfter)}`;
  }
}

function detailOf(finding: Finding): string | undefined {
  const lines = finding.notes.map((note) => (note.addresses.length === 0 ? '' : `${note.addresses.join('、')}：`) + describeFact(note.fact));
  if (lines.length === 0) return undefined;
  const shown = lines.slice(0, MAX_DETAIL_LINES).join('；');
  return lines.length > MAX_DETAIL_LINES ? `${shown}；另有 ${lines.length - MAX_DETAIL_LINES} 项` : shown;
}

/** Title, explanation, fix and detail of one rule's result. */
export function describeCheck<K extends CheckId>(finding: Finding<K>, context: TextContext): Pick<CheckResult, 'title' | 'explanation' | 'fix' | 'detail'> {
  const table: Record<CheckReasons[K], (c: TextContext) => Advice> = ADVICE[finding.id];
  const advice = table[finding.reason](context);
  const detail = detailOf(finding);
  return { title: CHECK_TEXT[finding.id].title, ...advice, ...(detail === undefined ? {} : { detail }) };
}

/** The one line the list and notifications show. */
export function summarizeEvaluation(verdict: Verdict, checks: readonly CheckResult[], served: ServedSummary | null): string {
  const problems = (pick: (check: CheckResult) => boolean) => checks.filter(pick).map((check) => CHECK_TEXT[check.id].problem);
  const listed = (items: string[]) => (items.length > 1 ? `${items[0] ?? ''}等 ${items.length} 个问题` : (items[0] ?? ''));
  switch (verdict) {
    case 'unreachable':
      return `无法连接服务器：${listed(problems((c) => c.status === 'fail' && (c.id === 'resolves' || c.id === 'reachable'))) || '没有可用的地址'}`;
    case 'notReady':
      return `小程序无法访问：${listed(problems((c) => c.blocksWechat))}`;
    case 'warning':
      return `小程序可以访问，但需要注意：${listed(problems((c) => c.status === 'fail' || c.status === 'warn'))}`;
    case 'ready':
      return served === null ? '小程序可以访问' : `小程序可以访问，证书还有 ${served.daysLeft} 天到期`;
  }
}

/** The changes of `evaluationChanges`, and `notDeployed`: still another certificate a day after CertKeeper issued one. */
export type ChangeNotice = ChangeKind | 'notDeployed';

const CHANGE_TEXT: Record<ChangeNotice, { title: string; text: string; check: CheckId | null }> = {
  newCertificate: { title: '服务器换了证书', text: '服务器开始使用一张新的证书。', check: 'deployedIsIssued' },
  chainBroken: { title: '证书链不完整', text: '服务器的证书链变得不完整了，安卓手机上的小程序请求会失败。', check: 'chainComplete' },
  tlsWeakened: { title: 'TLS 配置变弱', text: '服务器的 TLS 配置变弱了（接受了更旧的协议版本，或不再支持 TLS 1.2）。', check: 'tls12' },
  becameUnreachable: { title: '服务器无法访问', text: '检查时连不上服务器，小程序现在可能无法访问它。', check: null },
  recovered: { title: '服务器恢复正常', text: '之前的问题已经解决，小程序可以正常访问这个服务器了。', check: null },
  notReady: { title: '小程序无法访问', text: '服务器现在不符合小程序的要求，手机上的请求会失败。', check: null },
  notDeployed: { title: '服务器还在使用旧证书', text: '证书管家一天前签发了新证书，服务器仍在使用另一张。', check: 'deployedIsIssued' },
};

/** A change as a notice: title, what happened (with the server's state now) and what to do. */
export function describeChange(kind: ChangeNotice, next: EndpointEvaluation): { title: string; text: string; fix: string | null } {
  const { title, text, check } = CHANGE_TEXT[kind];
  const failing = next.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  const related = kind === 'tlsWeakened' ? failing.find((c) => c.id === 'tls12' || c.id === 'legacyTls') : failing.find((c) => c.id === check);
  const fix = related?.fix ?? (kind === 'recovered' || kind === 'newCertificate' ? null : (failing.find((c) => c.blocksWechat)?.fix ?? failing[0]?.fix ?? null));
  const validity = kind === 'newCertificate' && next.served ? `有效期至 ${formatWechatDate(next.served.notAfter)}。` : '';
  return { title, text: `${text}${validity}${next.summary}。`, fix };
}
