/** Chinese text for refused CA settings (see checkCaInput in ca-catalog.ts). */
import type { CaInputRule } from './ca-catalog';

export const CA_INPUT_MESSAGES: Record<CaInputRule, string> = {
  eabMissing: '这家证书颁发机构要求外部账户绑定（EAB）：请填写 EAB Key ID 和 HMAC Key（在其控制台获取）',
  eabKidInvalid: 'EAB Key ID 格式不正确：应为 1–256 个可见字符，不含空格',
  eabHmacInvalid: 'EAB HMAC Key 格式不正确：应为证书颁发机构提供的 base64url 字符串，且至少 16 字节',
  eabNotAccepted: '这家证书颁发机构不使用外部账户绑定（EAB），请不要填写',
  directoryUrlMissing: '请填写 ACME 目录地址（Directory URL）',
  directoryUrlInvalid: 'ACME 目录地址不是合法的网址',
  directoryUrlNotHttps: 'ACME 目录地址必须以 https:// 开头',
};

export const CA_UNAVAILABLE_MESSAGE = '当前环境不提供这家证书颁发机构，请换一个';
