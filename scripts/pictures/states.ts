/** The data each picture shows: what the `api` function would answer (shapes from typings/api.ts). */
import { DOCTOR_TEXT, DOCTOR_TITLES, TEMPLATE_KEY_TEXT } from '../../server/domain/doctor.messages.zh';
import { COLLECTIONS } from '../../server/ports/collections';
import type {
  AddChannelResult,
  AutomationOptions,
  AutomationView,
  CertificateDetail,
  CertificatePage,
  CertificateSummary,
  CertificateVersionView,
  CredentialView,
  DoctorReport,
  EndpointDetail,
  EndpointPage,
  EndpointSummary,
  ExportResult,
  NotificationPage,
  OrderView,
  UserSettings,
} from '../../typings/api';
import {
  automationOptions,
  credentialView,
  endpointSummary,
  manualAutomation,
  notReadyEndpoint,
  notificationView,
  userSettings,
  versionView,
  wecomChannel,
} from '../../test/miniprogram/support/fixtures';

/** The pictures' clock: dates on them do not change from run to run. */
export const NOW = Date.UTC(2026, 5, 15, 2, 0, 0);
const DAY = 86_400_000;

function summary(overrides: Partial<CertificateSummary>): CertificateSummary {
  return {
    id: 'cert-1',
    names: ['example.com'],
    displayNames: ['example.com'],
    caId: 'letsencrypt',
    caName: "Let's Encrypt",
    status: 'active',
    notAfter: NOW + 60 * DAY,
    daysLeft: 60,
    expiryLevel: 'safe',
    autoRenew: true,
    automationKind: 'manual',
    automatic: false,
    currentOrderId: 'order-1',
    orderState: 'issued',
    ...overrides,
  };
}

export const homeList: CertificatePage = {
  items: [
    summary({
      id: 'cert-idn',
      names: ['xn--1jqs90m.xn--fiqs8s', 'www.xn--1jqs90m.xn--fiqs8s'],
      displayNames: ['证书.中国', 'www.证书.中国'],
    }),
    summary({
      id: 'cert-api',
      names: ['api.example.cn'],
      displayNames: ['api.example.cn'],
      caId: 'google',
      caName: 'Google Trust Services',
      notAfter: NOW + 45 * DAY,
      daysLeft: 45,
      automationKind: 'dnsProvider',
      automatic: true,
    }),
    summary({
      id: 'cert-shop',
      names: ['shop.example.cn'],
      displayNames: ['shop.example.cn'],
      caId: 'zerossl',
      caName: 'ZeroSSL',
      notAfter: NOW + 20 * DAY,
      daysLeft: 20,
      expiryLevel: 'warning',
      autoRenew: false,
    }),
    summary({
      id: 'cert-new',
      names: ['example.cn', '*.example.cn'],
      displayNames: ['example.cn', '*.example.cn'],
      status: 'pending',
      notAfter: null,
      daysLeft: null,
      expiryLevel: 'none',
      currentOrderId: 'order-9',
      orderState: 'awaitingUser',
    }),
  ],
  nextCursor: null,
};

export const requestNames = { wildcard: '*.证书.中国', invalid: 'https://www.example.cn/login' };

export const awaitingOrder: OrderView = {
  id: 'order-9',
  certificateId: 'cert-new',
  state: 'awaitingUser',
  progress: 'waitingForRecords',
  names: ['example.cn', '*.example.cn'],
  displayNames: ['example.cn', '*.example.cn'],
  validation: 'dns-01',
  dnsInstructions: [
    {
      recordName: '_acme-challenge.example.cn',
      type: 'TXT',
      values: ['Jr3YqQm1kxOaV3t0aHwq8mE9dPZ6c2yH4bLfN0sR5uA', 'cT7pW2vXo9KzL4eQ1nB8hJ6gF3dS0aM5rY2uI7wE9tk'],
      names: ['example.cn', '*.example.cn'],
    },
  ],
  httpInstructions: [],
  selfCheck: {
    at: NOW - 2 * 60_000,
    ok: false,
    items: [
      {
        target: '_acme-challenge.example.cn',
        names: ['example.cn', '*.example.cn'],
        ok: false,
        reason: '只找到了两条 TXT 记录中的一条',
        fix: '请在 DNS 服务商处再添加一条 TXT 记录，值为下面缺少的那个；两条记录主机名相同，不要覆盖已有的一条',
        missingValues: ['cT7pW2vXo9KzL4eQ1nB8hJ6gF3dS0aM5rY2uI7wE9tk'],
      },
    ],
  },
  lastError: null,
  nextActionAt: null,
  caExpiresAt: NOW + 7 * DAY,
};

