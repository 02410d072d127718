/**
 * The doctor (运维检查): checks a deployed environment and reports each item as passed (`ok: true`),
 * failed (`false`) or not knowable from here (`null`, to be checked by hand), with what was found
 * and how to fix it, in Chinese. Every check runs at once, each within its own time limit, and a
 * check that throws becomes a failed item: the report always comes back.
 *
 * Settings are reached through functions that throw when their part of the configuration is
 * wrong, so one wrong setting fails its own item, not the whole report.
 */
import { CA_CATALOG, type CaId } from '../domain/ca-catalog';
import { delegatedChallengeUrl } from '../domain/http-delegation';
import { DOCTOR_TEXT, DOCTOR_TITLES, TEMPLATE_KEY_TEXT, agoText, describeCaFailure } from '../domain/doctor.messages.zh';
import { TEMPLATE_KEYS } from '../domain/notification';
import { AcmeError, type AcmeGateway } from '../ports/acme';
import type { Cipher } from '../ports/cipher';
import type { Clock } from '../ports/clock';
import { SECURITY_RULE, type IndexDeclaration } from '../ports/collections';
import type { Logger } from '../ports/logger';
import type { SchemaAdmin } from '../ports/schema-admin';
import type { Store } from '../ports/store';
import { inspectDatabase, type DatabaseReport } from './bootstrap';
import type { CaRegistry, SubscriptionTemplate } from './engine';
import { createProbeToken, delegationUrlFor, removeHttpTokens, type ProbeToken } from './http-tokens';
import { lastSchedulerTick } from './system-status';

export interface DoctorItem {
  /** Stable: `config`, `masterKey`, `ca:<caId>`, `templates`, `collections`, `indexes`, `permissions`, `schedulerTick`, `acmehttp`. */
  id: string;
  /** Passed, failed, or unknown (check by hand). */
  ok: boolean | null;
  title: string;
  /** What was found. */
  detail: string;
  /** What to do; empty when nothing is to be done. */
  fix: string;
}

export interface DoctorReport {
  checkedAt: number;
  items: DoctorItem[];
}

/** A GET that answers the status and (the start of) the body; rejects when nothing answered. */
export type HttpGet = (url: string, options: { timeoutMs: number }) => Promise<{ status: number; body: string }>;

export interface DoctorDeps {
  clock: Clock;
  logger: Logger;
  /** The cipher of the configured master key(s); throws when the setting is missing or malformed. */
  cipher: () => Cipher;
  /** How many master keys are configured (rotation), for the report. */
  masterKeyCount?: () => number;
  /** The CA registry of the configured CA settings; throws when they are wrong. */
  cas: () => CaRegistry;
  acme: AcmeGateway;
  /** The CAs to check; default every catalog CA the registry gives a directory for (not `custom`). */
  caIds?: readonly CaId[];
  /** The subscription templates; throws when the setting is wrong. */
  templates: () => readonly SubscriptionTemplate[];
  /** The `acmehttp` function's public URL, null when not configured; throws when the setting is wrong. */
  acmeHttpBaseUrl: () => string | null;
  /** Every configuration problem, one line per setting; absent when this runtime has no such list. */
  configProblems?: () => readonly string[];
  schema: SchemaAdmin;
  store: () => Store;
  httpGet: HttpGet;
  /** Limit of each check (CA directory, HTTP probe); default `DOCTOR_CHECK_TIMEOUT_MS`. */
  timeoutMs?: number;
}

/** Each check's limit: the whole report comes back in about this long (the checks run at once). */
export const DOCTOR_CHECK_TIMEOUT_MS = 8_000;
/** The timer trigger fires every minute; a tick older than this means it does not. */
export const TICK_STALE_MS = 5 * 60_000;
/** The owner of the doctor's probe tokens in `challengeTokens` (no user has this id). */
export const DOCTOR_PROBE_OWNER = 'system:doctor';

