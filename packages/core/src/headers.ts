/**
 * Where request headers come from: a Fetch `Headers` object, or a plain object such as
 * Node's `IncomingHttpHeaders` (lower-case names, repeated fields as arrays).
 */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Reads one field, joining repeated lines with ", " as RFC 9110 §5.3 allows for list
 * fields. Returns `undefined` when the field is absent. `name` must be lower case, as the
 * keys of a plain object source are (Node's `IncomingHttpHeaders` are).
 */
export function readHeader(source: HeaderSource, name: string): string | undefined {
  if (typeof source.get === 'function') {
    return (source as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const value = (source as Readonly<Record<string, string | readonly string[] | undefined>>)[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}
