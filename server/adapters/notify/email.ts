/**
 * E-mail over the operator's SMTP server (nodemailer): subject = title, a plain-text body and a
 * simple HTML body with every message text escaped. SMTP replies decide retries: 4xx (and
 * connection problems) are worth another try, 5xx are not.
 */
import { createTransport, type Transporter } from 'nodemailer';
import { CHANNEL_TEXT } from '../../domain/channels.messages.zh';
import type { OutgoingMessage } from '../../domain/notification';
import { DeliveryError } from '../../ports/notify';
import { errorText } from '../outgoing-address';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  /** Never logged. */
  pass?: string;
  /** The sender, e.g. `证书管家 <noreply@example.com>`. */
  from: string;
  /**
   * Refuse to go on without STARTTLS, so that a password never crosses the network in clear.
   * Default: true when `pass` is set and `secure` is false.
   */
  requireTls?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class EmailSender {
  private readonly transport: Transporter;

  constructor(settings: SmtpSettings, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const { host, port, secure, user, pass, from } = settings;
    this.transport = createTransport(
      {
        host,
        port,
        secure,
        requireTLS: settings.requireTls ?? (pass !== undefined && !secure),
        ...(user === undefined ? {} : { auth: { user, pass } }),
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        disableFileAccess: true,
        disableUrlAccess: true,
      },
      { from },
    );
  }

  async send(to: string, message: OutgoingMessage): Promise<void> {
    try {
      await this.transport.sendMail({ to, subject: message.title, text: emailText(message), html: emailHtml(message) });
    } catch (error) {
      throw deliveryErrorOf(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

export function emailText(message: OutgoingMessage): string {
  return [message.title, '', ...message.lines, ...(message.note ? ['', message.note] : []), '', CHANNEL_TEXT.signature, CHANNEL_TEXT.emailFooter].join('\n');
}

export function emailHtml(message: OutgoingMessage): string {
  const paragraphs = message.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  const note = message.note ? `<p><strong>${escapeHtml(message.note)}</strong></p>` : '';
  return (
    `<!doctype html><html><body style="font-family:sans-serif;line-height:1.6">` +
    `<h2>${escapeHtml(message.title)}</h2>${paragraphs}${note}` +
    `<p>${escapeHtml(CHANNEL_TEXT.signature)}</p><p style="color:#888;font-size:12px">${escapeHtml(CHANNEL_TEXT.emailFooter)}</p>` +
    `</body></html>`
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** SMTP reply 4xx or a connection problem: retryable; 5xx and refused settings: permanent. */
function deliveryErrorOf(error: unknown): DeliveryError {
  const text = errorText(error);
  const fields = typeof error === 'object' && error !== null ? (error as { responseCode?: unknown; code?: unknown }) : {};
  if (typeof fields.responseCode === 'number') {
    const reply = fields.responseCode;
    return new DeliveryError(`smtp_${reply}`, `SMTP server answered ${reply}: ${text}`, reply < 500);
  }
  if (fields.code === 'ETIMEDOUT') return new DeliveryError('timeout', `SMTP: ${text}`, true);
  const permanent = ['EAUTH', 'ENOAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG'].includes(String(fields.code));
  return new DeliveryError(permanent ? 'smtp_refused' : 'smtp_connection', `SMTP: ${text}`, !permanent);
}
