/**
 * Stylesheets for the pictures: WeChat's defaults for the `wx-*` built-ins, the stand-in
 * navigation bar, font aliases (PingFang → Noto Sans CJK SC) and TDesign icons drawn as CSS masks.
 * Nothing may reach the network: remote `@font-face` rules and `url(http…)` values are removed.
 */

/** Removes every `@font-face` that loads a remote file (TDesign's icon font) and every other remote `url()`. */
export function stripRemote(css: string): string {
  return css
    .replace(/@font-face\s*\{[^}]*url\(\s*['"]?(?:https?:)?\/\/[^}]*\}/gi, '')
    .replace(/url\(\s*['"]?(?:https?:)?\/\/[^)]*\)/gi, 'none');
}

/** A stylesheet from simulate, made safe to open offline. */
export function pageStyles(css: string): string {
  return stripRemote(css);
}

const FONT_ALIASES = ['PingFang SC', 'PingFangSC-Regular', 'PingFangSC', 'Helvetica Neue', 'Microsoft YaHei', 'Arial Regular'];

function fontAliases(): string {
  return FONT_ALIASES.flatMap((family) => [
    `@font-face{font-family:'${family}';font-weight:100 500;src:local('Noto Sans CJK SC'),local('NotoSansCJKsc-Regular');}`,
    `@font-face{font-family:'${family}';font-weight:600 900;src:local('Noto Sans CJK SC Bold'),local('NotoSansCJKsc-Bold');}`,
  ]).join('\n');
}

/**
 * Hand-drawn 24×24 outlines of the TDesign icons these pages use (tdesign-icons-svg is not a
 * dependency). White is drawn, black is cut out; an icon not listed here is left blank.
 */
const ICON_SHAPES: Record<string, string> = {
  'chevron-right': '<path d="M9 5.5l6.5 6.5L9 18.5" fill="none" stroke="#fff" stroke-width="2"/>',
  'chevron-left': '<path d="M15 5.5L8.5 12l6.5 6.5" fill="none" stroke="#fff" stroke-width="2"/>',
  'chevron-down': '<path d="M5.5 9l6.5 6.5L18.5 9" fill="none" stroke="#fff" stroke-width="2"/>',
  'chevron-up': '<path d="M5.5 15L12 8.5l6.5 6.5" fill="none" stroke="#fff" stroke-width="2"/>',
  server: '<rect x="4" y="3.5" width="16" height="7" rx="1.5" fill="none" stroke="#fff" stroke-width="2"/><rect x="4" y="13.5" width="16" height="7" rx="1.5" fill="none" stroke="#fff" stroke-width="2"/><circle cx="8" cy="7" r="1.2" fill="#fff"/><circle cx="8" cy="17" r="1.2" fill="#fff"/>',
  check: '<path d="M4.5 12.5l5 5L19.5 7" fill="none" stroke="#fff" stroke-width="2"/>',
  close: '<path d="M6 6l12 12M18 6L6 18" stroke="#fff" stroke-width="2"/>',
  add: '<path d="M12 5v14M5 12h14" stroke="#fff" stroke-width="2"/>',
  'check-circle': '<circle cx="12" cy="12" r="9" fill="none" stroke="#fff" stroke-width="2"/><path d="M7.5 12.5l3 3 6-6.5" fill="none" stroke="#fff" stroke-width="2"/>',
  'check-circle-filled': '<circle cx="12" cy="12" r="10" fill="#fff"/><path d="M7.5 12.5l3 3 6-6.5" fill="none" stroke="#000" stroke-width="2"/>',
  'error-circle': '<circle cx="12" cy="12" r="9" fill="none" stroke="#fff" stroke-width="2"/><path d="M12 7v6.5" stroke="#fff" stroke-width="2"/><circle cx="12" cy="16.5" r="1.2" fill="#fff"/>',
  'error-circle-filled': '<circle cx="12" cy="12" r="10" fill="#fff"/><path d="M12 7v6.5" stroke="#000" stroke-width="2"/><circle cx="12" cy="16.5" r="1.2" fill="#000"/>',
  'info-circle': '<circle cx="12" cy="12" r="9" fill="none" stroke="#fff" stroke-width="2"/><path d="M12 10.5V17" stroke="#fff" stroke-width="2"/><circle cx="12" cy="7.5" r="1.2" fill="#fff"/>',
  'info-circle-filled': '<circle cx="12" cy="12" r="10" fill="#fff"/><path d="M12 10.5V17" stroke="#000" stroke-width="2"/><circle cx="12" cy="7.5" r="1.2" fill="#000"/>',
  'close-circle': '<circle cx="12" cy="12" r="9" fill="none" stroke="#fff" stroke-width="2"/><path d="M9 9l6 6M15 9l-6 6" stroke="#fff" stroke-width="2"/>',
  'close-circle-filled': '<circle cx="12" cy="12" r="10" fill="#fff"/><path d="M9 9l6 6M15 9l-6 6" stroke="#000" stroke-width="2"/>',
  time: '<circle cx="12" cy="12" r="9" fill="none" stroke="#fff" stroke-width="2"/><path d="M12 7v5.5l3.5 2" fill="none" stroke="#fff" stroke-width="2"/>',
  secured: '<path d="M12 3l7.5 3v5.5c0 4.5-3.2 8-7.5 9.5-4.3-1.5-7.5-5-7.5-9.5V6z" fill="none" stroke="#fff" stroke-width="2"/><path d="M8.5 12l2.5 2.5 4.5-5" fill="none" stroke="#fff" stroke-width="2"/>',
  copy: '<rect x="8" y="8" width="12" height="12" rx="1.5" fill="none" stroke="#fff" stroke-width="2"/><path d="M16 5V4.5A1.5 1.5 0 0 0 14.5 3h-10A1.5 1.5 0 0 0 3 4.5v10A1.5 1.5 0 0 0 4.5 16H5" fill="none" stroke="#fff" stroke-width="2"/>',
};

function iconMask(shape: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><mask id="m" maskUnits="userSpaceOnUse" x="0" y="0" width="24" height="24" style="mask-type:luminance"><rect width="24" height="24" fill="#000"/>${shape}</mask><rect width="24" height="24" fill="#000" mask="url(#m)"/></svg>`;
  return `url("data:image/svg+xml;utf8,${encodeURIComponent(svg)}")`;
}

function iconStyles(): string {
  // simulate prefixes the icon component's classes with its tag: `.t-icon-check` → `.t-icon--t-icon-check`.
  const blank = `[class*="t-icon--t-icon-"]::before{content:''!important;display:inline-block;width:1em;height:1em;vertical-align:top;}`;
  const drawn = Object.entries(ICON_SHAPES).map(([name, shape]) => {
    const mask = iconMask(shape);
    return `.t-icon--t-icon-${name}::before{background-color:currentColor;-webkit-mask:${mask} center/contain no-repeat;mask:${mask} center/contain no-repeat;}`;
  });
  return [blank, ...drawn].join('\n');
}

/** WeChat's defaults for the built-ins, in `:where()` so page and TDesign classes win. */
const BUILT_INS = `
html,body{margin:0;padding:0;}
body{width:375px;background:#f3f3f3;font-family:'PingFang SC',sans-serif;-webkit-font-smoothing:antialiased;}
page{display:block;min-height:calc(100vh - 88px);}
[hidden]{display:none!important;}
:where(wx-view,wx-scroll-view,wx-swiper,wx-form,wx-rich-text,main){display:block;}
:where(wx-text,wx-label){display:inline;white-space:pre-wrap;}
:where(wx-button){position:relative;display:block;margin-left:auto;margin-right:auto;padding-left:14px;padding-right:14px;box-sizing:border-box;font-size:18px;text-align:center;text-decoration:none;line-height:2.55555556;border-radius:5px;overflow:hidden;color:#000;background-color:#f8f8f8;}
:where(wx-button)::after{content:" ";width:200%;height:200%;position:absolute;top:0;left:0;border:1px solid rgba(0,0,0,.2);transform:scale(.5);transform-origin:0 0;box-sizing:border-box;border-radius:10px;}
:where(input,textarea){display:block;box-sizing:border-box;width:100%;margin:0;padding:0;border:0;outline:0;background:transparent;font:inherit;color:inherit;text-align:inherit;}
:where(input){height:1.4rem;line-height:1.4rem;min-height:1.4rem;overflow:hidden;}
:where(textarea){width:300px;height:150px;resize:none;}
input::placeholder,textarea::placeholder{color:rgba(0,0,0,.4);}
:where(img){display:inline-block;width:320px;height:240px;object-fit:fill;}
:where(wx-switch,wx-radio,wx-checkbox){display:inline-block;}
.nav{position:relative;background:#fff;color:#000;}
.nav__status{height:44px;display:flex;align-items:center;justify-content:space-between;padding:0 22px 0 28px;font:600 15px 'PingFang SC',sans-serif;}
.nav__battery{width:24px;height:11px;border:1.5px solid #000;border-radius:3px;box-sizing:border-box;position:relative;}
.nav__battery::before{content:'';position:absolute;left:1.5px;top:1.5px;bottom:1.5px;width:70%;background:#000;border-radius:1px;}
.nav__bar{height:44px;display:flex;align-items:center;justify-content:center;position:relative;}
.nav__title{font:600 17px 'PingFang SC',sans-serif;}
.nav__capsule{position:absolute;right:7px;top:6px;width:87px;height:32px;box-sizing:border-box;border:0.5px solid rgba(0,0,0,.15);border-radius:16px;background:rgba(255,255,255,.6);display:flex;align-items:center;justify-content:space-around;padding:0 10px;}
.nav__capsule i{display:inline-block;width:18px;height:6px;background:radial-gradient(circle,#000 2.5px,transparent 3px) 0 0/6px 6px repeat-x;}
.nav__capsule i.ring{width:16px;height:16px;border-radius:50%;border:2px solid #000;box-sizing:border-box;background:radial-gradient(circle,#000 3px,transparent 3.5px);}
.nav__capsule b{width:0.5px;height:18px;background:rgba(0,0,0,.15);}
`;

export function baseStyles(): string {
  return [fontAliases(), BUILT_INS, iconStyles()].join('\n');
}
