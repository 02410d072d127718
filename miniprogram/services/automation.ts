/**
 * Hands-free validation actions of the `api` function, one typed function each: the DNS providers
 * and delegation methods this deployment offers, the user's stored DNS provider credentials, and
 * how a certificate's challenges get published (provider API, CNAME delegation, http-01 redirect,
 * or by hand).
 */
import type {
  AutomationInput,
  AutomationOptions,
  AutomationView,
  CredentialView,
  DnsProviderId,
} from '../../typings/api';
import { callApi } from './cloud';

export interface AddCredentialInput {
  provider: DnsProviderId;
  /** Shown in lists; the server uses the provider's name when it is left out. */
  label?: string;
  /** The provider's fields by `key`, as the user typed them. */
  fields: Record<string, string>;
}

/** The providers (with the fields each needs), and whether CNAME delegation and http-01 redirect are offered. */
export function listDnsProviders(): Promise<AutomationOptions> {
  return callApi('listDnsProviders', {});
}

/** The user's stored credentials, secrets masked. */
export async function listCredentials(): Promise<CredentialView[]> {
  return (await callApi('listCredentials', {})).items;
}

/**
 * Stores a credential after the server has tested it against the provider, so this takes as long
 * as that test. A refused field comes back on `fields.<key>`; a failed connection on `fields`.
 */
export function addCredential(input: AddCredentialInput): Promise<CredentialView> {
  return callApi('addCredential', input);
}

/** Tests a stored credential again; the outcome is in `lastTest` (a failed connection is not an error). */
export function testCredential(credentialId: string): Promise<CredentialView> {
  return callApi('testCredential', { credentialId });
}

/** Removes a credential; `CONFLICT` while a certificate still publishes with it. */
export function removeCredential(credentialId: string): Promise<{ deleted: true }> {
  return callApi('removeCredential', { credentialId });
}

/** Sets how the certificate's challenges are published from now on. */
export function setAutomation(certificateId: string, automation: AutomationInput): Promise<AutomationView> {
  return callApi('setAutomation', { certificateId, automation });
}

/** Checks that the CNAME records or the redirect work; `automatic` when they do, else `problem`. */
export function verifyAutomation(certificateId: string): Promise<AutomationView> {
  return callApi('verifyAutomation', { certificateId });
}
