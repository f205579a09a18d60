import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { BotIdentity } from '../config/load-config';
import type { TokenProvider } from './connector-client';

// Bot Framework's token audience and login authorities.
const AUDIENCE = 'https://api.botframework.com';
const MULTI_TENANT_LOGIN = 'https://login.microsoftonline.com/botframework.com';

/** Tokens for the Bot Connector from botbuilder's credential factory (secret or managed identity); none in local mode. */
export function createTokenProvider(identity: BotIdentity | undefined): TokenProvider {
  if (!identity) return async () => undefined;
  const factory = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: identity.appId,
    MicrosoftAppType: identity.appType,
    ...(identity.appType !== 'UserAssignedMSI' ? { MicrosoftAppPassword: identity.password } : {}),
    ...(identity.appType !== 'MultiTenant' ? { MicrosoftAppTenantId: identity.tenantId } : {}),
  } as ConstructorParameters<typeof ConfigurationServiceClientCredentialFactory>[0]);
  const login =
    identity.appType === 'MultiTenant'
      ? MULTI_TENANT_LOGIN
      : `https://login.microsoftonline.com/${identity.tenantId}`;
  let credentials: Promise<{ getToken?: (force?: boolean) => Promise<string> }> | undefined;
  return async () => {
    credentials ??= factory.createCredentials(identity.appId, AUDIENCE, login, true) as Promise<{
      getToken?: (force?: boolean) => Promise<string>;
    }>;
    const created = await credentials;
    // The credentials object caches and refreshes the token itself.
    return created.getToken ? created.getToken() : undefined;
  };
}
