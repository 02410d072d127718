import type { CheckStatus, EndpointDetail, TlsVersion } from '../../../typings/api';
import { ApiCallError } from '../../services/cloud';
import { copyText } from '../../services/device';
import { checkEndpoint, getEndpoint, removeEndpoint } from '../../services/monitors';
import { colonHex, formatDate, formatDateTime, shortFingerprint } from '../../utils/certificate-view';
import type { TagTheme } from '../../utils/certificate-view';
import { ENDPOINT_TEXT, VERDICT_COLORS, VERDICT_THEMES, displayUrl, servedExpiry } from '../../utils/endpoint-view';
import type { EndpointVerdict } from '../../utils/endpoint-view';
import { fillTemplate } from '../../utils/format';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在读取检查结果…',
  errorTitle: '检查结果加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
  missingId: '缺少服务器编号，请从服务器监控进入',
  wechatReady: '小程序可用',
  wechatNotReady: '小程序不可用',
  notCheckedYet: '还没有检查过这个服务器，点“立即检查”开始。',
  checkNow: '立即检查',
  checking: '正在连接服务器检查，通常需要几秒到十几秒…',
  checked: '已重新检查',
  checkFailed: '检查失败：',
  problemsTitle: '需要处理',
  blocksWechat: '导致小程序无法访问',
  failLabel: '不通过',
  warnLabel: '建议处理',
  fixLabel: '怎么修复',
  detailLabel: '详情：',
  passedToggle: '已通过 {count} 项',
  notesTitle: '其他提示',
  noteLabel: '请自行确认',
  undeterminedToggle: '暂时无法判断 {count} 项',
  servedTitle: '服务器返回的证书',
  subject: '使用者',
  issuer: '颁发者',
  names: '域名',
  validity: '有效期',
  validityRange: '{from} 至 {to}',
  daysLeft: '剩余',
  key: '密钥',
  protocol: '协议',
  chain: '证书链',
  chainLength: '服务器发送了 {count} 张',
  sha256: 'SHA-256 指纹',
  copy: '复制',
  copyFailed: '复制失败，请长按文字手动复制',
  viewCertificate: '查看证书',
  viewCertificateNote: '证书管家签发的证书',
  addressesTitle: '各地址的检查结果',
  trusted: '证书校验通过',
  untrusted: '证书校验未通过',
  unreachable: '连接失败',
  negotiated: '协商 {protocol} · {cipher}',
  chainTitle: '返回的证书链（{count} 张）',
  leaf: '服务器证书',
  chainPosition: '第 {index} 张',
  chainIssuer: '签发者 {issuer}',
  chainExpires: '{date} 到期',
  historyTitle: '检查记录',
  noHistory: '还没有检查记录',
  noFingerprint: '没有拿到证书',
  nextCheck: '下次自动检查',
  noNextCheck: '暂无计划',
  remove: '删除监控',
  removeTitle: '删除这个监控？',
  removeContent: '删除后不再检查 {url}，也不会再收到它的变化提醒。',
  removeConfirm: '删除',
  cancel: '取消',
  removeFailed: '删除失败：',
  unknown: '未知',
  versions: {
    TLSv1: 'TLS 1.0',
    'TLSv1.1': 'TLS 1.1',
    'TLSv1.2': 'TLS 1.2',
    'TLSv1.3': 'TLS 1.3',
  } satisfies Record<TlsVersion, string>,
  versionAccepted: '✓',
  versionRefused: '✗',
  versionUnknown: '?',
  keyTypes: {
    rsa: 'RSA {bits} 位',
    ec: 'ECDSA {bits} 位',
    ed25519: 'Ed25519',
    ed448: 'Ed448',
    dsa: 'DSA {bits} 位',
  } as Readonly<Record<string, string>>,
  curves: { 256: 'ECDSA P-256', 384: 'ECDSA P-384', 521: 'ECDSA P-521' } as Readonly<Record<number, string>>,
  failures: {
    connect: '连接失败',
    timeout: '连接超时',
    handshake: 'TLS 握手失败',
    refusedAddress: '不允许连接的地址',
  } as Readonly<Record<string, string>>,
  endpoint: ENDPOINT_TEXT,
} as const;

const TLS_ORDER: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const LEGACY_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1'];
/** Checks shown in the history; the server keeps more. */
const HISTORY_SHOWN = 10;

type Check = EndpointDetail['checks'][number];
type Address = EndpointDetail['addresses'][number];