function version(): CertificateVersionView {
  return versionView(NOW, {
    id: 'ver-1',
    serialNumber: '04a1b2c3d4e5f60718293a4b5c6d7e8f9a0b',
    dnsNames: ['xn--1jqs90m.xn--fiqs8s', 'www.xn--1jqs90m.xn--fiqs8s'],
  });
}

export const issuedCertificate: CertificateDetail = {
  ...summary({
    id: 'cert-idn',
    names: ['xn--1jqs90m.xn--fiqs8s', 'www.xn--1jqs90m.xn--fiqs8s'],
    displayNames: ['证书.中国', 'www.证书.中国'],
  }),
  keyType: 'ec-p256',
  validation: 'dns-01',
  renewAt: null,
  renewalFailures: 0,
  automation: manualAutomation(),
  endpoints: [
    endpointSummary(NOW, {
      id: 'ep-idn',
      host: 'xn--1jqs90m.xn--fiqs8s',
      displayHost: '证书.中国',
      url: 'https://xn--1jqs90m.xn--fiqs8s',
      certificateId: 'cert-idn',
    }),
    endpointSummary(NOW, {
      id: 'ep-idn-www',
      host: 'www.xn--1jqs90m.xn--fiqs8s',
      displayHost: 'www.证书.中国',
      url: 'https://www.xn--1jqs90m.xn--fiqs8s',
      certificateId: 'cert-idn',
      verdict: 'warning',
      summary: '小程序可以访问，但需要注意：服务器上不是最新证书',
      daysLeft: 12,
      deployedIsIssued: false,
    }),
  ],
  versions: [version()],
};

