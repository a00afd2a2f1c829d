/**
 * What one request of the robustness suite is: the records it may address, the methods the
 * model knows, and the choices a `Command` is made of (preconditions, body, media type, oddities
 * on the wire). `http-requests.ts` generates commands; the model (`http-model.ts` and its
 * `http-model-*.ts` parts) says what each must do.
 */

/** The records requests address; few, so that requests meet the same record often. */
export const KEYS = ['k0', 'k1', 'k2'] as const;

/** The methods the model knows; any other is refused (405, or the server's 400/404 for a method it does not route). */
export const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS'] as const;

/** A tag no record ever has. */
export const STALE_TAG = '"stale-made-up-tag"';

/**
 * Which `If-Match` a request carries, relative to the record's state when it is sent: one of
 * the fixed shapes, `random` text (`ifMatchText`), or `many` random valid tags (`manyTags`).
 */
export type IfMatchChoice =
  | 'none'
  | 'current'
  | 'stale'
  | 'star'
  | 'malformed'
  | 'weak-current'
  | 'list'
  | 'huge'
  | 'random'
  | 'many';
/** Which `If-None-Match` a request carries. */
export type IfNoneMatchChoice = 'none' | 'star' | 'current' | 'malformed';

/** Bodies whose meaning the model knows, plus random text. */
export type BodyKind =
  | 'none'
  | 'item'
  | 'item-extra'
  | 'item-wrong'
  | 'proto'
  | 'broken'
  | 'empty'
  | 'deep'
  | 'duplicate'
  | 'merge'
  | 'merge-proto'
  | 'json-patch'
  | 'json-patch-bad'
  | 'random';

/**
 * Ways the request may be odd on the wire (raw socket only, but for `random-headers`, which the
 * Fetch handler is sent too): fixed oddities, and random `Host` values, request targets and
 * extra header lines.
 */
export type Transport =
  | 'normal'
  | 'absolute-form'
  | 'obs-text'
  | 'duplicate-if-match'
  | 'bad-host'
  | 'no-host'
  | 'duplicate-host'
  | 'weird-target'
  | 'random-host'
  | 'random-target'
  | 'random-headers';

/** `many`: random valid tags, and where the current tag goes among them (`absent`: nowhere). */
export interface ManyTags {
  readonly tags: readonly string[];
  readonly current: 'absent' | 'strong' | 'weak';
  /** Index in `tags` before which the current tag goes. */
  readonly at: number;
}

/** One generated request. */
export interface Command {
  readonly method: string;
  readonly target: (typeof KEYS)[number] | 'collection';
  readonly ifMatch: IfMatchChoice;
  readonly ifNoneMatch: IfNoneMatchChoice;
  /** `undefined`: no Content-Type; a string from `CONTENT_TYPES` or random. */
  readonly contentType: string | undefined;
  readonly bodyKind: BodyKind;
  readonly body: string | undefined;
  /** For `json-patch`: the name the `test` operation expects. */
  readonly testName?: string | undefined;
  readonly transport: Transport;
  /** Which odd request target, for `weird-target`. */
  readonly variant: number;
  /** For `ifMatch: 'random'`: the field value, any text (control characters, non-Latin-1, long). */
  readonly ifMatchText?: string | undefined;
  /** For `ifMatch: 'many'`. */
  readonly manyTags?: ManyTags | undefined;
  /** For `random-host`: the `Host` field value. */
  readonly host?: string | undefined;
  /** For `random-target`: the request target, `before` + the request's path (when `path`) + `after`. */
  readonly requestTarget?: { readonly before: string; readonly path: boolean; readonly after: string } | undefined;
  /** For `random-headers`: extra header lines, `X-` names (no meaning to ifmatch) with any value. */
  readonly extraHeaders?: readonly (readonly [string, string])[] | undefined;
}
