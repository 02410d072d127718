import type { OrderState, OrderView, ProgressStep } from '../../../typings/api';
import { copyText } from '../../services/clipboard';
import { ApiCallError } from '../../services/cloud';
import { cancelOrder, getOrder, verifyOrder } from '../../services/orders';
import { getSettings, topUpReminders } from '../../services/reminders';
import type { TopUpOutcome } from '../../services/reminders';
import { openSettings } from '../../services/subscribe';
import { fillTemplate } from '../../utils/format';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在读取申请…',
  missingId: '缺少申请编号，请从证书列表重新进入',
  retry: '重试',
  unexpectedError: '出了点问题，请稍后重试',
  progress: [{ title: '已创建' }, { title: '等待添加记录' }, { title: 'CA 验证中' }, { title: '签发中' }, { title: '已签发' }],
  states: {
    created: '正在向 CA 下单',
    awaitingUser: '等待你添加验证记录',
    validating: 'CA 正在验证',
    ready: '验证通过，正在签发',
    finalizing: '正在签发',
    issued: '证书已签发',
    invalid: '申请失败',
    expired: '申请已过期',
    cancelled: '申请已取消',
  } satisfies Record<OrderState, string>,
  ended: {
    invalid: '这次申请没有成功，请按下面的说明处理后重新申请。',
    expired: 'CA 的申请有效期已过，请重新申请。',
    cancelled: '你已取消这次申请。',
  },
  dnsTitle: '添加 DNS TXT 记录',
  dnsIntro: '在域名的 DNS 服务商（如阿里云、腾讯云 DNSPod、Cloudflare）添加下面的记录，添加后点「自检并提交」。',
  dnsHostLabel: '主机记录（完整名称）',
  dnsHostNote: '部分 DNS 服务商只需填写 _acme-challenge 前缀（不含你的主域名），请按服务商的填写方式。',
  dnsTypeLabel: '记录类型',
  dnsValueLabel: '记录值',
  dnsSharedNote: '这个主机记录需要添加两条 TXT 记录（主域名和通配符各一条，值不同），请都保留，不要覆盖。',
  dnsForNames: '用于：',
  httpTitle: '放置验证文件',
  httpIntro: '在网站上放置下面的文件，确保 CA 可以通过 http://（80 端口）访问到它，放好后点「自检并提交」。',
  httpUrlLabel: '访问地址',
  httpPathLabel: '文件路径',
  httpContentLabel: '文件内容',
  httpContentNote: '文件内容必须完全一致，不要有多余的空格或换行。',
  copy: '复制',
  selfCheckTitle: '最近一次自检',
  selfCheckOk: '通过',
  selfCheckFailed: '未通过',
  selfCheckAt: '检查时间 ',
  missingValues: '还缺少的值：',
  fixPrefix: '怎么办：',
  lastErrorTitle: '出了什么问题',
  nextActionPrefix: '下一次自动处理：',
  verify: '自检并提交',
  cancel: '取消申请',
  cancelConfirmTitle: '取消申请？',
  cancelConfirmContent: '取消后这次申请不能继续，需要时可以重新申请。已添加的验证记录可以删除。',
  cancelConfirmOk: '取消申请',
  cancelConfirmKeep: '再想想',
  issuedTitle: '证书已签发',
  issuedContent: '可以查看证书详情，或导出部署到你的服务器。',
  toCertificate: '查看证书',
  toExport: '导出证书',
  reminderTitle: '开启到期提醒',
  reminderDescription: '证书快到期时通过微信提醒你续期。微信订阅是一次性的，每订阅一次可以收到一条提醒。',
  reminderBanked: '已存 {count} 条提醒',
  reminderEnable: '开启',
  reminderSubscribed: '已开启，新增 {count} 条提醒',
  reminderDeclined: '没有订阅成功。如果你曾勾选“总是保持以上选择”，请在设置 → 订阅消息中修改。',
  reminderSwitchOff: '你关闭了“接收订阅消息”，请在设置中打开后再试。',
  reminderError: '微信暂时无法发起订阅（错误码 {code}），请稍后重试。',
  reminderSettings: '去设置',
} as const;

const PROGRESS_ORDER: readonly ProgressStep[] = ['created', 'waitingForRecords', 'caValidating', 'issuing', 'issued'];

