/**
 * `app.ts` registers the app and initialises `wx.cloud` once, with the environment from `config.ts`.
 * `App()` is captured instead of run: simulate has no app runtime.
 */
import { CLOUD_ENV_ID } from '../../miniprogram/config';
import type { IAppOption } from '../../miniprogram/types/app';

type AppOptions = WechatMiniprogram.App.Options<IAppOption>;

const launchedFromHome: WechatMiniprogram.App.LaunchShowOption = {
  path: 'pages/home/index',
  query: {},
  scene: 1001,
  shareTicket: '',
  forwardMaterials: [],
  apiCategory: 'default',
};

async function registerApp(): Promise<AppOptions> {
  const App = jest.fn<undefined, [AppOptions]>();
  Object.assign(globalThis, { App });
  await jest.isolateModulesAsync(async () => {
    await import('../../miniprogram/app');
  });
  expect(App).toHaveBeenCalledTimes(1);
  const [options] = App.mock.calls[0] ?? [];
  if (!options) throw new Error('app.ts did not call App()');
  return options;
}

test('onLaunch initialises wx.cloud once with the configured environment and traceUser', async () => {
  const init = jest.fn();
  Object.assign(wx.cloud, { init });
  const options = await registerApp();

  expect(init).not.toHaveBeenCalled();
  options.onLaunch?.call(options, launchedFromHome);

  expect(init).toHaveBeenCalledTimes(1);
  expect(init).toHaveBeenCalledWith({ env: CLOUD_ENV_ID, traceUser: true });
  expect(options.globalData.cloudEnv).toBe(CLOUD_ENV_ID);
});
