/** Stored documents → what the Mini Program reads (typings/api.ts). */
import type {
  CertificateDetail,
  CertificateSummary,
  CertificateVersionView,
  EndpointDetail,
  EndpointSummary,
  ExpiryLevel,
  NotificationView,
  OrderView,
  UserSettings,
  AutomationView,
  CredentialView,
} from '../../typings/api';
import { isAutomatic } from '../domain/automation';
import { AUTOMATION_MESSAGES } from '../domain/automation.messages.zh';
import { DNS_PROVIDERS } from '../domain/dns-providers';
import { redirectSnippets } from '../domain/http-delegation';
import type { CredentialDoc } from '../usecases/credentials';
import { httpDelegationKey } from '../usecases/http-tokens';
import { endpointUrl, type EndpointDoc } from '../domain/endpoint';
import type { NotificationDoc } from '../domain/notification';
import type { SubscriptionTemplate } from '../usecases/engine';
import type { UserFields } from '../usecases/settings';
import { explainOrderProblem } from '../domain/acme.messages.zh';
import { CA_CATALOG } from '../domain/ca-catalog';
import type { CertificateDoc, CertificateVersionDoc } from '../domain/certificate';
import { parseName } from '../domain/names';
import { dnsInstructions, httpInstructions, progressOf, type OrderDoc } from '../domain/order';

import { DAY_MS } from '../domain/reminders';

export function displayName(ascii: string): string {
  const parsed = parseName(ascii, { allowReservedNames: true });
  return parsed.ok ? parsed.name.unicode : ascii;
}

export function expiryLevel(daysLeft: number | null): ExpiryLevel {
  if (daysLeft === null) return 'none';
  if (daysLeft < 0) return 'expired';
  if (daysLeft <= 7) return 'critical';
  if (daysLeft <= 30) return 'warning';
  return 'safe';
}

export function toSummary(certificate: CertificateDoc, order: OrderDoc | null, now: number): CertificateSummary {
  const daysLeft = certificate.notAfter === null ? null : Math.floor((certificate.notAfter - now) / DAY_MS);
  return {
    id: certificate._id,
    names: certificate.names,
    displayNames: certificate.names.map(displayName),
    caId: certificate.caId,
    caName: CA_CATALOG[certificate.caId].displayName,
    status: certificate.status,
    notAfter: certificate.notAfter,
    daysLeft,
    expiryLevel: expiryLevel(daysLeft),
    autoRenew: certificate.autoRenew,
    automationKind: certificate.automation.kind,
    automatic: isAutomatic(certificate.automation),
    currentOrderId: certificate.currentOrderId,
    orderState: order?.state ?? null,
  };
}

export function toVersionView(version: CertificateVersionDoc): CertificateVersionView {
  const { leaf } = version;
  return {
    id: version._id,
    serialNumber: leaf.serialNumber,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    issuer: leaf.issuer,
    issuerCommonName: leaf.issuerCommonName,
    dnsNames: leaf.dnsNames,
    keyAlgorithm: leaf.publicKey.algorithm,
    keyBits: leaf.publicKey.bits,
    curve: leaf.publicKey.curve ?? null,
    signatureAlgorithm: leaf.signatureAlgorithm,
    sha256: leaf.sha256,
    spkiSha256: leaf.spkiSha256,
    chainLength: version.chainLength,
    chainOrdered: version.chainOrdered,
    revokedAt: version.revokedAt,
    revocationReason: version.revocationReason,
    hasPrivateKey: version.privateKeySealed !== null,
    issuedAt: version.createdAt,
  };
}

export function toDetail(
  certificate: CertificateDoc,
  versions: CertificateVersionDoc[],
  order: OrderDoc | null,
  endpoints: EndpointDoc[],
  automation: AutomationView,
  now: number,
): CertificateDetail {
  return {
    ...toSummary(certificate, order, now),
    keyType: certificate.keyType,
    validation: certificate.validation,
    renewAt: certificate.renewAt,
    renewalFailures: certificate.renewalFailures,
    automation,
    versions: versions.map(toVersionView),
    endpoints: endpoints.map((e) => toEndpointSummary(e, now)),
  };
}

export function toOrderView(order: OrderDoc): OrderView {
  const problem = order.lastError;
  return {
    id: order._id,
    certificateId: order.certificateId,
    state: order.state,
    progress: progressOf(order.state),
    names: order.names,
    displayNames: order.names.map(displayName),
    validation: order.validation,
    dnsInstructions: order.validation === 'dns-01' ? dnsInstructions(order.challenges) : [],
    httpInstructions: order.validation === 'http-01' ? httpInstructions(order.challenges) : [],
    selfCheck: order.selfCheck && {
      at: order.selfCheck.at,
      ok: order.selfCheck.ok,
      items: order.selfCheck.items.map((item) => ({
        target: item.target,
        names: item.names,
        ok: item.ok,
        reason: item.reason,
        fix: item.fix,
        missingValues: item.missingValues,
      })),
    },
    lastError: problem && { kind: problem.kind, ...explainOrderProblem(problem.kind), identifier: problem.identifier, at: problem.at },
    nextActionAt: order.nextActionAt,
    caExpiresAt: order.caExpiresAt,
  };
}

