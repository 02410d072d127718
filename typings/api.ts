/**
 * The contract between the Mini Program and the `api` cloud function.
 *
 * Both sides import these types: the Mini Program's `services/` send `ApiRequest`s and read
 * `ApiResponse`s, the function's dispatcher is typed against `ApiActions`. Renaming a field here
 * breaks the build on both sides, which is the point. Domain vocabulary (states, key types, CA ids)
 * comes from `server/domain`, type-only, so there is one definition of each.
 */
import type { CaId } from '../server/domain/ca-catalog';
import type { CertificateStatus, RevocationReason } from '../server/domain/certificate';
import type { DnsInstruction, HttpInstruction, OrderState, ProgressStep, ValidationMethod } from '../server/domain/order';
import type { ChannelType, DeliveryChannel, DeliveryStatus, NotificationKind, TemplateKey } from '../server/domain/notification';
import type { KeyType } from '../server/ports/keys';
import type { AutomationKind } from '../server/domain/automation';
import type { DnsProviderId } from '../server/domain/dns-providers';
import type { TlsVersion } from '../server/ports/tls-probe';
import type { CheckId, CheckStatus, Verdict } from '../server/domain/tls-evaluation';

export type {
  CaId,
  CertificateStatus,
  ChannelType,
  DeliveryChannel,
  DeliveryStatus,
  DnsInstruction,
  HttpInstruction,
  KeyType,
  NotificationKind,
  OrderState,
  ProgressStep,
  RevocationReason,
  TemplateKey,
  ValidationMethod,
  CheckId,
  CheckStatus,
  TlsVersion,
  Verdict,
  AutomationKind,
  DnsProviderId,
};

/** Every action the `api` function answers: its request payload and its success data. */
export interface ApiActions {
  /** Connectivity check: proves the call reached the function and who the platform says the caller is. */
  ping: { request: NoPayload; response: PingResult };
  listCertificates: { request: { limit?: number; cursor?: string | null }; response: CertificatePage };
  getCertificate: { request: { certificateId: string }; response: CertificateDetail };
  createRequest: { request: CreateRequestInput; response: { certificateId: string; order: OrderView } };
  getOrder: { request: { orderId: string }; response: OrderView };
  /** Self-check, then (if it passes) submit to the CA and carry the order as far as it goes now. */
  verifyOrder: { request: { orderId: string }; response: OrderView };
  cancelOrder: { request: { orderId: string }; response: OrderView };
  exportCertificate: { request: ExportInput; response: ExportResult };
  revokeCertificate: { request: { certificateId: string; reason: RevocationReason }; response: CertificateDetail };
  deleteCertificate: { request: { certificateId: string }; response: { deleted: true } };
  getSettings: { request: NoPayload; response: UserSettings };
  updateSettings: { request: { reminderDays?: number[]; remindOnExpiry?: boolean }; response: UserSettings };
  /**
   * What `wx.requestSubscribeMessage` answered, reported right after the tap: each accepted
   * template banks one reminder. Template ids the operator did not configure are ignored.
   */
  reportSubscription: { request: { results: Record<string, string> }; response: UserSettings };
  addChannel: { request: AddChannelInput; response: AddChannelResult };
  removeChannel: { request: { channelId: string }; response: UserSettings };
  /** Sends a test message now through one channel (`wechat` uses one banked reminder). */
  testChannel: { request: { channelId: string }; response: ChannelTestResult };
  /** The user's notifications, newest first, with what happened on each channel. */
  listNotifications: { request: { limit?: number; cursor?: string | null }; response: NotificationPage };
  /** Monitored servers, newest first. */
  listEndpoints: { request: { limit?: number; cursor?: string | null }; response: EndpointPage };
  getEndpoint: { request: { endpointId: string }; response: EndpointDetail };
  /** Monitors `host`, `host:port` or an https URL; checked at once. */
  addEndpoint: { request: { target: string }; response: EndpointDetail };
  removeEndpoint: { request: { endpointId: string }; response: { deleted: true } };
  /** Checks the server now ("check now"); rate-limited. */
  checkEndpoint: { request: { endpointId: string }; response: EndpointDetail };
  /** The DNS providers and delegation methods this deployment offers, with what each needs. */
  listDnsProviders: { request: NoPayload; response: AutomationOptions };
  listCredentials: { request: NoPayload; response: { items: CredentialView[] } };
  /** Checks the fields, tests them against the provider, then stores them (secrets sealed, never returned). */
  addCredential: { request: { provider: DnsProviderId; label?: string; fields: Record<string, string> }; response: CredentialView };
  testCredential: { request: { credentialId: string }; response: CredentialView };
  removeCredential: { request: { credentialId: string }; response: { deleted: true } };
  /** How a certificate's challenges are published from now on. */
  setAutomation: { request: { certificateId: string; automation: AutomationInput }; response: AutomationView };
  /** Checks that the CNAME or redirect works; the certificate becomes automatic when it does. */
  verifyAutomation: { request: { certificateId: string }; response: AutomationView };
  /** Admins only (others get NOT_FOUND): checks the deployment and reports each item (运维检查). */
  doctor: { request: NoPayload; response: DoctorReport };
  /** Admins only (others get NOT_FOUND): creates the missing collections; safe to run again. */
  bootstrap: { request: NoPayload; response: BootstrapResult };
}

