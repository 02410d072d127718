/**
 * Order actions of the `api` function, one typed function each: request a certificate, read an
 * order, self-check and submit it, cancel it. Pages import these instead of naming actions.
 */
import type { CreateRequestInput, OrderView } from '../../typings/api';
import { callApi } from './cloud';

/** Checks every rule, then creates the certificate and its first order. */
export function createRequest(input: CreateRequestInput): Promise<{ certificateId: string; order: OrderView }> {
  return callApi('createRequest', input);
}

/** The order as it is now (the server also moves it along when a step is due). */
export function getOrder(orderId: string): Promise<OrderView> {
  return callApi('getOrder', { orderId });
}

/** Self-check the published records or files, and submit to the CA when they pass. */
export function verifyOrder(orderId: string): Promise<OrderView> {
  return callApi('verifyOrder', { orderId });
}

export function cancelOrder(orderId: string): Promise<OrderView> {
  return callApi('cancelOrder', { orderId });
}
