/** RFC 9457 problem details, the body of every error ifmatch's HTTP layer answers. */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** Extension members, e.g. `currentEtag` on a 412. */
  readonly [extension: string]: unknown;
}

/** An `application/problem+json` response. */
export function problemResponse(problem: Problem, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers);
  merged.set('Content-Type', 'application/problem+json');
  return new Response(JSON.stringify({ type: 'about:blank', ...problem }), { status: problem.status, headers: merged });
}

/** Thrown inside a handler (by `parse`, say) to answer with this problem. */
export class HttpProblem extends Error {
  readonly problem: Problem;
  readonly headers: HeadersInit;

  constructor(problem: Problem, headers: HeadersInit = {}) {
    super(problem.detail);
    this.name = 'HttpProblem';
    this.problem = problem;
    this.headers = headers;
  }
}
