/**
 * What the doctor (运维检查) tells the operator, in Chinese: each check's title, what was found and
 * how to fix it. Setting names, collection names and error texts from SDKs stay as they are (the
 * operator types or searches them).
 */
import type { AcmeErrorKind } from '../ports/acme';
import type { TemplateKey } from './notification';

export const DOCTOR_TITLES = {
  config: '配置',
  masterKey: '主密钥',
  ca: (name: string) => `证书颁发机构：${name}`,
  templates: '订阅消息模板',
  collections: '数据库集合',
  indexes: '数据库索引',
  permissions: '数据库权限',
  schedulerTick: '定时触发器',
  acmehttp: 'HTTP 访问（acmehttp）',
} as const;

const SEE_DEPLOY = '详见 docs/deploy.md';
const SEE_CONFIG = '各项设置的写法见 docs/configuration.md';

export const DOCTOR_TEXT = {
  checkFailed: (problem: string) => `检查时出错：${problem}`,
  timedOut: (seconds: number) => `${seconds} 秒内没有完成检查`,

  configOk: '所有配置项都有效',
  configProblems: (lines: readonly string[]) => `${lines.length} 项配置有问题：${lines.join('；')}`,
  configFix: `在云开发控制台 → 云函数 → 各函数的「环境变量」中改正这些设置，保存后重新检查。${SEE_CONFIG}`,

  masterKeyOk: (keyCount: number) => (keyCount > 1 ? `加密后能正确解密（共 ${keyCount} 把密钥，第一把用于加密）` : '加密后能正确解密'),
  masterKeyMissing: (problem: string) => `无法使用主密钥：${problem}`,
  masterKeyMismatch: '加密后解密得到的内容不一致',
  masterKeyFix: '在 api、scheduler、worker 云函数的环境变量中设置 CERTKEEPER_MASTER_KEY（格式 keyId:base64，可用 openssl rand -base64 32 生成），三个函数必须相同。已有数据时不要更换，轮换时把新密钥放在最前、旧密钥保留在后面',

  caNone: '没有可检查的证书颁发机构',
  caOk: (notes: readonly string[]) => (notes.length > 0 ? `目录可以访问（${notes.join('，')}）` : '目录可以访问'),
  caNeedsEab: '需要 EAB 凭据',
  caHasAri: '支持 ARI 续期建议',
  caUnreachable: (reason: string) => `访问目录失败：${reason}`,
  caFix: `确认云函数能访问外网；境外 CA 在中国大陆可能很慢或连不上，可设置 CERTKEEPER_CA_MIRRORS（镜像）或 CERTKEEPER_CA_PROXY（代理），超时可调大 CERTKEEPER_CA_TIMEOUT_MS。${SEE_CONFIG}`,

  templatesOk: (titles: readonly string[]) => `已配置 ${titles.length} 个模板：${titles.join('、')}`,
  templatesPartly: (titles: readonly string[], missing: readonly string[]) => `已配置 ${titles.join('、')}；未配置：${missing.join('、')}，这类通知不会通过微信发送`,
  templatesNone: '没有配置订阅消息模板，微信提醒不会发送（其他渠道不受影响）',
  templatesFix: `在小程序管理后台 → 订阅消息 → 公共模板库选用「证书到期提醒」等一次性模板，把模板 ID 和关键词对应关系写入 CERTKEEPER_WECHAT_TEMPLATES。${SEE_DEPLOY}`,

  collectionsOk: (count: number) => `${count} 个集合都已存在`,
  collectionsMissing: (names: readonly string[]) => `缺少 ${names.length} 个集合：${names.join('、')}`,
  collectionsUnknown: (names: readonly string[], problem: string) => `无法确认这些集合是否存在：${names.join('、')}（${problem}）`,
  collectionsFix: '点击本页下方的「初始化数据库」创建缺少的集合（已存在的不受影响），完成后重新检查',

  indexesOk: (count: number) => `${count} 个索引都已存在`,
  indexesMissing: (lines: readonly string[]) => `缺少索引：${lines.join('；')}`,
  indexesUnknown: (lines: readonly string[]) => `云函数无法读取索引，请到控制台确认以下索引：${lines.join('；')}`,
  indexesFix: `在云开发控制台 → 数据库 → 选中集合 → 索引管理 → 添加索引，按上面的名称、字段和顺序创建（非唯一索引）。${SEE_DEPLOY}`,
  indexLine: (collection: string, name: string, fields: string) => `${collection}.${name}（${fields}）`,
  ascending: '升序',
  descending: '降序',

  permissionsNone: '本地数据库，小程序端无法直接访问',
  permissionsUnknown: '云函数无法读取数据库的安全规则，请到控制台人工确认',
  permissionsFix: (rule: string) => `在云开发控制台 → 数据库 → 每个集合 → 数据权限 → 自定义安全规则，填入 ${rule}（小程序端不能直接读写任何集合，所有操作都经过云函数；「仅创建者可读写」不够）`,

  tickOk: (ago: string) => `上次运行：${ago}`,
  tickLate: (ago: string) => `上次运行在${ago}，已超过 5 分钟`,
  tickNever: '还没有运行记录',
  tickFix: '在微信开发者工具中右键 cloudfunctions/scheduler/config.json → 上传触发器（或执行 npm run deploy），然后在云开发控制台 → 云函数 → scheduler → 日志中查看是否按分钟运行、是否报错',
  tickUnreadable: (problem: string) => `读取运行记录失败：${problem}`,

  acmehttpOff: '没有配置 CERTKEEPER_ACMEHTTP_URL，HTTP 重定向验证不可用（可选功能）',
  acmehttpOffFix: `如需 HTTP 重定向验证：在云开发控制台 → HTTP 访问服务为 acmehttp 函数添加路由，把完整的 https 地址写入 CERTKEEPER_ACMEHTTP_URL。${SEE_DEPLOY}`,
  acmehttpOk: 'acmehttp 已响应，并返回了数据库中的探测内容',
  acmehttpWrongAnswer: (status: number) => `地址可以访问，但返回 HTTP ${status}，不是探测内容`,
  acmehttpWrongAnswerFix: '确认 HTTP 访问服务的路由指向 acmehttp 函数，CERTKEEPER_ACMEHTTP_URL 包含路由路径（如 https://<环境>.service.tcloudbase.com/acmehttp），且 acmehttp 与 api 部署在同一个云环境',
  acmehttpStoreFailed: 'acmehttp 已响应，但读取数据库失败（HTTP 503）',
  acmehttpStoreFailedFix: '先确认「数据库集合」一项通过（challengeTokens 集合存在），再查看 acmehttp 函数的日志',
  acmehttpReachedUnverified: (status: number) => `地址有响应（HTTP ${status}），但无法写入探测记录，不能确认是 acmehttp 在回答`,
  acmehttpReachedUnverifiedFix: '先解决数据库的问题（见「数据库集合」），再重新检查',
  acmehttpUnreachable: (problem: string) => `无法访问：${problem}`,
  acmehttpUnreachableFix: '确认已在云开发控制台 → HTTP 访问服务中开启服务并为 acmehttp 添加路由，地址可以从公网访问',

  adminNotAvailable: '找不到这个功能',
} as const;

