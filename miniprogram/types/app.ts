/** What `App()` registers and `getApp<IAppOption>()` returns. */
export interface IAppOption {
  globalData: {
    /** The cloud environment `wx.cloud` was initialised with (from `config.ts`). */
    cloudEnv: string;
  };
}
