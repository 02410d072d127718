import type { EndpointSummary } from '../../../typings/api';
import { ApiCallError } from '../../services/cloud';
import { addEndpoint, listEndpoints } from '../../services/monitors';
import { ENDPOINT_TEXT, endpointRow, monitorPageUrl } from '../../utils/endpoint-view';
import type { EndpointRow } from '../../utils/endpoint-view';
import { loadFirstPage, loadNextPage, type ListPhase, type PagedListSource } from '../../utils/paged-list';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在加载监控的服务器…',
  errorTitle: '服务器列表加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
  refreshFailed: '刷新失败：',
  addTitle: '添加服务器',
  addHint: '填写小程序“服务器域名”中的地址，立即检查它实际返回的证书。',
  targetPlaceholder: 'api.example.com 或 api.example.com:8443',
  targetEmpty: '请填写要检查的域名，例如 api.example.com 或 api.example.com:8443',
  add: '添加',
  adding: '正在连接服务器并检查证书，通常需要几秒…',
  addFailed: '添加失败：',
  emptyTitle: '还没有监控的服务器',
  emptyDescription: '检查服务器实际返回的证书，是否满足小程序 wx.request 的要求：HTTPS、TLS 1.2 以上、证书受信任、证书链完整、域名匹配、没有过期。',
  emptyAuto: '证书签发后，会自动监控证书里的每个域名（通配符域名除外）；也可以在上方添加任何 https 服务器。之后每 6 小时检查一次，有变化会通知你。',
  loadMore: '加载更多',
  loadingMore: '加载中…',
  loadMoreFailed: '加载失败，点此重试',
  noMore: '没有更多了',
  endpoint: ENDPOINT_TEXT,
} as const;

interface MonitorsData {
  strings: typeof strings;
  phase: ListPhase;
  items: EndpointRow[];
  errorMessage: string;
  refreshError: string;
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreFailed: boolean;
  target: string;
  /** The refusal of the typed address, shown under the input; ''. */
  targetError: string;
  adding: boolean;
  /** A refusal that is not about the address (rate limit, too many servers), or ''. */
  addError: string;
}

type ValueEvent = { detail: { value: string } };

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type MonitorsMethods = {
  loadFirstPage(): Promise<void>;
  loadNextPage(): Promise<void>;
  onRetry(): void;
  onLoadMore(): void;
  onOpen(event: { currentTarget: { dataset: { url?: string } } }): void;
  onTargetInput(event: ValueEvent): void;
  onAdd(): Promise<void>;
};

interface MonitorsInstance {
  nextCursor: string | null;
  /** True while the first page is being (re)loaded. */
  refreshing: boolean;
  /** Set after the first `onShow`, so coming back (a check, a removal) refreshes the list. */
  shownBefore: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

/** The server's message about the typed address, when its refusal names the field `target`. */
function targetProblem(error: ApiCallError): string {
  if (error.field === 'target') return error.message;
  return error.violations.find((violation) => violation.field === 'target')?.message ?? '';
}

/** The paged list's API call, row mapper and messages. */
const listSource: PagedListSource<EndpointSummary, EndpointRow> = {
  fetch: listEndpoints,
  toRow: endpointRow,
  messageOf,
  refreshFailed: strings.refreshFailed,
};

Component<MonitorsData, None, MonitorsMethods, NoBehaviors, MonitorsInstance, true>({
  data: {
    strings,
    phase: 'loading',
    items: [],
    errorMessage: '',
    refreshError: '',
    hasMore: false,
    loadingMore: false,
    loadMoreFailed: false,
    target: '',
    targetError: '',
    adding: false,
    addError: '',
  },

  methods: {
    onLoad() {
      this.nextCursor = null;
      this.refreshing = false;
      this.shownBefore = false;
      return this.loadFirstPage();
    },

    onShow() {
      if (this.shownBefore && this.data.phase !== 'loading') void this.loadFirstPage();
      this.shownBefore = true;
    },

    async onPullDownRefresh() {
      await this.loadFirstPage();
      void wx.stopPullDownRefresh();
    },

    onReachBottom() {
      return this.loadNextPage();
    },

    onRetry() {
      if (this.data.phase === 'loading') return;
      this.setData({ phase: 'loading', errorMessage: '' });
      void this.loadFirstPage();
    },

    onLoadMore() {
      void this.loadNextPage();
    },

    onOpen(event) {
      const { url } = event.currentTarget.dataset;
      if (url) wx.navigateTo({ url, fail: () => undefined });
    },

    onTargetInput(event) {
      this.setData({ target: event.detail.value, targetError: '', addError: '' });
    },

    async onAdd() {
      if (this.data.adding) return;
      const target = this.data.target.trim();
      if (target === '') {
        this.setData({ targetError: strings.targetEmpty, addError: '' });
        return;
      }
      this.setData({ adding: true, targetError: '', addError: '' });
      try {
        const added = await addEndpoint(target);
        const others = this.data.items.filter((item) => item.id !== added.id);
        this.setData({ adding: false, target: '', phase: 'list', items: [endpointRow(added), ...others] });
        wx.navigateTo({ url: monitorPageUrl(added.id), fail: () => undefined });
      } catch (error) {
        const problem = error instanceof ApiCallError ? targetProblem(error) : '';
        this.setData({ adding: false, targetError: problem, addError: problem === '' ? strings.addFailed + messageOf(error) : '' });
      }
    },

    loadFirstPage() {
      return loadFirstPage(this, listSource);
    },

    loadNextPage() {
      return loadNextPage(this, listSource);
    },
  },
});
