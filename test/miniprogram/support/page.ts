/**
 * Loads a real page (its WXML compiled by the official `wcc`, its TS run through jest's transform)
 * with the real TDesign components from `miniprogram/miniprogram_npm`, which `npm run build:npm`
 * builds. Two shims make that work under jest:
 *
 * 1. simulate resolves only relative and absolute component paths and silently skips the rest, so
 *    npm-style `usingComponents` entries are mapped to `/miniprogram_npm/...` with `rootPath` set to
 *    the Mini Program root.
 * 2. simulate re-runs a component's JS by deleting it from `require.cache`, which jest's module
 *    registry ignores: a TDesign component already required in this file would never call
 *    `Component()` again and vanish from the next page. Its `runJs` is replaced with one that
 *    requires inside `jest.isolateModules`.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as simulate from 'miniprogram-simulate';

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../../miniprogram');

interface SimulateUtils {
  runJs: (filePath: string) => void;
}

// `require`, not `import`: the shim must replace the property on the very module object simulate
// uses (an import would get a copy), and the page must be required synchronously inside
// `isolateModules`, through jest's `require` so it goes through the transform.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const simulateUtils = require('miniprogram-simulate/src/utils') as SimulateUtils;
simulateUtils.runJs = (filePath: string) => {
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    require(filePath);
  });
};

/**
 * A rendered node as tests use it. j-component ships its own types, but they were written for
 * miniprogram-api-typings 3 (`Component.Instance` with three type arguments), so against version 5
 * `instance` and `data` resolve to an error type; these interfaces state what is really there.
 */
export interface RenderedNode {
  /** The node's DOM element; `undefined` for a TDesign tag, which is a virtual host. */
  readonly dom: HTMLElement | undefined;
  /** The component's data, properties included. */
  readonly data: Readonly<Record<string, unknown>>;
  /** First match among the nodes this one renders (its own shadow tree, not deeper). */
  querySelector(selector: string): RenderedNode | undefined;
  querySelectorAll(selector: string): RenderedNode[];
  dispatchEvent(eventName: string): void;
}

export interface LoadedPage<TData, TMethods> extends Omit<RenderedNode, 'data'> {
  readonly data: Readonly<TData>;
  /** The page's `this`: its methods, and `setData`. */
  readonly instance: TMethods & { setData(data: Partial<TData>): void };
}

/**
 * Loads, renders and attaches the page at `pagePath` (relative to the Mini Program root, without
 * extension, e.g. `pages/home/index`). `TData`/`TMethods` describe what the test reads and calls.
 */
export function loadPage<TData, TMethods>(pagePath: string): LoadedPage<TData, TMethods> {
  const componentPath = path.join(MINIPROGRAM_ROOT, pagePath);
  const usingComponents = npmComponentPaths(readUsingComponents(componentPath));
  const id = simulate.load(componentPath, { rootPath: MINIPROGRAM_ROOT, usingComponents });
  const root = simulate.render<PageData, PageProperties, PageMethods>(id);
  root.attach(document.createElement('parent-wrapper'));
  return root as LoadedPage<TData, TMethods>;
}

type PageData = WechatMiniprogram.Component.DataOption;
type PageProperties = WechatMiniprogram.Component.PropertyOption;
type PageMethods = WechatMiniprogram.Component.MethodOption;

function readUsingComponents(componentPath: string): Record<string, string> {
  const json: unknown = JSON.parse(fs.readFileSync(`${componentPath}.json`, 'utf8'));
  if (typeof json !== 'object' || json === null || !('usingComponents' in json)) return {};
  const using = json.usingComponents;
  if (typeof using !== 'object' || using === null) return {};
  return Object.fromEntries(Object.entries(using).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * Maps npm-style entries (`tdesign-miniprogram/button/button`) to absolute `/miniprogram_npm/...`
 * paths. Only those: simulate applies this override to every component in the tree, where a
 * relative path would resolve against the wrong folder.
 */
function npmComponentPaths(usingComponents: Record<string, string>): Record<string, string> {
  const mapped: Record<string, string> = {};
  for (const [tag, target] of Object.entries(usingComponents)) {
    if (target.startsWith('.') || target.startsWith('/') || target.startsWith('plugin://')) continue;
    const absolute = `/miniprogram_npm/${target}`;
    if (!fs.existsSync(path.join(MINIPROGRAM_ROOT, `${absolute}.json`))) {
      throw new Error(`<${tag}> needs ${path.join('miniprogram', absolute)}: run \`npm run build:npm\` first`);
    }
    mapped[tag] = absolute;
  }
  return mapped;
}

/** The page's visible text, whitespace collapsed. */
export function textOf(page: { dom: HTMLElement | undefined }): string {
  return (page.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Lets pending promise callbacks (a mocked cloud answer, the page's `setData`) run. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, 0);
  });
}
