/** What `App()` registers and `getApp<IAppOption>()` returns. */
export interface IAppOption {
  globalData: {
    /** The cloud environment `wx.cloud` was initialised with (from `config.ts`). */
    cloudEnv: string;
    /** Whether the user is an admin (运维检查 on the home page), asked once per launch; absent before launch. */
    adminCheck?: Promise<boolean>;
  };
}
