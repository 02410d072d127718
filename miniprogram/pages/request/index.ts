import type { CaId, CreateRequestInput, CredentialView, KeyType, ValidationMethod } from '../../../typings/api';
import { listCredentials } from '../../services/automation';
import { copyText } from '../../services/clipboard';
import { ApiCallError } from '../../services/cloud';
import { createRequest } from '../../services/orders';
import { CA_CATALOG, checkCaInput } from '../../shared/ca-catalog';
import type { CaDescriptor, CaInputViolation } from '../../shared/ca-catalog';
import { CA_INPUT_MESSAGES } from '../../shared/ca.messages.zh';
import { DEFAULT_KEY_TYPE, KEY_TYPES, isKeyType } from '../../shared/keys';
import { parseName, parseNames } from '../../shared/names';
import { describeNameViolation } from '../../shared/names.messages.zh';
import { formatDateTime } from '../../utils/certificate-view';
import { fillTemplate } from '../../utils/format';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  steps: [{ title: '域名' }, { title: '证书颁发机构' }, { title: '密钥' }, { title: '验证方式' }, { title: '确认' }],
  namesTitle: '要保护的域名',
  namesHint: '每行一个域名，可以填写多个（多域名证书）。支持通配符（*.example.com）和中文域名。',
  namePlaceholder: '例如 www.example.com',
  addName: '添加域名',
  removeName: '删除',
  useSuggestion: '改为',
  idnPrefix: '国际化域名：',
  idnSuffix: '（证书中使用 xn-- 形式）',
  wildcardNote: '通配符 *.example.com 只覆盖一级子域名（如 a.example.com），不覆盖 example.com 本身，也不覆盖 a.b.example.com；需要时请同时填写 example.com。通配符证书只能使用 DNS 验证。',
  icpTitle: '服务器在中国大陆？',
  icpNote: '域名需要先完成 ICP 备案，否则云服务商会拦截对 80/443 端口的访问（文件验证也会失败）。申请证书本身不需要备案。',
  wechatTitle: '用作小程序「服务器域名」时',
  wechatRules: [
    '只能使用 https（WebSocket 为 wss），不能使用 IP 地址或 localhost；',
    '需填写确切的子域名（不会匹配上级域名），证书必须包含这个子域名；',
    '后台未配置端口时，请求地址不能带端口（包括 :443）；配置了端口则只能使用该端口；',
    '域名须已备案；服务器要发送完整证书链，并支持 TLS 1.2 及以上。',
  ],
  caTitle: '证书颁发机构（CA）',
  typesTitle: 'DV、OV、EV 怎么选',
  typeGuides: [
    { title: 'DV 域名验证型', content: '只验证你对域名的控制权，几分钟即可签发，免费（Let’s Encrypt、ZeroSSL、Google）。适合绝大多数网站和小程序后端。' },
    { title: 'OV / EV 组织验证型', content: '由商业证书颁发机构人工审核你的组织信息，通常需要数天。先在 CA 官网购买并通过审核，再用它提供的 ACME 目录地址和 EAB 凭据，选择「其他 ACME 证书颁发机构」在这里申请。' },
  ],
  needsEab: '需要 EAB',
  untrusted: '测试环境：签发的证书不受浏览器信任，仅用于调试流程',
  eabTitle: '外部账户绑定（EAB）',
  eabRequiredHint: '这家 CA 要求 EAB：请在其控制台获取 Key ID 和 HMAC Key。',
  eabOptionalHint: '如果 CA 提供了 EAB 凭据，请填写；没有可以留空。',
  eabHelpPrefix: '获取地址：',
  copyLink: '复制链接',
  eabKidLabel: 'Key ID',
  eabKidPlaceholder: 'EAB Key ID',
  eabHmacLabel: 'HMAC Key',
  eabHmacPlaceholder: 'EAB HMAC Key（base64url）',
  directoryLabel: '目录地址',
  directoryPlaceholder: 'https://…/directory',
  directoryHint: '商业 CA（含 OV/EV）会提供 ACME 目录地址（Directory URL）和 EAB 凭据。',
  keyTitle: '密钥类型',
  recommended: '推荐',
  csrLabel: '使用自己的 CSR',
  csrDescription: '私钥由你自己保管，不会经过证书管家；导出时不包含私钥',
  csrPlaceholder: '-----BEGIN CERTIFICATE REQUEST-----\n…\n-----END CERTIFICATE REQUEST-----',
  csrHint: 'CSR 中的域名必须与第一步填写的域名完全一致。',
  csrEmpty: '请粘贴 CSR 的完整内容',
  csrNotPem: '这不是 PEM 格式的 CSR：应以 “-----BEGIN CERTIFICATE REQUEST-----” 开头、以 “-----END CERTIFICATE REQUEST-----” 结尾，请完整复制',
  validationTitle: '验证方式',
  dnsLabel: 'DNS 验证（TXT 记录）',
  dnsDescription: '在域名的 DNS 解析中添加 TXT 记录。支持通配符，不需要服务器在线。',
  httpLabel: '文件验证（HTTP）',
  httpDescription: '在网站 /.well-known/acme-challenge/ 下放置一个文件，CA 通过 http://（80 端口）访问。服务器需已上线且公网可访问；大陆服务器需已备案。',
  wildcardForcesDns: '你填写了通配符域名，只能使用 DNS 验证：CA 规定通配符证书必须通过 DNS TXT 记录验证。',
  autoTitle: '用 DNS 服务商密钥自动完成验证',
  autoDescription: '证书管家用你保存的密钥添加和删除 TXT 记录：这次签发和以后的续期都不需要你操作。密钥所在账号需要管理这些域名的解析。',
  autoCredentialOk: '上次测试成功 · {time}',
  autoCredentialFailed: '上次测试失败：{message}',
  autoNone: '保存 DNS 服务商（腾讯云 DNSPod、阿里云、Cloudflare、华为云）的 API 密钥后，可以自动完成验证和续期。',
  autoAdd: '添加密钥',
  summaryAutomation: '自动验证',
  summaryTitle: '确认申请信息',
  summaryNames: '域名',
  summaryCa: '证书颁发机构',
  summaryType: '证书类型',
  summaryKey: '密钥',
  summaryValidation: '验证方式',
  summaryEab: 'EAB',
  summaryEabFilled: '已填写',
  summaryDirectory: '目录地址',
  summaryCsr: '自己的 CSR',
  prev: '上一步',
  next: '下一步',
  submit: '提交',
  fixAbove: '请先修正上面标出的问题',
  unexpectedError: '出了点问题，请稍后重试',
} as const;

