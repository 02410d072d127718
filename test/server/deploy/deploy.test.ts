/**
 * `npm run deploy` (scripts/deploy.ts) without the network: the dry run, the settings it checks
 * before building anything, and a real run against a recording double of the miniprogram-ci calls.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS, type CloudFunctionSpec } from '../../../deploy/functions';
import {
  parseArgs,
  runDeploy,
  stageFunction,
  TRIGGER_CREATED,
  type CloudDeployer,
  type DeployerFactory,
  type DeployOptions,
  type StagedFunction,
  type TimerTriggerConfig,
} from '../../../scripts/deploy';

jest.setTimeout(60_000);

const SECRETS = {
  CERTKEEPER_MASTER_KEY: '2026-11:c2VjcmV0LW1hc3Rlci1rZXktdmFsdWUtMzItYnl0ZXM=',
  CERTKEEPER_SMTP_PASS: 'smtp-password-never-printed',
  CERTKEEPER_DELEGATION_CREDENTIALS: '{"secretId":"AKIDneverprinted","secretKey":"dnspod-secret-never-printed"}',
  CERTKEEPER_CA_PROXY: 'http://proxyuser:proxy-password-never-printed@proxy.example:3128',
};

let keyDir: string;
let keyPath: string;
beforeAll(() => {
  keyDir = mkdtempSync(join(tmpdir(), 'certkeeper-key-'));
  keyPath = join(keyDir, 'private.wx0123456789abcdef.key');
  writeFileSync(keyPath, '-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key-upload-secret\n-----END RSA PRIVATE KEY-----\n');
});
afterAll(() => {
  rmSync(keyDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string[];
  err: string[];
  factory: jest.Mock<ReturnType<DeployerFactory>, Parameters<DeployerFactory>>;
  staged: string[];
  dirs: string[];
}

async function deploy(argv: string[], env: Record<string, string>, deployer?: CloudDeployer): Promise<Run> {
  const run: Run = { code: -1, out: [], err: [], factory: jest.fn<ReturnType<DeployerFactory>, Parameters<DeployerFactory>>(), staged: [], dirs: [] };
  run.factory.mockImplementation(() => (deployer ? Promise.resolve(deployer) : Promise.reject(new Error('the real deployer must not be constructed'))));
  const options: DeployOptions = {
    argv,
    env,
    out: (line) => run.out.push(line),
    err: (line) => run.err.push(line),
    createDeployer: run.factory,
    stage: (spec: CloudFunctionSpec, dir: string): Promise<StagedFunction> => {
      run.staged.push(spec.name);
      run.dirs.push(dir);
      return stageFunction(spec, dir);
    },
  };
  run.code = await runDeploy(options);
  return run;
}

const REAL_SETTINGS = { CERTKEEPER_APPID: 'wx0123456789abcdef', CERTKEEPER_ENV_ID: 'certkeeper-test-1a2b3c' };

describe('deploy --dry-run', () => {
  let run: Run;
  beforeAll(async () => {
    run = await deploy(['--dry-run'], { ...SECRETS, ...REAL_SETTINGS, CERTKEEPER_UPLOAD_KEY_PATH: keyPath });
  });

  test('builds every bundle, exits 0 and never constructs the uploader', () => {
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.staged).toEqual(['acmehttp', 'api', 'scheduler', 'worker']);
    expect(run.factory).not.toHaveBeenCalled();
    expect(run.out[0]).toBe('CertKeeper deploy: dry run (nothing is uploaded or created, nothing is contacted)');
    expect(run.out).toContain('  environment: certkeeper-test-1a2b3c');
    expect(run.out).toContain('  upload key:  not needed for a dry run');
    expect(run.out.at(-1)).toBe('Dry run: 4 function(s) built; nothing uploaded.');
  });

  test('lists every function with its files, runtime, timeout, memory, openapi permissions and variables', () => {
    const text = run.out.join('\n');
    for (const spec of FUNCTIONS) {
      const block = text.slice(text.indexOf(`function ${spec.name}:`));
      expect(block).toContain(`  folder:      cloudfunctions/${spec.name} → upload of index.js (bundle), package.json, config.json; dependencies installed in the cloud (remoteNpmInstall: true)`);
      expect(block).toMatch(/ {2}files: {7}3 files, [\d.]+ (B|KiB)\n {4}config\.json +\d+ B\n {4}index\.js +\d+ B\n {4}package\.json +\d+ B/);
      expect(block).toContain(`  runtime:     Nodejs18.15, handler index.main, memory ${spec.memorySize} MB, timeout ${spec.timeout} s`);
      expect(block).toContain(`  openapi:     ${spec.name === 'acmehttp' ? '(none)' : 'subscribeMessage.send'}`);
      expect(block).toContain(`  trigger:     ${spec.name === 'scheduler' ? 'everyMinute (timer) "0 * * * * * *"' : '(none)'}`);
      expect(block).toContain(`  HTTP access: ${spec.name === 'acmehttp' ? 'needed, route /acmehttp' : 'not needed'}`);
    }
    expect(text).toContain('  env:         CERTKEEPER_MASTER_KEY (secret, required), ');
    expect(text).toContain('CERTKEEPER_SMTP_PASS (secret)');
    expect(text).toContain('CERTKEEPER_MINIPROGRAM_STATE (default formal)');
  });

  test('names the trigger it would create, exactly as createTimeTrigger would get it', () => {
    const at = run.out.indexOf('Timer triggers that would be created (second minute hour day month weekday year, China time):');
    expect(at).toBeGreaterThan(0);
    expect(run.out[at + 1]).toBe('  scheduler: [{"name":"everyMinute","type":"timer","config":"0 * * * * * *"}]');
    expect(run.out[at + 2]).toBe('');
  });

  test('prints no secret value, even with every secret set in the environment', () => {
    const text = [...run.out, ...run.err].join('\n');
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    for (const fragment of ['never-printed', 'neverprinted', 'c2VjcmV0', 'not-a-real-key']) expect(text).not.toContain(fragment);
  });

  test('removes its staging folders', () => {
    expect(run.dirs).toHaveLength(4);
    for (const dir of run.dirs) expect(existsSync(dir)).toBe(false);
  });
});

describe('deploy settings', () => {
  test.each([
    ['CERTKEEPER_APPID', { CERTKEEPER_UPLOAD_KEY_PATH: 'KEY', CERTKEEPER_ENV_ID: 'certkeeper-test-1a2b3c' }, "deploy: CERTKEEPER_APPID is not set: the Mini Program's AppID"],
    ['CERTKEEPER_UPLOAD_KEY_PATH', { CERTKEEPER_APPID: 'wx0123456789abcdef', CERTKEEPER_ENV_ID: 'certkeeper-test-1a2b3c' }, 'deploy: CERTKEEPER_UPLOAD_KEY_PATH is not set: the path of the code-upload private key'],
    ['CERTKEEPER_ENV_ID', { CERTKEEPER_APPID: 'wx0123456789abcdef', CERTKEEPER_UPLOAD_KEY_PATH: 'KEY' }, 'deploy: CERTKEEPER_ENV_ID is not set and no --env was given'],
  ])('a missing %s is its own error, before anything is built or uploaded', async (_name, env, message) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === 'KEY' ? keyPath : value]));
    const run = await deploy([], resolved, recordingDeployer().deployer);
    expect(run.code).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toContain(message);
    expect(run.out).toEqual([]);
    expect(run.staged).toEqual([]);
    expect(run.factory).not.toHaveBeenCalled();
  });

  test('with nothing set, each of the three is reported, one line each', async () => {
    const run = await deploy([], { ...SECRETS });
    expect(run.code).toBe(2);
    expect(run.err.map((line) => line.split(' ')[1])).toEqual(['CERTKEEPER_APPID', 'CERTKEEPER_UPLOAD_KEY_PATH', 'CERTKEEPER_ENV_ID']);
    expect(run.staged).toEqual([]);
  });

  test('--env stands in for CERTKEEPER_ENV_ID; an empty variable counts as missing', async () => {
    const run = await deploy(['--env', 'certkeeper-test-1a2b3c'], { CERTKEEPER_APPID: 'wx0123456789abcdef', CERTKEEPER_UPLOAD_KEY_PATH: ' ' });
    expect(run.err).toEqual([expect.stringContaining('deploy: CERTKEEPER_UPLOAD_KEY_PATH is not set')]);
  });

  test.each([
    [{ CERTKEEPER_UPLOAD_KEY_PATH: '/nonexistent/certkeeper/private.key' }, 'deploy: CERTKEEPER_UPLOAD_KEY_PATH names no file: /nonexistent/certkeeper/private.key'],
    [{ CERTKEEPER_APPID: 'wx123' }, 'deploy: CERTKEEPER_APPID is not a Mini Program AppID ("wx" and 16 hex digits)'],
    [{ CERTKEEPER_ENV_ID: 'bad env id' }, 'deploy: CERTKEEPER_ENV_ID "bad env id" is not a cloud environment id (letters, digits and -)'],
  ])('a malformed setting names its variable: %j', async (override, message) => {
    const run = await deploy([], { ...REAL_SETTINGS, CERTKEEPER_UPLOAD_KEY_PATH: keyPath, ...override });
    expect(run.err).toEqual([message]);
    expect(run.staged).toEqual([]);
  });

  test('an upload key that is not a PEM private key is refused without printing its content', async () => {
    const notKey = join(keyDir, 'notes.txt');
    writeFileSync(notKey, 'upload-key-content-never-printed');
    const run = await deploy([], { ...REAL_SETTINGS, CERTKEEPER_UPLOAD_KEY_PATH: notKey });
    expect(run.err).toEqual([`deploy: CERTKEEPER_UPLOAD_KEY_PATH: ${notKey} is not a PEM private key (download it again from 开发设置 → 小程序代码上传)`]);
    expect(run.err.join('\n')).not.toContain('never-printed');
  });

  test('the command line is checked', () => {
    expect(parseArgs(['--dry-run', '--env=abc-123', '--only', 'api,scheduler', '--only', 'api'])).toEqual({ dryRun: true, envId: 'abc-123', only: ['api', 'scheduler'] });
    expect(() => parseArgs(['--only', 'mailer'])).toThrow('--only: no function "mailer"; the functions are acmehttp, api, scheduler, worker');
    expect(() => parseArgs(['--env'])).toThrow('--env needs a value');
    expect(() => parseArgs(['--env', '--dry-run'])).toThrow('--env needs a value');
    expect(() => parseArgs(['--force'])).toThrow('unknown argument "--force"');
  });

  test('a dry run needs none of the settings', async () => {
    const run = await deploy(['--dry-run', '--only', 'acmehttp'], {});
    expect(run.code).toBe(0);
    expect(run.out.slice(1, 5)).toEqual(['  AppID:       (not set: CERTKEEPER_APPID)', '  environment: (not set: CERTKEEPER_ENV_ID or --env)', '  upload key:  not needed for a dry run', '  functions:   acmehttp']);
    expect(run.staged).toEqual(['acmehttp']);
    expect(run.factory).not.toHaveBeenCalled();
  });
});

interface UploadCall {
  env: string;
  name: string;
  remoteNpmInstall: boolean;
  files: string[];
}

function recordingDeployer(triggerAnswer: string = TRIGGER_CREATED) {
  const uploads: UploadCall[] = [];
  const triggers: { envId: string; functionName: string; triggersConfig: TimerTriggerConfig[] }[] = [];
  const deployer: CloudDeployer = {
    uploadFunction: async (request) => {
      uploads.push({ env: request.env, name: request.name, remoteNpmInstall: request.remoteNpmInstall, files: readdirSync(request.path).sort() });
      return { filesCount: 3, packSize: 1024 };
    },
    createTimeTrigger: async (request) => {
      triggers.push(request);
      return triggerAnswer;
    },
  };
  return { deployer, uploads, triggers };
}

describe('deploy against a recording double of miniprogram-ci', () => {
  test('uploads each staged folder with cloud-side install, then creates the scheduler’s trigger', async () => {
    const double = recordingDeployer();
    const run = await deploy([], { ...REAL_SETTINGS, CERTKEEPER_UPLOAD_KEY_PATH: keyPath, ...SECRETS }, double.deployer);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.factory).toHaveBeenCalledTimes(1);
    expect(run.factory.mock.calls[0]?.[0]).toMatchObject({ appId: 'wx0123456789abcdef', privateKeyPath: keyPath });
    expect(double.uploads).toEqual(
      ['acmehttp', 'api', 'scheduler', 'worker'].map((name) => ({ env: 'certkeeper-test-1a2b3c', name, remoteNpmInstall: true, files: ['config.json', 'index.js', 'package.json'] })),
    );
    expect(double.triggers).toEqual([{ envId: 'certkeeper-test-1a2b3c', functionName: 'scheduler', triggersConfig: [{ name: 'everyMinute', type: 'timer', config: '0 * * * * * *' }] }]);
    expect(run.out).toContain('created trigger everyMinute of scheduler');
    expect(run.out.at(-1)).toBe('Deployed 4 function(s) to certkeeper-test-1a2b3c.');
    const text = [...run.out, ...run.err].join('\n');
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
  });

  test('--only and --env pick the functions and the environment', async () => {
    const double = recordingDeployer();
    const run = await deploy(['--only', 'worker', '--env', 'other-env-9z'], { ...REAL_SETTINGS, CERTKEEPER_UPLOAD_KEY_PATH: keyPath }, double.deployer);
    expect(run.code).toBe(0);
    expect(double.uploads.map((call) => [call.env, call.name])).toEqual([['other-env-9z', 'worker']]);
    expect(double.triggers).toEqual([]);
  });

  test('a trigger miniprogram-ci did not create is a warning (it says the same when the trigger already exists)', async () => {
    const double = recordingDeployer('请检查传入的 triggersConfig 是否符合格式');
    const run = await deploy(['--only', 'scheduler'], { ...REAL_SETTINGS, CERTKEEPER_UPLOAD_KEY_PATH: keyPath }, double.deployer);
    expect(run.code).toBe(0);
    expect(run.err).toEqual([expect.stringMatching(/^deploy: warning: trigger everyMinute of scheduler was not created \(miniprogram-ci: "请检查传入的 triggersConfig 是否符合格式"\)/)]);
  });

  test('a failed upload stops the deploy and names the function', async () => {
    const double = recordingDeployer();
    double.deployer.uploadFunction = () => Promise.reject(new Error('env not found'));
    const run = await deploy(['--only', 'api'], { ...REAL_SETTINGS, CERTKEEPER_UPLOAD_KEY_PATH: keyPath }, double.deployer);
    expect(run.code).toBe(1);
    expect(run.err).toEqual(['deploy: uploading api to certkeeper-test-1a2b3c failed: env not found']);
  });
});
