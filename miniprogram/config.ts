/**
 * Deployment settings of the Mini Program, in one place.
 *
 * `CLOUD_ENV_ID` is the WeChat Cloud Development environment the app talks to. The value here is a
 * placeholder: replace it with your environment's ID (WeChat DevTools → 云开发 → 设置 → 环境 ID, looks
 * like `certkeeper-1a2b3c4d5e`). Cloud development also needs a real AppID, which goes into the
 * git-ignored `project.private.config.json`.
 */
export const CLOUD_ENV_ID = 'your-cloud-env-id';

/**
 * Development only: send every api call to the local runtime (`npm start`) over HTTP instead of
 * `wx.cloud`. In WeChat DevTools tick 详情 → 本地设置 → 不校验合法域名 and set the URL `npm start`
 * prints (`http://127.0.0.1:<port>/fn/api`); `openId` stands in for the WeChat identity. Keep null
 * in anything you upload.
 */
export const LOCAL_RUNTIME: { url: string; openId: string } | null = null;
