/**
 * Subscription messages through `cloud.openapi.subscribeMessage.send` (wx-server-sdk). The SDK
 * types `openapi` as `any`, so the one call used is declared here; pass the initialised SDK object
 * (`import * as cloud from 'wx-server-sdk'` after `cloud.init`). The function needs
 * `"permissions": { "openapi": ["subscribeMessage.send"] }` in its config.json.
 */
import { SubscribeMessageError, type SubscribeMessageInput, type SubscribeMessageSender } from '../../ports/notify';

/** The slice of wx-server-sdk this adapter calls. */
export interface SubscribeMessageCloud {
  openapi: {
    subscribeMessage: {
      /** Resolves with `{ errCode: 0, errMsg }`; throws an error carrying `errCode` and `errMsg` on failure. */
      send(input: SubscribeMessageInput): Promise<unknown>;
    };
  };
}

export class CloudSubscribeMessageSender implements SubscribeMessageSender {
  constructor(private readonly cloud: SubscribeMessageCloud) {}

  async send(input: SubscribeMessageInput): Promise<void> {
    let answer: unknown;
    try {
      answer = await this.cloud.openapi.subscribeMessage.send(input);
    } catch (error) {
      const failure = wechatFailure(error);
      if (failure === null) throw error;
      throw new SubscribeMessageError(failure.errCode, failure.errMsg);
    }
    const failure = wechatFailure(answer);
    if (failure !== null && failure.errCode !== 0) throw new SubscribeMessageError(failure.errCode, failure.errMsg);
  }
}

/** `errCode` and `errMsg` of an SDK error or answer, or null when it carries none. */
function wechatFailure(value: unknown): { errCode: number; errMsg: string } | null {
  if (typeof value !== 'object' || value === null || !('errCode' in value) || typeof value.errCode !== 'number') return null;
  const errMsg = 'errMsg' in value && typeof value.errMsg === 'string' ? value.errMsg : `errCode ${value.errCode}`;
  return { errCode: value.errCode, errMsg };
}
