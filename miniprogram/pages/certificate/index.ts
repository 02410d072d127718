import type {
  AutomationInput,
  AutomationKind,
  AutomationOptions,
  AutomationView,
  CertificateDetail,
  CertificateStatus,
  CertificateVersionView,
  CredentialView,
  ExpiryLevel,
  KeyType,
  RevocationReason,
  ValidationMethod,
} from '../../../typings/api';
import { listCredentials, listDnsProviders, setAutomation, verifyAutomation } from '../../services/automation';
import { deleteCertificate, getCertificate, revokeCertificate } from '../../services/certificates';
import { ApiCallError } from '../../services/cloud';
import type { ApiViolation } from '../../services/cloud';
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
  auto: {
    title: '自动验证',
    automatic: '自动',
    manual: '需人工',
    manualDns: '现在是手动验证：每次签发和续期，都要你按提示添加 TXT 记录，证书不能无人值守地续期。设置自动验证后，续期全程自动完成。',
    manualHttp: '现在是手动验证：每次签发和续期，都要你按提示在网站上放置验证文件，证书不能无人值守地续期。设置自动验证后，续期全程自动完成。',
    provider: '用 {provider} 的密钥“{label}”自动添加和删除 TXT 记录，签发和续期都不需要你操作。',
    providerMissing: '这张证书使用的 DNS 服务商密钥已不可用，请重新选择一组密钥或改为其他验证方式。',
    cnamePending: '在域名的 DNS 中添加下面的 CNAME 记录（只需添加一次，以后续期不用再改），生效后点「检测」。',
    cnameVerified: 'CNAME 记录已生效（{time} 检测通过），以后签发和续期都会自动完成验证。请一直保留这些记录。',
    cnameHostNote: '部分 DNS 服务商的“主机记录”只填前缀，例如 _acme-challenge 或 _acme-challenge.www，不含主域名。已有同名 TXT 记录的，请先删除。',
    redirectPending: '在网站服务器上加入下面的重定向规则并重新加载，生效后点「检测」。80 端口需要能从公网访问。',
    redirectVerified: '重定向已生效（{time} 检测通过），以后签发和续期都会自动完成验证。请一直保留这条规则。',
    recordName: '主机记录',
    recordType: '记录类型',
    recordValue: '记录值',
    copy: '复制',
    copyConfig: '复制配置',
    verify: '检测',
    verifying: '正在检测…',
    verified: '检测通过：以后签发和续期都会自动完成验证',
    verifyFailed: '检测失败：',
    setUp: '设置自动验证',
    change: '更改验证方式',
    chooserTitle: '选择验证方式',
    current: '（当前）',
    loadingOptions: '正在读取可用的验证方式…',
    optionsFailed: '读取失败：',
    retryOptions: '重试',
    apply: '确定',
    cancel: '取消',
    applyFailed: '设置失败：',
    applied: '已改为{label}',
    wildcard: '通配符证书只能使用 DNS 验证：要自动续期，请使用 DNS 服务商密钥或 CNAME 委托。',
    httpOnly: 'DNS 服务商密钥和 CNAME 委托只适用于 DNS 验证的证书；如需使用，请重新申请一张“DNS 验证”的证书。',
    credentialsTitle: '用哪组 DNS 服务商密钥',
    noCredentials: '还没有保存 DNS 服务商密钥。',
    addCredential: '添加 DNS 服务商密钥',
    manageCredentials: '管理密钥',
    credentialOk: '上次测试成功 · {time}',
    credentialFailed: '上次测试失败：{message}',
    copyFailed: '复制失败，请长按文字手动复制',
    methods: {
      dnsProvider: { label: 'DNS 服务商密钥', content: '证书管家用你保存的 API 密钥添加和删除 TXT 记录，全程自动。' },
      cnameDelegation: { label: 'CNAME 委托', content: '在 DNS 中添加一次 CNAME 记录，把验证交给证书管家；不需要提供密钥。' },
      httpRedirect: { label: '文件验证重定向', content: '在网站服务器上加一条重定向规则，把验证文件的请求转给证书管家；不用再上传文件。' },
      manual: { label: '手动验证', content: '每次签发和续期时，按提示自己添加记录或放置文件。' },
    } satisfies Record<AutomationKind, { label: string; content: string }>,
  },
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
  /** Whether the 自动验证 card applies: the certificate still gets orders (not revoked, cancelled or failed). */
  automatable: boolean;
}

