/**
 * Device APIs the pages use (clipboard, file download and share), behind promises so pages stay
 * small and tests can replace this module. These are local calls, not backend calls.
 */
export { copyText } from './clipboard';

/**
 * Downloads `url` to a temporary file and opens WeChat's share sheet for it (e.g. to 文件传输助手),
 * so the user gets the file on a computer.
 */
export async function shareFile(url: string, fileName: string): Promise<void> {
  const filePath = await new Promise<string>((resolve, reject) => {
    wx.downloadFile({
      url,
      success: (result) => {
        if (result.statusCode >= 200 && result.statusCode < 300) resolve(result.tempFilePath);
        else reject(new Error(`download failed: HTTP ${result.statusCode}`));
      },
      fail: (error) => {
        reject(new Error(error.errMsg));
      },
    });
  });
  await new Promise<void>((resolve, reject) => {
    wx.shareFileMessage({
      filePath,
      fileName,
      success: () => {
        resolve();
      },
      fail: (error) => {
        reject(new Error(error.errMsg));
      },
    });
  });
}
