import type { BootstrapResult, DoctorItem, DoctorReport } from '../../../typings/api';
import { bootstrapDatabase, runDoctor } from '../../services/admin';
import { ApiCallError } from '../../services/cloud';
import { formatDateTime } from '../../utils/certificate-view';
import { fillTemplate } from '../../utils/format';

/** Every user-visible string of this page. */
const strings = {
  intro: '检查这个部署的配置、数据库、定时触发器和 HTTP 访问是否正常，并给出处理方法。',
  loading: '正在检查，最多需要十几秒…',
  errorTitle: '运维检查没有完成',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
  recheck: '重新检查',
  rechecking: '正在重新检查…',
  recheckFailed: '重新检查失败：',
  summary: '共 {total} 项：{passed} 项通过，{failed} 项未通过，{unknown} 项需人工确认',
  allPassed: '全部 {total} 项通过',
  checkedAt: '检查时间：{time}',
  fixLabel: '处理方法',
  status: {
    pass: { mark: '✓', label: '通过', theme: 'success' },
    fail: { mark: '✗', label: '未通过', theme: 'danger' },
    unknown: { mark: '?', label: '需确认', theme: 'warning' },
  },
  bootstrapTitle: '初始化数据库',
  bootstrapDescription: '在当前云环境中创建缺少的集合。已有的集合和数据不受影响，可以重复执行。索引和安全规则需要在云开发控制台设置，完成后会列出。',
  bootstrap: '初始化数据库',
  bootstrapConfirmTitle: '初始化数据库？',
  bootstrapConfirmContent: '将在当前云环境中创建缺少的集合，已存在的集合和数据不会改动。完成后会重新检查。',
  bootstrapConfirm: '初始化',
  cancel: '取消',
  bootstrapFailed: '初始化失败：',
  failedCollections: '创建失败的集合：',
  manualTitle: '还需要在云开发控制台完成',
  noManualSteps: '没有需要手动完成的步骤。',
} as const;

type ItemStatus = keyof typeof strings.status;

interface ItemView {
  id: string;
  status: ItemStatus;
  mark: string;
  label: string;
  theme: string;
  title: string;
  detail: string;
  fix: string;
}

interface ReportView {
  summary: string;
  checkedAt: string;
  /** Whether every item passed (the summary turns green). */
  allPassed: boolean;
  items: ItemView[];
}

interface BootstrapView {
  summary: string;
  failed: string;
  steps: string[];
}

type Phase = 'loading' | 'error' | 'ready';

interface AdminData {
  strings: typeof strings;
  phase: Phase;
  errorMessage: string;
  report: ReportView | null;
  rechecking: boolean;
  recheckError: string;
  confirmOpen: boolean;
  bootstrapping: boolean;
  bootstrapError: string;
  bootstrap: BootstrapView | null;
}

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type AdminMethods = {
  onRetry(): void;
  onRecheck(): Promise<void>;
  onBootstrap(): void;
  onBootstrapConfirm(): Promise<void>;
  onBootstrapCancel(): void;
  check(): Promise<void>;
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function statusOf(item: DoctorItem): ItemStatus {
  return item.ok === true ? 'pass' : item.ok === false ? 'fail' : 'unknown';
}

function itemView(item: DoctorItem): ItemView {
  const status = statusOf(item);
  const { mark, label, theme } = strings.status[status];
  return { id: item.id, status, mark, label, theme, title: item.title, detail: item.detail, fix: item.fix };
}

function reportView(report: DoctorReport): ReportView {
  const items = report.items.map(itemView);
  const count = (status: ItemStatus) => items.filter((item) => item.status === status).length;
  const allPassed = count('pass') === items.length;
  return {
    summary: allPassed
      ? fillTemplate(strings.allPassed, { total: items.length })
      : fillTemplate(strings.summary, { total: items.length, passed: count('pass'), failed: count('fail'), unknown: count('unknown') }),
    checkedAt: fillTemplate(strings.checkedAt, { time: formatDateTime(report.checkedAt) }),
    allPassed,
    items,
  };
}

function bootstrapView(result: BootstrapResult): BootstrapView {
  const failed = result.collections.filter((c) => c.status === 'failed').map((c) => (c.detail ? `${c.name}（${c.detail}）` : c.name));
  return { summary: result.summary, failed: failed.length > 0 ? strings.failedCollections + failed.join('、') : '', steps: result.manualSteps };
}

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

Component<AdminData, None, AdminMethods, NoBehaviors, Record<string, never>, true>({
  data: {
    strings,
    phase: 'loading',
    errorMessage: '',
    report: null,
    rechecking: false,
    recheckError: '',
    confirmOpen: false,
    bootstrapping: false,
    bootstrapError: '',
    bootstrap: null,
  },

  methods: {
    onLoad() {
      return this.check();
    },

    async onPullDownRefresh() {
      await this.onRecheck();
      void wx.stopPullDownRefresh();
    },

    onRetry() {
      if (this.data.phase !== 'error') return;
      this.setData({ phase: 'loading', errorMessage: '' });
      void this.check();
    },

    async onRecheck() {
      if (this.data.phase !== 'ready' || this.data.rechecking || this.data.bootstrapping) return;
      this.setData({ rechecking: true, recheckError: '' });
      try {
        this.setData({ report: reportView(await runDoctor()), rechecking: false });
      } catch (error) {
        // The last report stays on screen; the failure is said above it.
        this.setData({ rechecking: false, recheckError: strings.recheckFailed + messageOf(error) });
      }
    },

    onBootstrap() {
      if (this.data.phase !== 'ready' || this.data.bootstrapping || this.data.rechecking) return;
      this.setData({ confirmOpen: true, bootstrapError: '' });
    },

    async onBootstrapConfirm() {
      if (!this.data.confirmOpen || this.data.bootstrapping) return;
      this.setData({ confirmOpen: false, bootstrapping: true, bootstrapError: '', bootstrap: null });
      try {
        const result = await bootstrapDatabase();
        this.setData({ bootstrapping: false, bootstrap: bootstrapView(result) });
      } catch (error) {
        this.setData({ bootstrapping: false, bootstrapError: strings.bootstrapFailed + messageOf(error) });
        return;
      }
      // What the bootstrap changed shows in a fresh report.
      await this.onRecheck();
    },

    onBootstrapCancel() {
      if (this.data.confirmOpen) this.setData({ confirmOpen: false });
    },

    async check() {
      try {
        this.setData({ phase: 'ready', report: reportView(await runDoctor()), errorMessage: '' });
      } catch (error) {
        this.setData({ phase: 'error', errorMessage: messageOf(error) });
      }
    },
  },
});
