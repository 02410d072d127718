import type { DeliveryStatus, DeliveryView, NotificationKind, NotificationView } from '../../../typings/api';
import { ApiCallError } from '../../services/cloud';
import { listNotifications } from '../../services/reminders';
import { formatDateTime } from '../../utils/certificate-view';
import type { TagTheme } from '../../utils/certificate-view';
import { fillTemplate } from '../../utils/format';
import { loadFirstPage, loadNextPage, type ListPhase, type PagedListSource } from '../../utils/paged-list';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在加载通知…',
  errorTitle: '通知记录加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
  refreshFailed: '刷新失败：',
  emptyTitle: '还没有通知',
  emptyDescription: '证书快到期、续期成功或失败时，发给你的通知会记录在这里。',
  toSettings: '提醒设置',
  loadMore: '加载更多',
  loadingMore: '加载中…',
  loadMoreFailed: '加载失败，点此重试',
  noMore: '没有更多了',
  kinds: {
    expiry: '到期提醒',
    issued: '证书签发',
    renewed: '续期成功',
    actionNeeded: '需要处理',
    renewalFailed: '续期失败',
    revoked: '证书吊销',
    endpointChanged: '服务器变化',
    endpointProblem: '服务器问题',
    test: '测试消息',
  } satisfies Record<NotificationKind, string>,
  statuses: {
    sent: '已发送',
    pending: '发送中',
    failed: '失败',
    skipped: '未发送',
  } satisfies Record<DeliveryStatus, string>,
  retrying: '已尝试 {count} 次，稍后重试',
} as const;

const KIND_THEMES: Readonly<Record<NotificationKind, TagTheme>> = {
  expiry: 'warning',
  issued: 'success',
  renewed: 'success',
  actionNeeded: 'primary',
  renewalFailed: 'danger',
  revoked: 'danger',
  endpointChanged: 'primary',
  endpointProblem: 'danger',
  test: 'default',
};

const STATUS_THEMES: Readonly<Record<DeliveryStatus, TagTheme>> = {
  sent: 'success',
  pending: 'primary',
  failed: 'danger',
  skipped: 'default',
};

interface DeliveryRow {
  key: string;
  label: string;
  status: DeliveryStatus;
  statusLabel: string;
  theme: TagTheme;
  /** Why it failed or was not sent, or the retry note; '' otherwise. */
  detail: string;
}

interface NotificationRow {
  id: string;
  kindLabel: string;
  kindTheme: TagTheme;
  title: string;
  lines: string[];
  time: string;
  /** Absolute Mini Program path to open on tap, or ''. */
  url: string;
  deliveries: DeliveryRow[];
}

interface NotificationsData {
  strings: typeof strings;
  phase: ListPhase;
  items: NotificationRow[];
  errorMessage: string;
  refreshError: string;
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreFailed: boolean;
}

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type NotificationsMethods = {
  loadFirstPage(): Promise<void>;
  loadNextPage(): Promise<void>;
  onRetry(): void;
  onLoadMore(): void;
  onOpen(event: { currentTarget: { dataset: { url?: string } } }): void;
  onOpenSettings(): void;
};

interface NotificationsInstance {
  nextCursor: string | null;
  /** True while the first page is being (re)loaded. */
  refreshing: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

/** `pages/certificate/index?id=…` → `/pages/certificate/index?id=…`. */
function pageUrl(page: string): string {
  const trimmed = page.trim();
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function deliveryDetail(delivery: DeliveryView): string {
  if (delivery.status === 'pending') return delivery.attempts > 0 ? fillTemplate(strings.retrying, { count: delivery.attempts }) : '';
  if (delivery.status === 'sent') return '';
  return delivery.detail ?? '';
}

function notificationRow(notification: NotificationView): NotificationRow {
  return {
    id: notification.id,
    kindLabel: strings.kinds[notification.kind],
    kindTheme: KIND_THEMES[notification.kind],
    title: notification.title,
    lines: notification.lines,
    time: formatDateTime(notification.createdAt),
    url: pageUrl(notification.page),
    deliveries: notification.deliveries.map((delivery, index) => ({
      key: `${String(index)}-${delivery.channel}`,
      label: delivery.label,
      status: delivery.status,
      statusLabel: strings.statuses[delivery.status],
      theme: STATUS_THEMES[delivery.status],
      detail: deliveryDetail(delivery),
    })),
  };
}

/** The paged list's API call, row mapper and messages. */
const listSource: PagedListSource<NotificationView, NotificationRow> = {
  fetch: listNotifications,
  toRow: notificationRow,
  messageOf,
  refreshFailed: strings.refreshFailed,
};

Component<NotificationsData, None, NotificationsMethods, NoBehaviors, NotificationsInstance, true>({
  data: {
    strings,
    phase: 'loading',
    items: [],
    errorMessage: '',
    refreshError: '',
    hasMore: false,
    loadingMore: false,
    loadMoreFailed: false,
  },

  methods: {
    onLoad() {
      this.nextCursor = null;
      this.refreshing = false;
      return this.loadFirstPage();
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

    onOpenSettings() {
      wx.navigateTo({ url: '/pages/reminders/index', fail: () => undefined });
    },

    loadFirstPage() {
      return loadFirstPage(this, listSource);
    },

    loadNextPage() {
      return loadNextPage(this, listSource);
    },
  },
});
