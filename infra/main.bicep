// Access Recovery Bot on Azure: one resource group holding a user-assigned managed identity, an App
// Service (Linux, Node) running the service, a storage account for its tables (no shared keys: the
// identity reaches it through Entra ID), an Azure Bot with the Teams channel, and Log Analytics +
// Application Insights. Deploy infra/main.json (the same template compiled to ARM JSON) with
// `az deployment group create`; see docs/deployment.md. infra/main.json must match this file:
// test/unit/infra.test.ts compares them.
//
// API versions (checked against the Azure resource reference on learn.microsoft.com):
//   Microsoft.ManagedIdentity/userAssignedIdentities  2023-01-31
//   Microsoft.OperationalInsights/workspaces          2022-10-01
//   Microsoft.Insights/components                     2020-02-02 (workspace-based)
//   Microsoft.Storage/storageAccounts (+ tables)      2023-01-01
//   Microsoft.Authorization/roleAssignments           2022-04-01
//   Microsoft.Web/serverfarms, sites, sites/slots     2022-09-01
//   Microsoft.Insights/diagnosticSettings             2021-05-01-preview (the current version)
//   Microsoft.BotService/botServices (+ channels)     2022-09-15 (the stable version with msaAppType)

@description('Short prefix for the default resource names (lower-case letters and digits).')
@minLength(2)
@maxLength(10)
param baseName string = 'arb'

@description('Azure region for everything except the bot, which is global.')
param location string = resourceGroup().location

@description('Entra tenant id of the bot identity, and the tenant whose Teams may use the bot.')
param tenantId string = subscription().tenantId

@description('Comma-separated Entra tenant ids allowed to use the bot; empty means tenantId only.')
param allowedTenantIds string = ''

@description('Entra object ids made administrators of England at every start (the bot\'s whoami shows them).')
param bootstrapAdministrators string = ''

@description('Id of the Teams app package (npm run package): your own GUID, one per environment.')
param teamsAppId string

@description('Node runtime of the web app (App Service linuxFxVersion).')
param nodeRuntime string = 'NODE|20-lts'

@description('App Service plan SKU. Deployment slots need Standard (S1) or Premium; B1 has none.')
@allowed([
  'B1'
  'S1'
  'P0v3'
  'P1v3'
  'P2v3'
])
param planSku string = 'P0v3'

@description('Number of web app instances (two or more for availability).')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('Create a "staging" deployment slot for upgrades without downtime (needs S1 or Premium).')
param deployStagingSlot bool = true

@description('Azure Bot SKU: F0 (free) or S1. Teams is a standard channel, free on both.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('true: scheduled jobs run in the service; false: only through POST /api/jobs/<name>.')
param schedulerEnabled bool = true

@description('Secret for POST /api/jobs/<name> (32+ characters); empty switches that trigger off.')
@secure()
param jobsSecret string = ''

@description('Name of the user-assigned managed identity (the bot and storage identity).')
param identityName string = '${baseName}-id-${uniqueString(resourceGroup().id)}'

@description('Name of the App Service plan.')
param planName string = '${baseName}-plan-${uniqueString(resourceGroup().id)}'

@description('Name of the web app; its host is <name>.azurewebsites.net.')
param webAppName string = '${baseName}-${uniqueString(resourceGroup().id)}'

@description('Name of the storage account (3-24 lower-case letters and digits, unique in Azure).')
@minLength(3)
@maxLength(24)
param storageAccountName string = '${baseName}st${uniqueString(resourceGroup().id)}'

@description('Name of the Azure Bot resource.')
param botName string = '${baseName}-bot-${uniqueString(resourceGroup().id)}'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string = '${baseName}-logs-${uniqueString(resourceGroup().id)}'

@description('Name of the Application Insights component.')
param appInsightsName string = '${baseName}-ai-${uniqueString(resourceGroup().id)}'

// The tables the service uses (src/storage/open-storage.ts TABLES; the service also creates any
// that are missing on start).
var tableNames = [
  'Conversations'
  'Organisations'
  'Checklists'
  'Campaigns'
  'Items'
  'Roles'
  'Outbox'
  'OrgCounts'
  'Links'
  'Preferences'
  'JobRuns'
  'Leases'
  'Rosters'
]

// Built-in role "Storage Table Data Contributor": read, write and delete tables and entities.
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

// The public host; the site cannot read its own defaultHostName in its settings, so it is built here.
var publicHost = '${webAppName}.azurewebsites.net'
var storageTableUrl = 'https://${storageAccountName}.table.${environment().suffixes.storage}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: logAnalyticsName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-01-01' = {
  parent: storageAccount
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storageAccount
  name: guid(resourceGroup().id, storageAccountName, identityName, storageTableDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: planName
  location: location
  kind: 'linux'
  sku: {
    name: planSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

// The same settings in the site and its staging slot, so a swap changes only the code.
var appSettings = [
  {
    name: 'ARB_MODE'
    value: 'production'
  }
  {
    name: 'MicrosoftAppType'
    value: 'UserAssignedMSI'
  }
  {
    name: 'MicrosoftAppId'
    value: identity.properties.clientId
  }
  {
    name: 'MicrosoftAppTenantId'
    value: tenantId
  }
  {
    name: 'ALLOWED_TENANT_IDS'
    value: allowedTenantIds
  }
  {
    name: 'BOOTSTRAP_ADMINISTRATORS'
    value: bootstrapAdministrators
  }
  {
    name: 'STORAGE_ACCOUNT_URL'
    value: storageTableUrl
  }
  {
    name: 'MANAGED_IDENTITY_CLIENT_ID'
    value: identity.properties.clientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  {
    name: 'TEAMS_APP_ID'
    value: teamsAppId
  }
  {
    name: 'TAB_PUBLIC_URL'
    value: 'https://${publicHost}'
  }
  {
    name: 'SCHEDULER_ENABLED'
    value: string(schedulerEnabled)
  }
  {
    name: 'JOBS_SECRET'
    value: jobsSecret
  }
  {
    name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
    value: 'false'
  }
  {
    name: 'WEBSITE_SWAP_WARMUP_PING_PATH'
    value: '/readyz'
  }
  {
    name: 'WEBSITE_SWAP_WARMUP_PING_STATUSES'
    value: '200'
  }
]

var siteConfig = {
  linuxFxVersion: nodeRuntime
  appCommandLine: 'npm run start:prod'
  alwaysOn: true
  healthCheckPath: '/readyz'
  minTlsVersion: '1.2'
  ftpsState: 'Disabled'
  http20Enabled: true
  appSettings: appSettings
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: siteConfig
  }
}

// The service logs JSON lines on stdout; App Service's console log category carries them to the
// workspace, where the runbook's alerts query them (docs/deployment.md).
resource webAppLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: webApp
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource stagingSlot 'Microsoft.Web/sites/slots@2022-09-01' = if (deployStagingSlot) {
  parent: webApp
  name: 'staging'
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: siteConfig
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Access Recovery Bot'
    endpoint: 'https://${publicHost}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: tenantId
    msaAppMSIResourceId: identity.id
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output webAppName string = webApp.name
output webAppHostName string = webApp.properties.defaultHostName
output botEndpoint string = bot.properties.endpoint
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output storageTableEndpoint string = storageTableUrl
output storageAccountName string = storageAccount.name
output appInsightsName string = appInsights.name
