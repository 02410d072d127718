/**
 * Server monitoring actions of the `api` function, one typed function each: the servers the user
 * monitors (made for each name of an issued certificate, or added by hand), what each one really
 * serves, and "check now".
 */
import type { EndpointDetail, EndpointPage } from '../../typings/api';
import { callApi } from './cloud';

/** How many monitored servers one page of the list holds. */
export const ENDPOINT_PAGE_SIZE = 20;

/** One page of monitored servers, newest first; pass the previous page's `nextCursor` for the next. */
export function listEndpoints(cursor?: string | null): Promise<EndpointPage> {
  return callApi('listEndpoints', cursor ? { limit: ENDPOINT_PAGE_SIZE, cursor } : { limit: ENDPOINT_PAGE_SIZE });
}

export function getEndpoint(endpointId: string): Promise<EndpointDetail> {
  return callApi('getEndpoint', { endpointId });
}

/**
 * Monitors `target` (`host`, `host:port` or an https URL). The server checks it at once, so this
 * takes as long as a check; a refused target comes back as an error on the field `target`.
 */
export function addEndpoint(target: string): Promise<EndpointDetail> {
  return callApi('addEndpoint', { target });
}

export function removeEndpoint(endpointId: string): Promise<{ deleted: true }> {
  return callApi('removeEndpoint', { endpointId });
}

/** Checks the server now and answers with the fresh result; rate-limited (`RATE_LIMITED`). */
export function checkEndpoint(endpointId: string): Promise<EndpointDetail> {
  return callApi('checkEndpoint', { endpointId });
}
