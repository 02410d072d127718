/** Contract-shaped test data shared by the page tests and the page pictures. */
import type {
  AutomationOptions,
  AutomationView,
  CertificateVersionView,
  ChannelView,
  CredentialView,
  EndpointDetail,
  EndpointSummary,
  NotificationView,
  UserSettings,
} from '../../../typings/api';

export const DAY_MS = 86_400_000;

/** An issued ECDSA P-256 version valid from `now - 30 days` to `now + 60 days`; override what a test needs. */
export function versionView(now: number, overrides: Partial<CertificateVersionView> = {}): CertificateVersionView {
  return {
    id: 'ver-2',
    serialNumber: '04a1b2c3d4e5f6',
    notBefore: now - 30 * DAY_MS,
    notAfter: now + 60 * DAY_MS,
    issuer: "C=US, O=Let's Encrypt, CN=E6",
    issuerCommonName: 'E6',
    dnsNames: ['example.com', 'www.example.com'],
    keyAlgorithm: 'ECDSA',
    keyBits: 256,
    curve: 'P-256',
    signatureAlgorithm: 'ecdsa-with-SHA384',
    sha256: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
    spkiSha256: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    chainLength: 2,
    chainOrdered: true,
    revokedAt: null,
    revocationReason: null,
    hasPrivateKey: true,
    issuedAt: now - 30 * DAY_MS,
    ...overrides,
  };
}

/** WeChat template ids as an operator would configure them (WeChat's ids are 43 characters). */
export const TEMPLATE_IDS = {
  expiry: 'tmpl-expiry-Zk3LmQ0aR9vT2yW5bN8cX1dF4gH7jK0pS',
  result: 'tmpl-result-Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc',
  action: 'tmpl-action-Mn1Bv3Cx5Za7Sd9Fg1Hj3Kl5Qw7Er9Ty',
} as const;

/**
 * Settings with all three templates configured (expiry 2, result 1, action 0 banked), the default
 * thresholds and no channels; override what a test needs.
 */
export function userSettings(overrides: Partial<UserSettings> = {}): UserSettings {
  return {
    reminderDays: [30, 14, 7, 3, 1],
    remindOnExpiry: true,
    wechat: {
      templates: [
        { key: 'expiry', templateId: TEMPLATE_IDS.expiry, title: '证书到期提醒', credits: 2 },
        { key: 'result', templateId: TEMPLATE_IDS.result, title: '证书续期结果通知', credits: 1 },
        { key: 'action', templateId: TEMPLATE_IDS.action, title: '待处理事项提醒', credits: 0 },
      ],
      banked: 3,
    },
    channels: [],
    ...overrides,
  };
}

/** A WeCom robot channel, tested successfully at `at`. */
export function wecomChannel(at: number, overrides: Partial<ChannelView> = {}): ChannelView {
  return {
    id: 'ch-wecom',
    type: 'wecom',
    label: '运维群',
    target: 'qyapi.weixin.qq.com/…key=••••3f2a',
    createdAt: at - 7 * DAY_MS,
    lastTest: { ok: true, at, message: null },
    ...overrides,
  };
}

/** An expiry reminder for example.com, sent on WeChat; override what a test needs. */
export function notificationView(at: number, overrides: Partial<NotificationView> = {}): NotificationView {
  return {
    id: 'n-1',
    kind: 'expiry',
    title: '证书还有 7 天到期：example.com',
    lines: ['域名：example.com', '到期时间：2026年06月22日'],
    certificateId: 'cert-1',
    names: ['example.com'],
    createdAt: at,
    page: 'pages/certificate/index?id=cert-1',
    deliveries: [{ channel: 'wechat', label: '微信', status: 'sent', detail: null, at, attempts: 1 }],
    ...overrides,
  };
}

/** A monitored server that passed its last check an hour before `now`; override what a test needs. */
export function endpointSummary(now: number, overrides: Partial<EndpointSummary> = {}): EndpointSummary {
  return {
    id: 'ep-www',
    host: 'www.example.cn',
    displayHost: 'www.example.cn',
    port: 443,
    url: 'https://www.example.cn',
    source: 'certificate',
    certificateId: 'cert-1',
    verdict: 'ready',
    wechatReady: true,
    summary: '小程序可以访问，证书还有 60 天到期',
    checkedAt: now - 3_600_000,
    daysLeft: 60,
    deployedIsIssued: true,
    ...overrides,
  };
}

type EndpointCheck = EndpointDetail['checks'][number];

