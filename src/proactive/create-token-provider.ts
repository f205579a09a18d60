import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { BotIdentity } from '../config/load-config';
import type { TokenProvider } from './connector-client';

// Bot Framework's token audience and login authorities.
const AUDIENCE = 'https://api.botframework.com';
/** Microsoft Graph's audience: app-only tokens for `https://graph.microsoft.com/.default`. */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const MULTI_TENANT_LOGIN = 'https://login.microsoftonline.com/botframework.com';

/** What the provider needs of botbuilder's credential factory (a seam for tests). */
export interface CredentialsFactory {
  createCredentials(
    appId: string,
    audience: string,
    loginEndpoint: string,
    validateAuthority: boolean,
  ): Promise<unknown>;
}

/**
 * Tokens for the Bot Connector (or, with `audience`, another API such as Graph) from botbuilder's
 * credential factory (secret or managed identity); none in local mode.
 */
export function createTokenProvider(
  identity: BotIdentity | undefined,
  factory?: CredentialsFactory,
  audience = AUDIENCE,
): TokenProvider {
  if (!identity) return async () => undefined;
  const source = factory ?? createFactory(identity);
  const login =
    identity.appType === 'MultiTenant'
      ? MULTI_TENANT_LOGIN
      : `https://login.microsoftonline.com/${identity.tenantId}`;
  type Credentials = { getToken?: (force?: boolean) => Promise<string> };
  let credentials: Promise<Credentials> | undefined;
  return async () => {
    const pending = (credentials ??= source.createCredentials(
      identity.appId,
      audience,
      login,
      true,
    ) as Promise<Credentials>);
    let created: Credentials;
    try {
      created = await pending;
    } catch (error) {
      // A rejected request (Entra down, a secret being rotated) is asked again next time rather
      // than remembered for good, which would fail every send until a restart.
      if (credentials === pending) credentials = undefined;
      throw error;
    }
    // The credentials object caches and refreshes the token itself.
    return created.getToken ? created.getToken() : undefined;
  };
}

function createFactory(identity: BotIdentity): CredentialsFactory {
  return new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: identity.appId,
    MicrosoftAppType: identity.appType,
    ...(identity.appType !== 'UserAssignedMSI' ? { MicrosoftAppPassword: identity.password } : {}),
    ...(identity.appType !== 'MultiTenant' ? { MicrosoftAppTenantId: identity.tenantId } : {}),
  } as ConstructorParameters<typeof ConfigurationServiceClientCredentialFactory>[0]);
}
