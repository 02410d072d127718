import type { ExportFormat, ExportResult, ServerSnippet } from '../../../typings/api';
import { exportCertificate, getCertificate } from '../../services/certificates';
import { ApiCallError } from '../../services/cloud';
import { copyText, shareFile } from '../../services/device';
import { PFX_PASSWORD_MAX, PFX_PASSWORD_MIN, formatDateTime, pfxPasswordProblem, pfxPasswordsMatch } from '../../utils/certificate-view';
import type { PfxPasswordProblem } from '../../utils/certificate-view';
import { fillTemplate } from '../../utils/format';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在加载证书…',
  errorTitle: '证书加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
  missingId: '缺少证书编号，请从证书详情进入',
  notIssued: '这张证书还没有签发，暂时无法导出。',
  formatTitle: '导出格式',
  formats: {
    fullchain: { label: '完整证书链', note: '证书 + 中间证书（PEM），大多数服务器（Nginx 等）用它' },
    leaf: { label: '仅证书', note: '只含本证书（PEM）' },
    chain: { label: '中间证书', note: '只含中间证书（PEM），Apache 等需要单独配置' },
    privateKey: { label: '私钥', note: '证书对应的私钥（PEM）' },
    pfx: { label: 'PFX', note: '证书、中间证书和私钥打包，带密码（IIS、Windows、Tomcat）' },
  } satisfies Record<ExportFormat, { label: string; note: string }>,
  noPrivateKey: '这张证书是用你提交的 CSR 申请的，私钥只在你手里，因此无法导出私钥或 PFX。',
  secretWarning: '私钥一旦泄露，他人即可冒充你的网站。请只发给自己，妥善保存，不要发到群聊或公开的地方；如已泄露，请吊销证书。',
  passwordLabel: 'PFX 密码',
  passwordPlaceholder: '{min}–{max} 个字符',
  confirmLabel: '确认密码',
  confirmPlaceholder: '再输入一次',
  passwordRequired: '请设置 PFX 密码',
  passwordTooShort: '密码至少 {min} 个字符',
  passwordTooLong: '密码最多 {max} 个字符',
  passwordMismatch: '两次输入的密码不一致',
  passwordHint: '导入 PFX 时需要这个密码，我们不会保存它。',
  export: '导出',
  exporting: '正在导出…',
  exportFailed: '导出失败：',
  resultTitle: '导出结果',
  fileName: '文件名',
  copyText: '复制内容',
  copyLink: '复制下载链接',
  linkExpires: '下载链接 {time} 前有效',
  shareFile: '发送文件',
  shareHint: '发送到“文件传输助手”，即可在电脑上的微信里保存文件。',
  noFileLink: '当前环境未配置云存储，无法生成下载文件；PEM 格式可直接复制内容。',
  copied: '已复制',
  copyFailed: '复制失败，请重试',
  shareFailed: '发送失败：请稍后重试',
  snippetsTitle: '服务器配置示例',
  snippetFiles: '需要的文件：{files}',
  copyConfig: '复制配置',
  servers: { nginx: 'Nginx', apache: 'Apache', iis: 'IIS', tomcat: 'Tomcat' } satisfies Record<ServerSnippet['server'], string>,
} as const;

const FORMAT_ORDER: readonly ExportFormat[] = ['fullchain', 'leaf', 'chain', 'privateKey', 'pfx'];
const SECRET_FORMATS: ReadonlySet<ExportFormat> = new Set<ExportFormat>(['privateKey', 'pfx']);

interface FormatOption {
  value: ExportFormat;
  label: string;
  note: string;
  disabled: boolean;
}

interface SnippetView {
  server: string;
  title: string;
  files: string;
  config: string;
}

interface ResultView {
  fileName: string;
  text: string;
  hasText: boolean;
  hasLink: boolean;
  linkExpires: string;
  secret: boolean;
  snippets: SnippetView[];
}

type Phase = 'loading' | 'error' | 'ready';

interface ExportData {
  strings: typeof strings;
  passwordPlaceholder: string;
  phase: Phase;
  errorMessage: string;
  title: string;
  issued: boolean;
  hasPrivateKey: boolean;
  formats: FormatOption[];
  format: ExportFormat;
  secretSelected: boolean;
  password: string;
  confirmation: string;
  passwordError: string;
  confirmationError: string;
  busy: boolean;
  exportError: string;
  notice: string;
  result: ResultView | null;
}

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type ExportMethods = {
  load(): Promise<void>;
  onRetry(): void;
  onFormatChange(event: WechatMiniprogram.CustomEvent<{ value: ExportFormat }>): void;
  onPasswordChange(event: WechatMiniprogram.CustomEvent<{ value: string }>): void;
  onConfirmationChange(event: WechatMiniprogram.CustomEvent<{ value: string }>): void;
  onExport(): Promise<void>;
  onCopyText(): Promise<void>;
  onCopyLink(): Promise<void>;
  onShareFile(): Promise<void>;
  onCopySnippet(event: WechatMiniprogram.BaseEvent<Record<string, never>, { index?: number }>): Promise<void>;
};