interface CnameRow {
  name: string;
  type: string;
  value: string;
}

interface SnippetRow {
  server: string;
  title: string;
  code: string;
  note: string;
}

/** The 自动验证 card: how challenges get published, and what the user still has to do. */
interface AutomationCard {
  kind: AutomationKind;
  automatic: boolean;
  label: string;
  /** What this method means for the user now. */
  text: string;
  cnameRecords: CnameRow[];
  snippets: SnippetRow[];
  /** CNAME and redirect are checked before they are trusted. */
  canVerify: boolean;
  /** Why the last setting or check failed, in Chinese; ''. */
  problem: string;
  changeLabel: string;
  /** Wildcard names: only DNS methods can renew it. */
  wildcard: boolean;
}

interface ChoiceOption {
  value: string;
  label: string;
  content: string;
}

interface MethodOption extends ChoiceOption {
  value: AutomationKind;
}

/** The method chooser: closed, reading what is offered, that failed, or open. */
type Chooser = 'closed' | 'loading' | 'failed' | 'open';

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

  auto: AutomationCard | null;
  /** The redirect snippet shown (one server at a time). */
  snippetIndex: number;
  chooser: Chooser;
  chooserError: string;
  methodOptions: MethodOption[];
  method: AutomationKind;
  /** Why some methods are not offered for this certificate; ''. */
  methodNote: string;
  credentialOptions: ChoiceOption[];
  credentialId: string;
  credentialError: string;
  applyError: string;
  /** What is in flight in the card: '' | 'apply' | 'verify'. */
  autoBusy: '' | 'apply' | 'verify';
  /** A success line in the card (set, or checked and working); ''. */
  autoMessage: string;
  /** The clipboard refused a record or snippet; ''. */
  copyError: string;
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
  showAutomation(automation: AutomationView, extra?: Partial<CertificateData>): void;
  openChooser(): Promise<void>;
  onAutoChange(): void;
  onAutoCancel(): void;
  onMethodChange(event: WechatMiniprogram.CustomEvent<{ value: string }>): void;
  onCredentialChange(event: WechatMiniprogram.CustomEvent<{ value: string }>): void;
  onAutoApply(): Promise<void>;
  onAutoVerify(): Promise<void>;
  onAutoCopy(event: WechatMiniprogram.BaseEvent<Record<string, never>, { text?: string }>): void;
  onSnippetTab(event: WechatMiniprogram.BaseEvent<Record<string, never>, { index?: number }>): void;
  onAddCredential(): void;
  onManageCredentials(): void;
};

interface CertificateInstance {
  certificateId: string;
  /** The loaded detail, for copying full fingerprints (the view holds the short form). */
  detail: CertificateDetail | null;
  /** What the deployment offers and the user's credentials, read when the chooser first opens. */
  automationOptions: AutomationOptions | null;
  credentials: CredentialView[] | null;
  /** Set after the first `onShow`, so coming back (from adding a key) refreshes the credentials. */
  shownBefore: boolean;
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
    automatable: detail.status === 'active' || detail.status === 'pending',
  };
}

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

/** The rules a server refusal names: `violations` when present, else its one `field`. */
function violationsOf(error: ApiCallError): ApiViolation[] {
  if (error.violations.length > 0) return error.violations;
  return error.field === undefined ? [] : [{ field: error.field, rule: '', message: error.message }];
}

function automationText(automation: AutomationView, validation: ValidationMethod): string {
  const text = strings.auto;
  const verifiedAt = automation.verifiedAt === null ? '' : formatDateTime(automation.verifiedAt);
  switch (automation.kind) {
    case 'manual':
      return validation === 'dns-01' ? text.manualDns : text.manualHttp;
    case 'dnsProvider':
      return automation.credential
        ? fillTemplate(text.provider, { provider: automation.credential.providerName, label: automation.credential.label })
        : text.providerMissing;
    case 'cnameDelegation':
      return automation.automatic ? fillTemplate(text.cnameVerified, { time: verifiedAt }) : text.cnamePending;
    case 'httpRedirect':
      return automation.automatic ? fillTemplate(text.redirectVerified, { time: verifiedAt }) : text.redirectPending;
  }
}