type Check = Omit<DoctorItem, 'id' | 'title'>;

export async function doctor(deps: DoctorDeps): Promise<DoctorReport> {
  const timeoutMs = deps.timeoutMs ?? DOCTOR_CHECK_TIMEOUT_MS;
  const checkedAt = deps.clock.now();
  // The database survey feeds two items; it is asked once.
  const survey = guard(() => inspectDatabase(deps), timeoutMs * 2);
  const { configProblems } = deps;
  const items = await Promise.all([
    ...(configProblems ? [item('config', DOCTOR_TITLES.config, () => checkConfig(configProblems), timeoutMs)] : []),
    item('masterKey', DOCTOR_TITLES.masterKey, () => checkMasterKey(deps), timeoutMs),
    ...caChecks(deps, timeoutMs),
    item('templates', DOCTOR_TITLES.templates, () => checkTemplates(deps), timeoutMs),
    item('collections', DOCTOR_TITLES.collections, async () => checkCollections(await survey), timeoutMs * 2),
    item('indexes', DOCTOR_TITLES.indexes, async () => checkIndexes(await survey), timeoutMs * 2),
    item('permissions', DOCTOR_TITLES.permissions, async () => checkPermissions(await survey), timeoutMs * 2),
    item('schedulerTick', DOCTOR_TITLES.schedulerTick, () => checkTick(deps), timeoutMs),
    item('acmehttp', DOCTOR_TITLES.acmehttp, () => checkAcmeHttp(deps, timeoutMs), timeoutMs + 2_000),
  ]);
  deps.logger.info('doctor.done', { passed: items.filter((i) => i.ok === true).length, failed: items.filter((i) => i.ok === false).map((i) => i.id), unknown: items.filter((i) => i.ok === null).map((i) => i.id) });
  return { checkedAt, items };
}

/** One item: its check, bounded in time, a throw turned into a failed item. */
async function item(id: string, title: string, check: () => Promise<Check> | Check, limitMs: number): Promise<DoctorItem> {
  try {
    return { id, title, ...(await guard(async () => check(), limitMs)) };
  } catch (error) {
    return { id, title, ok: false, detail: DOCTOR_TEXT.checkFailed(describe(error)), fix: '' };
  }
}

/** `run()`, or a rejection when it takes longer than `limitMs`. */
function guard<T>(run: () => Promise<T>, limitMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(DOCTOR_TEXT.timedOut(Math.round(limitMs / 1000)))), limitMs);
    run().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function checkConfig(problems: () => readonly string[]): Check {
  const lines = problems();
  return lines.length === 0 ? passed(DOCTOR_TEXT.configOk) : failed(DOCTOR_TEXT.configProblems(lines), DOCTOR_TEXT.configFix);
}

function checkMasterKey(deps: DoctorDeps): Check {
  let cipher: Cipher;
  try {
    cipher = deps.cipher();
  } catch (error) {
    return failed(DOCTOR_TEXT.masterKeyMissing(describe(error)), DOCTOR_TEXT.masterKeyFix);
  }
  const sample = `doctor ${deps.clock.now()} 证书管家`;
  const context = 'system/doctor';
  if (cipher.decrypt(cipher.encrypt(sample, context), context) !== sample) return failed(DOCTOR_TEXT.masterKeyMismatch, DOCTOR_TEXT.masterKeyFix);
  return passed(DOCTOR_TEXT.masterKeyOk(deps.masterKeyCount?.() ?? 1));
}

