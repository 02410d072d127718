import type { PingResult } from '../../typings/api';
import { callApi } from './cloud';

/** Checks the cloud connection: answers with the caller's OPENID as WeChat reports it and the server time. */
export function ping(): Promise<PingResult> {
  return callApi('ping', {});
}