const FULLCHAIN = [
  '-----BEGIN CERTIFICATE-----',
  'MIIDlTCCAxugAwIBAgISBKGyw9Tl9gcYKTpLXG1+j5oLMAoGCCqGSM49BAMDMDIx',
  'CzAJBgNVBAYTAlVTMRYwFAYDVQQKEw1MZXQncyBFbmNyeXB0MQswCQYDVQQDEwJF',
  '…',
  '-----END CERTIFICATE-----',
  '-----BEGIN CERTIFICATE-----',
  'MIIEVzCCAj+gAwIBAgIRALBXPpFzlydw27SHyzpFKzgwDQYJKoZIhvcNAQELBQAw',
  '…',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

export const fullchainExport: ExportResult = {
  format: 'fullchain',
  fileName: 'xn--1jqs90m.xn--fiqs8s.fullchain.pem',
  text: FULLCHAIN,
  tempUrl: 'https://tcb.example/tmp/xn--1jqs90m.xn--fiqs8s.fullchain.pem?sign=1',
  tempUrlExpiresAt: NOW + 10 * 60_000,
  snippets: [
    {
      server: 'nginx',
      files: ['fullchain', 'privateKey'],
      config: [
        'server {',
        '    listen 443 ssl;',
        '    server_name xn--1jqs90m.xn--fiqs8s www.xn--1jqs90m.xn--fiqs8s;',
        '    ssl_certificate     /etc/ssl/xn--1jqs90m.xn--fiqs8s.fullchain.pem;',
        '    ssl_certificate_key /etc/ssl/xn--1jqs90m.xn--fiqs8s.key;',
        '}',
      ].join('\n'),
    },
    { server: 'apache', files: ['leaf', 'chain', 'privateKey'], config: 'SSLCertificateFile /etc/ssl/xn--1jqs90m.xn--fiqs8s.pem' },
    { server: 'iis', files: ['pfx'], config: 'Import-PfxCertificate -FilePath xn--1jqs90m.xn--fiqs8s.pfx' },
    { server: 'tomcat', files: ['pfx'], config: '<Certificate certificateKeystoreFile="conf/xn--1jqs90m.xn--fiqs8s.pfx" />' },
  ],
};

/** Reminder settings: default thresholds, three banked WeChat reminders, a WeCom robot and a failing e-mail address. */
export const reminderSettings: UserSettings = userSettings({
  channels: [
    wecomChannel(NOW - 2 * 3_600_000),
    wecomChannel(NOW - DAY, {
      id: 'ch-mail',
      type: 'email',
      label: '值班邮箱',
      target: 'o••s@example.cn',
      lastTest: { ok: false, at: NOW - DAY, message: '邮件服务器拒收：收件地址不存在（550）' },
    }),
  ],
});

/** What typing a webhook into the add form gives: the new channel, and its signing secret this once. */
export const webhookInput = { target: 'https://ops.example.cn/hooks/certkeeper', label: '监控平台' };
export const addedWebhook: AddChannelResult = {
  settings: {
    ...reminderSettings,
    channels: [
      ...reminderSettings.channels,
      { id: 'ch-hook', type: 'webhook', label: '监控平台', target: 'https://ops.example.cn/hooks/••••', createdAt: NOW, lastTest: null },
    ],
  },
  channelId: 'ch-hook',
  signingSecret: 'whsec_9Qm2Vt7LxK4pR8sN1bZ6yH3c',
};

/** The history: a failed renewal with every delivery status, a renewal, an expiry reminder. */
export const notificationHistory: NotificationPage = {
  items: [
    notificationView(NOW - 25 * 60_000, {
      id: 'n-3',
      kind: 'renewalFailed',
      title: '证书续期失败：shop.example.cn',
      lines: ['原因：CA 没有查到 DNS TXT 记录', '下次自动重试：今天 14:00'],
      names: ['shop.example.cn'],
      certificateId: 'cert-shop',
      page: 'pages/certificate/index?id=cert-shop',
      deliveries: [
        { channel: 'wechat', label: '微信', status: 'skipped', detail: '没有可用的微信提醒，请在提醒设置中订阅', at: NOW - 25 * 60_000, attempts: 0 },
        { channel: 'wecom', label: '运维群', status: 'sent', detail: null, at: NOW - 25 * 60_000, attempts: 1 },
        { channel: 'email', label: '值班邮箱', status: 'failed', detail: '邮件服务器拒收：收件地址不存在（550）', at: NOW - 20 * 60_000, attempts: 1 },
        { channel: 'webhook', label: '监控平台', status: 'pending', detail: null, at: NOW - 24 * 60_000, attempts: 2 },
      ],
    }),
    notificationView(NOW - 2 * DAY, {
      id: 'n-2',
      kind: 'renewed',
      title: '证书已续期：证书.中国',
      lines: ['新证书有效期至 2026年09月12日', '请在证书详情中导出新证书并部署到服务器'],
      names: ['xn--1jqs90m.xn--fiqs8s'],
      certificateId: 'cert-idn',
      page: 'pages/certificate/index?id=cert-idn',
      deliveries: [
        { channel: 'wechat', label: '微信', status: 'sent', detail: null, at: NOW - 2 * DAY, attempts: 1 },
        { channel: 'wecom', label: '运维群', status: 'sent', detail: null, at: NOW - 2 * DAY, attempts: 1 },
      ],
    }),
    notificationView(NOW - 5 * DAY, {
      id: 'n-1',
      kind: 'expiry',
      title: '证书还有 25 天到期：shop.example.cn',
      lines: ['到期时间：2026年07月05日', '请及时续期并部署新证书'],
      names: ['shop.example.cn'],
      certificateId: 'cert-shop',
      page: 'pages/certificate/index?id=cert-shop',
    }),
  ],
  nextCursor: 'cursor-2',
};

/** The server from the detail picture, as the list shows it. */
function listed(detail: EndpointDetail): EndpointSummary {
  const { checks: _checks, served: _served, addresses: _addresses, history: _history, nextCheckAt: _next, ...summary } = detail;
  return summary;
}

/** The check result picture: api.example.cn after a renewal deployed without its intermediate. */
export const notReadyMonitor: EndpointDetail = notReadyEndpoint(NOW - 20 * 60_000);

/** Monitored servers: one per verdict, the newest (added by hand, never checked) first. */
export const monitorList: EndpointPage = {
  items: [
    endpointSummary(NOW, {
      id: 'ep-new',
      host: 'pay.example.cn',
      displayHost: 'pay.example.cn',
      port: 8443,
      url: 'https://pay.example.cn:8443',
      source: 'manual',
      certificateId: null,
      verdict: 'pending',
      wechatReady: null,
      summary: null,
      checkedAt: null,
      daysLeft: null,
      deployedIsIssued: null,
    }),
    listed(notReadyMonitor),
    endpointSummary(NOW, {
      id: 'ep-idn',
      host: 'xn--1jqs90m.xn--fiqs8s',
      displayHost: '证书.中国',
      url: 'https://xn--1jqs90m.xn--fiqs8s',
      certificateId: 'cert-idn',
      checkedAt: NOW - 2 * 3_600_000,
    }),
    endpointSummary(NOW, {
      id: 'ep-shop',
      host: 'shop.example.cn',
      displayHost: 'shop.example.cn',
      url: 'https://shop.example.cn',
      certificateId: 'cert-shop',
      verdict: 'warning',
      summary: '小程序可以访问，但需要注意：证书即将到期等 2 项',
      daysLeft: 20,
      deployedIsIssued: false,
      checkedAt: NOW - 3 * 3_600_000,
    }),
    endpointSummary(NOW, {
      id: 'ep-old',
      host: 'old.example.cn',
      displayHost: 'old.example.cn',
      url: 'https://old.example.cn',
      source: 'manual',
      certificateId: null,
      verdict: 'unreachable',
      wechatReady: false,
      summary: '无法连接服务器：服务器连接失败',
      daysLeft: null,
      deployedIsIssued: null,
      checkedAt: NOW - 5 * 3_600_000,
    }),
  ],
  nextCursor: null,
};

/** The providers and methods of a deployment with CNAME delegation and the http-01 redirect on. */
export const offeredAutomation: AutomationOptions = automationOptions();

/** Saved keys: DNSPod used by two certificates, a Cloudflare token whose last test failed. */
export const savedCredentials: CredentialView[] = [
  credentialView(NOW - 3 * 3_600_000, { usedBy: 2 }),
  credentialView(NOW - DAY, {
    id: 'cred-cf',
    provider: 'cloudflare',
    providerName: 'Cloudflare',
    label: '海外站点',
    masked: { apiToken: '••••••••' },
    lastTest: { ok: false, at: NOW - DAY, message: '连接成功，但这组密钥没有管理解析记录的权限：请按说明授予 DNS 解析权限', zones: null },
    usedBy: 0,
  }),
];

/** What the add form holds in the picture: an Alibaba Cloud key being typed. */
export const credentialInput = {
  provider: 'alidns',
  fields: { accessKeyId: 'LTAI5tQ8dRk2mVx7WcYz3Np1', accessKeySecret: 'x3Fq9LmZr8Tn2Wv6Kp4Hs7Jd1Gb5Yc' },
  label: '阿里云主账号',
} as const;

/** The CNAME records of `example.cn` and `*.example.cn` (one name), not seen working yet. */
const cnameSetup: AutomationView = manualAutomation({
  kind: 'cnameDelegation',
  label: 'CNAME 委托自动验证',
  cnameRecords: [{ name: '_acme-challenge.example.cn', type: 'CNAME', value: 'k7f2q9cert-0.acme.certkeeper.cn' }],
});

/** The wildcard certificate, issued by hand, being switched to CNAME delegation. */
export const cnameCertificate: CertificateDetail = {
  ...issuedCertificate,
  ...summary({
    id: 'cert-wild',
    names: ['example.cn', '*.example.cn'],
    displayNames: ['example.cn', '*.example.cn'],
    notAfter: NOW + 40 * DAY,
    daysLeft: 40,
    automationKind: 'cnameDelegation',
  }),
  automation: cnameSetup,
  endpoints: [endpointSummary(NOW, { id: 'ep-apex', host: 'example.cn', displayHost: 'example.cn', url: 'https://example.cn', certificateId: 'cert-wild', daysLeft: 40 })],
  versions: [versionView(NOW, { id: 'ver-w', notBefore: NOW - 50 * DAY, notAfter: NOW + 40 * DAY, issuedAt: NOW - 50 * DAY, dnsNames: ['example.cn', '*.example.cn'] })],
};

/** What 检测 answers before the CNAME record is there. */
export const cnameNotYet: AutomationView = {
  ...cnameSetup,
  problem: '还没有检测到 CNAME 记录：请在 DNS 中添加 _acme-challenge.example.cn → k7f2q9cert-0.acme.certkeeper.cn（记录类型 CNAME），生效后再检测。已有同名 TXT 记录的，请先删除',
};

/**
 * 运维检查 of a deployment just initialised: one CA times out from the mainland, the indexes and the
 * security rule are for the console. Texts from the doctor's own messages.
 */
export const doctorReport: DoctorReport = {
  checkedAt: NOW,
  items: [
    { id: 'config', ok: true, title: DOCTOR_TITLES.config, detail: DOCTOR_TEXT.configOk, fix: '' },
    { id: 'masterKey', ok: true, title: DOCTOR_TITLES.masterKey, detail: DOCTOR_TEXT.masterKeyOk(1), fix: '' },
    { id: 'ca:letsencrypt', ok: true, title: DOCTOR_TITLES.ca("Let's Encrypt"), detail: DOCTOR_TEXT.caOk([DOCTOR_TEXT.caHasAri]), fix: '' },
    { id: 'ca:google', ok: false, title: DOCTOR_TITLES.ca('Google Trust Services'), detail: DOCTOR_TEXT.caUnreachable('连接超时'), fix: DOCTOR_TEXT.caFix },
    {
      id: 'templates',
      ok: true,
      title: DOCTOR_TITLES.templates,
      detail: DOCTOR_TEXT.templatesOk([`证书到期提醒（${TEMPLATE_KEY_TEXT.expiry}）`, `证书状态通知（${TEMPLATE_KEY_TEXT.result}）`, `待办事项提醒（${TEMPLATE_KEY_TEXT.action}）`]),
      fix: '',
    },
    { id: 'collections', ok: true, title: DOCTOR_TITLES.collections, detail: DOCTOR_TEXT.collectionsOk(COLLECTIONS.length), fix: '' },
    {
      id: 'indexes',
      ok: null,
      title: DOCTOR_TITLES.indexes,
      detail: DOCTOR_TEXT.indexesUnknown([
        DOCTOR_TEXT.indexLine('certificates', 'owner', 'ownerId 升序, _id 降序'),
        DOCTOR_TEXT.indexLine('certificates', 'due', 'nextActionAt 升序, _id 升序'),
        '…',
      ]),
      fix: DOCTOR_TEXT.indexesFix,
    },
    { id: 'permissions', ok: null, title: DOCTOR_TITLES.permissions, detail: DOCTOR_TEXT.permissionsUnknown, fix: DOCTOR_TEXT.permissionsFix('{"read":false,"write":false}') },
    { id: 'schedulerTick', ok: true, title: DOCTOR_TITLES.schedulerTick, detail: DOCTOR_TEXT.tickOk('1 分钟前'), fix: '' },
    { id: 'acmehttp', ok: true, title: DOCTOR_TITLES.acmehttp, detail: DOCTOR_TEXT.acmehttpOk, fix: '' },
  ],
};
