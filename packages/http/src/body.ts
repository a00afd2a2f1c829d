/**
 * Reading a request's content: from the request's own stream, bounded by `maxBodyBytes`, or
 * from what a framework's body parser already read, when that is provably the body itself.
 * Integrations decide what they can prove and say it with a `ReadBody`; this module never
 * guesses.
 */
import { checkJsonValue, parseJson } from './json.js';
import { problem } from './problem.js';

/**
 * A body a framework already read, handed to the resource instead of the request's stream.
 * - `bytes` / `text`: exactly the content (`express.raw()`, `express.text()`, Hono's cache);
 * - `json`: the content parsed as JSON by the framework (`express.json()`);
 * - `refused`: the framework's own body parser refused the content (malformed JSON, too
 *   large): answered with `status` and `detail`, but only after the preconditions (RFC 9110
 *   §13.2.1), like any refusal of the resource's own;
 * - `consumed`: something else read the stream and left nothing trustworthy: a write that
 *   needs the body fails as a server error naming `by`, rather than guessing.
 */
export type ReadBody =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'refused'; readonly status: number; readonly detail: string }
  | { readonly kind: 'consumed'; readonly by: string };

/** Bounds on request content. */
export interface BodyLimits {
  /** Largest body, in bytes: larger is 413 (RFC 9110 §15.5.14). */
  readonly maxBodyBytes: number;
  /** Deepest JSON nesting: deeper is 422. */
  readonly maxDepth: number;
}

/** Thrown when the content was consumed by someone ifmatch cannot trust: a server misconfiguration. */
export class BodyUnavailableError extends Error {
  constructor(by: string) {
    super(
      `the request body was already read by ${by}, and what it left is not provably the body: ` +
        'mount ifmatch before that middleware, or use a body parser ifmatch understands',
    );
    this.name = 'BodyUnavailableError';
  }
}

/** Reads the content as JSON; throws an `HttpProblem` (400, 413, 415, 422) for content the client got wrong. */
export async function readJsonContent(request: Request, limits: BodyLimits, body?: ReadBody): Promise<unknown> {
  if (body === undefined) return parseJson(decode(await readStream(request, limits)), limits.maxDepth);
  switch (body.kind) {
    case 'json':
      return checkJsonValue(body.value, limits.maxDepth);
    case 'text': {
      // At most 3 UTF-8 bytes per UTF-16 unit: only a long text needs encoding to be measured.
      if (body.text.length * 3 > limits.maxBodyBytes) checkSize(new TextEncoder().encode(body.text).byteLength, limits);
      return parseJson(body.text, limits.maxDepth);
    }
    case 'bytes':
      checkSize(body.bytes.byteLength, limits);
      return parseJson(decode(body.bytes), limits.maxDepth);
    case 'refused':
      throw problem(body.status, REFUSAL_TITLES[body.status] ?? 'Bad Request', body.detail);
    case 'consumed':
      throw new BodyUnavailableError(body.by);
  }
}

const REFUSAL_TITLES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
};

function checkSize(size: number, limits: BodyLimits): void {
  if (size > limits.maxBodyBytes) throw tooLarge(limits);
}

function tooLarge(limits: BodyLimits) {
  return problem(413, 'Content Too Large', `the body exceeds ${limits.maxBodyBytes} bytes`);
}

/** UTF-8 only (RFC 8259 §8.1); a byte order mark is dropped, as §8.1 allows; invalid UTF-8 is 400. */
function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw problem(400, 'Bad Request', 'the body is not valid UTF-8');
  }
}

/**
 * Reads the request's stream, stopping as soon as it passes the limit (nothing huge is
 * buffered). A content coding is refused rather than stored compressed (RFC 9110 §15.5.16:
 * 415, with the codings accepted in `Accept-Encoding`).
 */
async function readStream(request: Request, limits: BodyLimits): Promise<Uint8Array> {
  const coding = request.headers.get('content-encoding');
  if (coding !== null && coding.trim().toLowerCase() !== 'identity' && coding.trim() !== '') {
    throw problem(415, 'Unsupported Media Type', `content coding ${coding} is not accepted`, {
      'Accept-Encoding': 'identity',
    });
  }
  if (Number(request.headers.get('content-length')) > limits.maxBodyBytes) throw tooLarge(limits);
  if (request.body === null) return new Uint8Array(0);
  if (request.bodyUsed) throw new BodyUnavailableError('another reader of the request stream');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away or broke the framing mid-body: its request, not our failure.
      throw problem(400, 'Bad Request', 'the body could not be read to its end');
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limits.maxBodyBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limits);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
