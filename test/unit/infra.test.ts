// Checks infra/main.json (the ARM template deployed with `az deployment group create`) without
// Azure: its expressions point at parameters, variables and resources that exist, its app settings
// are ones the service reads, its security switches are on, and it says the same as infra/main.bicep
// (the JSON is written by hand: no Bicep compiler installs offline here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { SETTINGS } from '../../src/config/settings';
import { TABLES } from '../../src/storage/open-storage';
import { evaluateArm, type ArmContext } from '../support/evaluate-arm';

const ROOT = path.resolve(__dirname, '../..');

/** App Service's own settings, read by the platform rather than by loadConfig. */
const PLATFORM_SETTINGS = [
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITE_SWAP_WARMUP_PING_PATH',
  'WEBSITE_SWAP_WARMUP_PING_STATUSES',
];

const STORAGE_TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const REQUIRED_OUTPUTS = [
  'webAppHostName',
  'botEndpoint',
  'identityClientId',
  'storageTableEndpoint',
];

interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  condition?: string;
  scope?: string;
  kind?: string;
  dependsOn?: string[];
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}
interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  allowedValues?: unknown[];
}
interface ArmTemplate {
  parameters: Record<string, ArmParameter>;
  variables: Record<string, unknown>;
  resources: ArmResource[];
  outputs: Record<string, { type: string; value: string }>;
}
interface AppSetting {
  name: string;
  value: string;
}

function readTemplate(): ArmTemplate {
  return JSON.parse(readFileSync(path.join(ROOT, 'infra/main.json'), 'utf8')) as ArmTemplate;
}
const readBicep = () => readFileSync(path.join(ROOT, 'infra/main.bicep'), 'utf8');

/** Every string in a JSON value, object keys included (ARM evaluates expressions in both). */
function listStrings(node: unknown, found: string[] = []): string[] {
  if (typeof node === 'string') found.push(node);
  else if (Array.isArray(node)) node.forEach((n) => listStrings(n, found));
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      found.push(key);
      listStrings(value, found);
    }
  return found;
}

/** The top-level arguments of a call whose text starts just after its opening parenthesis. */
function readArguments(text: string, start: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      current += c;
      if (c === "'") quoted = false;
      continue;
    }
    if (c === "'") quoted = true;
    else if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ')') {
      args.push(current.trim());
      return { args, end: i };
    } else if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  throw new Error(`unbalanced parentheses in ${text}`);
}

/** Every call of `fn(` in an expression (not a longer name ending in it), with its arguments. */
function findCalls(text: string, fn: string): string[][] {
  const calls: string[][] = [];
  const pattern = new RegExp(`(?<![A-Za-z])${fn}\\(`, 'g');
  for (const m of text.matchAll(pattern))
    calls.push(readArguments(text, m.index + m[0].length).args);
  return calls;
}

/** A name segment as both files can spell it: `parameters('x')` and `variables('x')` become `x`. */
function normaliseSegment(expression: string): string {
  const plain = expression
    .replace(/(?:parameters|variables)\('(\w+)'\)/g, '$1')
    .replace(/\s+/g, '');
  return /^'[^']*'$/.test(plain) ? plain.slice(1, -1) : plain;
}

/** A resource's name as its segments (`account/default/Items`), each normalised. */
function nameSegments(name: string): string[] {
  if (!name.startsWith('[')) return name.split('/');
  const expression = name.slice(1, -1);
  const format = /^format\(/.exec(expression);
  if (format) {
    const [pattern, ...args] = readArguments(expression, format[0].length).args;
    if (pattern && /^'\{0\}(\/\{\d\})*'$/.test(pattern)) return args.map(normaliseSegment);
  }
  return [normaliseSegment(expression)];
}

/** The resource a `resourceId('type', name…)` call names, or undefined if the template has none. */
function findResource(template: ArmTemplate, args: string[]): ArmResource | undefined {
  const [type, ...segments] = args;
  const wanted = segments.map(normaliseSegment).join('/');
  return template.resources.find(
    (r) => `'${r.type}'` === type && nameSegments(r.name).join('/') === wanted,
  );
}

const describeResource = (r: ArmResource) => `${r.type} ${nameSegments(r.name).join('/')}`;

function findOne(template: ArmTemplate, type: string): ArmResource {
  const found = template.resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, `expected one ${type}`);
  return found[0]!;
}

