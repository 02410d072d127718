/**
 * WeChat subscription messages (订阅消息) on the device: the subscription prompt, the user's
 * subscription settings, and the settings page. Local platform calls, not backend calls.
 *
 * One-time subscriptions: each accepted template allows one message of that template. WeChat
 * shows the prompt only when `wx.requestSubscribeMessage` is called from a tap, so
 * `requestSubscriptions` must be called synchronously in a tap handler, before any `await`.
 */

/** WeChat asks about at most this many templates at once (older clients: 3). */
export const MAX_TEMPLATES_PER_REQUEST = 3;

/** `wx.requestSubscribeMessage` fails with this code when the user turned subscription messages off. */
export const MAIN_SWITCH_OFF_ERR_CODE = 20004;

/** Answers that bank a reminder: `accept` and its newer variants (`acceptWithAudio`, `acceptWithAlert`, …). */
function isAccept(result: string): boolean {
  return result === 'accept' || result.startsWith('acceptWith');
}

/** Why no prompt answer came back. */
export interface SubscribeFailure {
  /** `mainSwitchOff`: 接收订阅消息 is off in the settings page; `error`: any other platform failure. */
  reason: 'mainSwitchOff' | 'error';
  /** WeChat's code (10001–20013), null when it gave none. */
  errCode: number | null;
  errMsg: string;
}

export type SubscribeAnswer =
  /** Template id → `accept` | `reject` | `ban` | `filter` | `acceptWith…`, without `errMsg`. */
  | { ok: true; results: Record<string, string> }
  | { ok: false; failure: SubscribeFailure };

/**
 * Shows WeChat's subscription prompt for `templateIds` (the first three) and answers with what the
 * user chose per template. The platform call happens synchronously, inside this call.
 */
export function requestSubscriptions(templateIds: readonly string[]): Promise<SubscribeAnswer> {
  const tmplIds = templateIds.slice(0, MAX_TEMPLATES_PER_REQUEST);
  return new Promise((resolve) => {
    if (tmplIds.length === 0) {
      resolve({ ok: true, results: {} });
      return;
    }
    wx.requestSubscribeMessage({
      tmplIds,
      success: (answer) => {
        const results: Record<string, string> = {};
        for (const id of tmplIds) {
          const result: unknown = answer[id];
          if (typeof result === 'string') results[id] = result;
        }
        resolve({ ok: true, results });
      },
      fail: (error) => {
        const errCode = typeof error.errCode === 'number' ? error.errCode : null;
        const reason = errCode === MAIN_SWITCH_OFF_ERR_CODE ? 'mainSwitchOff' : 'error';
        resolve({ ok: false, failure: { reason, errCode, errMsg: error.errMsg } });
      },
    });
  });
}

/** How many templates of a prompt answer were accepted (each banks one reminder). */
export function acceptedCount(results: Readonly<Record<string, string>>): number {
  return Object.values(results).filter(isAccept).length;
}

/**
 * Whether subscription messages are on (设置 → 订阅消息 → 接收订阅消息). Null when WeChat cannot
 * tell (old base library, or the call failed): treat it as on and let the prompt decide.
 */
export function subscriptionSwitchOn(): Promise<boolean | null> {
  return new Promise((resolve) => {
    wx.getSetting({
      withSubscriptions: true,
      success: (result) => {
        // Older base libraries omit the field although the typings promise it.
        const setting = result.subscriptionsSetting as WechatMiniprogram.SubscriptionsSetting | undefined;
        resolve(typeof setting?.mainSwitch === 'boolean' ? setting.mainSwitch : null);
      },
      fail: () => {
        resolve(null);
      },
    });
  });
}

/**
 * Opens the Mini Program's settings page, where the user can turn subscription messages back on.
 * Like the prompt, WeChat opens it only from a tap. Answers with the main switch afterwards (null
 * when unknown).
 */
export function openSettings(): Promise<boolean | null> {
  return new Promise((resolve) => {
    wx.openSetting({
      withSubscriptions: true,
      success: (result) => {
        const setting = result.subscriptionsSetting as WechatMiniprogram.SubscriptionsSetting | undefined;
        resolve(typeof setting?.mainSwitch === 'boolean' ? setting.mainSwitch : null);
      },
      fail: () => {
        resolve(null);
      },
    });
  });
}
