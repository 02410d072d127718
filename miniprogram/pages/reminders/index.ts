import type { ChannelType, ChannelView, UserSettings } from '../../../typings/api';
import { copyText } from '../../services/clipboard';
import { ApiCallError } from '../../services/cloud';
import type { ApiViolation } from '../../services/cloud';
import {
  WECHAT_CHANNEL_ID,
  addChannel,
  getSettings,
  removeChannel,
  testChannel,
  topUpReminders,
  updateSettings,
} from '../../services/reminders';
import type { TopUpOutcome } from '../../services/reminders';
import { openSettings, subscriptionSwitchOn } from '../../services/subscribe';
import type { SubscribeFailure } from '../../services/subscribe';
import { formatDateTime } from '../../utils/certificate-view';
import { fillTemplate } from '../../utils/format';

/** Every user-visible string of this page (Chinese first; an English table can follow with the same keys). */
const strings = {
  loading: '正在读取提醒设置…',
  errorTitle: '提醒设置加载失败',
  unexpectedError: '出了点问题，请稍后重试',
  retry: '重试',

  thresholdsTitle: '提前提醒',
  thresholdsHint: '证书到期前的这些天给你发提醒。开启了自动续期的证书，只有续期没有按时完成时才会提醒。',
  dayUnit: ' 天',
  dayPlaceholder: '天数（1–365）',
  addDay: '添加',
  removeDay: '删除',
  noDays: '还没有设置提前提醒的天数',
  remindOnExpiry: '到期当天提醒',
  summaryDays: '到期前 {days} 天提醒',
  summaryDaysAndExpiry: '到期前 {days} 天和到期当天提醒',
  summaryExpiryOnly: '只在到期当天提醒',
  summaryNone: '不会发送任何到期提醒，请至少添加一个天数或打开“到期当天提醒”',
  dayEmpty: '请填写天数',
  dayNotInteger: '请填写 1 到 365 之间的整数',
  dayOutOfRange: '天数必须在 1 到 365 之间',
  dayDuplicate: '已经有 {days} 天了',
  dayTooMany: '最多设置 {max} 个提醒时间，请先删除一个',
  save: '保存',
  saved: '已保存',
  saveFailed: '保存失败：',

  wechatTitle: '微信提醒',
  wechatNotConfigured: '运营方还没有配置微信订阅消息，暂时无法通过微信提醒你。可以添加下面的其他通知渠道。',
  bankedLabel: '可发送的微信提醒',
  bankedCount: '{count} 条',
  templateCredits: '{count} 条',
  oneTimeExplanation: '微信订阅消息是一次性的：每订阅一次，只能给你发一条对应的消息，用完就收不到了。常来点一下「订阅提醒」多存几条，到期提醒才不会中断。',
  noBanked: '现在没有可用的微信提醒，证书到期时无法通过微信通知你。',
  subscribe: '订阅提醒',
  subscribed: '订阅成功，新增 {count} 条提醒',
  switchOff: '你关闭了“接收订阅消息”，微信提醒无法送达。请在设置 → 订阅消息中打开。',
  declined: '这次没有订阅成功。如果你曾勾选“总是保持以上选择，不再询问”，请在设置 → 订阅消息中修改。',
  subscribeError: '微信暂时无法发起订阅（错误码 {code}），请稍后重试。',
  openSettings: '去设置',
  switchOnAgain: '已打开订阅消息，请再点一次「订阅提醒」。',

  channelsTitle: '其他通知渠道',
  channelsHint: '除了微信，还可以把提醒发到企业微信群、邮箱或你自己的系统。',
  noChannels: '还没有添加其他通知渠道。',
  sendTest: '发送测试消息',
  remove: '删除',
  lastTestOk: '上次测试成功 · {time}',
  lastTestFailed: '上次测试失败 · {time}',
  testFailed: '发送失败：',
  addChannel: '添加通知渠道',
  typeLabel: '渠道类型',
  targetLabel: '地址',
  labelLabel: '备注名',
  labelPlaceholder: '可选，例如“运维群”',
  add: '添加',
  cancel: '取消',
  addFailed: '添加失败：',
  types: {
    wecom: '企业微信群机器人',
    email: '电子邮件',
    webhook: 'Webhook',
  } satisfies Record<ChannelType, string>,
  targetPlaceholders: {
    wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
    email: 'ops@example.com',
    webhook: 'https://example.com/hooks/certkeeper',
  } satisfies Record<ChannelType, string>,
  targetHints: {
    wecom: '在企业微信群的“群机器人”里添加一个机器人，复制它的 Webhook 地址。',
    email: '提醒会发到这个邮箱；如果没有收到，请检查垃圾邮件箱。',
    webhook: '提醒会以 JSON 格式 POST 到这个 https 地址，并附带签名；添加后会显示一次签名密钥。',
  } satisfies Record<ChannelType, string>,
  targetEmpty: {
    wecom: '请填写机器人的 Webhook 地址',
    email: '请填写邮箱地址',
    webhook: '请填写 Webhook 地址',
  } satisfies Record<ChannelType, string>,
  targetNotHttps: '地址必须以 https:// 开头',
  targetNotEmail: '这不是有效的邮箱地址',

  secretTitle: '签名密钥（只显示这一次）',
  secretHint: '请现在复制并保存到接收端。离开后将无法再次查看；丢失后只能删除这个渠道再重新添加。',
  secretVerify: '接收端验证方法：每个请求都带有请求头 X-CertKeeper-Signature，值为',
  secretFormula: 'v1=HMAC-SHA256(密钥, "<timestamp>.<body>")',
  secretVerifyNote: '其中 timestamp 取自请求头 X-CertKeeper-Timestamp（秒），body 是原始请求体。用同样方法计算并比对，不一致或时间相差超过 5 分钟的请求请拒绝。',
  copySecret: '复制密钥',
  secretSaved: '我已保存',
  copyFailed: '复制失败，请长按密钥手动复制',

  removeTitle: '删除通知渠道？',
  removeContent: '删除后不再向“{label}”发送提醒。',
  removeConfirm: '删除',
  removeFailed: '删除失败：',

  historyTitle: '通知记录',
  historyDescription: '查看发过的提醒，以及每个渠道是否送达',
} as const;

