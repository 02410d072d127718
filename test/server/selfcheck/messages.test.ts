import {
  describeHttpProblem,
  describeTxtProblem,
  type HttpCheckFailure,
  type TxtCheckFailure,
} from '../../../server/domain/self-check.messages.zh';
import type { HttpCheckProblem, HttpHop, TxtCheckProblem, TxtServerAnswer } from '../../../server/ports/self-check';

const NAME = '_acme-challenge.example.com';
const V1 = 'value-one-0123456789abcdefghijklmnopqrstuvwx';
const V2 = 'value-two-0123456789abcdefghijklmnopqrstuvwx';
const CHALLENGE_URL = 'http://example.com/.well-known/acme-challenge/tok123';
const CJK = /[\u4e00-\u9fff]/;

function answer(server: string, values: string[] | null, queriedName = NAME): TxtServerAnswer {
  return { server, address: '203.0.113.1', values, queriedName };
}

function txt(problem: TxtCheckProblem, answers: TxtServerAnswer[], missingValues: string[] = [], unexpectedValues: string[] = []): TxtCheckFailure {
  return { ok: false, problem, missingValues, unexpectedValues, answers, detail: 'english detail' };
}

function http(problem: HttpCheckProblem, hops: HttpHop[]): HttpCheckFailure {
  return { ok: false, problem, hops, detail: 'english detail' };
}

describe('TXT problems', () => {
  const both = { recordName: NAME, expectedValues: [V1, V2] };
  const cases: Record<TxtCheckProblem, [TxtCheckFailure, string[]]> = {
    absent: [txt('absent', [answer('ns1', [])], [V1, V2]), [`${NAME} 的 TXT 记录`, `“${V1}”、“${V2}”`, '每个值一条']],
    wrongValue: [txt('wrongValue', [answer('ns1', ['old'])], [V1, V2], ['old']), ['现在是 “old”', `请把记录值改为 “${V1}”、“${V2}”`]],
    missingSome: [
      txt('missingSome', [answer('ns1', [V1])], [V2]),
      [`${NAME} 还缺少 1 个 TXT 值：“${V2}”。通配符证书和主域名共用这个记录名，两个值都要添加。`, '不要覆盖'],
    ],
    propagating: [
      txt('propagating', [answer('ns1', [V1, V2]), answer('ns2', [V1]), answer('ns3', null)], [V2]),
      ['部分权威 DNS 服务器还没有同步这条记录（1/2 台已生效）', '通常几分钟内生效，请稍后再验证'],
    ],
    lookupFailed: [txt('lookupFailed', []), [`查不到 ${NAME} 所在域名的权威 DNS 服务器`, 'NS 记录']],
  };

  test.each(Object.entries(cases))('%s', (_problem, [result, fragments]) => {
    const advice = describeTxtProblem(both, result);
    const text = `${advice.reason}\n${advice.fix}`;
    expect(advice.reason).toMatch(CJK);
    expect(advice.fix).toMatch(CJK);
    for (const fragment of fragments) expect(text).toContain(fragment);
    expect(text).not.toContain('english detail');
  });

  test('a single expected value says nothing about wildcards', () => {
    const advice = describeTxtProblem({ recordName: NAME, expectedValues: [V1] }, txt('absent', [answer('ns1', [])], [V1]));
    expect(advice.fix).not.toContain('每个值一条');
  });

  test('a CNAME target is named, and is where the record goes', () => {
    const target = 'tok.acme-dns.example.net';
    const advice = describeTxtProblem({ recordName: NAME, expectedValues: [V1] }, txt('absent', [answer('ns1', [], target)], [V1]));
    expect(advice.reason).toContain(`${NAME}（经 CNAME 指向 ${target}）`);
    expect(advice.fix).toContain(`记录名 ${target}`);
  });
});

describe('HTTP problems', () => {
  const request = { url: CHALLENGE_URL, expectedBody: 'tok123.thumbprint' };
  const first = { url: CHALLENGE_URL, address: '203.0.113.10' };
  const cases: Record<HttpCheckProblem, [HttpCheckFailure, string[]]> = {
    notFound: [http('notFound', [{ ...first, status: 404 }]), [`访问 ${CHALLENGE_URL} 返回 404`, '网站根目录的 /.well-known/acme-challenge/ 下', '“tok123”']],
    wrongContent: [http('wrongContent', [{ ...first, status: 200 }]), ['内容与验证文件不一致', '“tok123.thumbprint”']],
    httpStatus: [http('httpStatus', [{ ...first, status: 403 }]), ['返回 HTTP 403', '访问限制']],
    refusedAddress: [
      http('refusedAddress', [{ ...first, status: 301 }, { url: 'http://intranet.example.com/x', address: '10.0.0.5', refusedAs: 'private' }]),
      ['重定向到了内网地址 10.0.0.5（intranet.example.com），证书颁发机构无法访问', '重定向规则'],
    ],
    unresolvable: [http('unresolvable', [{ url: CHALLENGE_URL }]), ['域名 example.com 无法解析', 'A 或 AAAA 记录']],
    connectFailed: [http('connectFailed', [first]), ['无法连接 example.com（203.0.113.10）的 80 端口', '安全组放行了 80 端口']],
    timeout: [http('timeout', [{ ...first, url: 'https://example.com/x' }]), ['访问 https://example.com/x 超时', '443 端口']],
    tooManyRedirects: [http('tooManyRedirects', [{ ...first, status: 302 }]), ['重定向次数过多', '循环']],
    badRedirect: [http('badRedirect', [{ ...first, status: 302 }]), [`${CHALLENGE_URL} 重定向到了证书颁发机构不会访问的地址`, '80 或 443']],
  };

  test.each(Object.entries(cases))('%s', (_problem, [result, fragments]) => {
    const advice = describeHttpProblem(request, result);
    const text = `${advice.reason}\n${advice.fix}`;
    expect(advice.reason).toMatch(CJK);
    expect(advice.fix).toMatch(CJK);
    for (const fragment of fragments) expect(text).toContain(fragment);
    expect(text).not.toContain('english detail');
  });

  test.each([
    ['metadata', '169.254.169.254', '云服务器元数据地址'],
    ['loopback', '127.0.0.1', '本机回环地址'],
    ['ipv4Mapped', '::ffff:10.0.0.1', '内嵌 IPv4 的 IPv6 地址'],
  ] as const)('a first hop resolving to a %s address names the domain and the address', (refusedAs, address, kind) => {
    const advice = describeHttpProblem(request, http('refusedAddress', [{ url: CHALLENGE_URL, address, refusedAs }]));
    expect(advice.reason).toBe(`example.com 解析到了${kind} ${address}，证书颁发机构无法访问`);
    expect(advice.fix).toContain('公网 IP');
  });

  test.each([
    [500, '服务器出错'],
    [418, '直接返回验证文件'],
  ])('HTTP %d gets a fitting hint', (status, hint) => {
    expect(describeHttpProblem(request, http('httpStatus', [{ ...first, status }])).fix).toContain(hint);
  });
});