function automationCard(automation: AutomationView, detail: CertificateDetail): AutomationCard {
  return {
    kind: automation.kind,
    automatic: automation.automatic,
    label: automation.label,
    text: automationText(automation, detail.validation),
    cnameRecords: automation.kind === 'cnameDelegation' ? automation.cnameRecords.map((record) => ({ ...record })) : [],
    snippets: automation.kind === 'httpRedirect' ? automation.httpSnippets.map((snippet) => ({ ...snippet })) : [],
    canVerify: automation.kind === 'cnameDelegation' || automation.kind === 'httpRedirect',
    problem: automation.problem ?? '',
    changeLabel: automation.kind === 'manual' ? strings.auto.setUp : strings.auto.change,
    wildcard: detail.names.some((name) => name.startsWith('*.')),
  };
}

/** The methods this certificate can switch to: DNS ones for dns-01, the redirect for http-01, and by hand. */
function methodChoices(detail: CertificateDetail, options: AutomationOptions): { kinds: AutomationKind[]; note: string } {
  const kinds: AutomationKind[] = [];
  if (detail.validation === 'dns-01') {
    kinds.push('dnsProvider');
    if (options.delegationZone !== null) kinds.push('cnameDelegation');
  } else if (options.acmeHttpBaseUrl !== null) {
    kinds.push('httpRedirect');
  }
  kinds.push('manual');
  return { kinds, note: detail.validation === 'dns-01' ? '' : strings.auto.httpOnly };
}

function credentialChoices(credentials: readonly CredentialView[]): ChoiceOption[] {
  return credentials.map((credential) => ({
    value: credential.id,
    label: credential.label === credential.providerName ? credential.providerName : `${credential.providerName} · ${credential.label}`,
    content: credential.lastTest.ok
      ? fillTemplate(strings.auto.credentialOk, { time: formatDateTime(credential.lastTest.at) })
      : fillTemplate(strings.auto.credentialFailed, { message: credential.lastTest.message ?? '' }),
  }));
}

