import type { AutomationOptions, CredentialView, DnsProviderId } from '../../../typings/api';
import { addCredential, listCredentials, listDnsProviders, removeCredential, testCredential } from '../../services/automation';
import { copyText } from '../../services/clipboard';
import { ApiCallError } from '../../services/cloud';
import type { ApiViolation } from '../../services/cloud';
import { formatDateTime } from '../../utils/certificate-view';
import { fillTemplate } from '../../utils/format';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在读取 DNS 服务商密钥…',
  errorTitle: '密钥列表加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',

  introTitle: '用密钥自动完成 DNS 验证',
  intro: '保存 DNS 服务商的 API 密钥后，证书管家会在签发和续期时自动添加验证用的 _acme-challenge TXT 记录，验证完成后再删除，全程不需要你操作。',
  security: '密钥加密保存，只用于添加和删除验证记录。保存后不会再显示完整内容（对你也一样）；需要更换时，请删除后重新添加。',

  listTitle: '已保存的密钥',
  none: '还没有保存 DNS 服务商密钥。',
  lastTestOk: '上次测试成功 · {time}',
  lastTestFailed: '上次测试失败 · {time}',
  zones: '可管理 {count} 个域名',
  inUse: '使用中 · {count} 张证书',
  notInUse: '没有证书在使用',
  test: '测试连接',
  testFailed: '测试失败：',
  remove: '删除',
  removeFailed: '删除失败：',
  removeTitle: '删除这组密钥？',
  removeContent: '删除后证书管家不再保存“{label}”。建议同时在服务商控制台删除或禁用这组密钥。',
  removeConfirm: '删除',
  cancel: '取消',

  addOpen: '添加 DNS 服务商密钥',
  addTitle: '添加密钥',
  providerLabel: 'DNS 服务商',
  fieldEmpty: '请填写{label}',
  labelLabel: '备注名',
  labelPlaceholder: '可选，例如“公司主账号”',
  adviceTitle: '最小权限建议',
  keyPageTitle: '在哪里创建密钥',
  keyPageNote: '小程序里无法打开外部网页：请复制链接，在电脑浏览器中打开。',
  copyLink: '复制链接',
  copyFailed: '复制失败，请长按链接手动复制',
  secretNote: '保存后不会再显示',
  save: '保存并测试',
  saving: '正在用这组密钥连接{provider}，测试通过后才会保存，通常需要几秒…',
  saveFailed: '保存失败：',
  saved: '已保存“{label}”，连接测试成功',
  savedZones: '已保存“{label}”，连接测试成功，可管理 {count} 个域名',
} as const;

interface ProviderOption {
  value: DnsProviderId;
  label: string;
}

interface FieldRow {
  key: string;
  label: string;
  /** Secret fields are typed as passwords and never shown again. */
  secret: boolean;
  placeholder: string;
  value: string;
  /** The broken rule, under the field; ''. */
  error: string;
}

interface MaskedRow {
  key: string;
  label: string;
  value: string;
}

interface CredentialRow {
  id: string;
  providerName: string;
  label: string;
  fields: MaskedRow[];
  lastTest: string;
  lastTestOk: boolean;
  /** Why the last test failed, or ''. */
  lastTestMessage: string;
  usage: string;
  inUse: boolean;
}

/** A message under one credential: a failed test call or a refused removal. */
interface RowNote {
  id: string;
  message: string;
}

type Phase = 'loading' | 'error' | 'ready';

interface CredentialsData {
  strings: typeof strings;
  phase: Phase;
  errorMessage: string;
  credentials: CredentialRow[];
  testingId: string;
  rowNote: RowNote | null;
  removeId: string;
  removeContent: string;
  removing: boolean;

  formOpen: boolean;
  providerOptions: ProviderOption[];
  provider: DnsProviderId | '';
  fields: FieldRow[];
  label: string;
  labelError: string;
  advice: string;
  keyPageUrl: string;
  copyError: string;
  saving: boolean;
  savingText: string;
  /** A refusal not about one field (connection failed, too many keys), under the form; ''. */
  formError: string;
  /** What the last save came to, above the list; ''. */
  savedMessage: string;
}

type ValueEvent = { detail: { value: string } };
type DatasetEvent<T> = { currentTarget: { dataset: T } };

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type CredentialsMethods = {
  load(): Promise<void>;
  onRetry(): void;
  onTest(event: DatasetEvent<{ id?: string }>): Promise<void>;
  onRemove(event: DatasetEvent<{ id?: string }>): void;
  onRemoveConfirm(): Promise<void>;
  onRemoveCancel(): void;
  onToggleForm(): void;
  onProviderChange(event: ValueEvent): void;
  onFieldInput(event: ValueEvent & DatasetEvent<{ key?: string }>): void;
  onLabelInput(event: ValueEvent): void;
  onCopyKeyPage(): Promise<void>;
  onSave(): Promise<void>;
};

