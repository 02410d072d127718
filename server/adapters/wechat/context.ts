import * as cloud from 'wx-server-sdk';

/**
 * The caller as WeChat injected it into this invocation. OPENID comes from the platform (the
 * `WX_*` environment of the function), never from the event a client sends. Undefined when the
 * invocation has no user: timer triggers, function-to-function calls, local debugging.
 */
export function wechatCallerOpenId(): string | undefined {
  // The SDK documents DYNAMIC_CURRENT_ENV as the `env` value but types it as a bare symbol.
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  const { OPENID } = cloud.getWXContext();
  return OPENID ? OPENID : undefined;
}
