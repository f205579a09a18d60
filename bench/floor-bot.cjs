// The floor for `npm run bench -- invoke`: a bare botbuilder bot on restify that answers a card
// invoke with a static card after one Table transaction (the item and its event), and nothing
// else. Plain JavaScript, so it carries none of our code.
const { readFileSync } = require('node:fs');
const restify = require('restify');
const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = require('botbuilder');
const { TableClient } = require('@azure/data-tables');

async function main() {
  const card = JSON.parse(readFileSync(process.env.FLOOR_CARD_FILE, 'utf8'));
  const table = TableClient.fromConnectionString(
    process.env.STORAGE_CONNECTION_STRING,
    'FloorItems',
    {
      allowInsecureConnection: true,
    },
  );
  await table.createTable();
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: 'MultiTenant',
    }),
  );
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ mapParams: false }),
    async (req, res) => {
      await adapter.process(req, res, async (context) => {
        const data = context.activity.value?.action?.data ?? {};
        const key = `${data.orgCode}|${data.actionId}`;
        await table.submitTransaction([
          [
            'upsert',
            {
              partitionKey: 'floor',
              rowKey: `item|${key}`,
              status: String(data.status),
              version: Number(data.version) + 1,
            },
            'Replace',
          ],
          [
            'create',
            {
              partitionKey: 'floor',
              rowKey: `event|${key}|${context.activity.id}`,
              to: String(data.status),
            },
          ],
        ]);
        await context.sendActivity({
          type: 'invokeResponse',
          value: {
            status: 200,
            body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card },
          },
        });
      });
    },
  );
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(
      `${JSON.stringify({ msg: 'service listening', url: `http://127.0.0.1:${server.address().port}` })}\n`,
    );
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