/** What the bootstrap (初始化数据库) reports. */
export const BOOTSTRAP_TEXT = {
  summary: (counts: { created: number; present: number; failed: number }) =>
    [
      counts.created > 0 ? `新建了 ${counts.created} 个集合` : '没有需要新建的集合',
      counts.present > 0 ? `${counts.present} 个已存在` : '',
      counts.failed > 0 ? `${counts.failed} 个创建失败` : '',
    ]
      .filter((part) => part !== '')
      .join('，'),
  createIndex: (collection: string, name: string, fields: string) => `云开发控制台 → 数据库 → ${collection} → 索引管理：添加索引 ${name}，字段 ${fields}（非唯一）`,
  securityRule: (count: number, rule: string) => `云开发控制台 → 数据库 → 每个集合（共 ${count} 个）→ 数据权限：选择自定义安全规则，填入 ${rule}`,
} as const;

/** What each template key sends, for the templates check. */
export const TEMPLATE_KEY_TEXT: Readonly<Record<TemplateKey, string>> = {
  expiry: '到期提醒',
  result: '结果通知（续期成功、失败、吊销）',
  action: '待处理提醒',
};

/** A transport failure of a CA directory, in words. */
export function describeCaFailure(kind: AcmeErrorKind, status: number | null): string {
  switch (kind) {
    case 'timeout':
      return '连接超时';
    case 'unreachable':
      return '连接被拒绝或中断';
    case 'caDnsFailure':
      return '域名解析失败';
    case 'caTlsFailure':
      return 'HTTPS 证书不受信任或握手失败';
    case 'httpError':
      return status === null ? 'HTTP 错误' : `返回 HTTP ${status}`;
    default:
      return '返回的内容不是 ACME 目录';
  }
}

/** How long ago, in words: "刚刚", "3 分钟前", "2 小时前", "5 天前". */
export function agoText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return seconds < 5 ? '刚刚' : `${seconds} 秒前`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} 分钟前`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} 小时前`;
  return `${Math.floor(hours / 24)} 天前`;
}
