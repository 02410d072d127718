/** Contract-shaped test data shared by the page tests and the page pictures. */
import type { CertificateVersionView, ChannelView, NotificationView, UserSettings } from '../../../typings/api';

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
