/**
 * Shortens an identifier for display, keeping both ends: `oAbcDEFghijKLmn1234` → `oAbc…1234`.
 * Identifiers short enough to show whole are returned unchanged.
 */
export function shortenId(id: string, keep = 4): string {
  if (id.length <= keep * 2 + 1) return id;
  return `${id.slice(0, keep)}…${id.slice(-keep)}`;
}
