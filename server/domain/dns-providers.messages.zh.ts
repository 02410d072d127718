/** What the user reads about DNS provider credentials and automatic validation. One place, so English can follow. */
import type { DnsProviderErrorKind } from '../ports/dns-provider';

export const CREDENTIAL_MESSAGES = {
  fieldInvalid: (label: string) => `${label} 格式不对：请从服务商控制台完整复制，不要带空格`,
  unknownField: '这个服务商不需要这一项',
  tooMany: (max: number) => `最多保存 ${max} 组 DNS 服务商密钥，请先删除不用的`,
  inUse: (count: number) => `有 ${count} 张证书正在用这组密钥自动验证，请先把它们改为其他验证方式`,
  busy: '密钥正在被修改，请稍后再试',
  connection: {
    badCredentials: '连接失败：密钥不正确（或已被删除、禁用），请重新复制后再试',
    noPermission: '连接成功，但这组密钥没有管理解析记录的权限：请按说明授予 DNS 解析权限',
    zoneNotFound: '连接成功，但这个账号下没有找到任何域名解析区域',
    recordExists: '服务商返回了“记录已存在”，请稍后再试',
    rateLimited: '服务商限制了请求频率，请稍后再试',
    unreachable: '暂时连不上服务商的接口，请稍后再试',
    vendor: '服务商返回了错误，请确认密钥和权限后再试',
  } satisfies Record<DnsProviderErrorKind, string>,
} as const;