function readAppSettings(resource: ArmResource): AppSetting[] {
  const siteConfig = resource.properties?.['siteConfig'] as { appSettings: AppSetting[] };
  return siteConfig.appSettings;
}

describe('infra/main.json (the ARM template)', () => {
  const template = readTemplate();
  const strings = listStrings({
    resources: template.resources,
    outputs: template.outputs,
    variables: template.variables,
    parameters: template.parameters,
  });

  it('declares every parameter it uses and uses every parameter it declares', () => {
    const used = new Set(strings.flatMap((s) => findCalls(s, 'parameters').map((a) => a[0])));
    const declared = Object.keys(template.parameters).map((p) => `'${p}'`);
    assert.deepEqual(
      [...used].filter((p) => !declared.includes(p!)),
      [],
      'parameters used but not declared',
    );
    assert.deepEqual(
      declared.filter((p) => !used.has(p)),
      [],
      'parameters declared but not used',
    );
  });

  it('declares every variable it uses and uses every variable it declares', () => {
    const used = new Set(strings.flatMap((s) => findCalls(s, 'variables').map((a) => a[0])));
    const declared = Object.keys(template.variables).map((v) => `'${v}'`);
    assert.deepEqual(
      [...used].filter((v) => !declared.includes(v!)),
      [],
    );
    assert.deepEqual(
      declared.filter((v) => !used.has(v)),
      [],
    );
  });

  it('has balanced expressions', () => {
    for (const s of strings.filter((x) => x.startsWith('['))) {
      assert.ok(s.endsWith(']'), `expression not closed: ${s}`);
      const opened = [...s].filter((c) => c === '(').length;
      assert.equal(opened, [...s].filter((c) => c === ')').length, `unbalanced: ${s}`);
    }
  });

  it('points every resourceId, reference and dependsOn at a resource in the template', () => {
    const missing: string[] = [];
    for (const s of strings)
      for (const args of findCalls(s, 'resourceId'))
        if (!findResource(template, args)) missing.push(`resourceId(${args.join(', ')})`);
    for (const s of strings)
      for (const [target] of findCalls(s, 'reference'))
        if (!target?.startsWith('resourceId(')) missing.push(`reference(${target}) by name`);
    for (const r of template.resources)
      for (const d of r.dependsOn ?? []) {
        const call = /^\[resourceId\((.*)\)\]$/.exec(d);
        if (!call) missing.push(`${describeResource(r)} dependsOn ${d}`);
      }
    assert.deepEqual(missing, []);
  });

  it('makes each resource depend on the resources it refers to (ARM does not infer it)', () => {
    const problems: string[] = [];
    for (const r of template.resources) {
      const { dependsOn = [], ...rest } = r;
      const targets = new Set<ArmResource>();
      for (const s of listStrings(rest))
        for (const args of findCalls(s, 'resourceId')) {
          const target = findResource(template, args);
          if (target && target !== r) targets.add(target);
        }
      // A child names its parent in its own name, and a role assignment its scope.
      const segments = nameSegments(r.name);
      const scope = readScope(r);
      for (const other of template.resources) {
        const otherSegments = nameSegments(other.name);
        const isParent =
          other !== r &&
          // The direct parent only: a grandparent comes before it through the parent.
          r.type.startsWith(`${other.type}/`) &&
          r.type.split('/').length === other.type.split('/').length + 1 &&
          otherSegments.every((n, i) => segments[i] === n);
        const isScope =
          scope !== undefined &&
          scope.type === other.type &&
          scope.name === otherSegments.join('/');
        if (isParent || isScope) targets.add(other);
      }
      const declared = dependsOn.map((d) => {
        const args = readArguments(d, '[resourceId('.length).args;
        return findResource(template, args);
      });
      for (const t of targets)
        if (!declared.includes(t))
          problems.push(`${describeResource(r)} does not depend on ${describeResource(t)}`);
    }
    assert.deepEqual(problems, []);
  });

  it('has the outputs the runbook uses', () => {
    for (const name of REQUIRED_OUTPUTS) assert.ok(template.outputs[name], `output ${name}`);
  });

  it('sets only app settings the service or App Service reads', () => {
    const known = new Set([...SETTINGS.map((s) => s.name), ...PLATFORM_SETTINGS]);
    const site = findOne(template, 'Microsoft.Web/sites');
    const names = readAppSettings(site).map((s) => s.name);
    assert.deepEqual(
      names.filter((n) => !known.has(n)),
      [],
      'app settings that nothing reads (a typo?)',
    );
    assert.equal(new Set(names).size, names.length, 'an app setting is set twice');
    for (const needed of [
      'ARB_MODE',
      'MicrosoftAppId',
      'MicrosoftAppType',
      'MicrosoftAppTenantId',
      'STORAGE_ACCOUNT_URL',
      'MANAGED_IDENTITY_CLIENT_ID',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'TEAMS_APP_ID',
    ])
      assert.ok(names.includes(needed), `${needed} is set`);
    // No keys or passwords: the identity reaches storage and the Bot Framework.
    for (const secret of ['STORAGE_CONNECTION_STRING', 'MicrosoftAppPassword'])
      assert.ok(!names.includes(secret), `${secret} is not set`);
  });

  it('runs in production mode as the managed identity, the same id everywhere', () => {
    const site = findOne(template, 'Microsoft.Web/sites');
    const value = (name: string) => readAppSettings(site).find((s) => s.name === name)?.value;
    assert.equal(value('ARB_MODE'), 'production');
    assert.equal(value('MicrosoftAppType'), 'UserAssignedMSI');
    const clientId = template.outputs['identityClientId']!.value;
    assert.match(clientId, /userAssignedIdentities.*\.clientId\]$/);
    assert.equal(value('MicrosoftAppId'), clientId);
    assert.equal(value('MANAGED_IDENTITY_CLIENT_ID'), clientId);
    const bot = findOne(template, 'Microsoft.BotService/botServices');
    assert.equal(bot.kind, 'azurebot');
    assert.equal(bot.properties?.['msaAppType'], 'UserAssignedMSI');
    assert.equal(bot.properties?.['msaAppId'], clientId);
    assert.equal(bot.properties?.['msaAppTenantId'], value('MicrosoftAppTenantId'));
    assert.match(
      String(bot.properties?.['msaAppMSIResourceId']),
      /^\[resourceId\('Microsoft\.ManagedIdentity\/userAssignedIdentities', parameters\('identityName'\)\)\]$/,
    );
    assert.equal(
      bot.properties?.['endpoint'],
      "[format('https://{0}/api/messages', variables('publicHost'))]",
    );
    assert.equal(value('TAB_PUBLIC_URL'), "[format('https://{0}', variables('publicHost'))]");
    const identities = (site['identity'] as { userAssignedIdentities: object })
      .userAssignedIdentities;
    assert.deepEqual(Object.keys(identities), [
      "[format('{0}', resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName')))]",
    ]);
    const channel = findOne(template, 'Microsoft.BotService/botServices/channels');
    assert.equal(channel.properties?.['channelName'], 'MsTeamsChannel');
  });

  it('serves HTTPS only, checks /readyz, stays on and starts the compiled service', () => {
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      engines: { node: string };
    };
    for (const type of ['Microsoft.Web/sites', 'Microsoft.Web/sites/slots']) {
      const site = findOne(template, type);
      assert.equal(site.properties?.['httpsOnly'], true, `${type} httpsOnly`);
      const config = site.properties?.['siteConfig'] as Record<string, unknown>;
      assert.equal(config['healthCheckPath'], '/readyz');
      assert.equal(config['alwaysOn'], true);
      assert.equal(config['linuxFxVersion'], "[parameters('nodeRuntime')]");
      const command = /^npm run (\S+)$/.exec(String(config['appCommandLine']));
      assert.ok(command && packageJson.scripts[command[1]!], 'the start command is an npm script');
    }
    // The default runtime is a Node major the package supports (engines: >=20.19.0 <23).
    const runtime = String(template.parameters['nodeRuntime']!.defaultValue);
    const major = Number(/^NODE\|(\d+)-lts$/.exec(runtime)?.[1]);
    assert.ok(major >= 20 && major < 23, `${runtime} within ${packageJson.engines.node}`);
    // The staging slot runs with exactly the site's settings, so a swap changes only the code.
    assert.deepEqual(
      readAppSettings(findOne(template, 'Microsoft.Web/sites/slots')),
      readAppSettings(findOne(template, 'Microsoft.Web/sites')),
    );
    const plan = findOne(template, 'Microsoft.Web/serverfarms');
    assert.equal(plan.properties?.['reserved'], true, 'a Linux plan');
    assert.equal((plan['sku'] as { capacity: string }).capacity, "[parameters('instanceCount')]");
  });

  it('turns shared-key access off on the storage account and creates the service tables', () => {
    const account = findOne(template, 'Microsoft.Storage/storageAccounts');
    assert.equal(account.properties?.['allowSharedKeyAccess'], false);
    assert.equal(account.properties?.['allowBlobPublicAccess'], false);
    assert.equal(account.properties?.['minimumTlsVersion'], 'TLS1_2');
    assert.deepEqual(template.variables['tableNames'], [...TABLES]);
    const tables = findOne(template, 'Microsoft.Storage/storageAccounts/tableServices/tables');
    assert.deepEqual(nameSegments(tables.name), [
      'storageAccountName',
      'default',
      'tableNames[copyIndex()]',
    ]);
    assert.equal(
      template.variables['storageTableUrl'],
      "[format('https://{0}.table.{1}', parameters('storageAccountName'), environment().suffixes.storage)]",
    );
  });

  it('gives the identity Storage Table Data Contributor on the storage account', () => {
    const assignment = findOne(template, 'Microsoft.Authorization/roleAssignments');
    assert.equal(
      assignment.scope,
      "[format('Microsoft.Storage/storageAccounts/{0}', parameters('storageAccountName'))]",
    );
    assert.equal(
      template.variables['storageTableDataContributorRoleId'],
      STORAGE_TABLE_DATA_CONTRIBUTOR,
    );
    assert.equal(
      assignment.properties?.['roleDefinitionId'],
      "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('storageTableDataContributorRoleId'))]",
    );
    assert.equal(
      assignment.properties?.['principalId'],
      "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName')), '2023-01-31').principalId]",
    );
    assert.equal(assignment.properties?.['principalType'], 'ServicePrincipal');
  });

  it('sends telemetry and the service logs to the Log Analytics workspace', () => {
    const workspace =
      "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]";
    const insights = findOne(template, 'Microsoft.Insights/components');
    assert.equal(insights.properties?.['WorkspaceResourceId'], workspace);
    // The runbook's alerts on job failures query the console log (the service's JSON lines).
    const diagnostics = findOne(template, 'Microsoft.Insights/diagnosticSettings');
    assert.deepEqual(readScope(diagnostics), { type: 'Microsoft.Web/sites', name: 'webAppName' });
    assert.equal(diagnostics.properties?.['workspaceId'], workspace);
    const logs = diagnostics.properties?.['logs'] as { category: string; enabled: boolean }[];
    assert.ok(logs.some((l) => l.category === 'AppServiceConsoleLogs' && l.enabled));
  });
});

