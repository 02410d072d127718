/**
 * The Chinese text of every notification, whatever the channel. One place, so English can follow.
 * Channels only lay these lines out (WeCom markdown, e-mail, webhook JSON, template keywords).
 */
import type { OrderProblemKind, ValidationMethod } from './order';
import type { RevocationReason } from './certificate';
import { explainOrderProblem } from './acme.messages.zh';
import type { NotificationKind, OutgoingMessage } from './notification';
import { DAY_MS, daysLeft } from './reminders';
import { formatWechatDate, formatWechatTime } from './subscribe-message';

export type NotificationFacts =
  /** `days`: the threshold reached (0 = the expiry day). */
  | { kind: 'expiry'; certificateId: string; names: string[]; notAfter: number; days: number; renewing: boolean }
  | { kind: 'renewed' | 'issued'; certificateId: string; names: string[]; notAfter: number }
  | { kind: 'actionNeeded'; certificateId: string; names: string[]; notAfter: number; orderId: string; validation: ValidationMethod }
  | { kind: 'renewalFailed'; certificateId: string; names: string[]; notAfter: number; problem: OrderProblemKind; nextAttemptAt: number | null }
  | { kind: 'revoked'; certificateId: string; names: string[]; notAfter: number; reason: RevocationReason }
  | EndpointFacts
  | { kind: 'test'; channelLabel: string };

export interface EndpointFacts {
  kind: 'endpointChanged' | 'endpointProblem';
  endpointId: string;
  certificateId: string | null;
  /** For display (Unicode). */
  host: string;
  /** As written in 服务器域名, e.g. `https://api.example.com`. */
  url: string;
  /** The change in words (`describeChange`): a title, what happened, what to do. */
  title: string;
  text: string;
  fix: string | null;
  /** Expiry of the certificate the server serves now. */
  notAfter: number | null;
}

export function isEndpointFacts(facts: NotificationFacts): facts is EndpointFacts {
  return facts.kind === 'endpointChanged' || facts.kind === 'endpointProblem';
}


const REVOCATION_REASON_TEXT: Record<RevocationReason, string> = {
  unspecified: '未指定原因',
  keyCompromise: '私钥泄露',
  affiliationChanged: '归属变更',
  superseded: '已被替换',
  cessationOfOperation: '停止使用',
};

/** Short statuses: WeChat `phrase` keywords allow at most five Chinese characters. */
const STATUS: Record<NotificationKind, string> = {
  expiry: '即将到期',
  issued: '签发成功',
  renewed: '续期成功',
  actionNeeded: '待处理',
  renewalFailed: '续期失败',
  revoked: '已吊销',
  endpointChanged: '有变化',
  endpointProblem: '需处理',
  test: '测试',
};

export const NOTIFICATION_KIND_TEXT: Record<NotificationKind, string> = {
  expiry: '到期提醒',
  issued: '证书签发',
  renewed: '续期成功',
  actionNeeded: '需要处理',
  renewalFailed: '续期失败',
  revoked: '证书吊销',
  endpointChanged: '服务器变化',
  endpointProblem: '服务器问题',
  test: '测试消息',
};

