/**
 * An in-memory `subscribeMessage.send` that behaves as WeChat documents it (platform-wechat.md
 * §2.4, §3.3), since WeChat's servers cannot run here. It checks values with its own reading of
 * the keyword rules, written independently of `server/domain/subscribe-message.ts`, so that a
 * shaping bug shows up as WeChat's 47003 instead of passing a test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SubscribeMessageCloud } from '../../../server/adapters/wechat/subscribe-message';
import { SubscribeMessageError, type SubscribeMessageInput, type SubscribeMessageSender } from '../../../server/ports/notify';

const DATE = '\\d{4}年\\d{1,2}月\\d{1,2}日';
const CLOCK = '\\d{1,2}:\\d{2}';

/** One rule per keyword type, as WeChat's "其他说明" lists them. */
const RULES: Record<string, (value: string) => boolean> = {
  thing: (v) => Array.from(v).length <= 20,
  number: (v) => /^\d+(\.\d+)?$/.test(v) && v.replace('.', '').length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => /^[\p{P}\p{S}]{1,5}$/u.test(v),
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: (v) => new RegExp(`^(${DATE} )?${CLOCK}(~(${DATE} )?${CLOCK})?$`).test(v),
  date: (v) => new RegExp(`^${DATE}( ${CLOCK})?(~${DATE}( ${CLOCK})?)?$`).test(v),
  name: (v) => /^\p{Unified_Ideograph}{1,10}$/u.test(v) || /^[A-Za-z]{1,20}$/.test(v),
  phrase: (v) => /^\p{Unified_Ideograph}{1,5}$/u.test(v),
};

export class OpenApiDouble implements SubscribeMessageSender {
  /** Every message WeChat accepted. */
  readonly sent: SubscribeMessageInput[] = [];
  private readonly templates = new Map<string, string[]>();
  private readonly credits = new Map<string, number>();
  private readonly pages: string[];

  constructor(pages: string[] = appPages()) {
    this.pages = pages;
  }

  /** A template as the operator picked it in the mini program console, with its keyword names. */
  registerTemplate(templateId: string, keywords: string[]): void {
    this.templates.set(templateId, keywords);
  }

  setCredits(openid: string, templateId: string, count: number): void {
    this.credits.set(`${openid} ${templateId}`, count);
  }

  creditsOf(openid: string, templateId: string): number {
    return this.credits.get(`${openid} ${templateId}`) ?? 0;
  }

  async send(input: SubscribeMessageInput): Promise<void> {
    if (input.touser === '') throw fail(40003, 'invalid openid');
    const keywords = this.templates.get(input.templateId);
    if (keywords === undefined) throw fail(40037, 'invalid template id');
    const path = input.page.split('?')[0] ?? '';
    if (!this.pages.includes(path)) throw fail(41030, 'invalid page');
    for (const keyword of keywords) {
      const value = input.data[keyword]?.value ?? '';
      if (value.trim() === '') throw fail(47003, `argument invalid! data.${keyword}.value is empty`);
      const rule = RULES[keyword.replace(/\d+$/, '')];
      if (rule === undefined || !rule(value)) throw fail(47003, `argument invalid! data.${keyword}.value invalid`);
    }
    const extra = Object.keys(input.data).find((keyword) => !keywords.includes(keyword));
    if (extra !== undefined) throw fail(47003, `argument invalid! data.${extra}.value invalid`);
    const left = this.creditsOf(input.touser, input.templateId);
    if (left <= 0) throw fail(43101, 'user refuse to accept the msg');
    this.setCredits(input.touser, input.templateId, left - 1);
    this.sent.push(structuredClone(input));
  }

  /**
   * The double as wx-server-sdk presents it: `cloud.openapi.subscribeMessage.send` resolving with
   * `{ errCode: 0, errMsg }` and throwing errors that carry `errCode` and `errMsg`.
   */
  asCloud(): SubscribeMessageCloud {
    return {
      openapi: {
        subscribeMessage: {
          send: async (input) => {
            try {
              await this.send(input);
            } catch (error) {
              if (!(error instanceof SubscribeMessageError)) throw error;
              throw Object.assign(new Error(`errCode: ${error.errCode} | errMsg: ${error.message}`), { errCode: error.errCode, errMsg: error.message });
            }
            return { errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' };
          },
        },
      },
    };
  }
}

function fail(errCode: number, reason: string): SubscribeMessageError {
  return new SubscribeMessageError(errCode, `openapi.subscribeMessage.send:fail ${errCode} ${reason}`);
}

function appPages(): string[] {
  const app = JSON.parse(readFileSync(join(__dirname, '../../../miniprogram/app.json'), 'utf8')) as { pages: string[] };
  return app.pages;
}
