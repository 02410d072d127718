/**
 * What the user reads when an uploaded CSR is refused: what is wrong and how to fix it, one
 * message per `CsrRule`. Pure (no imports but types), so the Mini Program can show it too.
 */
import type { CsrViolation } from './keys';

function list(items: readonly (string | number)[]): string {
  return items.join('、');
}

/** Chinese text for the user naming the broken rule. */
export function describeCsrViolation(v: CsrViolation): string {
  switch (v.rule) {
    case 'signatureInvalid':
      return 'CSR 的签名校验失败：内容可能在复制时被改动或截断，请重新粘贴完整的 CSR，或重新生成';
    case 'signatureAlgorithmNotAccepted':
      return `CSR 使用的签名算法 ${v.algorithm} 不被证书颁发机构接受：请使用 SHA-256 签名（RSA 或 ECDSA）重新生成`;
    case 'rsaKeyTooSmall':
      return `CSR 中的 RSA 密钥只有 ${v.bits} 位，至少需要 ${v.min} 位：请用 ${v.min} 位以上的 RSA 密钥或 ECDSA P-256 密钥重新生成 CSR`;
    case 'rsaKeySizeNotAccepted':
      return `CSR 中的 RSA 密钥是 ${v.bits} 位，证书颁发机构只接受 ${list(v.accepted)} 位：请换用其中一种长度重新生成`;
    case 'ecCurveNotAccepted':
      return v.curve === 'P-521'
        ? `CSR 使用的是 P-521 曲线，Let's Encrypt 等证书颁发机构不接受：请改用 ${list(v.accepted)} 曲线重新生成`
        : `CSR 使用的椭圆曲线 ${v.curve} 不被证书颁发机构接受：请改用 ${list(v.accepted)} 曲线重新生成`;
    case 'keyAlgorithmNotAccepted':
      return v.algorithm === 'ed25519' || v.algorithm === 'ed448'
        ? `CSR 使用的是 ${v.algorithm === 'ed25519' ? 'Ed25519' : 'Ed448'} 密钥，公共证书颁发机构目前不签发这类证书：请改用 ECDSA（P-256 或 P-384）或 RSA 密钥重新生成`
        : 'CSR 的密钥类型不被证书颁发机构接受：请改用 ECDSA（P-256 或 P-384）或 RSA 密钥重新生成';
    case 'nameMissing':
      return `CSR 缺少域名 ${v.name}：CSR 必须包含申请的全部域名，请重新生成`;
    case 'nameExtra':
      return `CSR 多出了域名 ${v.name}，它不在本次申请的域名中：请在申请中加上它，或重新生成不含它的 CSR`;
  }
}