interface CheckRow {
  id: string;
  status: CheckStatus;
  title: string;
  explanation: string;
  fix: string;
  detail: string;
  /** `导致小程序无法访问` / `不通过` / `建议处理`; '' for passed and info items. */
  label: string;
  theme: TagTheme;
}

interface ServedView {
  subject: string;
  issuer: string;
  names: string;
  validity: string;
  daysLeft: string;
  daysColor: string;
  key: string;
  protocol: string;
  chain: string;
  fingerprint: string;
}

interface VersionTag {
  version: TlsVersion;
  label: string;
  theme: TagTheme;
}

interface ChainRow {
  key: string;
  position: string;
  subject: string;
  issuer: string;
  facts: string;
}

interface AddressRow {
  address: string;
  reached: boolean;
  trusted: boolean;
  statusLabel: string;
  negotiated: string;
  versions: VersionTag[];
  chainTitle: string;
  chain: ChainRow[];
  failure: string;
}

interface HistoryRow {
  key: string;
  time: string;
  verdictLabel: string;
  theme: TagTheme;
  fingerprint: string;
}

interface MonitorView {
  url: string;
  verdict: EndpointVerdict;
  verdictLabel: string;
  verdictColor: string;
  summary: string;
  /** `小程序可用` / `小程序不可用`; '' before the first check. */
  wechat: string;
  wechatOk: boolean;
  checkedAt: string;
  /** Failures first (those that block WeChat before the rest), then warnings. */
  problems: CheckRow[];
  passed: CheckRow[];
  passedToggle: string;
  /** Information with something to do (ICP filing, a custom port). */
  notes: CheckRow[];
  /** Information without anything to do: rules that could not be judged this time. */
  undetermined: CheckRow[];
  undeterminedToggle: string;
  served: ServedView | null;
  addresses: AddressRow[];
  history: HistoryRow[];
  nextCheck: string;
  certificateUrl: string;
}

type Phase = 'loading' | 'error' | 'ready';

interface MonitorData {
  strings: typeof strings;
  phase: Phase;
  errorMessage: string;
  view: MonitorView | null;
  checking: boolean;
  /** `已重新检查`, or ''. */
  checkMessage: string;
  /** Why 立即检查 failed (the rate limit, say), or ''. */
  checkError: string;
  passedOpen: boolean;
  undeterminedOpen: boolean;
  removeOpen: boolean;
  removeContent: string;
  removing: boolean;
  actionError: string;
}

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type MonitorMethods = {
  load(): Promise<void>;
  show(detail: EndpointDetail, extra?: Partial<MonitorData>): void;
  onRetry(): void;
  onCheck(): Promise<void>;
  onTogglePassed(): void;
  onToggleUndetermined(): void;
  onCopyFingerprint(): Promise<void>;
  onOpenCertificate(): void;
  onRemove(): void;
  onRemoveConfirm(): Promise<void>;
  onRemoveCancel(): void;
};

