import { ApiCallError } from '../../services/cloud';
import { ping } from '../../services/system';
import { shortenId } from '../../utils/format';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  title: '证书管家',
  tagline: '在微信里申请 HTTPS 证书、验证域名、签发导出，并在到期前提醒你续期。',
  stepsTitle: '四步管好一张证书',
  steps: [
    { title: '申请', content: '填写要保护的域名，提交证书申请。' },
    { title: '验证域名', content: '按提示添加 DNS 记录，证明域名归你所有。' },
    { title: '签发与导出', content: '验证通过后签发证书，导出后部署到你的服务器。' },
    { title: '监控与续期提醒', content: '定期检查线上证书，到期前通过微信提醒你续期。' },
  ],
  connectionGroupTitle: '云端服务',
  connectionTitle: '云端连接',
  connecting: '连接中…',
  connected: '已连接',
  failed: '连接失败',
  connectingDetail: '正在连接云开发环境',
  openIdLabel: '用户标识',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
} as const;

type ConnectionStatus = 'connecting' | 'connected' | 'failed';

/** Render fields of the cloud-connection cell. */
interface ConnectionView {
  status: ConnectionStatus;
  /** Text of the status tag. */
  label: string;
  /** The cell's second line: the short OPENID, or what went wrong. */
  detail: string;
  tagTheme: 'primary' | 'success' | 'danger';
  /** True while a ping is in flight: the retry button shows a spinner and ignores taps. */
  busy: boolean;
}

interface HomeData {
  strings: typeof strings;
  connection: ConnectionView;
}

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type HomeMethods = {
  onRetry(): void;
  checkConnection(): Promise<void>;
};

// `Component()`'s type arguments for "none": no properties, no behaviors, no custom instance fields.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function connectingView(): ConnectionView {
  return { status: 'connecting', label: strings.connecting, detail: strings.connectingDetail, tagTheme: 'primary', busy: true };
}

function connectedView(openId: string): ConnectionView {
  return {
    status: 'connected',
    label: strings.connected,
    detail: `${strings.openIdLabel} ${shortenId(openId)}`,
    tagTheme: 'success',
    busy: false,
  };
}

function failedView(error: unknown): ConnectionView {
  const detail = error instanceof ApiCallError ? error.message : strings.unexpectedError;
  return { status: 'failed', label: strings.failed, detail, tagTheme: 'danger', busy: false };
}

Component<HomeData, None, HomeMethods, NoBehaviors, None, true>({
  data: {
    strings,
    connection: connectingView(),
  },

  methods: {
    onLoad() {
      // The initial data already shows "connecting"; returned so callers (and tests) can await the check.
      return this.checkConnection();
    },

    onRetry() {
      if (this.data.connection.busy) return;
      this.setData({ connection: connectingView() });
      void this.checkConnection();
    },

    async checkConnection() {
      let connection: ConnectionView;
      try {
        const { openId } = await ping();
        connection = connectedView(openId);
      } catch (error) {
        connection = failedView(error);
      }
      this.setData({ connection });
    },
  },
});