/** The message for `facts` at `at`, without its notification id. */
export function renderNotification(facts: NotificationFacts, at: number): Omit<OutgoingMessage, 'notificationId'> {
  if (facts.kind === 'test') {
    return {
      kind: 'test',
      title: '证书管家测试消息',
      lines: [`这是一条来自证书管家的测试消息，说明“${facts.channelLabel}”可以正常收到提醒。`],
      names: [],
      certificateId: null,
      notAfter: null,
      daysLeft: null,
      status: STATUS.test,
      note: '无需处理',
      page: 'pages/reminders/index',
      at,
    };
  }
  if (isEndpointFacts(facts)) {
    return {
      kind: facts.kind,
      title: `${facts.title}：${facts.host}`,
      lines: [facts.url, facts.text, ...(facts.fix === null ? [] : [`处理：${facts.fix}`])],
      names: [facts.host],
      certificateId: facts.certificateId,
      notAfter: facts.notAfter,
      daysLeft: facts.notAfter === null ? null : daysLeft(facts.notAfter, at),
      status: STATUS[facts.kind],
      note: facts.fix ?? '无需处理',
      page: `pages/monitor/index?id=${facts.endpointId}`,
      at,
    };
  }
  // An expiry reminder says its threshold (it may go out up to a night earlier) or fewer days when it is late.
  // (A tick may send it a little after the threshold's moment: rounding keeps "30 天" from becoming "29 天".)
  const left = facts.kind === 'expiry' ? Math.min(facts.days, Math.round((facts.notAfter - at) / DAY_MS)) : daysLeft(facts.notAfter, at);
  const domain = facts.names.length > 1 ? `${facts.names[0] ?? ''} 等 ${facts.names.length} 个域名` : (facts.names[0] ?? '');
  const expires = formatWechatDate(facts.notAfter);
  const base = {
    kind: facts.kind,
    names: facts.names,
    certificateId: facts.certificateId,
    notAfter: facts.notAfter,
    daysLeft: left,
    status: STATUS[facts.kind],
    page: `pages/certificate/index?id=${facts.certificateId}`,
    at,
  };
  switch (facts.kind) {
    case 'expiry': {
      const title = facts.notAfter <= at ? `证书已过期：${domain}` : left <= 0 ? `证书今天到期：${domain}` : `证书还有 ${left} 天到期：${domain}`;
      const note = facts.renewing ? '自动续期未按时完成，请查看原因' : '请及时续期并部署新证书';
      return { ...base, daysLeft: Math.max(0, left), title, lines: [`到期时间：${formatWechatTime(facts.notAfter)}`, note], note, status: facts.notAfter <= at ? '已过期' : STATUS.expiry };
    }
    case 'issued':
      return { ...base, title: `证书已自动签发：${domain}`, lines: [`到期时间：${expires}`, '导出证书（完整证书链）后部署到服务器'], note: '请部署证书' };
    case 'renewed':
      return { ...base, title: `证书已自动续期：${domain}`, lines: [`新的到期时间：${expires}`, '请把新证书部署到服务器（导出后替换旧文件）'], note: '请部署新证书' };
    case 'actionNeeded': {
      const what = facts.validation === 'dns-01' ? '添加 DNS TXT 记录' : '放置验证文件';
      return {
        ...base,
        title: `续期需要你${what}：${domain}`,
        lines: [`当前证书到期时间：${expires}`, `打开证书管家查看要${what}的具体内容，完成后点“验证”。`],
        note: `请${what}`,
        page: `pages/order/index?id=${facts.orderId}`,
      };
    }
    case 'renewalFailed': {
      const { explanation, fix } = explainOrderProblem(facts.problem);
      const retry = facts.nextAttemptAt === null ? '不会再自动重试' : `将于 ${formatWechatDate(facts.nextAttemptAt)} 前自动重试`;
      return { ...base, title: `证书续期失败：${domain}`, lines: [`原因：${explanation}`, `处理：${fix}`, `当前证书到期时间：${expires}，${retry}`], note: fix };
    }
    case 'revoked':
      return { ...base, title: `证书已吊销：${domain}`, lines: [`吊销原因：${REVOCATION_REASON_TEXT[facts.reason]}`, '使用这张证书的服务器需要换上新证书'], note: '请换用新证书' };
  }
}

/** Why a delivery failed or was skipped, for the history view. */
export const DELIVERY_DETAIL = {
  wechatNotConfigured: '运营方没有配置这类微信订阅消息',
  noCredit: '微信提醒次数已用完，请在“提醒设置”中订阅',
  channelRemoved: '这个通知渠道已删除',
  gaveUp: '多次重试仍失败，已停止重试',
  wechatRejected: '微信拒绝了这条消息',
  failed: '发送失败',
} as const;

export const WECHAT_CHANNEL_LABEL = '微信';

export const TEST_SENT = '测试消息已发出，请查看是否收到';

/** A delivery error code (from the channel adapters or WeChat) in words, with what to check. */
export function describeDeliveryError(code: string): string {
  const known: Record<string, string> = {
    address_refused: '地址指向内网、本机或保留地址，出于安全原因不会发送',
    timeout: '对方服务器长时间没有响应，稍后会重试',
    unreachable: '连接不上对方服务器，稍后会重试',
    smtp_not_configured: '运营方没有配置发信邮箱，暂时无法发送邮件',
    wecom_93000: '企业微信机器人地址无效或已被删除，请重新添加',
    wecom_45009: '企业微信机器人发送太频繁，稍后会重试',
    unexpected: '发送时出现意外错误，稍后会重试',
  };
  const exact = known[code];
  if (exact) return exact;
  const number = /(\d+)$/.exec(code)?.[1] ?? '';
  if (code.startsWith('http_')) return number.startsWith('5') ? `对方服务器出错（HTTP ${number}），稍后会重试` : `对方服务器拒绝了请求（HTTP ${number}），请检查地址是否正确`;
  if (code.startsWith('smtp_')) return number.startsWith('4') ? `邮件服务器暂时拒收（SMTP ${number}），稍后会重试` : `邮件服务器拒收（SMTP ${number}），请检查邮箱地址`;
  if (code.startsWith('wecom_')) return `企业微信拒绝了消息（错误码 ${number}）`;
  if (code.startsWith('wechat_')) return `微信暂时无法发送（错误码 ${number}），稍后会重试`;
  return `${DELIVERY_DETAIL.failed}（${code}）`;
}