/** The resource an extension resource (a role assignment) is scoped to: `format('Type/{0}', name)`. */
function readScope(r: ArmResource): { type: string; name: string } | undefined {
  if (!r.scope) return undefined;
  const expression = r.scope.slice(1, -1);
  const [pattern, name] = readArguments(expression, 'format('.length).args;
  const type = /^'(.+)\/\{0\}'$/.exec(pattern ?? '')?.[1];
  return type && name ? { type, name: normaliseSegment(name) } : undefined;
}

describe('infra/main.bicep and infra/main.json agree', () => {
  const template = readTemplate();
  const bicep = readBicep();

  it('declare the same parameters with the same types', () => {
    const fromBicep = [...bicep.matchAll(/^((?:@\w+\(.*\)\n)*)param (\w+) (\w+)/gm)].map(
      (m) => `${m[2]}: ${m[1]!.includes('@secure()') ? `secure${m[3]}` : m[3]}`,
    );
    const fromJson = Object.entries(template.parameters).map(
      ([name, p]) => `${name}: ${p.type === 'int' ? 'int' : p.type}`,
    );
    assert.deepEqual(fromBicep.sort(), fromJson.sort());
  });

  it('declare the same variables, tables included', () => {
    const fromBicep = [...bicep.matchAll(/^var (\w+) /gm)].map((m) => m[1]);
    // Bicep inlines variables that read a resource at deployment time; ARM cannot hold them.
    const inlined = ['appSettings', 'siteConfig'];
    assert.deepEqual(
      fromBicep.filter((v) => !inlined.includes(v!)).sort(),
      Object.keys(template.variables).sort(),
    );
    const tables = /^var tableNames = \[\n([\s\S]*?)\n\]/m.exec(bicep)?.[1] ?? '';
    assert.deepEqual(
      [...tables.matchAll(/'(\w+)'/g)].map((m) => m[1]),
      template.variables['tableNames'],
    );
  });

  it('declare the same resources: types, API versions, names and conditions', () => {
    const declaration =
      /^resource (\w+) '([^'@]+)@([^']+)' = (?:if \((\w+)\) )?(?:\[\s*for (\w+) in (\w+):\s*)?\{/gm;
    const fromBicep = [...bicep.matchAll(declaration)].map((m) => {
      const body = bicep.slice(m.index + m[0].length);
      let name = /^\s+name: (.+)$/m.exec(body)?.[1]?.trim() ?? '';
      if (m[5] && name === m[5]) name = `${m[6]}[copyIndex()]`;
      return `${m[2]}@${m[3]} ${normaliseSegment(name)}${m[4] ? ` if ${m[4]}` : ''}`;
    });
    const fromJson = template.resources.map((r) => {
      const condition = r.condition ? ` if ${normaliseSegment(r.condition.slice(1, -1))}` : '';
      return `${r.type}@${r.apiVersion} ${nameSegments(r.name).at(-1)}${condition}`;
    });
    assert.deepEqual(fromBicep.sort(), fromJson.sort());
  });

  it('declare the same outputs', () => {
    const fromBicep = [...bicep.matchAll(/^output (\w+) (\w+)/gm)].map((m) => `${m[1]}: ${m[2]}`);
    const fromJson = Object.entries(template.outputs).map(([n, o]) => `${n}: ${o.type}`);
    assert.deepEqual(fromBicep.sort(), fromJson.sort());
  });

  it('set the same app settings, with the same fixed values', () => {
    const block = /^var appSettings = \[\n([\s\S]*?)\n\]/m.exec(bicep)?.[1] ?? '';
    const fromBicep = [...block.matchAll(/name: '(\w+)'\n\s+value: (.+)/g)].map(
      ([, name, value]) => `${name}=${/^'[^'$]*'$/.test(value!) ? value!.slice(1, -1) : '…'}`,
    );
    const site = findOne(template, 'Microsoft.Web/sites');
    const fromJson = readAppSettings(site).map(
      (s) => `${s.name}=${s.value.startsWith('[') ? '…' : s.value}`,
    );
    assert.deepEqual(fromBicep, fromJson);
  });
});

// Sample deployment-time values: what Azure would fill in.
const TENANT_ID = '5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b';
const CLIENT_ID = '0c3a1f52-8d9e-4b7a-9f10-2e6c4d8b1a77';
const TEAMS_APP_ID = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const CONNECTION_STRING =
  'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/';

/** The template's parameters (defaults, and `given`) and variables, evaluated as Azure would. */
function evaluateTemplate(template: ArmTemplate, given: Record<string, unknown>): ArmContext {
  const context: ArmContext = {
    parameters: {},
    variables: {},
    resourceGroupId: '/subscriptions/sub/resourceGroups/rg-access-recovery',
    tenantId: TENANT_ID,
    reference: (type, name) => {
      if (type === 'Microsoft.ManagedIdentity/userAssignedIdentities')
        return { clientId: CLIENT_ID, principalId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' };
      if (type === 'Microsoft.Insights/components') return { ConnectionString: CONNECTION_STRING };
      if (type === 'Microsoft.Web/sites') return { defaultHostName: `${name}.azurewebsites.net` };
      if (type === 'Microsoft.BotService/botServices') {
        const bot = findOne(template, type);
        return { endpoint: evaluateArm(String(bot.properties?.['endpoint']), context) };
      }
      throw new Error(`no sample runtime properties for ${type}`);
    },
  };
  // Declaration order: a default may use the parameters declared before it (baseName).
  for (const [name, p] of Object.entries(template.parameters))
    context.parameters[name] =
      name in given
        ? given[name]
        : typeof p.defaultValue === 'string'
          ? evaluateArm(p.defaultValue, context)
          : p.defaultValue;
  for (const [name, v] of Object.entries(template.variables))
    context.variables[name] = typeof v === 'string' ? evaluateArm(v, context) : v;
  return context;
}

/** The web app's settings as the service would see them in its environment. */
function evaluateAppSettings(template: ArmTemplate, context: ArmContext): Record<string, string> {
  const settings = readAppSettings(findOne(template, 'Microsoft.Web/sites'));
  return Object.fromEntries(settings.map((s) => [s.name, String(evaluateArm(s.value, context))]));
}

describe('infra/main.json evaluated with sample values (what Azure would deploy)', () => {
  const template = readTemplate();

  it('gives every parameter a default its own constraints allow, and Azure-valid names', () => {
    const context = evaluateTemplate(template, { teamsAppId: TEAMS_APP_ID });
    for (const [name, p] of Object.entries(template.parameters)) {
      const value = context.parameters[name];
      if (p.minLength !== undefined) assert.ok(String(value).length >= p.minLength, name);
      if (p.maxLength !== undefined) assert.ok(String(value).length <= p.maxLength, name);
      if (p.minValue !== undefined) assert.ok(Number(value) >= p.minValue, name);
      if (p.maxValue !== undefined) assert.ok(Number(value) <= p.maxValue, name);
      if (p.allowedValues) assert.ok(p.allowedValues.includes(value), `${name}: ${String(value)}`);
    }
    const names = context.parameters;
    assert.match(String(names['storageAccountName']), /^[a-z0-9]{3,24}$/);
    assert.match(String(names['webAppName']), /^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$/);
    assert.match(String(names['botName']), /^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/);
    assert.match(String(names['identityName']), /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/);
  });

  it('sets app settings that loadConfig accepts: production, the managed identity, the public URL', () => {
    const jobsSecret = 'x'.repeat(43);
    const context = evaluateTemplate(template, { teamsAppId: TEAMS_APP_ID, jobsSecret });
    const env = evaluateAppSettings(template, context);
    const config = loadConfig(env, ROOT);
    assert.equal(config.mode, 'production');
    assert.equal(config.host, '0.0.0.0', 'listens on all interfaces (App Service sets PORT)');
    assert.deepEqual(
      { appType: config.bot?.appType, appId: config.bot?.appId },
      { appType: 'UserAssignedMSI', appId: CLIENT_ID },
    );
    assert.deepEqual(config.allowedTenantIds, [TENANT_ID]);
    assert.equal(config.teamsAppId, TEAMS_APP_ID);
    assert.equal(
      config.tab.publicUrl,
      `https://${String(context.parameters['webAppName'])}.azurewebsites.net`,
    );
    assert.equal(config.scheduler.enabled, true);
    assert.equal(config.jobsSecret, jobsSecret);
    assert.equal(env['MANAGED_IDENTITY_CLIENT_ID'], CLIENT_ID);
    assert.equal(env['APPLICATIONINSIGHTS_CONNECTION_STRING'], CONNECTION_STRING);
    assert.equal(
      env['STORAGE_ACCOUNT_URL'],
      `https://${String(context.parameters['storageAccountName'])}.table.core.windows.net`,
    );
  });

  it('reads the optional parameters as unset, and false as false', () => {
    const context = evaluateTemplate(template, {
      teamsAppId: TEAMS_APP_ID,
      schedulerEnabled: false,
    });
    const env = evaluateAppSettings(template, context);
    const config = loadConfig(env, ROOT);
    assert.equal(config.scheduler.enabled, false);
    assert.equal(config.jobsSecret, undefined, 'an empty JOBS_SECRET switches the trigger off');
    assert.deepEqual(config.bootstrapAdministrators, []);
  });

  it('points the bot at the web app and reports where everything is', () => {
    const context = evaluateTemplate(template, { teamsAppId: TEAMS_APP_ID });
    const host = `${String(context.parameters['webAppName'])}.azurewebsites.net`;
    const output = (name: string) => evaluateArm(template.outputs[name]!.value, context);
    assert.equal(output('webAppHostName'), host);
    assert.equal(output('botEndpoint'), `https://${host}/api/messages`);
    assert.equal(output('identityClientId'), CLIENT_ID);
    assert.equal(
      output('storageTableEndpoint'),
      `https://${String(context.parameters['storageAccountName'])}.table.core.windows.net`,
    );
  });
});
