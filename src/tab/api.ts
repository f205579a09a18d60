// The tab's calls to its own API (/api/v1), with the Teams SSO token when in Teams.

/** A refusal or failure from the API, with the sentence to show. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** How requests get their Authorization header (none outside Teams, in local mode). */
export type TokenSource = (() => Promise<string>) | undefined;

let tokenSource: TokenSource;

/** Sets where tokens come from; called once at start. */
export function useTokens(source: TokenSource): void {
  tokenSource = source;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (tokenSource) headers.set('authorization', `Bearer ${await tokenSource()}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, credentials: 'omit' });
  } catch {
    throw new ApiProblem(
      0,
      'The dashboard cannot reach the service. Check your connection and try again.',
    );
  }
  if (!res.ok) {
    let detail = `The service answered ${res.status}. Please try again.`;
    try {
      const body = (await res.json()) as { detail?: unknown };
      if (typeof body.detail === 'string') detail = body.detail;
    } catch {
      // not a problem body: keep the generic sentence
    }
    throw new ApiProblem(res.status, detail);
  }
  return res;
}

/** GETs JSON from the API. */
export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

/** POSTs JSON to the API. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
}

/** Downloads a CSV from the API (with the token, so not a plain link) and saves it. */
export async function downloadCsv(path: string, fileName: string): Promise<void> {
  const blob = await (await request(path)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