function check(
  id: EndpointCheck['id'],
  status: EndpointCheck['status'],
  title: string,
  explanation: string,
  more: { fix?: string; detail?: string; blocksWechat?: boolean } = {},
): EndpointCheck {
  return { id, status, blocksWechat: more.blocksWechat ?? false, title, explanation, fix: more.fix ?? null, detail: more.detail ?? null };
}

/** SHA-256 of the leaf served now (renewed, deployed without its intermediate) and of the one before. */
export const SERVED_FINGERPRINT = '3FA2190C5B7D8E9F00112233445566778899AABBCCDDEEFF9C017E55AA00BB11';
export const PREVIOUS_FINGERPRINT = '8B0C4D2E6F718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90A1B';

/** The fix the server gives for a chain without its intermediate certificate. */
export const CHAIN_FIX =
  '在 nginx 的 ssl_certificate 中使用 fullchain.pem（证书+中间证书），不要只用单个证书文件（Apache 2.4.8 以上在 SSLCertificateFile 中同样使用完整证书链）；可以在证书管家“导出”中选择“完整证书链”。然后重新加载服务器。如果证书来自自建 CA，请改用公共 CA 签发的证书。';

/**
 * `https://api.example.cn`, not ready for WeChat: after a renewal the new certificate was deployed
 * without its intermediate (Android phones fail), and the IPv4 address still accepts TLS 1.0/1.1.
 * Checked at `now`; the texts are the server's (`tls-evaluation.messages.zh.ts`).
 */