/** The credential picked first: the one in use, else the first that last worked, else the first. */
function defaultCredential(credentials: readonly CredentialView[], automation: AutomationView): string {
  const current = automation.credential?.id;
  if (current !== undefined && credentials.some((credential) => credential.id === current)) return current;
  return (credentials.find((credential) => credential.lastTest.ok) ?? credentials[0])?.id ?? '';
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

    auto: null,
    snippetIndex: 0,
    chooser: 'closed',
    chooserError: '',
    methodOptions: [],
    method: 'manual',
    methodNote: '',
    credentialOptions: [],
    credentialId: '',
    credentialError: '',
    applyError: '',
    autoBusy: '',
    autoMessage: '',
    copyError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.certificateId = query.id ?? '';
      this.detail = null;
      this.automationOptions = null;
      this.credentials = null;
      this.shownBefore = false;
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
        this.setData({ phase: 'ready', view: certificateView(detail, Date.now()), errorMessage: '', auto: automationCard(detail.automation, detail) });
      } catch (error) {
        this.setData({ phase: 'error', errorMessage: messageOf(error) });
      }
    },

    onShow() {
      // Back from 添加 DNS 服务商密钥: offer the key just added.
      if (this.shownBefore && this.data.chooser === 'open' && this.credentials !== null) {
        listCredentials()
          .then((credentials) => {
            this.credentials = credentials;
            const automation = this.detail?.automation;
            const credentialId = credentials.some((credential) => credential.id === this.data.credentialId)
              ? this.data.credentialId
              : automation ? defaultCredential(credentials, automation) : '';
            this.setData({ credentialOptions: credentialChoices(credentials), credentialId });
          })
          .catch(() => undefined);
      }
      this.shownBefore = true;
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
        this.setData({ view: certificateView(detail, Date.now()), busy: false, auto: automationCard(detail.automation, detail) });
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

    /** One `setData` with the certificate's new automation and `extra`. */
    showAutomation(automation, extra = {}) {
      const detail = this.detail;
      if (!detail) return;
      const updated: CertificateDetail = { ...detail, automation, automationKind: automation.kind, automatic: automation.automatic };
      this.detail = updated;
      const snippetIndex = this.data.snippetIndex < automation.httpSnippets.length ? this.data.snippetIndex : 0;
      this.setData({ auto: automationCard(automation, updated), snippetIndex, ...extra });
    },

    async openChooser() {
      const detail = this.detail;
      if (!detail) return;
      this.setData({ chooser: 'loading', chooserError: '', applyError: '', credentialError: '', autoMessage: '' });
      try {
        const [options, credentials] = await Promise.all([
          this.automationOptions ? Promise.resolve(this.automationOptions) : listDnsProviders(),
          listCredentials(),
        ]);
        this.automationOptions = options;
        this.credentials = credentials;
        const current = detail.automation.kind;
        const { kinds, note } = methodChoices(detail, options);
        // A certificate set up by hand is offered the first automatic method; otherwise what it uses.
        const method = current === 'manual' || !kinds.includes(current) ? (kinds[0] ?? 'manual') : current;
        this.setData({
          chooser: 'open',
          methodOptions: kinds.map((kind) => ({
            value: kind,
            label: strings.auto.methods[kind].label + (kind === current ? strings.auto.current : ''),
            content: strings.auto.methods[kind].content,
          })),
          method,
          methodNote: note,
          credentialOptions: credentialChoices(credentials),
          credentialId: defaultCredential(credentials, detail.automation),
        });
      } catch (error) {
        this.setData({ chooser: 'failed', chooserError: strings.auto.optionsFailed + messageOf(error) });
      }
    },

    onAutoChange() {
      if (this.data.autoBusy !== '' || this.data.chooser === 'loading' || this.data.chooser === 'open') return;
      void this.openChooser();
    },

    onAutoCancel() {
      if (this.data.autoBusy === 'apply') return;
      this.setData({ chooser: 'closed', applyError: '', credentialError: '' });
    },

    onMethodChange(event) {
      const method = event.detail.value;
      const offered = this.data.methodOptions.find((option) => option.value === method);
      if (!offered) return;
      this.setData({ method: offered.value, applyError: '', credentialError: '' });
    },

    onCredentialChange(event) {
      this.setData({ credentialId: event.detail.value, credentialError: '', applyError: '' });
    },

    async onAutoApply() {
      if (this.data.chooser !== 'open' || this.data.autoBusy !== '') return;
      const method = this.data.method;
      let input: AutomationInput;
      if (method === 'dnsProvider') {
        if (this.data.credentialId === '') return;
        input = { kind: 'dnsProvider', credentialId: this.data.credentialId };
      } else {
        input = { kind: method };
      }
      this.setData({ autoBusy: 'apply', applyError: '', credentialError: '', autoMessage: '' });
      try {
        const automation = await setAutomation(this.certificateId, input);
        this.showAutomation(automation, {
          autoBusy: '',
          chooser: 'closed',
          autoMessage: automation.problem === null && automation.automatic ? fillTemplate(strings.auto.applied, { label: automation.label }) : '',
        });
      } catch (error) {
        if (!(error instanceof ApiCallError)) {
          this.setData({ autoBusy: '', applyError: strings.auto.applyFailed + strings.unexpectedError });
          return;
        }
        // The credential cannot manage these names' zones: said under the key picker.
        const onCredential = violationsOf(error).find((violation) => violation.field.startsWith('automation'));
        if (onCredential) this.setData({ autoBusy: '', credentialError: onCredential.message });
        else this.setData({ autoBusy: '', applyError: strings.auto.applyFailed + error.message });
      }
    },

    async onAutoVerify() {
      if (!this.data.auto?.canVerify || this.data.autoBusy !== '') return;
      this.setData({ autoBusy: 'verify', autoMessage: '' });
      try {
        const automation = await verifyAutomation(this.certificateId);
        this.showAutomation(automation, { autoBusy: '', autoMessage: automation.automatic && automation.problem === null ? strings.auto.verified : '' });
      } catch (error) {
        // Not the setup's fault (rate limit, network): shown as the card's problem until the next check.
        this.setData({ autoBusy: '', 'auto.problem': strings.auto.verifyFailed + messageOf(error) });
      }
    },

    onAutoCopy(event) {
      const { text } = event.currentTarget.dataset;
      if (!text) return;
      copyText(text).then(
        () => {
          if (this.data.copyError !== '') this.setData({ copyError: '' });
        },
        () => {
          this.setData({ copyError: strings.auto.copyFailed });
        },
      );
    },

    onSnippetTab(event) {
      const { index } = event.currentTarget.dataset;
      if (typeof index === 'number' && index !== this.data.snippetIndex) this.setData({ snippetIndex: index });
    },

    onAddCredential() {
      wx.navigateTo({ url: '/pages/credentials/index?add=1', fail: () => undefined });
    },

    onManageCredentials() {
      wx.navigateTo({ url: '/pages/credentials/index', fail: () => undefined });
    },
  },
});
