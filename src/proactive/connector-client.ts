import type { DeliveryAddress } from '../domain/channels/conversations';

/** Gets a bearer token for the Bot Connector (none in local mode). */
export type TokenProvider = () => Promise<string | undefined>;

/** The outcome of one call to the Bot Connector: a status, and what Teams said. */
export interface ConnectorResult {
  status: number;
  /** Activity or conversation id from a successful call. */
  id?: string;
  /** Seconds from a 429's Retry-After header. */
  retryAfterSeconds?: number;
  /** Teams' error code or message, for the record. */
  error?: string;
}

/**
 * The four Bot Connector REST calls proactive messaging needs, made with fetch so that retries,
 * Retry-After and timeouts are ours alone (botbuilder's client retries 429s and 5xx by itself,
 * which would multiply with our retries and hide throttling from the rate limiter).
 */
export class ConnectorClient {
  constructor(
    private readonly getToken: TokenProvider,
    /** Shorter than the sender's lease, so a call can never outlive the claim it is made under. */
    private readonly timeoutMs = 10_000,
  ) {}

  /** Posts a new message to a conversation (a channel post, or a message in a chat). */
  sendToConversation(
    address: DeliveryAddress,
    activity: Record<string, unknown>,
  ): Promise<ConnectorResult> {
    return this.call(
      'POST',
      address.serviceUrl,
      `v3/conversations/${encodeURIComponent(address.conversationId)}/activities`,
      {
        type: 'message',
        ...activity,
        from: { id: address.botId },
        conversation: { id: address.conversationId },
      },
    );
  }

  /** Replaces a posted message (a card's new state). */
  updateActivity(
    address: DeliveryAddress,
    activityId: string,
    activity: Record<string, unknown>,
  ): Promise<ConnectorResult> {
    return this.call(
      'PUT',
      address.serviceUrl,
      `v3/conversations/${encodeURIComponent(address.conversationId)}/activities/${encodeURIComponent(activityId)}`,
      {
        type: 'message',
        ...activity,
        id: activityId,
        from: { id: address.botId },
        conversation: { id: address.conversationId },
      },
    );
  }

  /** Deletes a posted message. */
  deleteActivity(address: DeliveryAddress, activityId: string): Promise<ConnectorResult> {
    return this.call(
      'DELETE',
      address.serviceUrl,
      `v3/conversations/${encodeURIComponent(address.conversationId)}/activities/${encodeURIComponent(activityId)}`,
    );
  }

  /** Creates (or finds) the 1:1 chat between the bot and a Teams user. */
  createPersonalConversation(
    serviceUrl: string,
    botId: string,
    userId: string,
    tenantId: string,
  ): Promise<ConnectorResult> {
    return this.call('POST', serviceUrl, 'v3/conversations', {
      bot: { id: botId },
      members: [{ id: userId }],
      isGroup: false,
      tenantId,
      channelData: { tenant: { id: tenantId } },
    });
  }

  private async call(
    method: string,
    serviceUrl: string,
    path: string,
    body?: unknown,
  ): Promise<ConnectorResult> {
    const token = await this.getToken();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const url = new URL(path, serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`);
    const response = await fetch(url, {
      method,
      headers,
      signal: AbortSignal.timeout(this.timeoutMs),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: { id?: unknown; error?: { code?: unknown; message?: unknown }; message?: unknown } =
      {};
    try {
      json = text ? (JSON.parse(text) as typeof json) : {};
    } catch {
      // Not JSON (a proxy's error page): keep the status only.
    }
    const result: ConnectorResult = { status: response.status };
    if (typeof json.id === 'string') result.id = json.id;
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0)
      result.retryAfterSeconds = retryAfter;
    if (!response.ok)
      result.error = String(
        json.error?.code ?? json.error?.message ?? json.message ?? text.slice(0, 200),
      );
    return result;
  }
}
