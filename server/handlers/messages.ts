/**
 * What the `api` function tells users, in Chinese, in one place so another language can follow.
 * Logs stay English and live with the code that writes them.
 */
import type { ApiErrorCode } from '../../typings/api';

export const API_ERROR_MESSAGES: Record<ApiErrorCode, string> = {
  INVALID_REQUEST: '请求内容不正确',
  UNKNOWN_ACTION: '不支持的操作，请升级小程序后重试',
  UNAUTHENTICATED: '无法确认你的微信身份，请在小程序内重新打开后再试',
  NOT_FOUND: '找不到这张证书或订单，可能已被删除',
  CONFLICT: '当前状态下不能这样操作',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  CA_ERROR: '证书颁发机构返回了错误，请稍后重试',
  INTERNAL: '服务暂时出了点问题，请稍后重试',
};

/** Field-level rules, phrased for the user: `{field}` is replaced by the field's name. */
export const FIELD_RULE_MESSAGES = {
  notObject: '请求必须是一个对象',
  missingAction: '缺少 action 字段',
  unknownField: '不认识的字段 {field}',
  invalidField: '字段 {field} 的格式不正确',
} as const;