interface CredentialsInstance {
  /** What this deployment offers; set once loaded. */
  options: AutomationOptions | null;
  /** The stored credentials as the server sent them (the rows are derived from these). */
  items: CredentialView[];
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

/** The rules a server refusal names: `violations` when present, else its one `field`. */
function violationsOf(error: ApiCallError): ApiViolation[] {
  if (error.violations.length > 0) return error.violations;
  return error.field === undefined ? [] : [{ field: error.field, rule: '', message: error.message }];
}

function providerOf(options: AutomationOptions | null, id: string): AutomationOptions['providers'][number] | undefined {
  return options?.providers.find((provider) => provider.id === id);
}

function credentialRow(credential: CredentialView, options: AutomationOptions | null): CredentialRow {
  const provider = providerOf(options, credential.provider);
  const labels = new Map((provider?.fields ?? []).map((field) => [field.key, field.label]));
  const test = credential.lastTest;
  let lastTest = fillTemplate(test.ok ? strings.lastTestOk : strings.lastTestFailed, { time: formatDateTime(test.at) });
  if (test.ok && test.zones !== null) lastTest += ` · ${fillTemplate(strings.zones, { count: test.zones })}`;
  return {
    id: credential.id,
    providerName: credential.providerName,
    label: credential.label,
    fields: Object.entries(credential.masked).map(([key, value]) => ({ key, label: labels.get(key) ?? key, value })),
    lastTest,
    lastTestOk: test.ok,
    lastTestMessage: test.ok ? '' : (test.message ?? ''),
    usage: credential.usedBy > 0 ? fillTemplate(strings.inUse, { count: credential.usedBy }) : strings.notInUse,
    inUse: credential.usedBy > 0,
  };
}

/** The form's provider-dependent fields, empty. */
function providerFields(options: AutomationOptions | null, id: DnsProviderId | ''): Pick<CredentialsData, 'provider' | 'fields' | 'advice' | 'keyPageUrl'> {
  const provider = providerOf(options, id);
  if (!provider) return { provider: '', fields: [], advice: '', keyPageUrl: '' };
  return {
    provider: provider.id,
    fields: provider.fields.map((field) => ({ ...field, value: '', error: '' })),
    advice: provider.leastPrivilege,
    keyPageUrl: provider.keyPageUrl,
  };
}

Component<CredentialsData, None, CredentialsMethods, NoBehaviors, CredentialsInstance, true>({
  data: {
    strings,
    phase: 'loading',
    errorMessage: '',
    credentials: [],
    testingId: '',
    rowNote: null,
    removeId: '',
    removeContent: '',
    removing: false,

    formOpen: false,
    providerOptions: [],
    provider: '',
    fields: [],
    label: '',
    labelError: '',
    advice: '',
    keyPageUrl: '',
    copyError: '',
    saving: false,
    savingText: '',
    formError: '',
    savedMessage: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined> = {}) {
      this.options = null;
      this.items = [];
      // `?add=1` (from a certificate's 自动验证 card): open straight on the form.
      if (query.add === '1') this.setData({ formOpen: true });
      return this.load();
    },

    async load() {
      try {
        const [options, items] = await Promise.all([listDnsProviders(), listCredentials()]);
        this.options = options;
        this.items = items;
        const first = options.providers[0]?.id ?? '';
        this.setData({
          phase: 'ready',
          errorMessage: '',
          credentials: items.map((item) => credentialRow(item, options)),
          providerOptions: options.providers.map((provider) => ({ value: provider.id, label: provider.displayName })),
          ...providerFields(options, this.data.provider || first),
          // Nothing saved yet: the form is what the page is for.
          formOpen: this.data.formOpen || items.length === 0,
        });
      } catch (error) {
        this.setData({ phase: 'error', errorMessage: messageOf(error) });
      }
    },

    onRetry() {
      if (this.data.phase === 'loading') return;
      this.setData({ phase: 'loading', errorMessage: '' });
      void this.load();
    },

    async onTest(event) {
      const id = event.currentTarget.dataset.id;
      if (!id || this.data.testingId !== '' || this.data.removing) return;
      this.setData({ testingId: id, rowNote: null });
      try {
        const tested = await testCredential(id);
        this.items = this.items.map((item) => (item.id === tested.id ? tested : item));
        this.setData({ testingId: '', credentials: this.items.map((item) => credentialRow(item, this.options)) });
      } catch (error) {
        this.setData({ testingId: '', rowNote: { id, message: strings.testFailed + messageOf(error) } });
      }
    },

    onRemove(event) {
      const id = event.currentTarget.dataset.id;
      const row = this.data.credentials.find((credential) => credential.id === id);
      if (!row || this.data.removing) return;
      this.setData({ removeId: row.id, removeContent: fillTemplate(strings.removeContent, { label: row.label }), rowNote: null });
    },

    async onRemoveConfirm() {
      const id = this.data.removeId;
      if (id === '' || this.data.removing) return;
      this.setData({ removeId: '', removing: true });
      try {
        await removeCredential(id);
        this.items = this.items.filter((item) => item.id !== id);
        this.setData({ removing: false, credentials: this.items.map((item) => credentialRow(item, this.options)) });
      } catch (error) {
        // CONFLICT: certificates still publish with it; the server says how many.
        this.setData({ removing: false, rowNote: { id, message: strings.removeFailed + messageOf(error) } });
      }
    },

    onRemoveCancel() {
      if (this.data.removeId !== '') this.setData({ removeId: '' });
    },

    onToggleForm() {
      if (this.data.saving) return;
      this.setData({ formOpen: !this.data.formOpen, formError: '', savedMessage: '' });
    },

    onProviderChange(event) {
      const provider = providerOf(this.options, event.detail.value);
      if (!provider || provider.id === this.data.provider) return;
      this.setData({ ...providerFields(this.options, provider.id), formError: '', copyError: '' });
    },

    onFieldInput(event) {
      const key = event.currentTarget.dataset.key;
      const index = this.data.fields.findIndex((field) => field.key === key);
      if (index < 0) return;
      this.setData({ [`fields[${index}].value`]: event.detail.value, [`fields[${index}].error`]: '', formError: '' });
    },

    onLabelInput(event) {
      this.setData({ label: event.detail.value, labelError: '' });
    },

    async onCopyKeyPage() {
      if (this.data.keyPageUrl === '') return;
      try {
        await copyText(this.data.keyPageUrl);
        this.setData({ copyError: '' });
      } catch {
        this.setData({ copyError: strings.copyFailed });
      }
    },

    async onSave() {
      const provider = providerOf(this.options, this.data.provider);
      if (!provider || this.data.saving) return;
      const missing = this.data.fields.map((field) => (field.value.trim() === '' ? fillTemplate(strings.fieldEmpty, { label: field.label }) : ''));
      if (missing.some((message) => message !== '')) {
        this.setData({ fields: this.data.fields.map((field, i) => ({ ...field, error: missing[i] ?? '' })), formError: '' });
        return;
      }
      const fields = Object.fromEntries(this.data.fields.map((field) => [field.key, field.value.trim()]));
      const label = this.data.label.trim();
      this.setData({
        saving: true,
        savingText: fillTemplate(strings.saving, { provider: provider.displayName }),
        formError: '',
        labelError: '',
        savedMessage: '',
        fields: this.data.fields.map((field) => ({ ...field, error: '' })),
      });
      try {
        const added = await addCredential(label === '' ? { provider: provider.id, fields } : { provider: provider.id, label, fields });
        this.items = [...this.items.filter((item) => item.id !== added.id), added];
        const zones = added.lastTest.zones;
        this.setData({
          saving: false,
          formOpen: false,
          label: '',
          ...providerFields(this.options, provider.id),
          credentials: this.items.map((item) => credentialRow(item, this.options)),
          savedMessage: zones === null ? fillTemplate(strings.saved, { label: added.label }) : fillTemplate(strings.savedZones, { label: added.label, count: zones }),
        });
      } catch (error) {
        if (!(error instanceof ApiCallError)) {
          this.setData({ saving: false, formError: strings.saveFailed + strings.unexpectedError });
          return;
        }
        const rows = this.data.fields.map((field) => ({ ...field }));
        let labelError = '';
        let formError = '';
        for (const { field, message } of violationsOf(error)) {
          const row = field.startsWith('fields.') ? rows.find((candidate) => `fields.${candidate.key}` === field) : undefined;
          if (row) row.error ||= message;
          else if (field === 'label') labelError ||= message;
          // `fields`: the key did not work against the provider; the message says why.
          else formError ||= message;
        }
        const placed = labelError !== '' || formError !== '' || rows.some((row) => row.error !== '');
        this.setData({ saving: false, fields: rows, labelError, formError: placed ? formError : strings.saveFailed + error.message });
      }
    },
  },
});
