/** What each `api` action does: one use case, its result mapped to the contract's view types. */
import type { ApiAction, ApiActions, ApiRequest } from '../../typings/api';
import { isKeyType } from '../domain/keys';
import type { OrderDoc } from '../domain/order';
import { InputRejectedError, NotFoundError } from '../domain/errors';
import { parseNames } from '../domain/names';
import { deleteCertificate, getCertificate, listCertificates } from '../usecases/certificates';
import { exportCertificate } from '../usecases/export-certificate';
import { cancelOrder, verifyOrder } from '../usecases/manage-orders';
import { consumeQuota } from '../usecases/rate-limit';
import { requestCertificate } from '../usecases/request-certificate';
import { revokeCertificate } from '../usecases/revoke-certificate';
import { addChannel, bankSubscriptions, getUser, removeChannel, updateSettings, type UserFields } from '../usecases/settings';
import { rescheduleReminders } from '../usecases/lifecycle';
import { testChannel } from '../usecases/notify';
import { checkChannelTarget } from '../domain/channels';
import { CHANNEL_LABELS } from '../domain/channels.messages.zh';
import type { NotificationDoc } from '../domain/notification';
import { advanceOrder } from '../usecases/advance-order';
import type { ActionContext } from './api';
import { addEndpoint, checkEndpoint, listOwnEndpoints, ownEndpoint, removeEndpoint } from '../usecases/endpoints';
import { parseEndpointTarget, type EndpointDoc } from '../domain/endpoint';
import type { CertificateDoc } from '../domain/certificate';
import { DNS_PROVIDER_IDS, DNS_PROVIDERS } from '../domain/dns-providers';
import type { Page } from '../ports/store';
import { checkProviderZones, setAutomation, verifyAutomation } from '../usecases/automation';
import { addCredential, listCredentials, ownCredential, removeCredential, testCredential, type CredentialDoc } from '../usecases/credentials';
import { toAutomationView, toCredentialView, toDetail, toEndpointDetail, toEndpointSummary, toNotificationView, toOrderView, toSettingsView, toSummary } from './views';
import { ADMIN_RUNNERS } from './admin';

type Runners = { [A in ApiAction]: (request: ApiRequest<A>, context: ActionContext) => Promise<ApiActions[A]['response']> };

async function ownOrder(context: ActionContext, orderId: string): Promise<OrderDoc> {
  const order = await context.engine().store.collection<OrderDoc>('orders').get(orderId);
  if (!order || order.ownerId !== context.openId) throw new NotFoundError(`order ${orderId}`);
  return order;
}

async function detail(context: ActionContext, certificateId: string) {
  const deps = context.engine();
  const { certificate, versions, order } = await getCertificate(deps, context.openId, certificateId);
  const endpoints = (await listOwnEndpoints(deps, context.openId)).filter((e) => e.certificateId === certificateId || certificate.names.includes(e.host));
  return toDetail(certificate, versions, order, endpoints, await automationView(context, certificate, null), context.clock.now());
}

async function automationView(context: ActionContext, certificate: CertificateDoc, problem: string | null) {
  const deps = context.engine();
  const credential = certificate.automation.kind === 'dnsProvider' ? await deps.store.collection<CredentialDoc>('credentials').get(certificate.automation.credentialId) : null;
  return toAutomationView(certificate, credential, deps.dns.acmeHttpBaseUrl, problem);
}

/** How many of the owner's certificates publish with each credential. */
async function credentialUse(context: ActionContext): Promise<Map<string, number>> {
  const use = new Map<string, number>();
  const certificates = context.engine().store.collection<CertificateDoc>('certificates');
  let after: string | null = null;
  do {
    const page: Page<CertificateDoc> = await certificates.listByOwner(context.openId, { limit: 100, after });
    for (const c of page.items) if (c.automation.kind === 'dnsProvider') use.set(c.automation.credentialId, (use.get(c.automation.credentialId) ?? 0) + 1);
    after = page.nextCursor;
  } while (after);
  return use;
}

async function endpointDetail(context: ActionContext, endpointId: string) {
  return toEndpointDetail(await ownEndpoint(context.engine(), context.openId, endpointId), context.clock.now());
}

