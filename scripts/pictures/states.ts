/** The data each picture shows: what the `api` function would answer (shapes from typings/api.ts). */
import type { CertificateDetail, CertificatePage, CertificateSummary, CertificateVersionView, ExportResult, OrderView } from '../../typings/api';
import { versionView } from '../../test/miniprogram/support/fixtures';

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