function caChecks(deps: DoctorDeps, timeoutMs: number): Promise<DoctorItem>[] {
  let cas: CaRegistry;
  try {
    cas = deps.cas();
  } catch (error) {
    return [item('ca', DOCTOR_TITLES.ca('全部'), () => failed(DOCTOR_TEXT.caUnreachable(describe(error)), DOCTOR_TEXT.caFix), timeoutMs)];
  }
  const ids = deps.caIds ?? (Object.keys(CA_CATALOG) as CaId[]).filter((id) => id !== 'custom');
  const offered = ids.flatMap((id) => {
    const directoryUrl = cas.directoryUrl(id, null);
    return directoryUrl === null ? [] : [{ id, directoryUrl }];
  });
  if (offered.length === 0) return [item('ca', DOCTOR_TITLES.ca('无'), () => ({ ok: null, detail: DOCTOR_TEXT.caNone, fix: '' }), timeoutMs)];
  return offered.map(({ id, directoryUrl }) =>
    item(`ca:${id}`, DOCTOR_TITLES.ca(CA_CATALOG[id].displayName), async () => {
      const endpoint = cas.endpoint(directoryUrl);
      try {
        const info = await deps.acme.directory({ ...endpoint, timeoutMs: Math.min(endpoint.timeoutMs, timeoutMs) });
        return passed(DOCTOR_TEXT.caOk([...(info.externalAccountRequired ? [DOCTOR_TEXT.caNeedsEab] : []), ...(info.renewalInfo ? [DOCTOR_TEXT.caHasAri] : [])]));
      } catch (error) {
        const reason = error instanceof AcmeError ? describeCaFailure(error.kind, error.details.status ?? null) : describe(error);
        return failed(DOCTOR_TEXT.caUnreachable(reason), DOCTOR_TEXT.caFix);
      }
    }, timeoutMs + 1_000),
  );
}

function checkTemplates(deps: DoctorDeps): Check {
  let templates: readonly SubscriptionTemplate[];
  try {
    templates = deps.templates();
  } catch (error) {
    return failed(describe(error), DOCTOR_TEXT.templatesFix);
  }
  if (templates.length === 0) return failed(DOCTOR_TEXT.templatesNone, DOCTOR_TEXT.templatesFix);
  const titles = templates.map((t) => `${t.title}（${TEMPLATE_KEY_TEXT[t.key]}）`);
  const missing = TEMPLATE_KEYS.filter((key) => !templates.some((t) => t.key === key)).map((key) => TEMPLATE_KEY_TEXT[key]);
  if (missing.length > 0) return { ok: true, detail: DOCTOR_TEXT.templatesPartly(titles, missing), fix: DOCTOR_TEXT.templatesFix };
  return passed(DOCTOR_TEXT.templatesOk(titles));
}

function checkCollections(survey: DatabaseReport): Check {
  const missing = survey.collections.filter((c) => c.status === 'missing' || c.status === 'failed').map((c) => c.name);
  if (missing.length > 0) return failed(DOCTOR_TEXT.collectionsMissing(missing), DOCTOR_TEXT.collectionsFix);
  const unknown = survey.collections.filter((c) => c.status === 'unknown');
  if (unknown.length > 0) return { ok: null, detail: DOCTOR_TEXT.collectionsUnknown(unknown.map((c) => c.name), unknown[0]?.problem ?? ''), fix: DOCTOR_TEXT.collectionsFix };
  return passed(DOCTOR_TEXT.collectionsOk(survey.collections.length));
}

function checkIndexes(survey: DatabaseReport): Check {
  const all = survey.collections.flatMap((c) => c.indexes);
  const line = (r: (typeof all)[number]) => DOCTOR_TEXT.indexLine(r.collection, r.index.name, indexFields(r.index));
  const missing = all.filter((r) => r.presence === 'missing');
  if (missing.length > 0) return failed(DOCTOR_TEXT.indexesMissing(missing.map(line)), DOCTOR_TEXT.indexesFix);
  const unknown = all.filter((r) => r.presence === 'unknown');
  if (unknown.length > 0) return { ok: null, detail: DOCTOR_TEXT.indexesUnknown(unknown.map(line)), fix: DOCTOR_TEXT.indexesFix };
  return passed(DOCTOR_TEXT.indexesOk(all.length));
}