interface ExportInstance {
  certificateId: string;
  /** The last export, for copying and sharing (the view holds display fields). */
  exported: ExportResult | null;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

const PASSWORD_MESSAGES: Readonly<Record<PfxPasswordProblem, string>> = {
  required: strings.passwordRequired,
  tooShort: fillTemplate(strings.passwordTooShort, { min: PFX_PASSWORD_MIN }),
  tooLong: fillTemplate(strings.passwordTooLong, { max: PFX_PASSWORD_MAX }),
};

function formatOptions(hasPrivateKey: boolean): FormatOption[] {
  return FORMAT_ORDER.map((value) => ({
    value,
    label: strings.formats[value].label,
    note: strings.formats[value].note,
    disabled: !hasPrivateKey && SECRET_FORMATS.has(value),
  }));
}

/** Inline messages for the two password fields; `strict` also reports empty fields (on 导出). */
function passwordErrors(password: string, confirmation: string, strict: boolean): { passwordError: string; confirmationError: string } {
  const problem = pfxPasswordProblem(password);
  const showProblem = problem !== null && (strict || problem !== 'required');
  const showMismatch = (strict || confirmation !== '') && !pfxPasswordsMatch(password, confirmation);
  return {
    passwordError: showProblem ? PASSWORD_MESSAGES[problem] : '',
    confirmationError: showMismatch ? strings.passwordMismatch : '',
  };
}

function resultView(result: ExportResult): ResultView {
  return {
    fileName: result.fileName,
    text: result.text ?? '',
    hasText: result.text !== null && result.text !== '',
    hasLink: result.tempUrl !== null,
    linkExpires:
      result.tempUrlExpiresAt === null ? '' : fillTemplate(strings.linkExpires, { time: formatDateTime(result.tempUrlExpiresAt) }),
    secret: SECRET_FORMATS.has(result.format),
    snippets: result.snippets.map((snippet) => ({
      server: snippet.server,
      title: strings.servers[snippet.server],
      files: fillTemplate(strings.snippetFiles, {
        files: snippet.files.map((format) => strings.formats[format].label).join('、'),
      }),
      config: snippet.config,
    })),
  };
}

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

Component<ExportData, None, ExportMethods, NoBehaviors, ExportInstance, true>({
  data: {
    strings,
    passwordPlaceholder: fillTemplate(strings.passwordPlaceholder, { min: PFX_PASSWORD_MIN, max: PFX_PASSWORD_MAX }),
    phase: 'loading',
    errorMessage: '',
    title: '',
    issued: false,
    hasPrivateKey: false,
    formats: formatOptions(false),
    format: 'fullchain',
    secretSelected: false,
    password: '',
    confirmation: '',
    passwordError: '',
    confirmationError: '',
    busy: false,
    exportError: '',
    notice: '',
    result: null,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.certificateId = query.id ?? '';
      this.exported = null;
      if (this.certificateId === '') {
        this.setData({ phase: 'error', errorMessage: strings.missingId });
        return Promise.resolve();
      }
      return this.load();
    },

    async load() {
      try {
        const detail = await getCertificate(this.certificateId);
        const latest = detail.versions[0];
        const hasPrivateKey = latest?.hasPrivateKey ?? false;
        const names = detail.displayNames.length > 0 ? detail.displayNames : detail.names;
        this.setData({
          phase: 'ready',
          errorMessage: '',
          title: names[0] ?? '',
          issued: latest !== undefined,
          hasPrivateKey,
          formats: formatOptions(hasPrivateKey),
        });
      } catch (error) {
        this.setData({ phase: 'error', errorMessage: messageOf(error) });
      }
    },

    onRetry() {
      if (this.data.phase === 'loading' || this.certificateId === '') return;
      this.setData({ phase: 'loading' });
      void this.load();
    },

    onFormatChange(event) {
      const format = event.detail.value;
      const option = this.data.formats.find((item) => item.value === format);
      if (!option || option.disabled) return;
      this.exported = null;
      this.setData({ format, secretSelected: SECRET_FORMATS.has(format), result: null, exportError: '', notice: '' });
    },

    onPasswordChange(event) {
      const password = event.detail.value;
      this.setData({ password, ...passwordErrors(password, this.data.confirmation, false) });
    },

    onConfirmationChange(event) {
      const confirmation = event.detail.value;
      this.setData({ confirmation, ...passwordErrors(this.data.password, confirmation, false) });
    },

    async onExport() {
      if (this.data.busy || this.data.phase !== 'ready' || !this.data.issued) return;
      const { format, password, confirmation } = this.data;
      if (format === 'pfx') {
        const errors = passwordErrors(password, confirmation, true);
        if (errors.passwordError !== '' || errors.confirmationError !== '') {
          this.setData(errors);
          return;
        }
      }
      this.setData({ busy: true, exportError: '', notice: '', result: null });
      try {
        const result = await exportCertificate(
          format === 'pfx' ? { certificateId: this.certificateId, format, password } : { certificateId: this.certificateId, format },
        );
        this.exported = result;
        this.setData({ busy: false, result: resultView(result) });
      } catch (error) {
        this.setData({ busy: false, exportError: strings.exportFailed + messageOf(error) });
      }
    },

    async onCopyText() {
      const text = this.exported?.text;
      if (!text) return;
      try {
        await copyText(text);
        this.setData({ notice: strings.copied });
      } catch {
        this.setData({ notice: strings.copyFailed });
      }
    },

    async onCopyLink() {
      const url = this.exported?.tempUrl;
      if (!url) return;
      try {
        await copyText(url);
        this.setData({ notice: strings.copied });
      } catch {
        this.setData({ notice: strings.copyFailed });
      }
    },

    async onShareFile() {
      const exported = this.exported;
      if (!exported?.tempUrl) return;
      try {
        await shareFile(exported.tempUrl, exported.fileName);
        this.setData({ notice: '' });
      } catch {
        this.setData({ notice: strings.shareFailed });
      }
    },

    async onCopySnippet(event) {
      const index = Number(event.currentTarget.dataset.index);
      const snippet = this.exported?.snippets[index];
      if (!snippet) return;
      try {
        await copyText(snippet.config);
        this.setData({ notice: strings.copied });
      } catch {
        this.setData({ notice: strings.copyFailed });
      }
    },
  },
});
