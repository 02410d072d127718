/**
 * What the user reads when a CA says no or cannot be reached: an explanation and a fix, per
 * problem kind (RFC 8555 §6.7 types, transport failures, and the engine's own findings). One place, so English can follow.
 */
import type { OrderProblemKind } from './order';

export interface Explanation {
  explanation: string;
  fix: string;
}

const EXPLANATIONS: Record<OrderProblemKind, Explanation> = {
  challengeNotOffered: { explanation: '证书颁发机构没有为这个域名提供所选的验证方式（通配符域名只能用 DNS 验证）。', fix: '改用 DNS 验证后重新申请。' },
  certificateMismatch: { explanation: '签发的证书与申请的域名或密钥不一致，已拒收。', fix: '请重新申请；如果反复出现，请反馈给我们。' },
  orderExpired: { explanation: '验证没有在证书颁发机构规定的期限内完成，订单已过期。', fix: '重新申请，并在添加记录后尽快点击验证。' },
  internal: { explanation: '证书管家处理时出了点问题。', fix: '系统会自动重试，无需操作。' },
  automationFailed: {
    explanation: '自动添加验证记录失败：DNS 服务商拒绝了请求（密钥无效、权限不足，或账号下找不到这个域名的解析区域）。',
    fix: '在“DNS 服务商密钥”中测试这组密钥，确认它能管理该域名的解析；或把这张证书改为手动验证。',
  },
  accountDoesNotExist: { explanation: '证书颁发机构找不到你的 ACME 账户。', fix: '重新提交申请，系统会自动创建新账户。' },
  alreadyReplaced: { explanation: '这张证书已经被另一次续期替换过了。', fix: '无需操作；查看证书列表中的最新版本。' },
  alreadyRevoked: { explanation: '这张证书此前已经吊销。', fix: '无需再次吊销；如需继续使用，请重新申请。' },
  badCSR: { explanation: '证书颁发机构拒绝了证书签名请求（CSR）。', fix: '检查 CSR 中的域名与密钥，或改用系统生成的密钥后重试。' },
  badNonce: { explanation: '与证书颁发机构的通信令牌过期了。', fix: '系统会自动重试，无需操作。' },
  badPublicKey: { explanation: '证书颁发机构不接受这种密钥。', fix: '改用 ECDSA P-256 或 RSA 2048 位以上的密钥。' },
  badRevocationReason: { explanation: '证书颁发机构不接受这个吊销原因。', fix: '改选“未指定”或“密钥泄露”后重试。' },
  badSignatureAlgorithm: { explanation: '证书颁发机构不支持这种签名算法。', fix: '改用 ECDSA P-256 或 RSA 密钥后重试。' },
  caa: { explanation: '域名的 CAA 记录不允许这家证书颁发机构签发证书。', fix: '在 DNS 中为该域名添加允许它的 CAA 记录（如 0 issue "letsencrypt.org"），或删除限制性的 CAA 记录，然后重试。' },
  compound: { explanation: '有多个问题，见下面每个域名的说明。', fix: '逐个处理每个域名的问题后重试。' },
  connection: { explanation: '证书颁发机构连接不上你的服务器来验证文件。', fix: '确认域名解析到了正确的公网 IP，80 端口对外开放、没有被防火墙或安全组拦截，然后重试。' },
  dns: { explanation: '证书颁发机构查询域名 DNS 时出错。', fix: '确认域名的权威 DNS 服务器工作正常、记录已生效，稍后重试。' },
  externalAccountRequired: { explanation: '这家证书颁发机构要求外部账户绑定（EAB）。', fix: '在证书颁发机构的控制台获取 EAB Key ID 和 HMAC Key，填写后重试。' },
  incorrectResponse: { explanation: '证书颁发机构读到的验证内容与要求的不一致。', fix: '按验证页面逐字复制 TXT 值或文件内容，确认没有多余空格或换行，然后重试。' },
  invalidContact: { explanation: '联系邮箱格式不被接受。', fix: '修改联系邮箱后重试。' },
  malformed: { explanation: '证书颁发机构认为请求格式有误。', fix: '请稍后重试；如果反复出现，请反馈给我们。' },
  orderNotReady: { explanation: '订单还没有完成验证，暂时不能签发。', fix: '先完成所有域名的验证，系统会自动继续。' },
  rateLimited: { explanation: '达到了证书颁发机构的频率限制。', fix: '系统会在限制解除后自动重试；短时间内请不要重复申请同一组域名。' },
  rejectedIdentifier: { explanation: '证书颁发机构拒绝为这个域名签发证书（可能在其黑名单或策略限制中）。', fix: '检查域名是否拼写正确；换用其他证书颁发机构试试。' },
  serverInternal: { explanation: '证书颁发机构内部出错。', fix: '系统会稍后自动重试，无需操作。' },
  tls: { explanation: '证书颁发机构在验证时与你的服务器 TLS 握手失败。', fix: '检查服务器的 HTTPS 配置（80 端口重定向到 443 时证书必须有效可用），然后重试。' },
  unauthorized: { explanation: '验证没有通过：证书颁发机构认为你还没有证明对该域名的控制权。', fix: '确认 TXT 记录或验证文件已按要求添加并生效，然后重新验证。' },
  unsupportedContact: { explanation: '证书颁发机构不支持这种联系方式。', fix: '改用邮箱作为联系方式。' },
  unsupportedIdentifier: { explanation: '证书颁发机构不支持这种标识（例如 IP 地址）。', fix: '只填写域名。' },
  userActionRequired: { explanation: '证书颁发机构要求你先完成某项操作（例如同意新的服务条款）。', fix: '打开证书颁发机构提供的链接完成操作后重试。' },
  otherProblem: { explanation: '证书颁发机构返回了一个未知的问题。', fix: '请稍后重试；如果反复出现，请反馈给我们。' },
  timeout: { explanation: '证书颁发机构长时间没有响应。', fix: '系统会稍后自动重试；如果所在网络访问境外服务较慢，可在设置中为该 CA 配置代理或镜像地址。' },
  unreachable: { explanation: '连接不上证书颁发机构。', fix: '系统会稍后自动重试；如果持续失败，请检查网络或为该 CA 配置代理。' },
  caDnsFailure: { explanation: '无法解析证书颁发机构的域名。', fix: '检查服务器的 DNS 设置，或为该 CA 配置镜像地址。' },
  caTlsFailure: { explanation: '与证书颁发机构建立安全连接失败（证书不受信任或握手失败）。', fix: '检查代理或镜像配置是否正确；如果是自建 CA，请配置它的根证书。' },
  httpError: { explanation: '证书颁发机构（或中间的代理）返回了错误页面。', fix: '系统会稍后自动重试；如果持续失败，请检查代理或镜像配置。' },
  unexpected: { explanation: '与证书颁发机构通信时出现了意外错误。', fix: '请稍后重试；如果反复出现，请反馈给我们。' },
};

export function explainOrderProblem(kind: OrderProblemKind): Explanation {
  return EXPLANATIONS[kind];
}