/** The CAs offered, in this order; the local Pebble CA is not offered in the Mini Program. */
const OFFERED_CAS: readonly CaId[] = ['letsencrypt', 'zerossl', 'google', 'custom', 'letsencrypt-staging', 'google-staging'];
const DEFAULT_CA: CaId = 'letsencrypt';
const CSR_CHOICE = 'csr';
type KeyChoice = KeyType | typeof CSR_CHOICE;

const STEP_NAMES = 0;
const STEP_CA = 1;
const STEP_KEY = 2;
const STEP_VALIDATION = 3;
const STEP_CONFIRM = 4;

const CSR_PEM = /^-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]+-----END (NEW )?CERTIFICATE REQUEST-----$/;

interface NameRow {
  /** Stable key for wx:for. */
  key: number;
  value: string;
  /** The broken rule in Chinese, or ''. */
  error: string;
  /** `中国.cn ↔ xn--fiqs8s.cn` for an IDN, or ''. */
  idn: string;
  /** For a URL typed instead of a name: the name to use, or ''. */
  suggestion: string;
}

interface OptionView {
  value: string;
  label: string;
  content: string;
}

/** Instance fields that are not rendered. */
interface RequestInstance {
  /** Set after the first `onShow`, so coming back (from adding a key) reads the credentials again. */
  shownBefore: boolean;
}

/** Errors shown next to fields; '' when there is none. */
interface FieldErrors {
  names: string;
  caId: string;
  eab: string;
  eabKid: string;
  eabHmacKey: string;
  directoryUrl: string;
  keyType: string;
  csrPem: string;
  validation: string;
  automation: string;
}

