/**
 * Notification settings of a deployment, read from the functions' environment and checked once
 * at start-up, so a wrong setting fails loudly with its name instead of deep inside a delivery.
 *
 * - `CERTKEEPER_WECHAT_TEMPLATES`: JSON array of `{ key, templateId, title, keywords }`, one per
 *   template key (`expiry`, `result`, `action`); `keywords` maps each keyword of the template
 *   (e.g. `thing1`) to a message field (`domain`, `expiresOn`, `daysLeft`, `status`, `note`,
 *   `title`, `time`). Absent: no WeChat reminders.
 * - `CERTKEEPER_MINIPROGRAM_STATE`: `formal` (default), `trial` or `developer`: which version a
 *   message opens.
 * - `CERTKEEPER_SMTP_HOST`, `_PORT` (default 465), `_SECURE` (default true when the port is 465),
 *   `_USER`, `_PASS`, `_FROM`: the mail server e-mail reminders go through. Absent host: no e-mail.
 */
import * as v from 'valibot';
import { MESSAGE_FIELDS, TEMPLATE_KEYS, type MessageField, type TemplateKey } from '../domain/notification';
import { validateTemplateMapping } from '../domain/subscribe-message';
import type { SmtpSettings } from '../adapters/notify/email';
import type { SubscriptionTemplate } from '../usecases/engine';

export interface DeliveryConfig {
  templates: SubscriptionTemplate[];
  miniprogramState: 'developer' | 'trial' | 'formal';
  smtp: SmtpSettings | null;
}

/** A setting that is missing or malformed; the message names it and the rule. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    rule: string,
  ) {
    super(`configuration: ${setting} ${rule}`);
    this.name = 'ConfigError';
  }
}

const TemplateSchema = v.strictObject({
  key: v.picklist(TEMPLATE_KEYS as [TemplateKey, ...TemplateKey[]]),
  templateId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{10,128}$/)),
  title: v.pipe(v.string(), v.minLength(1), v.maxLength(20)),
  keywords: v.record(v.string(), v.picklist(MESSAGE_FIELDS as [MessageField, ...MessageField[]])),
});

export function readDeliveryConfig(env: Readonly<Record<string, string | undefined>>): DeliveryConfig {
  return { templates: readTemplates(env.CERTKEEPER_WECHAT_TEMPLATES), miniprogramState: readState(env.CERTKEEPER_MINIPROGRAM_STATE), smtp: readSmtp(env) };
}

function readTemplates(text: string | undefined): SubscriptionTemplate[] {
  const name = 'CERTKEEPER_WECHAT_TEMPLATES';
  if (text === undefined || text.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(name, 'is not valid JSON');
  }
  const parsed = v.safeParse(v.array(TemplateSchema), json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new ConfigError(name, `breaks its schema at ${v.getDotPath(issue) ?? 'the top level'}: ${issue.message}`);
  }
  const keys = parsed.output.map((t) => t.key);
  if (new Set(keys).size !== keys.length) throw new ConfigError(name, 'names a template key twice');
  for (const template of parsed.output) {
    const problems = validateTemplateMapping(template.keywords);
    if (problems.length > 0) throw new ConfigError(name, `maps template ${template.key} wrongly: ${problems.map((p) => p.detail).join('; ')}`);
  }
  return parsed.output;
}

function readState(text: string | undefined): DeliveryConfig['miniprogramState'] {
  if (text === undefined || text === '') return 'formal';
  if (text === 'formal' || text === 'trial' || text === 'developer') return text;
  throw new ConfigError('CERTKEEPER_MINIPROGRAM_STATE', 'must be formal, trial or developer');
}

function readSmtp(env: Readonly<Record<string, string | undefined>>): SmtpSettings | null {
  const host = env.CERTKEEPER_SMTP_HOST;
  if (host === undefined || host === '') return null;
  const portText = env.CERTKEEPER_SMTP_PORT ?? '465';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new ConfigError('CERTKEEPER_SMTP_PORT', 'must be a port number (1-65535)');
  const secureText = env.CERTKEEPER_SMTP_SECURE;
  if (secureText !== undefined && secureText !== 'true' && secureText !== 'false') throw new ConfigError('CERTKEEPER_SMTP_SECURE', 'must be true or false');
  const from = env.CERTKEEPER_SMTP_FROM;
  if (!from || !/^[^\s@]+@[^\s@]+\.[^\s@]+$|<[^\s@]+@[^\s@]+\.[^\s@]+>$/.test(from)) throw new ConfigError('CERTKEEPER_SMTP_FROM', 'must be the sender address, e.g. "证书管家 <noreply@example.com>"');
  const user = env.CERTKEEPER_SMTP_USER;
  const pass = env.CERTKEEPER_SMTP_PASS;
  if ((user === undefined) !== (pass === undefined)) throw new ConfigError(user === undefined ? 'CERTKEEPER_SMTP_USER' : 'CERTKEEPER_SMTP_PASS', 'must be set together with the other');
  return { host, port, secure: secureText === undefined ? port === 465 : secureText === 'true', from, ...(user !== undefined && pass !== undefined ? { user, pass } : {}) };
}
