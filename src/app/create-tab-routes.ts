import type { Server } from 'restify';
import type { Config } from '../config/load-config';
import { registerTabApi } from '../http/api/register-tab-api';
import { registerTabFiles } from '../http/serve-tab';
import type { TabUseCases } from '../http/api/tab-use-cases';
import { createSsoVerifier } from '../http/api/verify-sso-token';
import type { Logger } from '../logging/create-logger';

/**
 * The dashboard tab's routes: its pages and scripts under /tab/, its API under /api/v1 (SSO tokens checked against the bot's app id
 * and the allowed tenants in production; the development identity in local mode).
 */
export function createTabRoutes(
  config: Config,
  tab: TabUseCases,
  logger: Logger,
): (server: Server) => void {
  const auth = config.bot
    ? {
        mode: 'production' as const,
        verify: createSsoVerifier({
          appId: config.bot.appId,
          publicUrl: config.tab.publicUrl,
          allowedTenantIds: config.allowedTenantIds,
          jwksUrl: config.tab.jwksUrl,
        }),
      }
    : { mode: 'local' as const };
  if (auth.mode === 'local')
    logger.warn(
      'local mode: the dashboard tab API answers this computer as the development user, without sign-in',
    );
  return (server) => {
    registerTabApi(server, { useCases: tab, auth, logger });
    registerTabFiles(server, { mode: config.mode, teamsAppId: config.teamsAppId });
  };
}
