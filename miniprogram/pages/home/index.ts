import type { CertificateStatus, CertificateSummary, ExpiryLevel } from '../../../typings/api';
import { listCertificates } from '../../services/certificates';
import { ApiCallError } from '../../services/cloud';
import { expiryClass } from '../../utils/certificate-view';
import { fillTemplate } from '../../utils/format';
import { STATUS_THEMES, type TagTheme } from '../../utils/certificate-view';
import type { IAppOption } from '../../types/app';
import { loadFirstPage, loadNextPage, type ListPhase, type PagedListSource } from '../../utils/paged-list';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  title: '我的证书',
  tagline: '在微信里申请 HTTPS 证书、验证域名、签发导出，并在到期前提醒你续期。',
  loading: '正在加载证书…',
  emptyTitle: '还没有证书',
  emptyDescription: '四步管好一张证书：',
  steps: [
    { title: '申请', content: '填写要保护的域名，选择证书颁发机构，提交申请。' },
    { title: '验证域名', content: '按提示添加 DNS 记录或上传验证文件，证明域名归你所有。' },
    { title: '签发与导出', content: '验证通过后自动签发，导出证书和私钥部署到你的服务器。' },
    { title: '监控与续期提醒', content: '到期前通过微信提醒你续期，开启自动续期后无需手动操作。' },
  ],
  request: '申请证书',
  requestAnother: '申请新证书',
  errorTitle: '证书列表加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',
  refreshFailed: '刷新失败：',
  loadingMore: '加载中…',
  loadMoreFailed: '加载失败，点此重试',
  noMore: '没有更多了',
  autoRenew: '自动续期',
  validationAutomatic: '自动验证',
  validationManual: '需人工验证',
  moreNames: '等 {count} 个域名',
  status: {
    pending: '申请中',
    active: '有效',
    failed: '申请失败',
    cancelled: '已取消',
    revoked: '已吊销',
  } satisfies Record<CertificateStatus, string>,
  daysLeft: '剩余 {days} 天',
  expiresToday: '今天到期',
  expiredDays: '已过期 {days} 天',
  notIssued: '尚未签发',
  remindersTitle: '提醒设置',
  remindersDescription: '提醒时间、微信订阅提醒和通知渠道',
  historyTitle: '通知记录',
  historyDescription: '发过的提醒和每个渠道的送达情况',
  monitorsTitle: '服务器监控',
  monitorsDescription: '检查服务器上的证书能否用于小程序',
  credentialsTitle: 'DNS 服务商密钥',
  credentialsDescription: '自动完成域名验证，续期不用再手动添加记录',
  adminTitle: '运维检查',
  adminDescription: '管理员：检查部署配置、数据库和定时任务',
} as const;


/** Render fields of one certificate card. */
interface CardView {
  id: string;
  title: string;
  /** `等 3 个域名` when the certificate covers more than one name; empty otherwise. */
  moreNames: string;
  otherNames: string;
  statusLabel: string;
  statusTheme: TagTheme;
  expiryLabel: string;
  expiryClass: string;
  autoRenew: boolean;
  /** Whether renewals validate without anyone; shown only while the certificate gets orders. */
  showValidation: boolean;
  automatic: boolean;
  caName: string;
  /** Where a tap goes: the certificate, or its order while the first one is under way. */
  url: string;
}

interface HomeData {
  strings: typeof strings;
  phase: ListPhase;
  items: CardView[];
  /** The error state's message, or the notice above the list when a refresh failed. */
  errorMessage: string;
  refreshError: string;
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreFailed: boolean;
  /** The entry to 运维检查, for admins only. */
  isAdmin: boolean;
}

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type HomeMethods = {
  onRetry(): void;
  onRequest(): void;
  onOpenCard(event: WechatMiniprogram.BaseEvent<Record<string, never>, { url?: string }>): void;
  onLoadMore(): void;
  onOpenReminders(): void;
  onOpenHistory(): void;
  onOpenMonitors(): void;
  onOpenCredentials(): void;
  onOpenAdmin(): void;
  loadFirstPage(): Promise<void>;
  loadNextPage(): Promise<void>;
};

