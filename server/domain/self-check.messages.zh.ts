/**
 * What the user reads when a self-check fails: what is wrong, in their terms, and what to do.
 * One function per check, one entry per problem. Pure (no imports but types, no `URL`), so the
 * Mini Program can show the same text.
 */
import type { AddressClass } from './address';
import type {
  HttpCheckProblem,
  HttpCheckRequest,
  HttpCheckResult,
  TxtCheckProblem,
  TxtCheckRequest,
  TxtCheckResult,
} from '../ports/self-check';

export type TxtCheckFailure = Extract<TxtCheckResult, { ok: false }>;
export type HttpCheckFailure = Extract<HttpCheckResult, { ok: false }>;

export interface SelfCheckAdvice {
  /** What is wrong. */
  reason: string;
  /** What to do about it. */
  fix: string;
}

const ADDRESS_NAMES: Record<AddressClass, string> = {
  public: '公网地址',
  private: '内网地址',
  loopback: '本机回环地址',
  linkLocal: '链路本地地址',
  cgnat: '运营商内部地址（CGNAT）',
  multicast: '组播地址',
  unspecified: '未指定地址',
  broadcast: '广播地址',
  metadata: '云服务器元数据地址',
  ipv4Mapped: '内嵌 IPv4 的 IPv6 地址',
  documentation: '文档示例地址',
  reserved: '保留地址',
  uniqueLocal: 'IPv6 内网地址',
  invalid: '无效地址',
};

function quoteAll(values: string[]): string {
  return values.map((value) => `“${value}”`).join('、');
}

/** The name finally queried, when a CNAME led elsewhere. */
function cnameTarget(request: TxtCheckRequest, result: TxtCheckFailure): string | undefined {
  const own = request.recordName.toLowerCase().replace(/\.$/, '');
  return result.answers.map((answer) => answer.queriedName).find((name) => name !== own);
}

function recordPlace(request: TxtCheckRequest, result: TxtCheckFailure): string {
  const target = cnameTarget(request, result);
  return target === undefined ? request.recordName : `${request.recordName}（经 CNAME 指向 ${target}）`;
}

const TXT_MESSAGES: Record<TxtCheckProblem, (request: TxtCheckRequest, result: TxtCheckFailure) => SelfCheckAdvice> = {
  absent: (request, result) => ({
    reason: `域名的权威 DNS 服务器上还没有 ${recordPlace(request, result)} 的 TXT 记录`,
    fix:
      `请在 DNS 解析中添加 TXT 记录：记录名 ${cnameTarget(request, result) ?? request.recordName}，记录值 ${quoteAll(request.expectedValues)}` +
      (request.expectedValues.length > 1 ? '（同一个记录名添加多条，每个值一条）' : '') +
      '。请确认添加在这个域名实际使用的 DNS 服务商处',
  }),
  wrongValue: (request, result) => ({
    reason: `${recordPlace(request, result)} 的 TXT 记录值不对：现在是 ${quoteAll(result.unexpectedValues)}`,
    fix: `请把记录值改为 ${quoteAll(request.expectedValues)}。旧值可能是上一次申请留下的，可以删除`,
  }),
  missingSome: (request, result) => ({
    reason:
      `${recordPlace(request, result)} 还缺少 ${result.missingValues.length} 个 TXT 值：${quoteAll(result.missingValues)}。` +
      (request.expectedValues.length > 1 ? '通配符证书和主域名共用这个记录名，两个值都要添加。' : ''),
    fix: '请再添加一条同名的 TXT 记录填入缺少的值，不要覆盖已有的那条',
  }),
  propagating: (request, result) => {
    const answered = result.answers.filter((answer) => answer.values !== null);
    const complete = answered.filter((answer) => request.expectedValues.every((value) => answer.values?.includes(value)));
    return {
      reason: `部分权威 DNS 服务器还没有同步这条记录（${complete.length}/${answered.length} 台已生效）`,
      fix: '通常几分钟内生效，请稍后再验证',
    };
  },
  lookupFailed: (request) => ({
    reason: `查不到 ${request.recordName} 所在域名的权威 DNS 服务器，或它们没有应答`,
    fix: '请确认域名已注册、未过期，且 DNS 服务器（NS 记录）设置正确；刚修改过 DNS 服务器的，生效可能需要几小时，请稍后再验证',
  }),
};

