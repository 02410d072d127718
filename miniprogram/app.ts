import { CLOUD_ENV_ID } from './config';
import { checkAdmin } from './services/admin';
import type { IAppOption } from './types/app';

App<IAppOption>({
  globalData: {
    cloudEnv: CLOUD_ENV_ID,
  },

  onLaunch() {
    // Once per launch, before any page calls a service; traceUser records visits in the cloud console.
    wx.cloud.init({ env: CLOUD_ENV_ID, traceUser: true });
    // Asked once, in the background; the home page shows 运维检查 when it answers yes.
    this.globalData.adminCheck = checkAdmin();
  },
});