export type ApiAction = keyof ApiActions;

/** A request that carries nothing but its `action`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- deliberately empty: no fields besides `action`
export type NoPayload = {};

export interface PingResult {
  /** The caller's OPENID as injected by WeChat (never taken from the request). */
  openId: string;
  /** Server time in epoch milliseconds, so the client can tell its clock skew. */
  serverTime: number;
  /** Whether the caller may run the admin actions (`doctor`, `bootstrap`): the app shows 运维检查. */
  isAdmin: boolean;
}

/** How urgent a certificate's expiry is: safe (> 30 days), warning (≤ 30), critical (≤ 7), expired. */
export type ExpiryLevel = 'safe' | 'warning' | 'critical' | 'expired' | 'none';

export interface CertificateSummary {
  id: string;
  /** A-label names, as issued. */
  names: string[];
  /** Unicode names for display (IDN shown as the user typed them). */
  displayNames: string[];
  caId: CaId;
  caName: string;
  status: CertificateStatus;
  notAfter: number | null;
  /** Whole days until notAfter (negative once expired); null before the first issuance. */
  daysLeft: number | null;
  expiryLevel: ExpiryLevel;
  autoRenew: boolean;
  /** How its challenges are published, and whether renewals need a person. */
  automationKind: AutomationKind;
  automatic: boolean;
  /** The order under way or last run for this certificate. */
  currentOrderId: string | null;
  orderState: OrderState | null;
}

export interface CertificatePage {
  items: CertificateSummary[];
  nextCursor: string | null;
}

export interface CertificateVersionView {
  id: string;
  serialNumber: string;
  notBefore: number;
  notAfter: number;
  issuer: string;
  issuerCommonName: string | null;
  dnsNames: string[];
  keyAlgorithm: string;
  keyBits: number;
  curve: string | null;
  signatureAlgorithm: string;
  sha256: string;
  spkiSha256: string;
  chainLength: number;
  chainOrdered: boolean;
  revokedAt: number | null;
  revocationReason: RevocationReason | null;
  /** False when the user brought their own CSR and keeps the key. */
  hasPrivateKey: boolean;
  issuedAt: number;
}

export interface CertificateDetail extends CertificateSummary {
  keyType: KeyType | null;
  validation: ValidationMethod;
  /** When the next automatic renewal starts; null when none is planned (off, under way, revoked). */
  renewAt: number | null;
  /** Renewals that failed in a row; 0 when the last one worked. */
  renewalFailures: number;
  automation: AutomationView;
  /** Newest first. */
  versions: CertificateVersionView[];
  /** What the servers of this certificate's names really serve. */
  endpoints: EndpointSummary[];
}

export interface CreateRequestInput {
  names: string[];
  caId: CaId;
  validation: ValidationMethod;
  /** Generate the key server-side (default ECDSA P-256)… */
  keyType?: KeyType;
  /** …or bring a CSR; its key never reaches us. */
  csrPem?: string;
  /** For `custom` CAs (commercial DV/OV/EV vendors give one). */
  directoryUrl?: string;
  /** External Account Binding from the CA's console (ZeroSSL, Google Trust Services, vendors). */
  eab?: { kid: string; hmacKey: string };
  profile?: string;
  autoRenew?: boolean;
  /** Publish the dns-01 records with a stored DNS provider credential: issuance needs no one. */
  automation?: { kind: 'dnsProvider'; credentialId: string };
}

export interface SelfCheckItemView {
  target: string;
  names: string[];
  ok: boolean;
  /** Chinese: what is wrong and how to fix it; null when the item passed. */
  reason: string | null;
  fix: string | null;
  missingValues: string[];
}

export interface OrderView {
  id: string;
  certificateId: string;
  state: OrderState;
  progress: ProgressStep | null;
  names: string[];
  displayNames: string[];
  validation: ValidationMethod;
  /** What to publish, for names still pending (dns-01). */
  dnsInstructions: DnsInstruction[];
  /** What to serve, for names still pending (http-01). */
  httpInstructions: HttpInstruction[];
  selfCheck: { at: number; ok: boolean; items: SelfCheckItemView[] } | null;
  /** The last problem, explained in Chinese with a fix. */
  lastError: { kind: string; explanation: string; fix: string; identifier: string | null; at: number } | null;
  /** When the order will next move by itself (automatic self-check, CA polling, retry). */
  nextActionAt: number | null;
  /** When the CA forgets the order. */
  caExpiresAt: number | null;
}