export const ACTION_RUNNERS: Runners = {
  ping: async (_request, { openId, clock, isAdmin }) => ({ openId, serverTime: clock.now(), isAdmin }),

  listCertificates: async (request, context) => {
    const deps = context.engine();
    const page = await listCertificates(deps, context.openId, { limit: request.limit ?? 20, cursor: request.cursor ?? null });
    const orders = deps.store.collection<OrderDoc>('orders');
    const items = await Promise.all(
      page.items.map(async (certificate) => toSummary(certificate, certificate.currentOrderId ? await orders.get(certificate.currentOrderId) : null, context.clock.now())),
    );
    return { items, nextCursor: page.nextCursor };
  },

  getCertificate: async (request, context) => detail(context, request.certificateId),

  createRequest: async (request, context) => {
    const deps = context.engine();
    await consumeQuota(deps, context.openId, 'createRequest');
    const { keyType, automation: wanted, ...rest } = request;
    const credential = wanted ? await ownCredential(deps, context.openId, wanted.credentialId) : null;
    // A key whose account does not hold the names would only fail later, inside the order.
    const parsed = credential ? parseNames(rest.names, { allowReservedNames: true }) : null;
    const problem = credential && parsed?.ok ? await checkProviderZones(deps, context.openId, credential._id, parsed.names.map((n) => n.ascii)) : null;
    if (problem !== null) throw new InputRejectedError([{ field: 'automation.credentialId', rule: 'zoneNotFound', message: problem }]);
    const { certificate, order } = await requestCertificate(deps, {
      ...rest,
      ownerId: context.openId,
      ...(keyType && isKeyType(keyType) ? { keyType } : {}),
      ...(credential ? { automation: { kind: 'dnsProvider' as const, credentialId: credential._id, provider: credential.provider } } : {}),
    });
    // Place the order at once, so the answer already holds what the user must publish.
    const placed = (await advanceOrder(deps, order._id)) ?? order;
    return { certificateId: certificate._id, order: toOrderView(placed) };
  },

  getOrder: async (request, context) => {
    await ownOrder(context, request.orderId);
    // Polling also moves the order when a step is due (an idempotent no-op otherwise).
    const order = await advanceOrder(context.engine(), request.orderId);
    return toOrderView(order ?? (await ownOrder(context, request.orderId)));
  },

  verifyOrder: async (request, context) => toOrderView(await verifyOrder(context.engine(), context.openId, request.orderId)),

  cancelOrder: async (request, context) => toOrderView(await cancelOrder(context.engine(), context.openId, request.orderId)),

  exportCertificate: async (request, context) => {
    const deps = context.engine();
    await consumeQuota(deps, context.openId, 'exportCertificate');
    return exportCertificate({ ...deps, files: context.files }, { ownerId: context.openId, ...request });
  },

  revokeCertificate: async (request, context) => {
    await revokeCertificate(context.engine(), { ownerId: context.openId, certificateId: request.certificateId, reason: request.reason });
    return detail(context, request.certificateId);
  },

  deleteCertificate: async (request, context) => {
    await deleteCertificate(context.engine(), context.openId, request.certificateId);
    return { deleted: true as const };
  },

  getSettings: async (_request, context) => settingsView(context, await getUser(context.engine(), context.openId)),

  updateSettings: async (request, context) => {
    const { action: _action, ...patch } = request;
    const deps = context.engine();
    const user = await updateSettings(deps, context.openId, patch);
    await rescheduleReminders(deps, context.openId);
    return settingsView(context, user);
  },

  reportSubscription: async (request, context) => {
    const deps = context.engine();
    const templateIds = deps.delivery.templates.map((t) => t.templateId);
    return settingsView(context, await bankSubscriptions(deps, context.openId, request.results, templateIds));
  },

  addChannel: async (request, context) => {
    const deps = context.engine();
    const checked = checkChannelTarget(request.type, request.target, { allowLoopback: deps.delivery.allowLoopback });
    const signingSecret = request.type === 'webhook' ? deps.delivery.newWebhookSecret() : null;
    const channelId = deps.store.newId();
    const label = request.label !== undefined && request.label !== '' ? request.label : CHANNEL_LABELS[request.type];
    const user = await addChannel(deps, context.openId, { id: channelId, type: request.type, label, ...checked, secret: signingSecret });
    return { settings: settingsView(context, user), channelId, signingSecret };
  },

  removeChannel: async (request, context) => settingsView(context, await removeChannel(context.engine(), context.openId, request.channelId)),

  testChannel: async (request, context) => {
    const deps = context.engine();
    await consumeQuota(deps, context.openId, 'testChannel');
    const result = await testChannel(deps, context.openId, request.channelId);
    return { channelId: request.channelId, ...result, settings: settingsView(context, await getUser(deps, context.openId)) };
  },

  listEndpoints: async (request, context) => {
    const page = await context
      .engine()
      .store.collection<EndpointDoc>('endpoints')
      .listByOwner(context.openId, { limit: request.limit ?? 20, after: request.cursor ?? null });
    return { items: page.items.map((e) => toEndpointSummary(e, context.clock.now())), nextCursor: page.nextCursor };
  },

  getEndpoint: async (request, context) => endpointDetail(context, request.endpointId),

  addEndpoint: async (request, context) => {
    const deps = context.engine();
    const target = parseEndpointTarget(request.target, { allowReservedNames: deps.delivery.allowLoopback });
    // Adding checks at once, so it counts against the same quota as "check now".
    await consumeQuota(deps, context.openId, 'checkEndpoint');
    const added = await addEndpoint(deps, context.openId, target, { source: 'manual' });
    return toEndpointDetail((await checkEndpoint(deps, added._id, { force: true })) ?? added, context.clock.now());
  },

  removeEndpoint: async (request, context) => {
    await removeEndpoint(context.engine(), context.openId, request.endpointId);
    return { deleted: true as const };
  },

  checkEndpoint: async (request, context) => {
    const deps = context.engine();
    await ownEndpoint(deps, context.openId, request.endpointId);
    await consumeQuota(deps, context.openId, 'checkEndpoint');
    await checkEndpoint(deps, request.endpointId, { force: true });
    return endpointDetail(context, request.endpointId);
  },

  listDnsProviders: async (_request, context) => {
    const { dns } = context.engine();
    return {
      providers: DNS_PROVIDER_IDS.map((id) => {
        const { displayName, fields, keyPageUrl, leastPrivilege } = DNS_PROVIDERS[id];
        return { id, displayName, keyPageUrl, leastPrivilege, fields: fields.map(({ key, label, secret, placeholder }) => ({ key, label, secret, placeholder })) };
      }),
      delegationZone: dns.delegation?.zone ?? null,
      acmeHttpBaseUrl: dns.acmeHttpBaseUrl,
    };
  },

  listCredentials: async (_request, context) => {
    const use = await credentialUse(context);
    return { items: (await listCredentials(context.engine(), context.openId)).map((c) => toCredentialView(c, use.get(c._id) ?? 0)) };
  },

  addCredential: async (request, context) => {
    const deps = context.engine();
    // Adding tests the key against the vendor: counted like test messages.
    await consumeQuota(deps, context.openId, 'testChannel');
    return toCredentialView(await addCredential(deps, context.openId, { provider: request.provider, label: request.label, fields: request.fields }), 0);
  },

  testCredential: async (request, context) => {
    const deps = context.engine();
    await ownCredential(deps, context.openId, request.credentialId);
    await consumeQuota(deps, context.openId, 'testChannel');
    const tested = await testCredential(deps, context.openId, request.credentialId);
    return toCredentialView(tested, (await credentialUse(context)).get(tested._id) ?? 0);
  },

  removeCredential: async (request, context) => {
    const deps = context.engine();
    const users = (await credentialUse(context)).get(request.credentialId) ?? 0;
    await removeCredential(deps, context.openId, request.credentialId, users);
    return { deleted: true as const };
  },

  setAutomation: async (request, context) => {
    const { certificate, problem } = await setAutomation(context.engine(), context.openId, request.certificateId, request.automation);
    return automationView(context, certificate, problem);
  },

  verifyAutomation: async (request, context) => {
    const deps = context.engine();
    await consumeQuota(deps, context.openId, 'checkEndpoint');
    const { certificate, problem } = await verifyAutomation(deps, context.openId, request.certificateId);
    return automationView(context, certificate, problem);
  },

  listNotifications: async (request, context) => {
    const page = await context
      .engine()
      .store.collection<NotificationDoc>('notifications')
      .listByOwner(context.openId, { limit: request.limit ?? 20, after: request.cursor ?? null });
    return { items: page.items.map(toNotificationView), nextCursor: page.nextCursor };
  },

  ...ADMIN_RUNNERS,
};

function settingsView(context: ActionContext, user: UserFields) {
  return toSettingsView(user, context.engine().delivery.templates);
}