export function toSettingsView(user: UserFields, templates: readonly SubscriptionTemplate[]): UserSettings {
  const views = templates.map((t) => ({ key: t.key, templateId: t.templateId, title: t.title, credits: user.credits[t.templateId] ?? 0 }));
  return {
    reminderDays: user.reminderDays,
    remindOnExpiry: user.remindOnExpiry,
    wechat: { templates: views, banked: views.reduce((sum, t) => sum + t.credits, 0) },
    channels: user.channels.map((c) => ({ id: c.id, type: c.type, label: c.label, target: c.targetMasked, createdAt: c.createdAt, lastTest: c.lastTest })),
  };
}

export function toNotificationView(doc: NotificationDoc): NotificationView {
  const { message } = doc;
  return {
    id: doc._id,
    kind: doc.kind,
    title: message.title,
    lines: message.lines,
    certificateId: doc.certificateId,
    names: message.names.map(displayName),
    createdAt: doc.createdAt,
    page: message.page,
    deliveries: doc.deliveries.map((d) => ({ channel: d.channel, label: d.label, status: d.status, detail: d.error?.message ?? null, at: d.at, attempts: d.attempts })),
  };
}

export function toEndpointSummary(doc: EndpointDoc, now: number): EndpointSummary {
  const evaluation = doc.last?.evaluation ?? null;
  return {
    id: doc._id,
    host: doc.host,
    displayHost: doc.displayHost,
    port: doc.port,
    url: endpointUrl(doc),
    source: doc.source,
    certificateId: doc.certificateId,
    verdict: evaluation?.verdict ?? 'pending',
    wechatReady: evaluation?.wechatReady ?? null,
    summary: evaluation?.summary ?? null,
    checkedAt: doc.last?.at ?? null,
    daysLeft: evaluation?.served ? Math.floor((evaluation.served.notAfter - now) / DAY_MS) : null,
    deployedIsIssued: evaluation?.deployedIsIssued ?? null,
  };
}

export function toEndpointDetail(doc: EndpointDoc, now: number): EndpointDetail {
  const evaluation = doc.last?.evaluation ?? null;
  const served = evaluation?.served ?? null;
  return {
    ...toEndpointSummary(doc, now),
    checks: (evaluation?.checks ?? []).map((c) => ({ id: c.id, status: c.status, blocksWechat: c.blocksWechat, title: c.title, explanation: c.explanation, fix: c.fix, detail: c.detail ?? null })),
    served: served && {
      fingerprintSha256: served.fingerprintSha256,
      subject: served.subject,
      issuer: served.issuer,
      dnsNames: served.dnsNames,
      notBefore: served.notBefore,
      notAfter: served.notAfter,
      keyType: served.keyType,
      keyBits: served.keyBits,
      protocol: served.protocol,
      chainLength: served.chainLength,
    },
    addresses: doc.last?.addresses ?? [],
    history: doc.history,
    nextCheckAt: doc.nextActionAt,
  };
}

export function toAutomationView(
  certificate: CertificateDoc,
  credential: Pick<CredentialDoc, '_id' | 'label' | 'provider'> | null,
  acmeHttpBaseUrl: string | null,
  problem: string | null,
): AutomationView {
  const { automation } = certificate;
  return {
    kind: automation.kind,
    automatic: isAutomatic(automation),
    label: AUTOMATION_MESSAGES.automaticKinds[automation.kind],
    credential: credential && { id: credential._id, label: credential.label, providerName: DNS_PROVIDERS[credential.provider].displayName },
    cnameRecords: automation.kind === 'cnameDelegation' ? Object.entries(automation.targets).map(([base, target]) => ({ name: `_acme-challenge.${base}`, type: 'CNAME' as const, value: target })) : [],
    httpSnippets: automation.kind === 'httpRedirect' && acmeHttpBaseUrl ? redirectSnippets(acmeHttpBaseUrl, httpDelegationKey(certificate.ownerId)) : [],
    verifiedAt: automation.kind === 'cnameDelegation' || automation.kind === 'httpRedirect' ? automation.verifiedAt : null,
    problem,
  };
}

export function toCredentialView(doc: CredentialDoc, usedBy: number): CredentialView {
  return {
    id: doc._id,
    provider: doc.provider,
    providerName: DNS_PROVIDERS[doc.provider].displayName,
    label: doc.label,
    masked: doc.masked,
    createdAt: doc.createdAt,
    lastTest: doc.lastTest,
    usedBy,
  };
}
