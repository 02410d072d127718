// The `api` cloud function: every call from the Mini Program, dispatched by `action`.
import { handleApi } from '../../server/handlers/api';
import { cloudApiDependencies } from '../../server/handlers/cloud-runtime';
import type { ApiResponse } from '../../typings/api';

export async function main(event: unknown): Promise<ApiResponse> {
  return handleApi(event, cloudApiDependencies());
}
