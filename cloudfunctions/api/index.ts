// The `api` cloud function: every call from the Mini Program, dispatched by `action`.
import { systemClock, jsonLogger } from '../../server/adapters/system';
import { wechatCallerOpenId } from '../../server/adapters/wechat/context';
import { handleApi } from '../../server/handlers/api';
import type { ApiResponse } from '../../typings/api';

export async function main(event: unknown): Promise<ApiResponse> {
  return handleApi(event, { openId: wechatCallerOpenId(), clock: systemClock, logger: jsonLogger('api') });
}