/** Thresholds the server accepts: whole days 1–365, at most 10 of them. */
const MIN_DAYS = 1;
const MAX_DAYS = 365;
const MAX_THRESHOLDS = 10;

const CHANNEL_TYPES: readonly ChannelType[] = ['wecom', 'email', 'webhook'];
const HTTPS_URL = /^https:\/\/\S+$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface TemplateRow {
  key: string;
  title: string;
  credits: string;
}

interface ChannelRow {
  id: string;
  typeLabel: string;
  label: string;
  target: string;
  /** `上次测试成功 · …`, or '' when never tested. */
  lastTest: string;
  lastTestOk: boolean;
  /** The failed test's reason, or ''. */
  lastTestMessage: string;
}

/** The answer of the last 发送测试消息, shown under that channel (`wechat` for WeChat). */
interface TestNote {
  channelId: string;
  ok: boolean;
  message: string;
}

/** What the WeChat card explains after a subscribe tap or on load. */
type WechatNotice = '' | 'switchOff' | 'declined';

interface AddErrors {
  type: string;
  target: string;
  label: string;
}

type Phase = 'loading' | 'error' | 'ready';

interface RemindersData {
  strings: typeof strings;
  /** The channel id of WeChat itself, for 发送测试消息 in the WeChat card. */
  wechatId: string;
  phase: Phase;
  errorMessage: string;

  days: number[];
  remindOnExpiry: boolean;
  summary: string;
  summaryWarning: boolean;
  dayInput: string;
  dayError: string;
  expiryError: string;
  dirty: boolean;
  saving: boolean;
  saveMessage: string;
  saveError: string;

  configured: boolean;
  banked: string;
  bankedEmpty: boolean;
  templates: TemplateRow[];
  subscribing: boolean;
  wechatNotice: WechatNotice;
  /** Success or failure text of the last subscribe tap, or ''. */
  wechatMessage: string;
  wechatMessageOk: boolean;

