/**
 * Shortens an identifier for display, keeping both ends: `oAbcDEFghijKLmn1234` → `oAbc…1234`.
 * Identifiers short enough to show whole are returned unchanged.
 */
export function shortenId(id: string, keep = 4): string {
  if (id.length <= keep * 2 + 1) return id;
  return `${id.slice(0, keep)}…${id.slice(-keep)}`;
}

/**
 * Fills `{name}` placeholders: `fillTemplate('剩余 {days} 天', { days: 12 })` → `剩余 12 天`.
 * Pages keep templates (not functions) in their `strings`, so the whole table can sit in `data`.
 * Unknown placeholders are left as they are.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => {
    const value = values[key];
    return value === undefined ? match : String(value);
  });
}