interface MonitorInstance {
  endpointId: string;
  /** The loaded detail, for copying the full fingerprint (the view holds the short form). */
  detail: EndpointDetail | null;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

function checkRow(check: Check): CheckRow {
  const label = check.status === 'fail' ? (check.blocksWechat ? strings.blocksWechat : strings.failLabel) : check.status === 'warn' ? strings.warnLabel : '';
  return {
    id: check.id,
    status: check.status,
    title: check.title,
    explanation: check.explanation,
    fix: check.fix ?? '',
    detail: check.detail ?? '',
    label,
    theme: check.status === 'fail' ? 'danger' : check.status === 'warn' ? 'warning' : check.status === 'pass' ? 'success' : 'default',
  };
}

/** Problems worst first: failures that block WeChat, other failures, warnings; the checklist order within each. */
function problemRank(check: Check): number {
  if (check.status === 'fail') return check.blocksWechat ? 0 : 1;
  return 2;
}

function keyLabel(keyType: string, keyBits: number | null): string {
  const curve = keyType === 'ec' && keyBits !== null ? strings.curves[keyBits] : undefined;
  if (curve !== undefined) return curve;
  const template = strings.keyTypes[keyType];
  if (template === undefined || (keyBits === null && template.includes('{bits}'))) return keyType.toUpperCase();
  return fillTemplate(template, { bits: keyBits ?? '' });
}

function versionName(version: TlsVersion | null): string {
  return version === null ? strings.unknown : strings.versions[version];
}

/** Green where the answer is what phones need, amber for a legacy version still accepted, red for TLS 1.2 refused. */
function versionTag(version: TlsVersion, accepted: boolean | null): VersionTag {
  const legacy = LEGACY_VERSIONS.includes(version);
  const mark = accepted === null ? strings.versionUnknown : accepted ? strings.versionAccepted : strings.versionRefused;
  let theme: TagTheme = 'default';
  if (accepted === true) theme = legacy ? 'warning' : 'success';
  else if (accepted === false && version === 'TLSv1.2') theme = 'danger';
  return { version, label: `${strings.versions[version]} ${mark}`, theme };
}

/** `timeout: connect ETIMEDOUT …` → `连接超时：connect ETIMEDOUT …`. */
function failureText(failure: string): string {
  const match = /^(\w+):\s*(.*)$/.exec(failure);
  const label = match ? strings.failures[match[1] ?? ''] : undefined;
  if (!match || label === undefined) return failure;
  return match[2] ? `${label}：${match[2]}` : label;
}

function addressRow(address: Address): AddressRow {
  const reached = address.failure === null;
  return {
    address: address.address,
    reached,
    trusted: address.trusted,
    statusLabel: !reached ? strings.unreachable : address.trusted ? strings.trusted : strings.untrusted,
    negotiated: address.protocol === null ? '' : fillTemplate(strings.negotiated, { protocol: versionName(address.protocol), cipher: address.cipher ?? strings.unknown }),
    versions: TLS_ORDER.map((version) => versionTag(version, address.versions[version])),
    chainTitle: fillTemplate(strings.chainTitle, { count: address.chain.length }),
    chain: address.chain.map((certificate, index) => ({
      key: `${String(index)}-${certificate.subject}`,
      position: index === 0 ? strings.leaf : fillTemplate(strings.chainPosition, { index: index + 1 }),
      subject: certificate.subject,
      issuer: fillTemplate(strings.chainIssuer, { issuer: certificate.issuer }),
      facts: [fillTemplate(strings.chainExpires, { date: formatDate(certificate.notAfter) }), keyLabel(certificate.keyType, certificate.keyBits), certificate.signatureAlgorithm].join(' · '),
    })),
    failure: address.failure === null ? '' : failureText(address.failure),
  };
}

function servedView(detail: EndpointDetail): ServedView | null {
  const served = detail.served;
  if (served === null) return null;
  const expiry = servedExpiry(detail.daysLeft);
  return {
    subject: served.subject,
    issuer: served.issuer,
    names: served.dnsNames.join('、'),
    validity: fillTemplate(strings.validityRange, { from: formatDate(served.notBefore), to: formatDate(served.notAfter) }),
    daysLeft: expiry.text,
    daysColor: expiry.color,
    key: keyLabel(served.keyType, served.keyBits),
    protocol: versionName(served.protocol),
    chain: fillTemplate(strings.chainLength, { count: served.chainLength }),
    fingerprint: shortFingerprint(served.fingerprintSha256),
  };
}

function monitorView(detail: EndpointDetail): MonitorView {
  const problems = detail.checks.filter((check) => check.status === 'fail' || check.status === 'warn');
  const ranked = problems.map((check, index) => ({ check, index })).sort((a, b) => problemRank(a.check) - problemRank(b.check) || a.index - b.index);
  const passed = detail.checks.filter((check) => check.status === 'pass').map(checkRow);
  const info = detail.checks.filter((check) => check.status === 'info');
  const undetermined = info.filter((check) => check.fix === null).map(checkRow);
  return {
    url: displayUrl(detail),
    verdict: detail.verdict,
    verdictLabel: ENDPOINT_TEXT.verdicts[detail.verdict],
    verdictColor: VERDICT_COLORS[detail.verdict],
    summary: detail.summary ?? (detail.checkedAt === null ? strings.notCheckedYet : ''),
    wechat: detail.wechatReady === null ? '' : detail.wechatReady ? strings.wechatReady : strings.wechatNotReady,
    wechatOk: detail.wechatReady === true,
    checkedAt: detail.checkedAt === null ? ENDPOINT_TEXT.notChecked : fillTemplate(ENDPOINT_TEXT.checkedAt, { time: formatDateTime(detail.checkedAt) }),
    problems: ranked.map(({ check }) => checkRow(check)),
    passed,
    passedToggle: fillTemplate(strings.passedToggle, { count: passed.length }),
    notes: info.filter((check) => check.fix !== null).map(checkRow),
    undetermined,
    undeterminedToggle: fillTemplate(strings.undeterminedToggle, { count: undetermined.length }),
    served: servedView(detail),
    addresses: detail.addresses.map(addressRow),
    history: detail.history.slice(0, HISTORY_SHOWN).map((entry, index) => ({
      key: `${String(entry.at)}-${String(index)}`,
      time: formatDateTime(entry.at),
      verdictLabel: ENDPOINT_TEXT.verdicts[entry.verdict],
      theme: VERDICT_THEMES[entry.verdict],
      fingerprint: entry.fingerprintSha256 === null ? strings.noFingerprint : shortFingerprint(entry.fingerprintSha256),
    })),
    nextCheck: detail.nextCheckAt === null ? strings.noNextCheck : formatDateTime(detail.nextCheckAt),
    certificateUrl: detail.certificateId === null ? '' : `/pages/certificate/index?id=${encodeURIComponent(detail.certificateId)}`,
  };
}

Component<MonitorData, None, MonitorMethods, NoBehaviors, MonitorInstance, true>({
  data: {
    strings,
    phase: 'loading',
    errorMessage: '',
    view: null,
    checking: false,
    checkMessage: '',
    checkError: '',
    passedOpen: false,
    undeterminedOpen: false,
    removeOpen: false,
    removeContent: '',
    removing: false,
    actionError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.endpointId = query.id ?? '';
      this.detail = null;
      if (this.endpointId === '') {
        this.setData({ phase: 'error', errorMessage: strings.missingId });
        return Promise.resolve();
      }
      return this.load();
    },

    async load() {
      try {
        this.show(await getEndpoint(this.endpointId), { phase: 'ready', errorMessage: '' });
      } catch (error) {
        this.setData({ phase: 'error', errorMessage: messageOf(error) });
      }
    },

    /** One `setData` with the detail's view and `extra`. */
    show(detail, extra = {}) {
      this.detail = detail;
      this.setData({ view: monitorView(detail), ...extra });
    },

    onRetry() {
      if (this.data.phase === 'loading' || this.endpointId === '') return;
      this.setData({ phase: 'loading' });
      void this.load();
    },

    async onCheck() {
      if (this.data.checking || this.data.phase !== 'ready') return;
      this.setData({ checking: true, checkMessage: '', checkError: '' });
      try {
        this.show(await checkEndpoint(this.endpointId), { checking: false, checkMessage: strings.checked });
      } catch (error) {
        // The rate limit's message says when to try again; shown as it comes.
        const message = error instanceof ApiCallError && error.code === 'RATE_LIMITED' ? error.message : strings.checkFailed + messageOf(error);
        this.setData({ checking: false, checkError: message });
      }
    },

    onTogglePassed() {
      this.setData({ passedOpen: !this.data.passedOpen });
    },

    onToggleUndetermined() {
      this.setData({ undeterminedOpen: !this.data.undeterminedOpen });
    },

    async onCopyFingerprint() {
      const fingerprint = this.detail?.served?.fingerprintSha256;
      if (!fingerprint) return;
      try {
        await copyText(colonHex(fingerprint));
      } catch {
        this.setData({ actionError: strings.copyFailed });
      }
    },

    onOpenCertificate() {
      const url = this.data.view?.certificateUrl;
      if (url) wx.navigateTo({ url, fail: () => undefined });
    },

    onRemove() {
      if (this.data.removing || this.data.phase !== 'ready' || !this.data.view) return;
      this.setData({ removeOpen: true, removeContent: fillTemplate(strings.removeContent, { url: this.data.view.url }), actionError: '' });
    },

    async onRemoveConfirm() {
      if (!this.data.removeOpen || this.data.removing) return;
      this.setData({ removeOpen: false, removing: true, actionError: '' });
      try {
        await removeEndpoint(this.endpointId);
        this.setData({ removing: false });
        // Opened from a notification, there is no page to go back to: open the list instead.
        wx.navigateBack({ fail: () => wx.redirectTo({ url: '/pages/monitors/index', fail: () => undefined }) });
      } catch (error) {
        this.setData({ removing: false, actionError: strings.removeFailed + messageOf(error) });
      }
    },

    onRemoveCancel() {
      if (this.data.removeOpen) this.setData({ removeOpen: false });
    },
  },
});
