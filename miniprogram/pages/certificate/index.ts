import type {
  CertificateDetail,
  CertificateStatus,
  CertificateVersionView,
  ExpiryLevel,
  KeyType,
  RevocationReason,
} from '../../../typings/api';
import { deleteCertificate, getCertificate, revokeCertificate } from '../../services/certificates';
import { ApiCallError } from '../../services/cloud';
import { copyText } from '../../services/device';
import {
  EXPIRY_COLORS,
  colonHex,
  expiryClass,
  formatDate,
  formatDateTime,
  remainingPercent,
  shortFingerprint,
} from '../../utils/certificate-view';
import { ENDPOINT_TEXT, endpointRow } from '../../utils/endpoint-view';
import type { EndpointRow } from '../../utils/endpoint-view';
import { fillTemplate } from '../../utils/format';
import { STATUS_THEMES, type TagTheme } from '../../utils/certificate-view';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在加载证书…',
  errorTitle: '证书加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
  missingId: '缺少证书编号，请从证书列表进入',
  namesTitle: '域名',
  validityTitle: '有效期',
  notBefore: '生效',
  notAfter: '到期',
  lifetime: '共 {days} 天',
  daysLeft: '剩余 {days} 天',
  expiresToday: '今天到期',
  expiredDays: '已过期 {days} 天',
  notIssued: '尚未签发',
  notIssuedDetail: '证书签发后会在这里显示有效期、颁发者和指纹。',
  viewOrder: '查看申请进度',
  detailsTitle: '证书信息',
  status: '状态',
  ca: '证书颁发机构',
  issuer: '颁发者',
  serial: '序列号',
  keyType: '密钥类型',
  signature: '签名算法',
  sha256: 'SHA-256 指纹',
  spkiSha256: '公钥 SHA-256（SPKI）',
  copy: '复制',
  chain: '证书链',
  chainLength: '共 {count} 张（含本证书）',
  chainDisorder: '证书链顺序与标准不符（应为：本证书 → 中间证书），部分客户端可能无法验证，请部署“完整证书链”导出结果。',
  autoRenew: '自动续期',
  autoRenewOn: '已开启',
  autoRenewAt: '已开启，{date} 起续期',
  autoRenewFailing: '已开启，已连续 {count} 次续期失败，将继续重试',
  autoRenewOff: '未开启',
  versionsTitle: '签发记录',
  versionLabel: '{from} 至 {to}',
  versionSerial: '序列号 {serial}',
  versionRevoked: '已吊销',
  versionCurrent: '当前',
  actionsTitle: '操作',
  export: '导出证书',
  revoke: '吊销证书',
  delete: '删除证书',
  renew: '立即续期',
  renewNote: '自动续期将随续期调度上线，届时会在到期前自动续期；现在可重新申请同样的域名。',
  revokeReasonTitle: '选择吊销原因',
  revokeNext: '下一步',
  cancel: '取消',
  revokeConfirmTitle: '确认吊销？',
  revokeConfirmContent: '吊销后证书立即失效且无法恢复，仍在使用它的网站会被浏览器报错。',
  revokeConfirm: '确认吊销',
  revoking: '正在吊销…',
  revokeFailed: '吊销失败：',
  deleteTitle: '删除证书？',
  deleteContent: '将删除这张证书的全部签发记录和私钥。删除不会吊销证书。',
  deleteNext: '继续',
  deleteConfirmTitle: '再次确认删除',
  deleteConfirmContent: '删除后无法恢复，私钥也将一并删除。确定删除吗？',
  deleteConfirm: '确认删除',
  deleting: '正在删除…',
  deleteFailed: '删除失败：',
  copyFailed: '复制失败，请长按文字手动复制',
  endpointsTitle: '服务器部署情况',
  endpointsHint: '服务器实际返回的证书，以及能否用于小程序',
  endpointsNone: '还没有检查使用这张证书的服务器。',
  endpointsNotIssued: '证书签发后，会自动检查证书中每个域名的服务器是否部署了它。',
  endpointsWildcard: '通配符域名 {names} 无法直接检查：请在“服务器监控”中添加实际使用这张证书的域名，例如 {example}。',
  openMonitors: '去服务器监控添加',
  endpoint: ENDPOINT_TEXT,
  statusLabels: {
    pending: '申请中',
    active: '有效',
    failed: '申请失败',
    cancelled: '已取消',
    revoked: '已吊销',
  } satisfies Record<CertificateStatus, string>,
  reasons: {
    unspecified: '未指定',
    keyCompromise: '密钥泄露',
    affiliationChanged: '信息变更',
    superseded: '已被替换',
    cessationOfOperation: '停止使用',
  } satisfies Record<RevocationReason, string>,
  keyTypes: {
    'ec-p256': 'ECDSA P-256',
    'ec-p384': 'ECDSA P-384',
    'rsa-2048': 'RSA 2048',
    'rsa-3072': 'RSA 3072',
    'rsa-4096': 'RSA 4096',
  } satisfies Record<KeyType, string>,
} as const;

