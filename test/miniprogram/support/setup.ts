/**
 * Jest `setupFiles` of the miniprogram project: the globals the Mini Program runtime provides that
 * miniprogram-simulate does not (it mocks most of `wx`, but neither `getApp` nor `wx.cloud`).
 * simulate merges its own `wx` mock into the object defined here when a test first loads it.
 */

/** What `getApp()` returns to TDesign (its base class reads it) and to our code. */
const app = { globalData: {} };

/**
 * WeChat's cloud cannot be reached from a test: an unmocked call fails loudly. Tests install their
 * answers with `mockCallFunction()` from `./cloud`.
 */
function unmockedCallFunction(): Promise<never> {
  return Promise.reject(new Error('wx.cloud.callFunction is not mocked: use mockCallFunction() from test/miniprogram/support/cloud'));
}

Object.assign(globalThis, {
  getApp: () => app,
  getCurrentPages: () => [],
  wx: {
    cloud: {
      init: () => undefined,
      callFunction: unmockedCallFunction,
    },
  },
});
