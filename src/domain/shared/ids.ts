// Entra object ids and tenant ids are GUIDs. Teams sends them lower-case; people paste them in
// either case, so the check ignores case and callers store the lower-case form.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a GUID such as an Entra object id or tenant id (any case). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}