/** Instance fields that are not rendered. */
interface HomeInstance {
  /** The cursor of the next page; null when the last page is loaded. */
  nextCursor: string | null;
  /** Set after the first `onShow`, so coming back to the page refreshes the list. */
  shownBefore: boolean;
  /** True while the first page is being (re)loaded. */
  refreshing: boolean;
}

// `Component()`'s type arguments for "none": no properties, no behaviors.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function expiryLabel(summary: CertificateSummary): string {
  const { daysLeft, expiryLevel } = summary;
  if (daysLeft === null || expiryLevel === 'none') return strings.notIssued;
  if (daysLeft < 0 || expiryLevel === 'expired') return fillTemplate(strings.expiredDays, { days: Math.max(-daysLeft, 0) });
  if (daysLeft === 0) return strings.expiresToday;
  return fillTemplate(strings.daysLeft, { days: daysLeft });
}

function cardUrl(summary: CertificateSummary): string {
  if (summary.status === 'pending' && summary.notAfter === null && summary.currentOrderId !== null) {
    return `/pages/order/index?id=${encodeURIComponent(summary.currentOrderId)}`;
  }
  return `/pages/certificate/index?id=${encodeURIComponent(summary.id)}`;
}

function cardView(summary: CertificateSummary): CardView {
  const names = summary.displayNames.length > 0 ? summary.displayNames : summary.names;
  const level: ExpiryLevel = summary.expiryLevel;
  return {
    id: summary.id,
    title: names[0] ?? '',
    moreNames: names.length > 1 ? fillTemplate(strings.moreNames, { count: names.length }) : '',
    otherNames: names.slice(1).join('、'),
    statusLabel: strings.status[summary.status],
    statusTheme: STATUS_THEMES[summary.status],
    expiryLabel: expiryLabel(summary),
    expiryClass: expiryClass(level),
    autoRenew: summary.autoRenew,
    showValidation: summary.status === 'active' || summary.status === 'pending',
    automatic: summary.automatic,
    caName: summary.caName,
    url: cardUrl(summary),
  };
}

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

/** The paged list's API call, row mapper and messages. */
const listSource: PagedListSource<CertificateSummary, CardView> = {
  fetch: listCertificates,
  toRow: cardView,
  messageOf,
  refreshFailed: strings.refreshFailed,
};

Component<HomeData, None, HomeMethods, NoBehaviors, HomeInstance, true>({
  data: {
    strings,
    phase: 'loading',
    items: [],
    errorMessage: '',
    refreshError: '',
    hasMore: false,
    loadingMore: false,
    loadMoreFailed: false,
    isAdmin: false,
  },

  methods: {
    onLoad() {
      this.nextCursor = null;
      this.shownBefore = false;
      this.refreshing = false;
      // The app asked `ping` at launch whether this user is an admin.
      void getApp<IAppOption>().globalData.adminCheck?.then((isAdmin) => {
        if (isAdmin) this.setData({ isAdmin });
      });
      // The initial data already shows "loading"; returned so callers (and tests) can await it.
      return this.loadFirstPage();
    },

    onShow() {
      // Back from the request, certificate or order page: the list may have changed.
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

    onRequest() {
      void wx.navigateTo({ url: '/pages/request/index' });
    },

    onOpenCard(event) {
      const { url } = event.currentTarget.dataset;
      if (url) void wx.navigateTo({ url });
    },

    onLoadMore() {
      void this.loadNextPage();
    },

    onOpenReminders() {
      wx.navigateTo({ url: '/pages/reminders/index', fail: () => undefined });
    },

    onOpenHistory() {
      wx.navigateTo({ url: '/pages/notifications/index', fail: () => undefined });
    },

    onOpenMonitors() {
      wx.navigateTo({ url: '/pages/monitors/index', fail: () => undefined });
    },

    onOpenCredentials() {
      wx.navigateTo({ url: '/pages/credentials/index', fail: () => undefined });
    },

    onOpenAdmin() {
      wx.navigateTo({ url: '/pages/admin/index', fail: () => undefined });
    },

    loadFirstPage() {
      return loadFirstPage(this, listSource);
    },

    loadNextPage() {
      return loadNextPage(this, listSource);
    },
  },
});