export type ExportFormat = 'fullchain' | 'leaf' | 'chain' | 'privateKey' | 'pfx';

export interface ExportInput {
  certificateId: string;
  format: ExportFormat;
  /** PFX only: 8–64 characters, chosen by the user. */
  password?: string;
}

export interface ServerSnippet {
  server: 'nginx' | 'apache' | 'iis' | 'tomcat';
  /** The files this server needs, by export format. */
  files: ExportFormat[];
  /** Configuration text naming those files. */
  config: string;
}

export interface ExportResult {
  format: ExportFormat;
  fileName: string;
  /** PEM text for the clipboard; absent for PFX (binary). */
  text: string | null;
  /** A short-lived download link to the file in cloud storage, when storage is configured. */
  tempUrl: string | null;
  tempUrlExpiresAt: number | null;
  snippets: ServerSnippet[];
}

export interface UserSettings {
  /** Days before expiry at which to remind (descending), e.g. [30, 14, 7, 3, 1]. */
  reminderDays: number[];
  /** Remind on the day of expiry too. */
  remindOnExpiry: boolean;
  wechat: WechatReminders;
  /** Channels besides WeChat, oldest first. */
  channels: ChannelView[];
}

/** WeChat subscription messages: one-time credits banked per template. */
export interface WechatReminders {
  /**
   * The templates this deployment configured, in the order to pass to `wx.requestSubscribeMessage`
   * (at most 3). Empty when WeChat reminders are not configured.
   */
  templates: SubscriptionTemplateView[];
  /** Reminders banked over all templates. */
  banked: number;
}

export interface SubscriptionTemplateView {
  key: TemplateKey;
  templateId: string;
  /** What the template is for, e.g. "证书到期提醒". */
  title: string;
  /** Messages of this template that can still be sent. */
  credits: number;
}

export interface ChannelView {
  id: string;
  type: ChannelType;
  label: string;
  /** The destination with its secret parts masked, e.g. "qyapi.weixin.qq.com/…key=••••3f2a". */
  target: string;
  createdAt: number;
  /** The last test message: whether it arrived at the channel, and the error in Chinese if not. */
  lastTest: { ok: boolean; at: number; message: string | null } | null;
}

export interface AddChannelInput {
  type: ChannelType;
  /** Shown in lists; defaults to the type's name. */
  label?: string;
  /** WeCom robot webhook URL, e-mail address, or https webhook URL. */
  target: string;
}

export interface AddChannelResult {
  settings: UserSettings;
  channelId: string;
  /**
   * For a webhook: the secret that signs every request (HMAC-SHA256), shown this once so the
   * receiver can be configured; null for other types.
   */
  signingSecret: string | null;
}

export interface ChannelTestResult {
  channelId: string;
  ok: boolean;
  /** Chinese: what happened, e.g. "已发送" or why it failed and what to check. */
  message: string;
  settings: UserSettings;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  title: string;
  lines: string[];
  certificateId: string | null;
  names: string[];
  createdAt: number;
  /** Mini Program page the notification points to. */
  page: string;
  deliveries: DeliveryView[];
}

export interface DeliveryView {
  channel: DeliveryChannel;
  /** The channel's label ("微信" for WeChat). */
  label: string;
  status: DeliveryStatus;
  /** Chinese: why it failed or was skipped; null when sent or pending. */
  detail: string | null;
  /** When it was sent or last tried; null when not tried yet. */
  at: number | null;
  attempts: number;
}

export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
}

/** What `wx.cloud.callFunction({ name: 'api', data })` sends. */
export type ApiRequest<A extends ApiAction = ApiAction> = { action: A } & ApiActions[A]['request'];

/**
 * Stable error codes. The Mini Program branches on `code`; `message` is Chinese text for the user.
 * Never a stack trace, never a secret.
 */
export type ApiErrorCode =
  | 'INVALID_REQUEST'
  | 'UNKNOWN_ACTION'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'CA_ERROR'
  | 'INTERNAL';

export interface ApiError {
  code: ApiErrorCode;
  /** Chinese, for the user. */
  message: string;
  /** The request field that broke a rule, when there is one (e.g. `names[2]`). */
  field?: string;
  /** Every broken rule, when the request broke several. */
  violations?: { field: string; rule: string; message: string }[];
}

export type ApiResponse<A extends ApiAction = ApiAction> =
  | { ok: true; data: ApiActions[A]['response'] }
  | { ok: false; error: ApiError };