interface SummaryRow {
  label: string;
  value: string;
}

interface RequestData {
  strings: typeof strings;
  step: number;
  rows: NameRow[];
  hasWildcard: boolean;
  caOptions: OptionView[];
  caId: CaId;
  /** 'required' | 'optional' | 'none' for the chosen CA. */
  eabMode: CaDescriptor['eab'];
  eabHelpUrl: string;
  isCustom: boolean;
  untrusted: boolean;
  eabKid: string;
  eabHmacKey: string;
  directoryUrl: string;
  keyOptions: OptionView[];
  keyChoice: KeyChoice;
  csrPem: string;
  validation: ValidationMethod;
  /** The user's DNS provider credentials, as choices; empty when there are none (or they could not be read). */
  credentialOptions: OptionView[];
  /** True once the credentials were read, so "none yet" can be told apart from "not known". */
  credentialsLoaded: boolean;
  /** Publish the dns-01 records with `credentialId` (sent as `automation`). */
  useCredential: boolean;
  credentialId: string;
  errors: FieldErrors;
  summary: SummaryRow[];
  submitting: boolean;
  /** A problem not tied to one field. */
  submitError: string;
}

type FieldEvent = { detail: { value: string } };
type RowEvent = { detail: { value: string }; currentTarget: { dataset: { index: number } } };
type TapRowEvent = { currentTarget: { dataset: { index: number } } };

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type RequestMethods = {
  onNameChange(event: RowEvent): void;
  onAddName(): void;
  onRemoveName(event: TapRowEvent): void;
  onUseSuggestion(event: TapRowEvent): void;
  onCaChange(event: FieldEvent): void;
  onEabKidChange(event: FieldEvent): void;
  onEabHmacKeyChange(event: FieldEvent): void;
  onDirectoryUrlChange(event: FieldEvent): void;
  onCopyEabLink(): Promise<void>;
  onKeyChange(event: FieldEvent): void;
  onCsrChange(event: FieldEvent): void;
  onValidationChange(event: FieldEvent): void;
  loadCredentials(): Promise<void>;
  onAutomationToggle(event: { detail: { value: boolean } }): void;
  onCredentialChange(event: FieldEvent): void;
  onOpenCredentials(): void;
  onPrev(): void;
  onNext(): void;
  onSubmit(): Promise<void>;
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function noErrors(): FieldErrors {
  return { names: '', caId: '', eab: '', eabKid: '', eabHmacKey: '', directoryUrl: '', keyType: '', csrPem: '', validation: '', automation: '' };
}

function credentialOption(credential: CredentialView): OptionView {
  return {
    value: credential.id,
    label: credential.label === credential.providerName ? credential.providerName : `${credential.providerName} · ${credential.label}`,
    content: credential.lastTest.ok
      ? fillTemplate(strings.autoCredentialOk, { time: formatDateTime(credential.lastTest.at) })
      : fillTemplate(strings.autoCredentialFailed, { message: credential.lastTest.message ?? '' }),
  };
}

/** The credential a DNS order publishes with, or '' when the user validates by hand. */
function chosenCredential(data: Pick<RequestData, 'validation' | 'hasWildcard' | 'useCredential' | 'credentialId' | 'credentialOptions'>): string {
  const dns = data.hasWildcard || data.validation === 'dns-01';
  if (!dns || !data.useCredential) return '';
  return data.credentialOptions.some((option) => option.value === data.credentialId) ? data.credentialId : '';
}

function caOption(id: CaId): OptionView {
  const ca = CA_CATALOG[id];
  const notes: string[] = [ca.validationTypes.join(' / ')];
  if (ca.eab === 'required') notes.push(strings.needsEab);
  if (!ca.trusted) notes.push(strings.untrusted);
  return { value: id, label: ca.displayName, content: notes.join(' · ') };
}

function keyOptions(): OptionView[] {
  const keys = KEY_TYPES.map((type) => ({
    value: type.id,
    label: type.recommended ? `${type.label}（${strings.recommended}）` : type.label,
    content: type.description,
  }));
  return [...keys, { value: CSR_CHOICE, label: strings.csrLabel, content: strings.csrDescription }];
}

function caFields(caId: CaId): Pick<RequestData, 'caId' | 'eabMode' | 'eabHelpUrl' | 'isCustom' | 'untrusted'> {
  const ca = CA_CATALOG[caId];
  return { caId, eabMode: ca.eab, eabHelpUrl: ca.eabHelpUrl ?? '', isCustom: caId === 'custom', untrusted: !ca.trusted };
}

function isOfferedCa(value: string): value is CaId {
  return (OFFERED_CAS as readonly string[]).includes(value);
}

/** Rows with their inline errors; `showEmpty` also flags empty rows (on 下一步, not while typing). */
function checkRows(rows: readonly NameRow[], showEmpty: boolean): { rows: NameRow[]; listError: string; hasWildcard: boolean; ok: boolean } {
  const result = parseNames(rows.map((row) => row.value));
  const errorByIndex = new Map<number, string>();
  let listError = '';
  if (!result.ok) {
    for (const violation of result.violations) {
      if (violation.index === undefined) {
        listError ||= describeNameViolation(violation);
      } else if (!errorByIndex.has(violation.index) && (showEmpty || violation.rule !== 'empty')) {
        errorByIndex.set(violation.index, describeNameViolation(violation));
      }
    }
  }
  let hasWildcard = false;
  const checked = rows.map((row, index) => {
    const one = parseName(row.value);
    let idn = '';
    let suggestion = '';
    if (one.ok) {
      hasWildcard ||= one.name.wildcard;
      if (one.name.unicode !== one.name.ascii) idn = `${strings.idnPrefix}${one.name.unicode} ↔ ${one.name.ascii}${strings.idnSuffix}`;
    } else {
      const hint = one.violation.params?.suggestion;
      if (typeof hint === 'string') suggestion = hint;
    }
    return { ...row, error: errorByIndex.get(index) ?? '', idn, suggestion };
  });
  return { rows: checked, listError, hasWildcard, ok: result.ok };
}

function eabInput(data: Pick<RequestData, 'eabMode' | 'eabKid' | 'eabHmacKey'>): { kid: string; hmacKey: string } | null {
  if (data.eabMode === 'none') return null;
  const kid = data.eabKid.trim();
  const hmacKey = data.eabHmacKey.trim();
  return kid === '' && hmacKey === '' ? null : { kid, hmacKey };
}

function caErrors(data: RequestData): Pick<FieldErrors, 'caId' | 'eab' | 'eabKid' | 'eabHmacKey' | 'directoryUrl'> {
  const errors = { caId: '', eab: '', eabKid: '', eabHmacKey: '', directoryUrl: '' };
  const violations: CaInputViolation[] = checkCaInput(CA_CATALOG[data.caId], { eab: eabInput(data), directoryUrl: data.isCustom ? data.directoryUrl : null });
  for (const violation of violations) {
    const message = CA_INPUT_MESSAGES[violation.rule];
    if (violation.field === 'eab.kid') errors.eabKid ||= message;
    else if (violation.field === 'eab.hmacKey') errors.eabHmacKey ||= message;
    else if (violation.field === 'eab') errors.eab ||= message;
    else errors.directoryUrl ||= message;
  }
  return errors;
}

function csrError(data: Pick<RequestData, 'keyChoice' | 'csrPem'>): string {
  if (data.keyChoice !== CSR_CHOICE) return '';
  const pem = data.csrPem.trim();
  if (pem === '') return strings.csrEmpty;
  return CSR_PEM.test(pem) ? '' : strings.csrNotPem;
}

function hasAny(errors: Partial<FieldErrors>): boolean {
  return Object.values(errors).some((message) => message !== '');
}

function keyLabel(choice: KeyChoice): string {
  if (choice === CSR_CHOICE) return strings.summaryCsr;
  return KEY_TYPES.find((type) => type.id === choice)?.label ?? choice;
}

function summaryOf(data: RequestData): SummaryRow[] {
  const ca = CA_CATALOG[data.caId];
  const names = data.rows.map((row) => parseName(row.value)).map((parsed, index) => (parsed.ok ? parsed.name.unicode : (data.rows[index]?.value ?? '').trim()));
  const rows: SummaryRow[] = [
    { label: strings.summaryNames, value: names.join('、') },
    { label: strings.summaryCa, value: ca.trusted ? ca.displayName : `${ca.displayName}（${strings.untrusted}）` },
    { label: strings.summaryType, value: ca.validationTypes.join(' / ') },
  ];
  if (data.isCustom) rows.push({ label: strings.summaryDirectory, value: data.directoryUrl.trim() });
  if (eabInput(data)) rows.push({ label: strings.summaryEab, value: strings.summaryEabFilled });
  rows.push({ label: strings.summaryKey, value: keyLabel(data.keyChoice) });
  rows.push({ label: strings.summaryValidation, value: data.validation === 'dns-01' ? strings.dnsLabel : strings.httpLabel });
  const credentialId = chosenCredential(data);
  const credential = data.credentialOptions.find((option) => option.value === credentialId);
  if (credential) rows.push({ label: strings.summaryAutomation, value: credential.label });
  return rows;
}

/** What `createRequest` receives: A-label names, and only the fields the chosen options use. */
function requestInput(data: RequestData): CreateRequestInput | null {
  const parsed = parseNames(data.rows.map((row) => row.value));
  if (!parsed.ok) return null;
  const input: CreateRequestInput = {
    names: parsed.names.map((name) => name.ascii),
    caId: data.caId,
    validation: parsed.names.some((name) => name.wildcard) ? 'dns-01' : data.validation,
  };
  if (data.keyChoice === CSR_CHOICE) input.csrPem = data.csrPem.trim();
  else input.keyType = data.keyChoice;
  if (data.isCustom) input.directoryUrl = data.directoryUrl.trim();
  const eab = eabInput(data);
  if (eab) input.eab = eab;
  const credentialId = chosenCredential(data);
  if (credentialId !== '') input.automation = { kind: 'dnsProvider', credentialId };
  return input;
}

interface Violation {
  field: string;
  message: string;
}

/** The broken rules a server refusal names: `violations` when present, else its one `field`. */
function violationsOf(error: ApiCallError): Violation[] {
  if (error.violations.length > 0) return error.violations;
  return error.field === undefined ? [] : [{ field: error.field, message: error.message }];
}

/** The page step that shows a request field (`names[2]`, `eab.kid`, …); null when none does. */
function stepOfField(field: string): number | null {
  if (field === 'names' || field.startsWith('names[')) return STEP_NAMES;
  if (field === 'caId' || field.startsWith('eab') || field === 'directoryUrl' || field === 'profile') return STEP_CA;
  if (field === 'keyType' || field === 'csrPem') return STEP_KEY;
  if (field === 'validation' || field === 'automation' || field.startsWith('automation.')) return STEP_VALIDATION;
  return null;
}

const ERROR_KEY_BY_FIELD: Readonly<Record<string, keyof FieldErrors>> = {
  names: 'names',
  caId: 'caId',
  eab: 'eab',
  'eab.kid': 'eabKid',
  'eab.hmacKey': 'eabHmacKey',
  directoryUrl: 'directoryUrl',
  keyType: 'keyType',
  csrPem: 'csrPem',
  validation: 'validation',
  automation: 'automation',
  'automation.credentialId': 'automation',
};

/** The page's fields after a server refusal: each message next to its field, and the first such step shown. */
function refusedView(data: RequestData, error: unknown): Partial<RequestData> {
  if (!(error instanceof ApiCallError)) return { submitting: false, submitError: strings.unexpectedError };
  const violations = violationsOf(error);
  const errors = noErrors();
  const rows = data.rows.map((row) => ({ ...row, error: '' }));
  let step: number | null = null;
  let unplaced = '';
  for (const { field, message } of violations) {
    const rowMatch = /^names\[(\d+)\]$/.exec(field);
    const row = rowMatch ? rows[Number(rowMatch[1])] : undefined;
    const key = ERROR_KEY_BY_FIELD[field];
    if (row) row.error ||= message;
    else if (key) errors[key] ||= message;
    else unplaced ||= message;
    const fieldStep = stepOfField(field);
    if (fieldStep !== null && (row || key)) step = step === null ? fieldStep : Math.min(step, fieldStep);
  }
  if (step === null) return { submitting: false, submitError: unplaced || error.message };
  return { submitting: false, submitError: unplaced, errors, rows, step };
}

Component<RequestData, None, RequestMethods, NoBehaviors, RequestInstance, true>({
  data: {
    strings,
    step: STEP_NAMES,
    rows: [{ key: 0, value: '', error: '', idn: '', suggestion: '' }],
    hasWildcard: false,
    caOptions: OFFERED_CAS.map(caOption),
    ...caFields(DEFAULT_CA),
    eabKid: '',
    eabHmacKey: '',
    directoryUrl: '',
    keyOptions: keyOptions(),
    keyChoice: DEFAULT_KEY_TYPE,
    csrPem: '',
    validation: 'dns-01',
    credentialOptions: [],
    credentialsLoaded: false,
    useCredential: false,
    credentialId: '',
    errors: noErrors(),
    summary: [],
    submitting: false,
    submitError: '',
  },

  methods: {
    onLoad() {
      this.shownBefore = false;
      // Read while the user types the names; the wizard works the same without them.
      return this.loadCredentials();
    },

    onShow() {
      if (this.shownBefore) void this.loadCredentials();
      this.shownBefore = true;
    },

    async loadCredentials() {
      let credentials: CredentialView[];
      try {
        credentials = await listCredentials();
      } catch {
        // Without the list the option is not offered; validating by hand still works.
        return;
      }
      const options = credentials.map(credentialOption);
      const kept = options.some((option) => option.value === this.data.credentialId);
      const working = credentials.find((credential) => credential.lastTest.ok) ?? credentials[0];
      this.setData({
        credentialOptions: options,
        credentialsLoaded: true,
        // First time there are keys: use one that worked, since that is what they were saved for.
        ...(kept ? {} : { credentialId: working?.id ?? '', useCredential: working !== undefined && (this.data.credentialOptions.length === 0 || this.data.useCredential) }),
      });
    },

    onAutomationToggle(event) {
      this.setData({ useCredential: event.detail.value, errors: { ...this.data.errors, automation: '' } });
    },

    onCredentialChange(event) {
      this.setData({ credentialId: event.detail.value, errors: { ...this.data.errors, automation: '' } });
    },

    onOpenCredentials() {
      wx.navigateTo({ url: '/pages/credentials/index?add=1', fail: () => undefined });
    },

    onNameChange(event) {
      const index = event.currentTarget.dataset.index;
      const rows = this.data.rows.map((row, i) => (i === index ? { ...row, value: event.detail.value } : row));
      const checked = checkRows(rows, false);
      this.setData({
        rows: checked.rows,
        hasWildcard: checked.hasWildcard,
        validation: checked.hasWildcard ? 'dns-01' : this.data.validation,
        errors: { ...this.data.errors, names: checked.listError },
      });
    },

    onAddName() {
      const key = this.data.rows.reduce((max, row) => Math.max(max, row.key), -1) + 1;
      this.setData({ rows: [...this.data.rows, { key, value: '', error: '', idn: '', suggestion: '' }] });
    },

    onRemoveName(event) {
      const index = event.currentTarget.dataset.index;
      if (this.data.rows.length <= 1) return;
      const checked = checkRows(this.data.rows.filter((_row, i) => i !== index), false);
      this.setData({ rows: checked.rows, hasWildcard: checked.hasWildcard, errors: { ...this.data.errors, names: checked.listError } });
    },

    onUseSuggestion(event) {
      const index = event.currentTarget.dataset.index;
      const rows = this.data.rows.map((row, i) => (i === index ? { ...row, value: row.suggestion } : row));
      const checked = checkRows(rows, false);
      this.setData({ rows: checked.rows, hasWildcard: checked.hasWildcard, errors: { ...this.data.errors, names: checked.listError } });
    },

    onCaChange(event) {
      const value = event.detail.value;
      if (!isOfferedCa(value)) return;
      const errors = { ...this.data.errors, caId: '', eab: '', eabKid: '', eabHmacKey: '', directoryUrl: '' };
      this.setData({ ...caFields(value), errors });
    },

    onEabKidChange(event) {
      this.setData({ eabKid: event.detail.value, errors: { ...this.data.errors, eab: '', eabKid: '' } });
    },

    onEabHmacKeyChange(event) {
      this.setData({ eabHmacKey: event.detail.value, errors: { ...this.data.errors, eab: '', eabHmacKey: '' } });
    },

    onDirectoryUrlChange(event) {
      this.setData({ directoryUrl: event.detail.value, errors: { ...this.data.errors, directoryUrl: '' } });
    },

    async onCopyEabLink() {
      if (this.data.eabHelpUrl === '') return;
      try {
        await copyText(this.data.eabHelpUrl);
      } catch {
        // The user can still read the link on the page.
      }
    },

    onKeyChange(event) {
      const value = event.detail.value;
      if (value !== CSR_CHOICE && !isKeyType(value)) return;
      this.setData({ keyChoice: value, errors: { ...this.data.errors, keyType: '', csrPem: '' } });
    },

    onCsrChange(event) {
      const csrPem = event.detail.value;
      // Inline once something is pasted; "empty" waits for 下一步.
      const error = csrPem.trim() === '' ? '' : csrError({ keyChoice: this.data.keyChoice, csrPem });
      this.setData({ csrPem, errors: { ...this.data.errors, csrPem: error } });
    },

    onValidationChange(event) {
      const value = event.detail.value;
      if (value !== 'dns-01' && value !== 'http-01') return;
      if (value === 'http-01' && this.data.hasWildcard) {
        this.setData({ validation: 'dns-01', errors: { ...this.data.errors, validation: strings.wildcardForcesDns } });
        return;
      }
      this.setData({ validation: value, errors: { ...this.data.errors, validation: '' } });
    },

    onPrev() {
      if (this.data.step > STEP_NAMES) this.setData({ step: this.data.step - 1, submitError: '' });
    },

    onNext() {
      const data = this.data;
      if (data.step === STEP_NAMES) {
        const checked = checkRows(data.rows, true);
        const ok = checked.ok && checked.listError === '';
        this.setData({
          rows: checked.rows,
          hasWildcard: checked.hasWildcard,
          validation: checked.hasWildcard ? 'dns-01' : data.validation,
          errors: { ...data.errors, names: checked.listError },
          step: ok ? STEP_CA : STEP_NAMES,
        });
      } else if (data.step === STEP_CA) {
        const errors = caErrors(data);
        this.setData({ errors: { ...data.errors, ...errors }, step: hasAny(errors) ? STEP_CA : STEP_KEY });
      } else if (data.step === STEP_KEY) {
        const csrPem = csrError(data);
        this.setData({ errors: { ...data.errors, keyType: '', csrPem }, step: csrPem === '' ? STEP_VALIDATION : STEP_KEY });
      } else if (data.step === STEP_VALIDATION) {
        const validation = data.hasWildcard ? 'dns-01' : data.validation;
        const next = { ...data, validation };
        this.setData({ validation, errors: { ...data.errors, validation: '' }, summary: summaryOf(next), step: STEP_CONFIRM, submitError: '' });
      }
    },

    async onSubmit() {
      const data = this.data;
      if (data.submitting) return;
      const input = requestInput(data);
      if (!input || hasAny(caErrors(data)) || csrError(data) !== '') {
        this.setData({ submitError: strings.fixAbove });
        return;
      }
      this.setData({ submitting: true, submitError: '' });
      try {
        const { order } = await createRequest(input);
        this.setData({ submitting: false });
        // `created`: the order page offers to turn on WeChat reminders, now that there is something to remind about.
        wx.redirectTo({ url: `/pages/order/index?id=${encodeURIComponent(order.id)}&created=1`, fail: () => undefined });
      } catch (error) {
        this.setData(refusedView(this.data, error));
      }
    },
  },
});