const REASON_ORDER: readonly RevocationReason[] = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
];


interface VersionItem {
  id: string;
  label: string;
  serial: string;
  current: boolean;
  revoked: boolean;
  revokedLabel: string;
}

/** Render fields of the current version; absent before the first issuance. */
interface IssuedView {
  notBefore: string;
  notAfter: string;
  lifetime: string;
  expiryLabel: string;
  expiryClass: string;
  percent: number;
  barColor: string;
  issuer: string;
  serial: string;
  keyType: string;
  signature: string;
  sha256Short: string;
  spkiShort: string;
  chainLength: string;
  chainOrdered: boolean;
}

interface CertificateView {
  title: string;
  names: string[];
  statusLabel: string;
  statusTheme: TagTheme;
  caName: string;
  autoRenew: string;
  issued: IssuedView | null;
  versions: VersionItem[];
  orderId: string;
  canExport: boolean;
  canRevoke: boolean;
  /** What the servers of the certificate's names serve. */
  endpoints: EndpointRow[];
  /** Why the list is empty, or '' when it is not. */
  endpointsEmpty: string;
  /** How to monitor the hosts a wildcard covers, or '' without wildcard names. */
  wildcardHint: string;
}

type Phase = 'loading' | 'error' | 'ready';
type RevokeStep = 'none' | 'reason' | 'confirm';
type DeleteStep = 'none' | 'first' | 'second';

interface CertificateData {
  strings: typeof strings;
  reasonOptions: { value: RevocationReason; label: string }[];
  phase: Phase;
  errorMessage: string;
  view: CertificateView | null;
  revokeStep: RevokeStep;
  revokeReason: RevocationReason;
  deleteStep: DeleteStep;
  /** True while a revoke or delete is in flight. */
  busy: boolean;
  actionError: string;
}

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type CertificateMethods = {
  load(): Promise<void>;
  onRetry(): void;
  onViewOrder(): void;
  onExport(): void;
  onCopy(event: WechatMiniprogram.BaseEvent<Record<string, never>, { field?: string }>): void;
  onOpenEndpoint(event: WechatMiniprogram.BaseEvent<Record<string, never>, { url?: string }>): void;
  onOpenMonitors(): void;
  onRevoke(): void;
  onReasonChange(event: WechatMiniprogram.CustomEvent<{ value: RevocationReason }>): void;
  onRevokeNext(): void;
  onRevokeConfirm(): Promise<void>;
  onRevokeCancel(): void;
  onDelete(): void;
  onDeleteNext(): void;
  onDeleteConfirm(): Promise<void>;
  onDeleteCancel(): void;
};

