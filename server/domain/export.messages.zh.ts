/**
 * What the user reads when a PFX password is refused, one message per `PfxPasswordRule`.
 * Pure (imports only `./export`), so the Mini Program can show it inline.
 */
import { PFX_PASSWORD_MAX_LENGTH, PFX_PASSWORD_MIN_LENGTH, type PfxPasswordRule } from './export';

export const PFX_PASSWORD_MESSAGES: Record<PfxPasswordRule, string> = {
  pfxPasswordLength: `PFX 密码需要 ${PFX_PASSWORD_MIN_LENGTH}–${PFX_PASSWORD_MAX_LENGTH} 个字符，请重新设置`,
  pfxPasswordCharacters:
    'PFX 密码只能包含英文字母、数字、空格和英文标点：Windows 和 Java（Tomcat）导入时无法识别中文、全角符号或表情，请重新设置',
};
