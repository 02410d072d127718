/**
 * `services/device.ts` over stand-ins for the three WeChat device APIs it wraps.
 */
import { copyText, shareFile } from '../../miniprogram/services/device';

type Callbacks<T> = { success?: (result: T) => void; fail?: (error: { errMsg: string }) => void };

function install(api: Record<string, unknown>): void {
  Object.assign(wx, api);
}

describe('device service', () => {
  test('copyText sets the clipboard and resolves on success', async () => {
    const setClipboardData = jest.fn((options: { data: string } & Callbacks<unknown>) => options.success?.({}));
    install({ setClipboardData });
    await copyText('hello');
    expect(setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: 'hello' }));
  });

  test('copyText rejects with the platform message', async () => {
    install({ setClipboardData: (options: Callbacks<unknown>) => options.fail?.({ errMsg: 'setClipboardData:fail' }) });
    await expect(copyText('x')).rejects.toThrow('setClipboardData:fail');
  });

  test('shareFile downloads the link, then shares the file under its name', async () => {
    const downloadFile = jest.fn((options: { url: string } & Callbacks<{ statusCode: number; tempFilePath: string }>) =>
      options.success?.({ statusCode: 200, tempFilePath: 'wxfile://tmp/abc' }),
    );
    const shareFileMessage = jest.fn((options: { filePath: string; fileName: string } & Callbacks<unknown>) => options.success?.({}));
    install({ downloadFile, shareFileMessage });

    await shareFile('https://tcb.example/x.pfx', 'example.com.pfx');
    expect(downloadFile).toHaveBeenCalledWith(expect.objectContaining({ url: 'https://tcb.example/x.pfx' }));
    expect(shareFileMessage).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/abc', fileName: 'example.com.pfx' }));
  });

  test('shareFile stops when the download fails or answers an HTTP error', async () => {
    const shareFileMessage = jest.fn();
    install({
      downloadFile: (options: Callbacks<{ statusCode: number; tempFilePath: string }>) =>
        options.success?.({ statusCode: 403, tempFilePath: '' }),
      shareFileMessage,
    });
    await expect(shareFile('https://tcb.example/x', 'x')).rejects.toThrow('HTTP 403');

    install({ downloadFile: (options: Callbacks<unknown>) => options.fail?.({ errMsg: 'downloadFile:fail timeout' }) });
    await expect(shareFile('https://tcb.example/x', 'x')).rejects.toThrow('downloadFile:fail timeout');
    expect(shareFileMessage).not.toHaveBeenCalled();
  });
});
