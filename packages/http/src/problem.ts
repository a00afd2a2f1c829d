/**
 * RFC 9457 problem details: the body of every error response of ifmatch's HTTP layer, and
 * `HttpProblem`, the error a handler (or a `parse` function) throws to answer with one.
 */

/** An RFC 9457 problem document. */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** Extension members, e.g. `currentEtag` on a 412. */
  readonly [extension: string]: unknown;
}

/** An `application/problem+json` response (RFC 9457 §3), `type` defaulting to `about:blank`. */
export function problemResponse(problem: Problem, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers);
  merged.set('Content-Type', 'application/problem+json');
  return new Response(JSON.stringify({ type: 'about:blank', ...problem }), { status: problem.status, headers: merged });
}

/**
 * The brand every `HttpProblem` carries. `Symbol.for` gives every copy of this package in a
 * process the same symbol, so a problem thrown by one installed copy of `@ifmatch/http` is
 * recognised by another (the framework packages may resolve their own), where `instanceof`
 * would not.
 */
const BRAND: unique symbol = Symbol.for('@ifmatch/http.HttpProblem') as never;

/** Thrown inside a handler (by `parse`, say) to answer with this problem. */
export class HttpProblem extends Error {
  readonly problem: Problem;
  readonly headers: HeadersInit;
  declare readonly [BRAND]: true;

  constructor(problem: Problem, headers: HeadersInit = {}) {
    super(problem.detail);
    this.name = 'HttpProblem';
    this.problem = problem;
    this.headers = headers;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True when `error` is an `HttpProblem` from any copy of `@ifmatch/http` (by brand, never `instanceof`). */
export function isHttpProblem(error: unknown): error is HttpProblem {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [BRAND]?: unknown })[BRAND] === true &&
    typeof (error as { problem?: { status?: unknown } }).problem?.status === 'number'
  );
}

/** Shorthand for the problems the HTTP layer raises itself. */
export function problem(status: number, title: string, detail: string, headers?: HeadersInit): HttpProblem {
  return new HttpProblem({ status, title, detail }, headers);
}