export function describeTxtProblem(request: TxtCheckRequest, result: TxtCheckFailure): SelfCheckAdvice {
  return TXT_MESSAGES[result.problem](request, result);
}

interface UrlParts {
  scheme: string;
  host: string;
  port: string;
}

function urlParts(url: string): UrlParts {
  const match = /^(https?):\/\/(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?/i.exec(url);
  const scheme = (match?.[1] ?? 'http').toLowerCase();
  return { scheme, host: match?.[2] ?? url, port: match?.[3] ?? (scheme === 'https' ? '443' : '80') };
}

interface HttpContext {
  request: HttpCheckRequest;
  result: HttpCheckFailure;
  /** The URL of the last request made (or refused). */
  url: string;
  address: string | undefined;
  redirected: boolean;
}

const HTTP_MESSAGES: Record<HttpCheckProblem, (context: HttpContext) => SelfCheckAdvice> = {
  notFound: ({ url, request }) => ({
    reason: `访问 ${url} 返回 404，找不到验证文件`,
    fix: `请确认文件放在网站根目录的 /.well-known/acme-challenge/ 下，文件名为 “${request.url.split('/').pop() ?? ''}”，且网站没有拦截这个路径`,
  }),
  wrongContent: ({ url, request }) => ({
    reason: `访问 ${url} 返回的内容与验证文件不一致`,
    fix: `文件内容应为 “${request.expectedBody.trim()}”，不要有其他内容；如果返回的是网页，请检查是否被跳转到首页或被防火墙拦截`,
  }),
  httpStatus: ({ url, result }) => {
    const status = result.hops[result.hops.length - 1]?.status ?? 0;
    const hint =
      status === 401 || status === 403
        ? '请取消这个路径的访问限制（登录、防盗链、IP 白名单等）'
        : status >= 500
          ? '网站服务器出错了，请查看服务器日志'
          : '请确认这个地址能直接返回验证文件';
    return { reason: `访问 ${url} 返回 HTTP ${status}`, fix: hint };
  },
  refusedAddress: ({ url, address, redirected, result }) => {
    const hop = result.hops[result.hops.length - 1];
    const kind = ADDRESS_NAMES[hop?.refusedAs ?? 'reserved'];
    const host = urlParts(url).host;
    return redirected
      ? { reason: `重定向到了${kind} ${address ?? ''}（${host}），证书颁发机构无法访问`, fix: '请修改重定向规则，只跳转到解析为公网 IP 的域名' }
      : { reason: `${host} 解析到了${kind} ${address ?? ''}，证书颁发机构无法访问`, fix: `请把 ${host} 的 A/AAAA 记录改为服务器的公网 IP 地址` };
  },
  unresolvable: ({ url }) => {
    const host = urlParts(url).host;
    return { reason: `域名 ${host} 无法解析`, fix: `请在 DNS 解析中为 ${host} 添加 A 或 AAAA 记录，指向你的服务器公网 IP` };
  },
  connectFailed: ({ url, address }) => {
    const { host, port } = urlParts(url);
    return {
      reason: `无法连接 ${host}${address === undefined ? ' ' : `（${address}）`}的 ${port} 端口`,
      fix: `请确认服务器正在运行、网站在 ${port} 端口提供服务，并且防火墙和云服务器安全组放行了 ${port} 端口`,
    };
  },
  timeout: ({ url }) => {
    const { port } = urlParts(url);
    return {
      reason: `访问 ${url} 超时`,
      fix: `请确认防火墙和云服务器安全组放行了 ${port} 端口，并且网站能从公网访问`,
    };
  },
  tooManyRedirects: ({ request }) => ({
    reason: `访问 ${request.url} 时重定向次数过多（超过 10 次），可能是循环跳转`,
    fix: '请检查网站和 CDN 的重定向规则，让 /.well-known/acme-challenge/ 路径直接返回验证文件',
  }),
  badRedirect: ({ url }) => ({
    reason: `${url} 重定向到了证书颁发机构不会访问的地址`,
    fix: '重定向只能跳转到 http:// 或 https:// 的域名（不能是 IP 地址），端口只能是 80 或 443',
  }),
};

export function describeHttpProblem(request: HttpCheckRequest, result: HttpCheckFailure): SelfCheckAdvice {
  const last = result.hops[result.hops.length - 1];
  return HTTP_MESSAGES[result.problem]({
    request,
    result,
    url: last?.url ?? request.url,
    address: last?.address,
    redirected: result.hops.length > 1,
  });
}