  channels: ChannelRow[];
  testingId: string;
  testNote: TestNote | null;
  channelError: string;

  typeOptions: { value: ChannelType; label: string }[];
  addOpen: boolean;
  addType: ChannelType;
  addTarget: string;
  addLabel: string;
  targetPlaceholder: string;
  targetHint: string;
  addErrors: AddErrors;
  adding: boolean;
  addError: string;

  /** A new webhook's signing secret, shown once until dismissed; '' otherwise. */
  secret: string;
  secretError: string;

  removeId: string;
  removeContent: string;
  removing: boolean;
}

type ValueEvent = { detail: { value: string } };
type SwitchEvent = { detail: { value: boolean } };
type DatasetEvent<T> = { currentTarget: { dataset: T } };

// A type alias, not an interface: `Component`'s `MethodOption` constraint needs an index signature.
type RemindersMethods = {
  load(): Promise<void>;
  applySettings(settings: UserSettings, extra?: Partial<RemindersData>): void;
  onRetry(): void;
  onDayInput(event: ValueEvent): void;
  onAddDay(): void;
  onRemoveDay(event: DatasetEvent<{ days?: number }>): void;
  onExpiryChange(event: SwitchEvent): void;
  onSave(): Promise<void>;
  onSubscribe(): void;
  finishSubscribe(pending: Promise<TopUpOutcome>): Promise<void>;
  onOpenSettings(): Promise<void>;
  onTest(event: DatasetEvent<{ id?: string }>): Promise<void>;
  onToggleAdd(): void;
  onTypeChange(event: ValueEvent): void;
  onTargetInput(event: ValueEvent): void;
  onLabelInput(event: ValueEvent): void;
  onAddChannel(): Promise<void>;
  onCopySecret(): Promise<void>;
  onDismissSecret(): void;
  onRemove(event: DatasetEvent<{ id?: string }>): void;
  onRemoveConfirm(): Promise<void>;
  onRemoveCancel(): void;
  onOpenHistory(): void;
};

