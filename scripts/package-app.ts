/**
 * `npm run package`: builds build/appPackage.zip, the Teams app package to upload or sideload.
 * Reads TEAMS_APP_ID and MicrosoftAppId through loadConfig, like the server, so the package always
 * names the bot the server authenticates as.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config/load-config';
import { buildAppPackage, LOCAL_BOT_ID } from '../src/manifest/build-app-package';

async function packageApp(): Promise<number> {
  const config = loadConfig(process.env);
  const botId = config.bot?.appId ?? LOCAL_BOT_ID;
  if (!config.bot) {
    console.warn(
      [
        `Warning: no bot identity is configured (local mode), so the bot id is ${LOCAL_BOT_ID}.`,
        'This package is for local testing only; Teams will not accept it for a real bot.',
        'For a Teams package, set MicrosoftAppId to the Application (client) ID of your Azure Bot',
        'registration, with the other production settings (see the configuration table in README.md).',
      ].join('\n'),
    );
  }

  const tabHost = config.tab.publicUrl ? new URL(config.tab.publicUrl).host : undefined;
  if (!tabHost)
    console.warn(
      'Warning: TAB_PUBLIC_URL is not set, so the dashboard tab points at https://localhost:3978 (local testing only).',
    );
  const { zipPath, problems } = await buildAppPackage({
    teamsAppId: config.teamsAppId,
    botId,
    ...(tabHost ? { tabHost } : {}),
  });
  if (problems.length > 0) {
    console.error(
      `The app package was not written; fix these ${problems.length} problem(s) first:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    return 1;
  }
  console.log(
    `Wrote ${path.relative(process.cwd(), zipPath)} (Teams app id ${config.teamsAppId}, bot id ${botId}).`,
  );
  return 0;
}

packageApp().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // ConfigError's message already lists every bad setting and how to fix it.
    console.error(err instanceof ConfigError ? err.message : err);
    process.exitCode = 1;
  },
);
