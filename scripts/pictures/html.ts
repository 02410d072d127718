/**
 * Turns the simulate DOM of a page (a tree of `wx-*` elements with TDesign's prefixed classes)
 * into a standalone HTML document Chromium can screenshot.
 */
import { baseStyles, pageStyles } from './styles';

/** What exparser keeps on a built-in's DOM node: its WXML attributes, unbound. */
interface WxElementHost {
  __wxElement?: { _vt?: { attrs?: { name: string; value: unknown }[] } };
}

const VOID_ELEMENTS = new Set(['input', 'img']);

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/** A built-in's WXML attribute (`value`, `placeholder`, `src`), which simulate does not put on the DOM. */
function wxmlAttribute(element: Element, name: string): string | undefined {
  const attrs = (element as Element & WxElementHost).__wxElement?._vt?.attrs ?? [];
  const value = attrs.find((attr) => attr.name === name)?.value;
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** Tag and extra attributes for a `wx-*` built-in that has a real HTML counterpart. */
function htmlCounterpart(element: Element): { tag: string; extra: Record<string, string> } {
  const tag = element.tagName.toLowerCase();
  const pick = (...names: string[]): Record<string, string> => {
    const extra: Record<string, string> = {};
    for (const name of names) {
      const value = wxmlAttribute(element, name);
      if (value !== undefined && value !== '') extra[name] = value;
    }
    return extra;
  };
  switch (tag) {
    case 'wx-input': {
      const extra = pick('value', 'placeholder');
      // A password field shows dots, as on the phone.
      const password = wxmlAttribute(element, 'password') === 'true' || wxmlAttribute(element, 'type') === 'password';
      if (password) extra.type = 'password';
      return { tag: 'input', extra };
    }
    case 'wx-textarea':
      return { tag: 'textarea', extra: pick('placeholder') };
    case 'wx-image':
      return { tag: 'img', extra: pick('src') };
    default:
      return { tag, extra: {} };
  }
}

/** Serialises `root` and its subtree; `style` attributes get rpx converted like the stylesheets. */
export function serialize(root: Node): string {
  if (root.nodeType === root.TEXT_NODE) return escapeText(root.textContent ?? '');
  if (root.nodeType !== root.ELEMENT_NODE) return '';
  const element = root as Element;
  const { tag, extra } = htmlCounterpart(element);
  const attributes: string[] = [];
  for (const attribute of Array.from(element.attributes)) {
    if (attribute.name.startsWith('data-') || attribute.name in extra) continue;
    const value = attribute.name === 'style' ? rpxToPx(attribute.value) : attribute.value;
    if (value.trim() === '') continue;
    attributes.push(`${attribute.name}="${escapeAttribute(value)}"`);
  }
  for (const [name, value] of Object.entries(extra)) attributes.push(`${name}="${escapeAttribute(value)}"`);
  const open = `<${tag}${attributes.length > 0 ? ' ' : ''}${attributes.join(' ')}>`;
  if (VOID_ELEMENTS.has(tag)) return open;
  const textareaValue = tag === 'textarea' ? escapeText(wxmlAttribute(element, 'value') ?? '') : '';
  const children = Array.from(element.childNodes).map(serialize).join('');
  return `${open}${textareaValue}${children}</${tag}>`;
}

/** 750 rpx fill the 375 px screen: 0.5 px per rpx. */
export function rpxToPx(css: string): string {
  return css.replace(/(-?\d*\.?\d+)rpx/gi, (_all, amount: string) => `${Number(amount) / 2}px`);
}

export interface PictureDocument {
  /** Navigation bar title, from the page's `.json`. */
  title: string;
  /** The page's `main` element (`page.dom`). */
  body: Element;
  /** The page's own compiled WXSS (its `<style>` from simulate, rpx already at 0.5 px). */
  pageCss: string;
  /** `app.wxss`, compiled the same way. */
  appCss: string;
}

/**
 * A full document: base styles, TDesign + page styles, a stand-in status and navigation bar, the
 * page inside a `<page>` element. A script records the content height for the screenshot.
 */
export function pictureDocument({ title, body, pageCss, appCss }: PictureDocument): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=375">
<style>${baseStyles()}</style>
<style>${pageStyles(appCss)}</style>
<style>${pageStyles(pageCss)}</style>
</head><body>
<div class="nav"><div class="nav__status"><span>9:41</span><span class="nav__battery"></span></div>
<div class="nav__bar"><span class="nav__title">${escapeText(title)}</span><span class="nav__capsule"><i></i><b></b><i class="ring"></i></span></div></div>
<page>${serialize(body)}</page>
<script>addEventListener('load', () => document.documentElement.setAttribute('data-height', String(Math.ceil(document.documentElement.scrollHeight))));</script>
</body></html>
`;
}