export interface EndpointSummary {
  id: string;
  host: string;
  /** Unicode form of an IDN. */
  displayHost: string;
  port: number;
  /** As it would be written in 服务器域名, e.g. `https://api.example.com`. */
  url: string;
  source: 'certificate' | 'manual';
  certificateId: string | null;
  /** `pending` until the first check. */
  verdict: Verdict | 'pending';
  wechatReady: boolean | null;
  /** One Chinese line from the last check. */
  summary: string | null;
  checkedAt: number | null;
  /** Days left on the served certificate. */
  daysLeft: number | null;
  /** Whether the server serves the certificate CertKeeper issued last; null when unknown. */
  deployedIsIssued: boolean | null;
}

export interface EndpointDetail extends EndpointSummary {
  /** The checklist, in a stable order. */
  checks: { id: CheckId; status: CheckStatus; blocksWechat: boolean; title: string; explanation: string; fix: string | null; detail: string | null }[];
  served: {
    fingerprintSha256: string;
    subject: string;
    issuer: string;
    dnsNames: string[];
    notBefore: number;
    notAfter: number;
    keyType: string;
    keyBits: number | null;
    protocol: TlsVersion | null;
    chainLength: number;
  } | null;
  addresses: {
    address: string;
    protocol: TlsVersion | null;
    cipher: string | null;
    versions: Record<TlsVersion, boolean | null>;
    trusted: boolean;
    fingerprintSha256: string | null;
    chain: { subject: string; issuer: string; notAfter: number; keyType: string; keyBits: number | null; signatureAlgorithm: string }[];
    failure: string | null;
  }[];
  /** Earlier checks, newest first. */
  history: { at: number; verdict: Verdict; fingerprintSha256: string | null; notAfter: number | null }[];
  nextCheckAt: number | null;
}

export interface EndpointPage {
  items: EndpointSummary[];
  nextCursor: string | null;
}

export type AutomationInput = { kind: 'manual' } | { kind: 'dnsProvider'; credentialId: string } | { kind: 'cnameDelegation' } | { kind: 'httpRedirect' };

export interface AutomationView {
  kind: AutomationKind;
  /** Orders publish and validate by themselves (a CNAME or redirect only once verified). */
  automatic: boolean;
  /** Chinese name of the method, e.g. "CNAME 委托自动验证". */
  label: string;
  credential: { id: string; label: string; providerName: string } | null;
  /** The records the user adds once (CNAME delegation). */
  cnameRecords: { name: string; type: 'CNAME'; value: string }[];
  /** Redirect snippets for the user's web server (http-01 redirect). */
  httpSnippets: { server: string; title: string; code: string; note: string }[];
  verifiedAt: number | null;
  /** Chinese: why the last check or setting failed; null when it did not. */
  problem: string | null;
}

export interface AutomationOptions {
  providers: {
    id: DnsProviderId;
    displayName: string;
    fields: { key: string; label: string; secret: boolean; placeholder: string }[];
    keyPageUrl: string;
    leastPrivilege: string;
  }[];
  /** CNAME delegation is offered (the operator configured a delegation zone). */
  delegationZone: string | null;
  /** http-01 redirect is offered (the acmehttp function is reachable at this base URL). */
  acmeHttpBaseUrl: string | null;
}

export interface CredentialView {
  id: string;
  provider: DnsProviderId;
  providerName: string;
  label: string;
  /** Non-secret fields partly masked; secret fields only as dots. */
  masked: Record<string, string>;
  createdAt: number;
  lastTest: { ok: boolean; at: number; message: string | null; zones: number | null };
  /** Certificates that publish with this credential. */
  usedBy: number;
}

/** One item of the doctor's report. */
export interface DoctorItem {
  /** Stable: `config`, `masterKey`, `ca:<caId>`, `templates`, `collections`, `indexes`, `permissions`, `schedulerTick`, `acmehttp`. */
  id: string;
  /** Passed, failed, or null: cannot be known from the function, check it by hand. */
  ok: boolean | null;
  /** Chinese, e.g. "主密钥". */
  title: string;
  /** Chinese: what was found. */
  detail: string;
  /** Chinese: what to do; empty when nothing is to be done. */
  fix: string;
}

export interface DoctorReport {
  checkedAt: number;
  items: DoctorItem[];
}

export interface BootstrapResult {
  collections: {
    name: string;
    /** `created` now, `present` already, `failed` (see `detail`). */
    status: 'present' | 'created' | 'failed' | 'missing' | 'unknown';
    /** Why it failed or is unknown (the database's words); null otherwise. */
    detail: string | null;
    indexes: { name: string; /** e.g. "ownerId 升序, _id 降序" */ fields: string; state: 'present' | 'missing' | 'unknown' }[];
  }[];
  /** Chinese: one line on what happened. */
  summary: string;
  /** Chinese: what is left to do by hand in the console (indexes, security rules). */
  manualSteps: string[];
}