export function notReadyEndpoint(now: number, overrides: Partial<EndpointDetail> = {}): EndpointDetail {
  const notBefore = now - 20 * DAY_MS;
  const notAfter = now + 70 * DAY_MS;
  const both = '203.0.113.10、2001:db8::10';
  const leaf = { subject: 'CN=api.example.cn', issuer: "C=US, O=Let's Encrypt, CN=E6", notAfter, keyType: 'ec', keyBits: 256, signatureAlgorithm: 'ecdsa-with-SHA384' };
  return {
    id: 'ep-api',
    host: 'api.example.cn',
    displayHost: 'api.example.cn',
    port: 443,
    url: 'https://api.example.cn',
    source: 'certificate',
    certificateId: 'cert-api',
    verdict: 'notReady',
    wechatReady: false,
    summary: '小程序无法访问：证书链不完整',
    checkedAt: now,
    daysLeft: 70,
    deployedIsIssued: true,
    checks: [
      check('https', 'pass', '使用 HTTPS', '小程序的 wx.request 只能访问 https:// 地址，这个服务器按 https 检查。'),
      check('noIp', 'pass', '使用域名而不是 IP', '服务器域名使用的是域名。'),
      check('noLocalhost', 'pass', '不是 localhost', '服务器域名不是 localhost。'),
      check('port', 'pass', '端口写法正确', '使用默认端口 443，服务器域名和请求地址中都不要写端口。'),
      check('resolves', 'pass', '域名能解析', '域名能解析到公网地址。', { detail: `解析到 ${both}` }),
      check('reachable', 'pass', '服务器能连接', '每个解析到的地址都能完成 TLS 握手。'),
      check('tls12', 'pass', '支持 TLS 1.2 及以上', '服务器支持 TLS 1.2 或更高版本，符合小程序“TLS 必须支持 1.2 及以上版本”的要求。', {
        detail: '203.0.113.10：接受 TLS 1.0、TLS 1.1、TLS 1.2、TLS 1.3；2001:db8::10：接受 TLS 1.2、TLS 1.3',
      }),
      check('legacyTls', 'warn', '已关闭 TLS 1.0/1.1', '服务器仍然接受 TLS 1.0/1.1。这两个版本已被淘汰（RFC 8996），不影响小程序访问，但会被安全扫描标为风险。', {
        fix: '只保留新版本：nginx 中设置 ssl_protocols TLSv1.2 TLSv1.3;（Apache：SSLProtocol -all +TLSv1.2 +TLSv1.3），然后重新加载服务。',
        detail: '203.0.113.10：接受 TLS 1.0、TLS 1.1',
      }),
      check('trusted', 'info', '证书受信任', '证书链不完整或证书不在有效期内，先解决这些问题，才能确认证书是否受信任。', {
        detail: `${both}：证书链最后一张是 “CN=api.example.cn”，签发者 “C=US, O=Let's Encrypt, CN=E6”（无法验证服务器证书的签发者）`,
      }),
      check(
        'chainComplete',
        'fail',
        '证书链完整',
        '服务器没有发送中间证书。电脑浏览器会自动补全，但安卓手机不会下载缺少的中间证书，小程序在这些手机上会报 “ssl hand shake error”。',
        { fix: CHAIN_FIX, detail: `${both}：服务器发送了 1 张证书，缺少签发者 “C=US, O=Let's Encrypt, CN=E6” 的中间证书`, blocksWechat: true },
      ),
      check('chainOrder', 'pass', '证书链顺序正确', '证书链按“服务器证书 → 中间证书”的顺序发送。'),
      check('hostname', 'pass', '证书包含这个域名', '证书包含 api.example.cn。', { detail: `${both}：与证书中的 api.example.cn 匹配` }),
      check('notExpired', 'pass', '证书未过期', '证书和中间证书都在有效期内。'),
      check('notYetValid', 'pass', '证书已生效', '证书已经生效。'),
      check('expiresSoon', 'pass', '距离到期还早', '距离证书到期还有 30 天以上。', { detail: `${both}：服务器证书 “CN=api.example.cn” 还有 70 天到期` }),
      check('keyStrength', 'pass', '密钥强度足够', '证书密钥满足要求（RSA 至少 2048 位，ECDSA 至少 256 位）。', {
        detail: `${both}：服务器证书 “CN=api.example.cn” 使用 ECDSA P-256 密钥`,
      }),
      check('signature', 'pass', '签名算法安全', '证书使用 SHA-2 系列（如 SHA-256）签名。', { detail: `${both}：服务器证书 “CN=api.example.cn” 使用 ecdsa-with-SHA384 签名` }),
      check('consistent', 'pass', '各地址证书一致', '所有地址返回的是同一张证书。'),
      check('deployedIsIssued', 'pass', '部署的是最新证书', '服务器正在使用证书管家最新签发的证书。'),
      check('icp', 'info', '域名已备案', '中国大陆服务器的域名需要完成 ICP 备案，小程序才能配置。证书管家无法替你确认备案状态。', {
        fix: '在服务器所在云服务商的备案系统提交 ICP 备案；可在工信部政务服务平台 beian.miit.gov.cn 查询域名是否已备案。',
      }),
    ],
    served: {
      fingerprintSha256: SERVED_FINGERPRINT,
      subject: 'CN=api.example.cn',
      issuer: "C=US, O=Let's Encrypt, CN=E6",
      dnsNames: ['api.example.cn'],
      notBefore,
      notAfter,
      keyType: 'ec',
      keyBits: 256,
      protocol: 'TLSv1.3',
      chainLength: 1,
    },
    addresses: [
      {
        address: '203.0.113.10',
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384',
        versions: { TLSv1: true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': true },
        trusted: false,
        fingerprintSha256: SERVED_FINGERPRINT,
        chain: [leaf],
        failure: null,
      },
      {
        address: '2001:db8::10',
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384',
        versions: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
        trusted: false,
        fingerprintSha256: SERVED_FINGERPRINT,
        chain: [leaf],
        failure: null,
      },
    ],
    history: [
      { at: now, verdict: 'notReady', fingerprintSha256: SERVED_FINGERPRINT, notAfter },
      { at: now - 6 * 3_600_000, verdict: 'notReady', fingerprintSha256: SERVED_FINGERPRINT, notAfter },
      { at: now - DAY_MS, verdict: 'warning', fingerprintSha256: PREVIOUS_FINGERPRINT, notAfter: now + 10 * DAY_MS },
    ],
    nextCheckAt: now + 6 * 3_600_000,
    ...overrides,
  };
}

/** A certificate validated by hand (the default of every certificate); override what a test needs. */
export function manualAutomation(overrides: Partial<AutomationView> = {}): AutomationView {
  return {
    kind: 'manual',
    automatic: false,
    label: '手动验证',
    credential: null,
    cnameRecords: [],
    httpSnippets: [],
    verifiedAt: null,
    problem: null,
    ...overrides,
  };
}

/** The delegation zone the operator configured in these fixtures. */
export const DELEGATION_ZONE = 'acme.certkeeper.cn';

/** CNAME delegation set up for `example.com` and `*.example.com` (one record), not verified yet. */
export function cnameAutomation(overrides: Partial<AutomationView> = {}): AutomationView {
  return manualAutomation({
    kind: 'cnameDelegation',
    label: 'CNAME 委托自动验证',
    cnameRecords: [
      { name: '_acme-challenge.example.com', type: 'CNAME', value: `cert1-0.${DELEGATION_ZONE}` },
      { name: '_acme-challenge.www.example.com', type: 'CNAME', value: `cert1-1.${DELEGATION_ZONE}` },
    ],
    ...overrides,
  });
}

/** The http-01 redirect set up, not verified yet, with the nginx and Apache snippets. */
export function redirectAutomation(overrides: Partial<AutomationView> = {}): AutomationView {
  const target = 'https://env-1a2b.service.tcloudbase.com/acmehttp/Zk3LmQ0aR9vT2yW5bN8cX1';
  return manualAutomation({
    kind: 'httpRedirect',
    label: '文件验证重定向',
    httpSnippets: [
      {
        server: 'nginx',
        title: 'Nginx',
        code: ['location ^~ /.well-known/acme-challenge/ {', `    return 302 ${target}$request_uri;`, '}'].join('\n'),
        note: '放进 80 端口的 server 块，然后 nginx -s reload。',
      },
      {
        server: 'apache',
        title: 'Apache',
        code: `RedirectMatch 302 ^/\\.well-known/acme-challenge/([A-Za-z0-9_-]+)$ ${target}/.well-known/acme-challenge/$1`,
        note: '放进 80 端口的 VirtualHost，然后重新加载 Apache。',
      },
    ],
    ...overrides,
  });
}

/** What this deployment offers: the four providers, CNAME delegation and the http-01 redirect. */
export function automationOptions(overrides: Partial<AutomationOptions> = {}): AutomationOptions {
  return {
    providers: [
      {
        id: 'dnspod',
        displayName: '腾讯云 DNSPod',
        fields: [
          { key: 'secretId', label: 'SecretId', secret: false, placeholder: 'AKID…' },
          { key: 'secretKey', label: 'SecretKey', secret: true, placeholder: '' },
        ],
        keyPageUrl: 'https://console.cloud.tencent.com/cam/capi',
        leastPrivilege: '建议在“访问管理”中新建子用户，只授予 QcloudDNSPodFullAccess，再为子用户创建密钥。',
      },
      {
        id: 'alidns',
        displayName: '阿里云 云解析 DNS',
        fields: [
          { key: 'accessKeyId', label: 'AccessKey ID', secret: false, placeholder: 'LTAI…' },
          { key: 'accessKeySecret', label: 'AccessKey Secret', secret: true, placeholder: '' },
        ],
        keyPageUrl: 'https://ram.console.aliyun.com/manage/ak',
        leastPrivilege: '建议在 RAM 访问控制中新建 RAM 用户，只授予 AliyunDNSFullAccess，再为它创建 AccessKey。',
      },
      {
        id: 'cloudflare',
        displayName: 'Cloudflare',
        fields: [{ key: 'apiToken', label: 'API 令牌', secret: true, placeholder: '' }],
        keyPageUrl: 'https://dash.cloudflare.com/profile/api-tokens',
        leastPrivilege: '请使用“API 令牌”而不是 Global API Key：用“编辑区域 DNS”模板创建。',
      },
      {
        id: 'huaweicloud',
        displayName: '华为云 云解析服务 DNS',
        fields: [
          { key: 'accessKeyId', label: 'Access Key ID（AK）', secret: false, placeholder: '' },
          { key: 'secretAccessKey', label: 'Secret Access Key（SK）', secret: true, placeholder: '' },
          { key: 'region', label: '区域', secret: false, placeholder: 'cn-north-4' },
        ],
        keyPageUrl: 'https://console.huaweicloud.com/iam/#/mine/accessKey',
        leastPrivilege: '建议在统一身份认证 IAM 中新建用户，只授予 DNS FullAccess，再为它创建访问密钥。',
      },
    ],
    delegationZone: DELEGATION_ZONE,
    acmeHttpBaseUrl: 'https://env-1a2b.service.tcloudbase.com/acmehttp',
    ...overrides,
  };
}

/** A DNSPod key tested successfully at `at`, used by one certificate; override what a test needs. */
export function credentialView(at: number, overrides: Partial<CredentialView> = {}): CredentialView {
  return {
    id: 'cred-dnspod',
    provider: 'dnspod',
    providerName: '腾讯云 DNSPod',
    label: '公司主账号',
    masked: { secretId: 'AKID••••MPLE', secretKey: '••••••••' },
    createdAt: at - 7 * DAY_MS,
    lastTest: { ok: true, at, message: null, zones: 3 },
    usedBy: 1,
    ...overrides,
  };
}