interface CertificateInstance {
  certificateId: string;
  /** The loaded detail, for copying full fingerprints (the view holds the short form). */
  detail: CertificateDetail | null;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function expiryLabel(daysLeft: number | null, level: ExpiryLevel): string {
  if (daysLeft === null || level === 'none') return strings.notIssued;
  if (daysLeft < 0 || level === 'expired') return fillTemplate(strings.expiredDays, { days: Math.max(-daysLeft, 0) });
  if (daysLeft === 0) return strings.expiresToday;
  return fillTemplate(strings.daysLeft, { days: daysLeft });
}

function keyTypeLabel(detail: CertificateDetail, version: CertificateVersionView): string {
  if (detail.keyType !== null) return strings.keyTypes[detail.keyType];
  // A CSR the user brought: describe the key from the certificate itself.
  return version.curve !== null ? `${version.keyAlgorithm} ${version.curve}` : `${version.keyAlgorithm} ${version.keyBits}`;
}

function issuedView(detail: CertificateDetail, version: CertificateVersionView, now: number): IssuedView {
  return {
    notBefore: formatDateTime(version.notBefore),
    notAfter: formatDateTime(version.notAfter),
    lifetime: fillTemplate(strings.lifetime, { days: Math.round((version.notAfter - version.notBefore) / 86_400_000) }),
    expiryLabel: expiryLabel(detail.daysLeft, detail.expiryLevel),
    expiryClass: expiryClass(detail.expiryLevel),
    percent: remainingPercent(version.notBefore, version.notAfter, now),
    barColor: EXPIRY_COLORS[detail.expiryLevel],
    issuer: version.issuerCommonName ?? version.issuer,
    serial: version.serialNumber,
    keyType: keyTypeLabel(detail, version),
    signature: version.signatureAlgorithm,
    sha256Short: shortFingerprint(version.sha256),
    spkiShort: shortFingerprint(version.spkiSha256),
    chainLength: fillTemplate(strings.chainLength, { count: version.chainLength }),
    chainOrdered: version.chainOrdered,
  };
}

function autoRenewText(detail: CertificateDetail): string {
  if (!detail.autoRenew) return strings.autoRenewOff;
  if (detail.renewalFailures > 0) return fillTemplate(strings.autoRenewFailing, { count: String(detail.renewalFailures) });
  return detail.renewAt === null ? strings.autoRenewOn : fillTemplate(strings.autoRenewAt, { date: formatDate(detail.renewAt) });
}

/** `*.example.com` → `api.example.com`: what to type in 服务器监控 for a host the wildcard covers. */
function wildcardHint(names: readonly string[]): string {
  const wildcards = names.filter((name) => name.startsWith('*.'));
  const first = wildcards[0];
  if (first === undefined) return '';
  return fillTemplate(strings.endpointsWildcard, { names: wildcards.join('、'), example: `api.${first.slice(2)}` });
}

function certificateView(detail: CertificateDetail, now: number): CertificateView {
  const names = detail.displayNames.length > 0 ? detail.displayNames : detail.names;
  const versions = [...detail.versions].sort((a, b) => b.issuedAt - a.issuedAt);
  const current = versions[0];
  return {
    title: names[0] ?? '',
    names,
    statusLabel: strings.statusLabels[detail.status],
    statusTheme: STATUS_THEMES[detail.status],
    caName: detail.caName,
    autoRenew: autoRenewText(detail),
    issued: current ? issuedView(detail, current, now) : null,
    versions: versions.map((version, index) => ({
      id: version.id,
      label: fillTemplate(strings.versionLabel, { from: formatDate(version.notBefore), to: formatDate(version.notAfter) }),
      serial: fillTemplate(strings.versionSerial, { serial: version.serialNumber }),
      current: index === 0,
      revoked: version.revokedAt !== null,
      revokedLabel:
        version.revokedAt === null
          ? ''
          : `${strings.versionRevoked}（${strings.reasons[version.revocationReason ?? 'unspecified']}）`,
    })),
    orderId: detail.currentOrderId ?? '',
    canExport: current !== undefined && current.revokedAt === null,
    canRevoke: detail.status === 'active' && current !== undefined && current.revokedAt === null,
    endpoints: detail.endpoints.map(endpointRow),
    endpointsEmpty: detail.endpoints.length > 0 ? '' : current === undefined ? strings.endpointsNotIssued : strings.endpointsNone,
    wildcardHint: wildcardHint(names),
  };
}

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

Component<CertificateData, None, CertificateMethods, NoBehaviors, CertificateInstance, true>({
  data: {
    strings,
    reasonOptions: REASON_ORDER.map((value) => ({ value, label: strings.reasons[value] })),
    phase: 'loading',
    errorMessage: '',
    view: null,
    revokeStep: 'none',
    revokeReason: 'unspecified',
    deleteStep: 'none',
    busy: false,
    actionError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.certificateId = query.id ?? '';
      this.detail = null;
      if (this.certificateId === '') {
        this.setData({ phase: 'error', errorMessage: strings.missingId });
        return Promise.resolve();
      }
      return this.load();
    },

    async load() {
      try {
        const detail = await getCertificate(this.certificateId);
        this.detail = detail;
        this.setData({ phase: 'ready', view: certificateView(detail, Date.now()), errorMessage: '' });
      } catch (error) {
        this.setData({ phase: 'error', errorMessage: messageOf(error) });
      }
    },

    onRetry() {
      if (this.data.phase === 'loading' || this.certificateId === '') return;
      this.setData({ phase: 'loading' });
      void this.load();
    },

    onViewOrder() {
      const orderId = this.data.view?.orderId;
      if (orderId) void wx.navigateTo({ url: `/pages/order/index?id=${encodeURIComponent(orderId)}` });
    },

    onExport() {
      if (!this.data.view?.canExport) return;
      void wx.navigateTo({ url: `/pages/export/index?id=${encodeURIComponent(this.certificateId)}` });
    },

    onCopy(event) {
      const version = this.detail?.versions[0];
      if (!version) return;
      const field = event.currentTarget.dataset.field;
      const text =
        field === 'sha256' ? colonHex(version.sha256) : field === 'spki' ? colonHex(version.spkiSha256) : version.serialNumber;
      copyText(text).catch(() => {
        this.setData({ actionError: strings.copyFailed });
      });
    },

    onOpenEndpoint(event) {
      const { url } = event.currentTarget.dataset;
      if (url) wx.navigateTo({ url, fail: () => undefined });
    },

    onOpenMonitors() {
      wx.navigateTo({ url: '/pages/monitors/index', fail: () => undefined });
    },

    onRevoke() {
      if (!this.data.view?.canRevoke || this.data.busy) return;
      this.setData({ revokeStep: 'reason', revokeReason: 'unspecified', actionError: '' });
    },

    onReasonChange(event) {
      this.setData({ revokeReason: event.detail.value });
    },

    onRevokeNext() {
      if (this.data.revokeStep !== 'reason') return;
      this.setData({ revokeStep: 'confirm' });
    },

    async onRevokeConfirm() {
      if (this.data.revokeStep !== 'confirm' || this.data.busy) return;
      this.setData({ revokeStep: 'none', busy: true, actionError: '' });
      try {
        const detail = await revokeCertificate(this.certificateId, this.data.revokeReason);
        this.detail = detail;
        this.setData({ view: certificateView(detail, Date.now()), busy: false });
      } catch (error) {
        this.setData({ busy: false, actionError: strings.revokeFailed + messageOf(error) });
      }
    },

    onRevokeCancel() {
      if (this.data.revokeStep !== 'none') this.setData({ revokeStep: 'none' });
    },

    onDelete() {
      if (this.data.busy || this.data.phase !== 'ready') return;
      this.setData({ deleteStep: 'first', actionError: '' });
    },

    onDeleteNext() {
      if (this.data.deleteStep !== 'first') return;
      this.setData({ deleteStep: 'second' });
    },

    async onDeleteConfirm() {
      if (this.data.deleteStep !== 'second' || this.data.busy) return;
      this.setData({ deleteStep: 'none', busy: true, actionError: '' });
      try {
        await deleteCertificate(this.certificateId);
        this.setData({ busy: false });
        void wx.navigateBack();
      } catch (error) {
        this.setData({ busy: false, actionError: strings.deleteFailed + messageOf(error) });
      }
    },

    onDeleteCancel() {
      if (this.data.deleteStep !== 'none') this.setData({ deleteStep: 'none' });
    },
  },
});