/** States in which the order moves by itself soon, so the page polls. */
const MOVING_STATES: readonly OrderState[] = ['created', 'validating', 'ready', 'finalizing'];
/** While the user sets records up, poll only when the automatic re-check is this close. */
const AWAITING_POLL_WINDOW_MS = 60_000;
const POLL_FIRST_DELAY_MS = 2_000;
const POLL_MAX_DELAY_MS = 30_000;

interface DnsView {
  recordName: string;
  type: string;
  values: string[];
  names: string;
  /** Two values on one name (apex + wildcard). */
  shared: boolean;
}

interface HttpView {
  name: string;
  url: string;
  path: string;
  content: string;
}

interface SelfCheckItemRender {
  target: string;
  ok: boolean;
  reason: string;
  fix: string;
  missing: string;
}

interface OrderRender {
  id: string;
  certificateId: string;
  state: OrderState;
  stateLabel: string;
  names: string;
  /** Index into strings.progress (5 = all done); -1 when the order ended without a certificate. */
  progressCurrent: number;
  dns: DnsView[];
  http: HttpView[];
  selfCheck: { ok: boolean; at: string; items: SelfCheckItemRender[] } | null;
  lastError: { explanation: string; fix: string; identifier: string } | null;
  nextAction: string;
  canVerify: boolean;
  canCancel: boolean;
  issued: boolean;
  /** Why the order ended (invalid, expired, cancelled), or ''. */
  endedText: string;
}

/** The "开启到期提醒" offer right after a request is created; shown when WeChat reminders are configured. */
interface ReminderOffer {
  banked: string;
  busy: boolean;
  /** The outcome of the last tap, or ''. */
  message: string;
  messageOk: boolean;
  /** The subscription switch is off or the user declined: offer WeChat's settings page. */
  needsSettings: boolean;
}

interface OrderData {
  strings: typeof strings;
  reminder: ReminderOffer | null;
  loading: boolean;
  loadError: string;
  order: OrderRender | null;
  /** The action in flight: its button spins, the others wait. */
  busy: '' | 'verify' | 'cancel';
  actionError: string;
}

type TextTapEvent = { currentTarget: { dataset: { text: string } } };

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type OrderMethods = {
  onLoad(query: Record<string, string | undefined>): Promise<void>;
  onShow(): void;
  onHide(): void;
  onUnload(): void;
  onRetry(): Promise<void>;
  onCopy(event: TextTapEvent): Promise<void>;
  onVerify(): Promise<void>;
  onCancel(): Promise<void>;
  onOpenCertificate(): void;
  onOpenExport(): void;
  onEnableReminders(): void;
  finishReminders(pending: Promise<TopUpOutcome>): Promise<void>;
  onReminderSettings(): Promise<void>;
  loadReminderOffer(): Promise<void>;
  load(): Promise<void>;
  /** `restart`: begin the backoff again (after the page is shown). */
  poll(restart?: boolean): Promise<void>;
  schedulePoll(previous: OrderState | null): void;
  stopPolling(): void;
};

