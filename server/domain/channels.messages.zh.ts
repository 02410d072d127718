/**
 * What the user reads about notification channels: their names, why a destination is refused,
 * and the fixed words the channels add around a message. Pure (type imports only), so the Mini
 * Program can show the same text.
 */
import type { ChannelTargetRule } from './channels';
import type { ChannelType } from './notification';

export const CHANNEL_LABELS: Record<ChannelType, string> = {
  wecom: '企业微信群机器人',
  email: '电子邮件',
  webhook: 'Webhook',
};

export const CHANNEL_TARGET_MESSAGES: Record<ChannelTargetRule, string> = {
  targetEmpty: '请填写接收地址',
  wecomUrl:
    '这不是企业微信群机器人的 Webhook 地址：请在群聊中添加机器人后复制它的地址，形如 “https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…”',
  wecomKey: '企业微信群机器人地址中的 key 不完整或格式不对：请重新复制完整的地址，不要增删任何字符',
  emailInvalid: '邮箱地址格式不对：请填写形如 “name@example.com” 的地址，不要包含姓名、空格或中文',
  emailTooLong: '邮箱地址太长了：最多 254 个字符',
  webhookUrl: 'Webhook 地址不是合法的网址：请填写以 https:// 开头的完整地址',
  webhookNotHttps: 'Webhook 地址必须以 https:// 开头，消息只通过加密连接发送',
  webhookCredentials: 'Webhook 地址中不能包含用户名或密码：请使用我们提供的签名密钥校验请求来源',
  webhookTooLong: 'Webhook 地址太长了：最多 2048 个字符',
  webhookAddress: 'Webhook 地址指向内网、本机或保留的 IP 地址，无法发送：请使用公网可以访问的地址',
};

/** Fixed words the channels add around a message. */
export const CHANNEL_TEXT = {
  /** Last line of WeCom messages and e-mails. */
  signature: '—— 证书管家',
  /** E-mail footer. */
  emailFooter: '这封邮件由证书管家自动发送，请勿直接回复。如不想再收到，可在小程序的提醒设置中删除这个邮箱。',
} as const;