interface RemindersInstance {
  /** The configured template ids, in the order to ask for them (at most three). */
  templateIds: string[];
  /** Set after the first `onShow`, so coming back (from 设置) re-checks the subscription switch. */
  shownBefore: boolean;
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

function sortDays(days: readonly number[]): number[] {
  return [...new Set(days)].sort((a, b) => b - a);
}

function summaryOf(days: readonly number[], remindOnExpiry: boolean): { summary: string; summaryWarning: boolean } {
  const list = days.join('、');
  if (days.length > 0) {
    return { summary: fillTemplate(remindOnExpiry ? strings.summaryDaysAndExpiry : strings.summaryDays, { days: list }), summaryWarning: false };
  }
  return remindOnExpiry ? { summary: strings.summaryExpiryOnly, summaryWarning: false } : { summary: strings.summaryNone, summaryWarning: true };
}

/** The problem with the typed threshold, or '' when it can be added. */
function dayProblem(input: string, days: readonly number[]): string {
  const text = input.trim();
  if (text === '') return strings.dayEmpty;
  if (!/^\d+$/.test(text)) return strings.dayNotInteger;
  const value = Number(text);
  if (value < MIN_DAYS || value > MAX_DAYS) return strings.dayOutOfRange;
  if (days.includes(value)) return fillTemplate(strings.dayDuplicate, { days: value });
  if (days.length >= MAX_THRESHOLDS) return fillTemplate(strings.dayTooMany, { max: MAX_THRESHOLDS });
  return '';
}

function channelRow(channel: ChannelView): ChannelRow {
  const test = channel.lastTest;
  return {
    id: channel.id,
    typeLabel: strings.types[channel.type],
    label: channel.label,
    target: channel.target,
    lastTest: test === null ? '' : fillTemplate(test.ok ? strings.lastTestOk : strings.lastTestFailed, { time: formatDateTime(test.at) }),
    lastTestOk: test?.ok ?? false,
    lastTestMessage: test !== null && !test.ok ? (test.message ?? '') : '',
  };
}

/** Render fields that come from the stored settings. Thresholds are left alone while being edited. */
function settingsView(settings: UserSettings): Pick<RemindersData, 'configured' | 'banked' | 'bankedEmpty' | 'templates' | 'channels'> {
  return {
    configured: settings.wechat.templates.length > 0,
    banked: fillTemplate(strings.bankedCount, { count: settings.wechat.banked }),
    bankedEmpty: settings.wechat.banked <= 0,
    templates: settings.wechat.templates.map((template) => ({
      key: template.key,
      title: template.title,
      credits: fillTemplate(strings.templateCredits, { count: template.credits }),
    })),
    channels: settings.channels.map(channelRow),
  };
}

function thresholdsView(settings: UserSettings): Pick<RemindersData, 'days' | 'remindOnExpiry' | 'summary' | 'summaryWarning' | 'dirty'> {
  const days = sortDays(settings.reminderDays);
  return { days, remindOnExpiry: settings.remindOnExpiry, ...summaryOf(days, settings.remindOnExpiry), dirty: false };
}

function typeFields(type: ChannelType): Pick<RemindersData, 'addType' | 'targetPlaceholder' | 'targetHint'> {
  return { addType: type, targetPlaceholder: strings.targetPlaceholders[type], targetHint: strings.targetHints[type] };
}

function noAddErrors(): AddErrors {
  return { type: '', target: '', label: '' };
}

function targetProblem(type: ChannelType, target: string): string {
  if (target === '') return strings.targetEmpty[type];
  if (type === 'email') return EMAIL.test(target) ? '' : strings.targetNotEmail;
  return HTTPS_URL.test(target) ? '' : strings.targetNotHttps;
}

function isChannelType(value: string): value is ChannelType {
  return (CHANNEL_TYPES as readonly string[]).includes(value);
}

function subscribeErrorText(failure: SubscribeFailure): string {
  return fillTemplate(strings.subscribeError, { code: failure.errCode ?? '-' });
}

Component<RemindersData, None, RemindersMethods, NoBehaviors, RemindersInstance, true>({
  data: {
    strings,
    wechatId: WECHAT_CHANNEL_ID,
    phase: 'loading',
    errorMessage: '',

    days: [],
    remindOnExpiry: true,
    summary: '',
    summaryWarning: false,
    dayInput: '',
    dayError: '',
    expiryError: '',
    dirty: false,
    saving: false,
    saveMessage: '',
    saveError: '',

    configured: false,
    banked: '',
    bankedEmpty: true,
    templates: [],
    subscribing: false,
    wechatNotice: '',
    wechatMessage: '',
    wechatMessageOk: false,

    channels: [],
    testingId: '',
    testNote: null,
    channelError: '',

    typeOptions: CHANNEL_TYPES.map((value) => ({ value, label: strings.types[value] })),
    addOpen: false,
    ...typeFields('wecom'),
    addTarget: '',
    addLabel: '',
    addErrors: noAddErrors(),
    adding: false,
    addError: '',

    secret: '',
    secretError: '',

    removeId: '',
    removeContent: '',
    removing: false,
  },

  methods: {
    onLoad() {
      this.templateIds = [];
      this.shownBefore = false;
      return this.load();
    },

    onShow() {
      // Back from WeChat's settings page: the subscription switch may have changed.
      if (this.shownBefore && this.data.phase === 'ready' && this.data.configured) {
        void subscriptionSwitchOn().then((on) => {
          if (on === false) this.setData({ wechatNotice: 'switchOff' });
          else if (this.data.wechatNotice === 'switchOff') this.setData({ wechatNotice: '' });
        });
      }
      this.shownBefore = true;
    },

    async load() {
      try {
        const [settings, switchOn] = await Promise.all([getSettings(), subscriptionSwitchOn()]);
        this.applySettings(settings, {
          phase: 'ready',
          errorMessage: '',
          ...thresholdsView(settings),
          wechatNotice: switchOn === false && settings.wechat.templates.length > 0 ? 'switchOff' : '',
        });
      } catch (error) {
        this.setData({ phase: 'error', errorMessage: messageOf(error) });
      }
    },

    /** One `setData` with the stored settings (counts, templates, channels) and `extra`. */
    applySettings(settings, extra = {}) {
      this.templateIds = settings.wechat.templates.map((template) => template.templateId);
      this.setData({ ...settingsView(settings), ...extra });
    },

    onRetry() {
      if (this.data.phase === 'loading') return;
      this.setData({ phase: 'loading', errorMessage: '' });
      void this.load();
    },

    onDayInput(event) {
      this.setData({ dayInput: event.detail.value, dayError: '' });
    },

    onAddDay() {
      const problem = dayProblem(this.data.dayInput, this.data.days);
      if (problem !== '') {
        this.setData({ dayError: problem });
        return;
      }
      const days = sortDays([...this.data.days, Number(this.data.dayInput.trim())]);
      this.setData({ days, dayInput: '', dayError: '', dirty: true, saveMessage: '', ...summaryOf(days, this.data.remindOnExpiry) });
    },

    onRemoveDay(event) {
      const removed = event.currentTarget.dataset.days;
      if (removed === undefined) return;
      const days = this.data.days.filter((days) => days !== removed);
      this.setData({ days, dayError: '', dirty: true, saveMessage: '', ...summaryOf(days, this.data.remindOnExpiry) });
    },

    onExpiryChange(event) {
      const remindOnExpiry = event.detail.value;
      this.setData({ remindOnExpiry, expiryError: '', dirty: true, saveMessage: '', ...summaryOf(this.data.days, remindOnExpiry) });
    },

    async onSave() {
      if (this.data.saving || !this.data.dirty) return;
      this.setData({ saving: true, saveError: '', saveMessage: '', dayError: '', expiryError: '' });
      try {
        const settings = await updateSettings({ reminderDays: this.data.days, remindOnExpiry: this.data.remindOnExpiry });
        this.applySettings(settings, { saving: false, saveMessage: strings.saved, ...thresholdsView(settings) });
      } catch (error) {
        if (!(error instanceof ApiCallError)) {
          this.setData({ saving: false, saveError: strings.saveFailed + strings.unexpectedError });
          return;
        }
        let dayError = '';
        let expiryError = '';
        for (const { field, message } of violationsOf(error)) {
          if (field === 'reminderDays' || field.startsWith('reminderDays[')) dayError ||= message;
          else if (field === 'remindOnExpiry') expiryError ||= message;
        }
        const placed = dayError !== '' || expiryError !== '';
        this.setData({ saving: false, dayError, expiryError, saveError: placed ? '' : strings.saveFailed + error.message });
      }
    },

    onSubscribe() {
      if (this.data.subscribing || this.templateIds.length === 0) return;
      // WeChat shows its prompt only inside a tap: the platform call runs here, before any await.
      const pending = topUpReminders(this.templateIds);
      this.setData({ subscribing: true, wechatMessage: '', testNote: null });
      void this.finishSubscribe(pending);
    },

    async finishSubscribe(pending) {
      try {
        const outcome = await pending;
        if (outcome.kind === 'subscribed') {
          this.applySettings(outcome.settings, {
            subscribing: false,
            wechatNotice: '',
            wechatMessage: fillTemplate(strings.subscribed, { count: outcome.accepted }),
            wechatMessageOk: true,
          });
        } else if (outcome.kind === 'declined') {
          this.applySettings(outcome.settings, { subscribing: false, wechatNotice: 'declined' });
        } else if (outcome.failure.reason === 'mainSwitchOff') {
          this.setData({ subscribing: false, wechatNotice: 'switchOff' });
        } else {
          this.setData({ subscribing: false, wechatMessage: subscribeErrorText(outcome.failure), wechatMessageOk: false });
        }
      } catch (error) {
        this.setData({ subscribing: false, wechatMessage: messageOf(error), wechatMessageOk: false });
      }
    },

    async onOpenSettings() {
      // Like the prompt, WeChat opens its settings page only from a tap: no await before it.
      const switchOn = await openSettings();
      if (switchOn === true) this.setData({ wechatNotice: '', wechatMessage: strings.switchOnAgain, wechatMessageOk: true });
      else if (switchOn === false) this.setData({ wechatNotice: 'switchOff' });
    },

    async onTest(event) {
      const channelId = event.currentTarget.dataset.id;
      if (!channelId || this.data.testingId !== '') return;
      this.setData({ testingId: channelId, testNote: null, channelError: '' });
      try {
        const result = await testChannel(channelId);
        this.applySettings(result.settings, { testingId: '', testNote: { channelId, ok: result.ok, message: result.message } });
      } catch (error) {
        this.setData({ testingId: '', testNote: { channelId, ok: false, message: strings.testFailed + messageOf(error) } });
      }
    },

    onToggleAdd() {
      if (this.data.adding) return;
      this.setData({ addOpen: !this.data.addOpen, addErrors: noAddErrors(), addError: '' });
    },

    onTypeChange(event) {
      const type = event.detail.value;
      if (!isChannelType(type)) return;
      this.setData({ ...typeFields(type), addErrors: noAddErrors(), addError: '' });
    },

    onTargetInput(event) {
      this.setData({ addTarget: event.detail.value, addErrors: { ...this.data.addErrors, target: '' } });
    },

    onLabelInput(event) {
      this.setData({ addLabel: event.detail.value, addErrors: { ...this.data.addErrors, label: '' } });
    },

    async onAddChannel() {
      if (this.data.adding) return;
      const type = this.data.addType;
      const target = this.data.addTarget.trim();
      const label = this.data.addLabel.trim();
      const problem = targetProblem(type, target);
      if (problem !== '') {
        this.setData({ addErrors: { ...noAddErrors(), target: problem }, addError: '' });
        return;
      }
      this.setData({ adding: true, addErrors: noAddErrors(), addError: '' });
      try {
        const result = await addChannel(label === '' ? { type, target } : { type, target, label });
        this.applySettings(result.settings, {
          adding: false,
          addOpen: false,
          addTarget: '',
          addLabel: '',
          secret: result.signingSecret ?? '',
          secretError: '',
        });
      } catch (error) {
        if (!(error instanceof ApiCallError)) {
          this.setData({ adding: false, addError: strings.addFailed + strings.unexpectedError });
          return;
        }
        const addErrors = noAddErrors();
        let placed = false;
        for (const { field, message } of violationsOf(error)) {
          if (field === 'type' || field === 'target' || field === 'label') {
            addErrors[field] ||= message;
            placed = true;
          }
        }
        this.setData({ adding: false, addErrors, addError: placed ? '' : strings.addFailed + error.message });
      }
    },

    async onCopySecret() {
      if (this.data.secret === '') return;
      try {
        await copyText(this.data.secret);
      } catch {
        this.setData({ secretError: strings.copyFailed });
      }
    },

    onDismissSecret() {
      this.setData({ secret: '', secretError: '' });
    },

    onRemove(event) {
      const id = event.currentTarget.dataset.id;
      const channel = this.data.channels.find((row) => row.id === id);
      if (!channel || this.data.removing) return;
      this.setData({ removeId: channel.id, removeContent: fillTemplate(strings.removeContent, { label: channel.label }), channelError: '' });
    },

    async onRemoveConfirm() {
      const channelId = this.data.removeId;
      if (channelId === '' || this.data.removing) return;
      this.setData({ removeId: '', removing: true });
      try {
        const settings = await removeChannel(channelId);
        const testNote = this.data.testNote?.channelId === channelId ? null : this.data.testNote;
        this.applySettings(settings, { removing: false, testNote });
      } catch (error) {
        this.setData({ removing: false, channelError: strings.removeFailed + messageOf(error) });
      }
    },

    onRemoveCancel() {
      if (this.data.removeId !== '') this.setData({ removeId: '' });
    },

    onOpenHistory() {
      wx.navigateTo({ url: '/pages/notifications/index', fail: () => undefined });
    },
  },
});
