import type { ConnectorResult, TokenProvider } from './connector-client';

/** The outcome of one Microsoft Graph call: a status, the id asked for, and what Graph said. */
export type GraphResult = ConnectorResult;

/**
 * The three Microsoft Graph calls that install the bot for one person and find its 1:1 chat,
 * made with fetch so that retries and Retry-After stay with the outbox, as for the Bot Connector.
 * The token is the bot's own app-only token for Graph (`TeamsAppInstallation.ReadWriteSelfForUser.All`).
 */
export class GraphClient {
  constructor(
    private readonly getToken: TokenProvider,
    /** e.g. `https://graph.microsoft.com/v1.0`, without a trailing slash. */
    private readonly baseUrl: string,
    /** Short: three calls must fit in the outbox lease with the send after them. */
    private readonly timeoutMs = 4_000,
  ) {}

  /** Installs the catalog app for a person: 201, or 409 when it is installed already. */
  installApp(userAadObjectId: string, catalogAppId: string): Promise<GraphResult> {
    return this.call(
      'POST',
      `users/${encodeURIComponent(userAadObjectId)}/teamwork/installedApps`,
      {
        'teamsApp@odata.bind': `${this.baseUrl}/appCatalogs/teamsApps/${encodeURIComponent(catalogAppId)}`,
      },
    );
  }

  /** The id of the app's installation for a person (`id` of the first match), 200 without an id when none. */
  findInstallation(userAadObjectId: string, catalogAppId: string): Promise<GraphResult> {
    const query = new URLSearchParams({
      $expand: 'teamsApp',
      $filter: `teamsApp/id eq '${catalogAppId.replace(/'/g, "''")}'`,
    });
    return this.call(
      'GET',
      `users/${encodeURIComponent(userAadObjectId)}/teamwork/installedApps?${query.toString()}`,
    );
  }

  /** The 1:1 chat between the person and the bot that an installation made (`id`: the chat id). */
  getInstallationChat(userAadObjectId: string, installationId: string): Promise<GraphResult> {
    return this.call(
      'GET',
      `users/${encodeURIComponent(userAadObjectId)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`,
    );
  }

  private async call(method: string, path: string, body?: unknown): Promise<GraphResult> {
    try {
      const token = await this.getToken();
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers['authorization'] = `Bearer ${token}`;
      const response = await fetch(`${this.baseUrl}/${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return await readAnswer(response);
    } catch (error) {
      // A network failure, a timeout or no token: transient, like status 0 from the connector.
      return {
        status: 0,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
  }
}

async function readAnswer(response: Response): Promise<GraphResult> {
  const text = await response.text();
  let json: {
    id?: unknown;
    value?: { id?: unknown }[];
    error?: { code?: unknown; message?: unknown };
  } = {};
  try {
    json = text ? (JSON.parse(text) as typeof json) : {};
  } catch {
    // Not JSON (a proxy's error page): keep the status only.
  }
  const result: GraphResult = { status: response.status };
  // A list answers with `value` (installations); a single resource with `id` (a chat).
  const id = Array.isArray(json.value) ? json.value[0]?.id : json.id;
  if (typeof id === 'string' && id) result.id = id;
  const retryAfter = Number(response.headers.get('retry-after'));
  if (response.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0)
    result.retryAfterSeconds = retryAfter;
  if (!response.ok)
    result.error =
      [json.error?.code, json.error?.message]
        .filter((part) => typeof part === 'string' && part)
        .join(': ')
        .slice(0, 300) || text.slice(0, 200);
  return result;
}
