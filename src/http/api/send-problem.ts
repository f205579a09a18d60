import type { Response } from 'restify';

/** An RFC 9457 problem: what went wrong, for a person, and a stable code for the program. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  code: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Changed by someone else',
  413: 'Request too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Service unavailable',
};

/** Writes a problem as application/problem+json, never cached. */
export function sendProblem(
  res: Response,
  problem: Omit<Problem, 'title'> & { title?: string },
  headers: Record<string, string> = {},
): void {
  const body: Problem = {
    status: problem.status,
    title: problem.title ?? TITLES[problem.status] ?? 'Error',
    detail: problem.detail,
    code: problem.code,
  };
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(JSON.stringify({ type: 'about:blank', ...body }));
}

/** Writes a JSON answer, never cached (it holds names and notes). */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(JSON.stringify(body));
}
