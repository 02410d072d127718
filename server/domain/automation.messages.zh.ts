/** What the user reads when setting up hands-free validation. One place, so English can follow. */
import type { DnsProviderErrorKind } from '../ports/dns-provider';
import { CREDENTIAL_MESSAGES } from './dns-providers.messages.zh';

export const AUTOMATION_MESSAGES = {
  needsDns: '这种自动验证方式只适用于 DNS 验证的证书；请重新申请一张“DNS 验证”的证书',
  needsHttp: '重定向方式只适用于文件验证（HTTP）的证书',
  delegationNotOffered: '当前部署没有开启 CNAME 委托验证，请使用 DNS 服务商密钥或手动验证',
  redirectNotOffered: '当前部署没有开启文件验证重定向，请使用 DNS 验证',
  nothingToVerify: '这张证书是手动验证，无需检测',
  busy: '证书正在被修改，请稍后再试',
  zoneNotFound: (name: string) => `这组密钥的账号下找不到 ${name} 所在的解析区域：请确认域名托管在这个服务商、并且密钥有它的权限`,
  providerFailed: (kind: DnsProviderErrorKind) => CREDENTIAL_MESSAGES.connection[kind],
  cnameMissing: (name: string, target: string) => `还没有检测到 CNAME 记录：请在 DNS 中添加 ${name} → ${target}（记录类型 CNAME），生效后再检测。已有同名 TXT 记录的，请先删除`,
  redirectMissing: (name: string, reason: string) => `通过 http://${name}/.well-known/acme-challenge/ 没有取到验证内容：${reason} 请确认已按说明添加重定向并重新加载服务器，80 端口可以从公网访问`,
  automaticKinds: {
    manual: '手动验证',
    dnsProvider: 'DNS 服务商自动验证',
    cnameDelegation: 'CNAME 委托自动验证',
    httpRedirect: '文件验证重定向',
  },
} as const;