/** Instance fields that are not rendered: the polling machinery. */
type OrderInstance = {
  orderId: string;
  visible: boolean;
  pollTimer: ReturnType<typeof setTimeout> | null;
  pollAttempt: number;
  /** The raw order, for the polling decision. */
  current: OrderView | null;
  /** The configured WeChat template ids, for the reminder offer. */
  reminderTemplateIds: string[];
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is how the typings spell "nothing"
type None = {};
type NoBehaviors = [];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `HH:mm:ss` today, `MM-DD HH:mm` otherwise, in the device's time zone. */
function formatTime(epochMs: number, now: number): string {
  const at = new Date(epochMs);
  const today = new Date(now);
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  if (at.toDateString() === today.toDateString()) return `${time}:${pad(at.getSeconds())}`;
  return `${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

function progressIndex(order: OrderView): number {
  if (order.progress === null) return -1;
  const index = PROGRESS_ORDER.indexOf(order.progress);
  return order.progress === 'issued' ? PROGRESS_ORDER.length : index;
}

function endedText(state: OrderState): string {
  if (state === 'invalid' || state === 'expired' || state === 'cancelled') return strings.ended[state];
  return '';
}

function orderRender(order: OrderView, now: number): OrderRender {
  const waiting = order.state === 'awaitingUser' || order.state === 'created';
  return {
    id: order.id,
    certificateId: order.certificateId,
    state: order.state,
    stateLabel: strings.states[order.state],
    names: (order.displayNames.length > 0 ? order.displayNames : order.names).join('、'),
    progressCurrent: progressIndex(order),
    dns: !waiting
      ? []
      : order.dnsInstructions.map((item) => ({
          recordName: item.recordName,
          type: item.type,
          values: item.values,
          names: item.names.join('、'),
          shared: item.values.length > 1,
        })),
    http: !waiting ? [] : order.httpInstructions.map((item) => ({ name: item.name, url: item.url, path: item.path, content: item.content })),
    selfCheck:
      order.selfCheck === null
        ? null
        : {
            ok: order.selfCheck.ok,
            at: formatTime(order.selfCheck.at, now),
            items: order.selfCheck.items.map((item) => ({
              target: item.target,
              ok: item.ok,
              reason: item.reason ?? '',
              fix: item.fix ?? '',
              missing: item.missingValues.join('、'),
            })),
          },
    lastError:
      order.lastError === null
        ? null
        : { explanation: order.lastError.explanation, fix: order.lastError.fix, identifier: order.lastError.identifier ?? '' },
    nextAction: order.state === 'awaitingUser' && order.nextActionAt !== null ? formatTime(order.nextActionAt, now) : '',
    canVerify: order.state === 'awaitingUser',
    canCancel: order.state === 'created' || order.state === 'awaitingUser' || order.state === 'validating' || order.state === 'ready',
    issued: order.state === 'issued',
    endedText: endedText(order.state),
  };
}

/** Whether the order will move by itself soon enough for the page to keep asking. */
function shouldPoll(order: OrderView, now: number): boolean {
  if (MOVING_STATES.includes(order.state)) return true;
  return order.state === 'awaitingUser' && order.nextActionAt !== null && order.nextActionAt - now <= AWAITING_POLL_WINDOW_MS;
}

/** 2 s, 4 s, 8 s, 16 s, then 30 s. */
function pollDelay(attempt: number): number {
  return Math.min(POLL_FIRST_DELAY_MS * 2 ** Math.max(0, attempt), POLL_MAX_DELAY_MS);
}

function messageOf(error: unknown): string {
  return error instanceof ApiCallError ? error.message : strings.unexpectedError;
}

/** WeChat's own confirmation dialog; true when the user confirms. */
function confirmCancel(): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title: strings.cancelConfirmTitle,
      content: strings.cancelConfirmContent,
      confirmText: strings.cancelConfirmOk,
      confirmColor: '#d54941',
      cancelText: strings.cancelConfirmKeep,
      success: (result) => {
        resolve(result.confirm);
      },
      fail: () => {
        resolve(false);
      },
    });
  });
}

Component<OrderData, None, OrderMethods, NoBehaviors, OrderInstance, true>({
  data: {
    strings,
    reminder: null,
    loading: true,
    loadError: '',
    order: null,
    busy: '',
    actionError: '',
  },

  methods: {
    onLoad(query) {
      this.orderId = query.id ?? '';
      this.visible = true;
      this.pollTimer = null;
      this.pollAttempt = 0;
      this.current = null;
      this.reminderTemplateIds = [];
      // Just created (from the request page): the natural moment to bank WeChat reminders.
      if (query.created === '1') void this.loadReminderOffer();
      return this.load();
    },

    onShow() {
      // The first onShow follows onLoad, which is already loading.
      if (this.visible) return;
      this.visible = true;
      if (this.current) void this.poll(true);
    },

    onHide() {
      this.visible = false;
      this.stopPolling();
    },

    onUnload() {
      this.visible = false;
      this.stopPolling();
    },

    onRetry() {
      this.setData({ loading: true, loadError: '' });
      return this.load();
    },

    async load() {
      if (this.orderId === '') {
        this.setData({ loading: false, loadError: strings.missingId });
        return;
      }
      try {
        const order = await getOrder(this.orderId);
        this.current = order;
        this.setData({ loading: false, loadError: '', order: orderRender(order, Date.now()) });
        this.schedulePoll(null);
      } catch (error) {
        this.setData({ loading: false, loadError: messageOf(error) });
      }
    },

    async poll(restart = false) {
      this.pollTimer = null;
      const previous = restart ? null : (this.current?.state ?? null);
      try {
        const order = await getOrder(this.orderId);
        this.current = order;
        this.setData({ order: orderRender(order, Date.now()) });
      } catch {
        // A failed poll changes nothing on screen; the next one (later) may succeed.
      }
      this.schedulePoll(previous);
    },

    schedulePoll(previous) {
      this.stopPolling();
      const order = this.current;
      if (!this.visible || !order || !shouldPoll(order, Date.now())) return;
      // A change of state starts the backoff again: the next step is often quick.
      this.pollAttempt = previous === null || previous !== order.state ? 0 : this.pollAttempt + 1;
      this.pollTimer = setTimeout(() => {
        void this.poll();
      }, pollDelay(this.pollAttempt));
    },

    stopPolling() {
      if (this.pollTimer !== null) clearTimeout(this.pollTimer);
      this.pollTimer = null;
    },

    async onCopy(event) {
      try {
        await copyText(event.currentTarget.dataset.text);
      } catch {
        // Nothing copied; the text stays on screen to select by hand.
      }
    },

    async onVerify() {
      if (this.data.busy !== '' || !this.current) return;
      this.setData({ busy: 'verify', actionError: '' });
      try {
        const order = await verifyOrder(this.current.id);
        this.current = order;
        this.setData({ busy: '', order: orderRender(order, Date.now()) });
        this.schedulePoll(null);
      } catch (error) {
        this.setData({ busy: '', actionError: messageOf(error) });
      }
    },

    async onCancel() {
      if (this.data.busy !== '' || !this.current) return;
      const id = this.current.id;
      if (!(await confirmCancel())) return;
      this.setData({ busy: 'cancel', actionError: '' });
      try {
        const order = await cancelOrder(id);
        this.current = order;
        this.stopPolling();
        this.setData({ busy: '', order: orderRender(order, Date.now()) });
      } catch (error) {
        this.setData({ busy: '', actionError: messageOf(error) });
      }
    },

    onOpenCertificate() {
      const id = this.current?.certificateId;
      if (id) wx.navigateTo({ url: `/pages/certificate/index?id=${encodeURIComponent(id)}`, fail: () => undefined });
    },

    async loadReminderOffer() {
      try {
        const settings = await getSettings();
        this.reminderTemplateIds = settings.wechat.templates.map((template) => template.templateId);
        if (this.reminderTemplateIds.length === 0) return;
        this.setData({
          reminder: { banked: fillTemplate(strings.reminderBanked, { count: settings.wechat.banked }), busy: false, message: '', messageOk: false, needsSettings: false },
        });
      } catch {
        // The offer is optional; without settings the page simply does not show it.
      }
    },

    onEnableReminders() {
      const offer = this.data.reminder;
      if (!offer || offer.busy || this.reminderTemplateIds.length === 0) return;
      // WeChat shows its prompt only inside a tap: the platform call runs here, before any await.
      const pending = topUpReminders(this.reminderTemplateIds);
      this.setData({ reminder: { ...offer, busy: true, message: '' } });
      void this.finishReminders(pending);
    },

    async finishReminders(pending) {
      const done = (patch: Partial<ReminderOffer>): void => {
        const offer = this.data.reminder;
        if (offer) this.setData({ reminder: { ...offer, busy: false, ...patch } });
      };
      try {
        const outcome = await pending;
        if (outcome.kind === 'subscribed') {
          done({
            banked: fillTemplate(strings.reminderBanked, { count: outcome.settings.wechat.banked }),
            message: fillTemplate(strings.reminderSubscribed, { count: outcome.accepted }),
            messageOk: true,
            needsSettings: false,
          });
        } else if (outcome.kind === 'declined') {
          done({ message: strings.reminderDeclined, messageOk: false, needsSettings: true });
        } else if (outcome.failure.reason === 'mainSwitchOff') {
          done({ message: strings.reminderSwitchOff, messageOk: false, needsSettings: true });
        } else {
          done({ message: fillTemplate(strings.reminderError, { code: outcome.failure.errCode ?? '-' }), messageOk: false, needsSettings: false });
        }
      } catch (error) {
        done({ message: messageOf(error), messageOk: false, needsSettings: false });
      }
    },

    async onReminderSettings() {
      // WeChat opens its settings page only from a tap: no await before it.
      const switchOn = await openSettings();
      const offer = this.data.reminder;
      if (switchOn === true && offer) this.setData({ reminder: { ...offer, message: '', needsSettings: false } });
    },

    onOpenExport() {
      const id = this.current?.certificateId;
      if (id) wx.navigateTo({ url: `/pages/export/index?id=${encodeURIComponent(id)}`, fail: () => undefined });
    },
  },
});