/** "ownerId 升序, _id 降序": the fields as the CloudBase console asks for them. */
export function indexFields(index: IndexDeclaration): string {
  return index.keys.map((key) => `${key.field} ${key.order === 'asc' ? DOCTOR_TEXT.ascending : DOCTOR_TEXT.descending}`).join(', ');
}

function checkPermissions(survey: DatabaseReport): Check {
  if (survey.clientAccess === 'none') return passed(DOCTOR_TEXT.permissionsNone);
  return { ok: null, detail: DOCTOR_TEXT.permissionsUnknown, fix: DOCTOR_TEXT.permissionsFix(JSON.stringify(SECURITY_RULE)) };
}

async function checkTick(deps: DoctorDeps): Promise<Check> {
  let last: number | null;
  try {
    last = await lastSchedulerTick(deps.store());
  } catch (error) {
    return failed(DOCTOR_TEXT.tickUnreadable(describe(error)), DOCTOR_TEXT.tickFix);
  }
  if (last === null) return failed(DOCTOR_TEXT.tickNever, DOCTOR_TEXT.tickFix);
  const age = deps.clock.now() - last;
  return age <= TICK_STALE_MS ? passed(DOCTOR_TEXT.tickOk(agoText(age))) : failed(DOCTOR_TEXT.tickLate(agoText(age)), DOCTOR_TEXT.tickFix);
}

/**
 * Stores a probe token (as the redirect check does) and fetches it through the configured URL, as
 * a CA would fetch a delegated challenge: the right answer proves the route reaches `acmehttp` and
 * that it reads this environment's database. When no token can be stored, a request for a token
 * that does not exist still shows whether anything answers there.
 */
async function checkAcmeHttp(deps: DoctorDeps, timeoutMs: number): Promise<Check> {
  let base: string | null;
  try {
    base = deps.acmeHttpBaseUrl();
  } catch (error) {
    return failed(describe(error), DOCTOR_TEXT.acmehttpOffFix);
  }
  if (base === null) return { ok: null, detail: DOCTOR_TEXT.acmehttpOff, fix: DOCTOR_TEXT.acmehttpOffFix };
  let store: Store | null = null;
  let probe: ProbeToken | null = null;
  try {
    store = deps.store();
    probe = await createProbeToken({ store }, DOCTOR_PROBE_OWNER, deps.clock.now());
  } catch (error) {
    deps.logger.warn('doctor.probe_token_failed', { error: describe(error) });
  }
  try {
    const url = delegatedChallengeUrl(delegationUrlFor(base, DOCTOR_PROBE_OWNER), probe?.token ?? 'doctor-probe');
    let answer: { status: number; body: string };
    try {
      answer = await deps.httpGet(url, { timeoutMs });
    } catch (error) {
      return failed(DOCTOR_TEXT.acmehttpUnreachable(describe(error)), DOCTOR_TEXT.acmehttpUnreachableFix);
    }
    if (probe === null) return { ok: null, detail: DOCTOR_TEXT.acmehttpReachedUnverified(answer.status), fix: DOCTOR_TEXT.acmehttpReachedUnverifiedFix };
    if (answer.status === 200 && answer.body.trim() === probe.value) return passed(DOCTOR_TEXT.acmehttpOk);
    if (answer.status === 503) return failed(DOCTOR_TEXT.acmehttpStoreFailed, DOCTOR_TEXT.acmehttpStoreFailedFix);
    return failed(DOCTOR_TEXT.acmehttpWrongAnswer(answer.status), DOCTOR_TEXT.acmehttpWrongAnswerFix);
  } finally {
    if (store && probe) await removeHttpTokens({ store }, [probe.token]).catch(() => 0);
  }
}

function passed(detail: string): Check {
  return { ok: true, detail, fix: '' };
}

function failed(detail: string, fix: string): Check {
  return { ok: false, detail, fix };
}

/** Name-free message: configuration and SDK errors name the setting or call, never a secret value. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
