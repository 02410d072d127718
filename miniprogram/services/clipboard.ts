/**
 * The clipboard, behind a promise so pages stay small and tests can observe what was copied.
 * A local device call, not a backend call.
 */

/** Copies `text` to the clipboard; WeChat shows its own "内容已复制" toast. */
export function copyText(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.setClipboardData({
      data: text,
      success: () => {
        resolve();
      },
      fail: (error) => {
        reject(new Error(error.errMsg));
      },
    });
  });
}
