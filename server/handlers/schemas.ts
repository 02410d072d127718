/** One valibot schema per action: the shape of every request, checked before anything runs. */
import * as v from 'valibot';
import type { ApiAction } from '../../typings/api';
import { CA_CATALOG } from '../domain/ca-catalog';
import { REVOCATION_REASONS } from '../domain/certificate';
import { KEY_TYPES } from '../domain/keys';
import { CHANNEL_TYPES, type ChannelType } from '../domain/notification';
import { DNS_PROVIDER_IDS, type DnsProviderId } from '../domain/dns-providers';

const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/));
const action = <A extends ApiAction>(name: A) => ({ action: v.literal(name) });

export const ACTION_SCHEMAS: Record<ApiAction, v.GenericSchema> = {
  ping: v.strictObject({ ...action('ping') }),
  listCertificates: v.strictObject({
    ...action('listCertificates'),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
    cursor: v.optional(v.nullable(id)),
  }),
  getCertificate: v.strictObject({ ...action('getCertificate'), certificateId: id }),
  createRequest: v.strictObject({
    ...action('createRequest'),
    // Each name is judged by the domain-name rules; here only the envelope is bounded.
    names: v.pipe(v.array(v.pipe(v.string(), v.maxLength(1024))), v.minLength(1), v.maxLength(100)),
    caId: v.picklist(Object.keys(CA_CATALOG) as [keyof typeof CA_CATALOG, ...(keyof typeof CA_CATALOG)[]]),
    validation: v.picklist(['dns-01', 'http-01']),
    keyType: v.optional(v.picklist(KEY_TYPES.map((type) => type.id) as [string, ...string[]])),
    csrPem: v.optional(v.pipe(v.string(), v.maxLength(16_384))),
    directoryUrl: v.optional(v.pipe(v.string(), v.maxLength(2_048))),
    eab: v.optional(v.strictObject({ kid: v.pipe(v.string(), v.maxLength(512)), hmacKey: v.pipe(v.string(), v.maxLength(1_024)) })),
    profile: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,64}$/i))),
    autoRenew: v.optional(v.boolean()),
    automation: v.optional(v.strictObject({ kind: v.literal('dnsProvider'), credentialId: id })),
  }),
  getOrder: v.strictObject({ ...action('getOrder'), orderId: id }),
  verifyOrder: v.strictObject({ ...action('verifyOrder'), orderId: id }),
  cancelOrder: v.strictObject({ ...action('cancelOrder'), orderId: id }),
  exportCertificate: v.strictObject({
    ...action('exportCertificate'),
    certificateId: id,
    format: v.picklist(['fullchain', 'leaf', 'chain', 'privateKey', 'pfx']),
    password: v.optional(v.pipe(v.string(), v.maxLength(128))),
  }),
  revokeCertificate: v.strictObject({
    ...action('revokeCertificate'),
    certificateId: id,
    reason: v.picklist(Object.keys(REVOCATION_REASONS) as [keyof typeof REVOCATION_REASONS, ...(keyof typeof REVOCATION_REASONS)[]]),
  }),
  deleteCertificate: v.strictObject({ ...action('deleteCertificate'), certificateId: id }),
  getSettings: v.strictObject({ ...action('getSettings') }),
  updateSettings: v.strictObject({
    ...action('updateSettings'),
    reminderDays: v.optional(v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365))), v.maxLength(10))),
    remindOnExpiry: v.optional(v.boolean()),
  }),
  reportSubscription: v.strictObject({
    ...action('reportSubscription'),
    results: v.pipe(
      v.record(v.pipe(v.string(), v.maxLength(128)), v.pipe(v.string(), v.maxLength(32))),
      v.check((results) => Object.keys(results).length <= 10),
    ),
  }),
  addChannel: v.strictObject({
    ...action('addChannel'),
    type: v.picklist(CHANNEL_TYPES as [ChannelType, ...ChannelType[]]),
    label: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(20))),
    target: v.pipe(v.string(), v.maxLength(2_048)),
  }),
  removeChannel: v.strictObject({ ...action('removeChannel'), channelId: id }),
  testChannel: v.strictObject({ ...action('testChannel'), channelId: id }),
  listEndpoints: v.strictObject({
    ...action('listEndpoints'),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
    cursor: v.optional(v.nullable(id)),
  }),
  getEndpoint: v.strictObject({ ...action('getEndpoint'), endpointId: id }),
  addEndpoint: v.strictObject({ ...action('addEndpoint'), target: v.pipe(v.string(), v.maxLength(2_048)) }),
  removeEndpoint: v.strictObject({ ...action('removeEndpoint'), endpointId: id }),
  checkEndpoint: v.strictObject({ ...action('checkEndpoint'), endpointId: id }),
  listDnsProviders: v.strictObject({ ...action('listDnsProviders') }),
  listCredentials: v.strictObject({ ...action('listCredentials') }),
  addCredential: v.strictObject({
    ...action('addCredential'),
    provider: v.picklist(DNS_PROVIDER_IDS as [DnsProviderId, ...DnsProviderId[]]),
    label: v.optional(v.pipe(v.string(), v.maxLength(20))),
    fields: v.pipe(
      v.record(v.pipe(v.string(), v.regex(/^[A-Za-z]{1,32}$/)), v.pipe(v.string(), v.maxLength(256))),
      v.check((fields) => Object.keys(fields).length <= 8),
    ),
  }),
  testCredential: v.strictObject({ ...action('testCredential'), credentialId: id }),
  removeCredential: v.strictObject({ ...action('removeCredential'), credentialId: id }),
  setAutomation: v.strictObject({
    ...action('setAutomation'),
    certificateId: id,
    automation: v.variant('kind', [
      v.strictObject({ kind: v.literal('manual') }),
      v.strictObject({ kind: v.literal('dnsProvider'), credentialId: id }),
      v.strictObject({ kind: v.literal('cnameDelegation') }),
      v.strictObject({ kind: v.literal('httpRedirect') }),
    ]),
  }),
  verifyAutomation: v.strictObject({ ...action('verifyAutomation'), certificateId: id }),
  listNotifications: v.strictObject({
    ...action('listNotifications'),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
    cursor: v.optional(v.nullable(id)),
  }),
  doctor: v.strictObject({ ...action('doctor') }),
  bootstrap: v.strictObject({ ...action('bootstrap') }),
};
