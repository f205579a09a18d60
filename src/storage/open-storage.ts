import type { CampaignStore } from '../domain/checklists/campaigns';
import type { ChecklistStore } from '../domain/checklists/checklists';
import type { LinkStore } from '../domain/channels/channel-links';
import type { PreferenceStore } from '../domain/nudges/preferences';
import type { ConversationStore } from '../domain/channels/conversations';
import type { OrganisationStore } from '../domain/access/organisations';
import type { RoleStore } from '../domain/access/roles';
import type { RosterStore } from '../domain/channels/rosters';
import type { EventHistory, ItemStore } from '../domain/items/item-store';
import type { OutboxHistory, OutboxStore } from '../domain/outbox/outbox';
import type { JobRunHistory, JobRunStore } from '../domain/jobs/job-runs';
import type { LeaseStore } from '../domain/jobs/leases';
import type { InstanceRegistry } from '../domain/jobs/instances';
import type { PersonalDataStore } from '../domain/retention/person-data';
import { CampaignTable, CAMPAIGNS_TABLE } from './campaign-table';
import { ChecklistTable, CHECKLISTS_TABLE } from './checklist-table';
import { ConversationTable, CONVERSATIONS_TABLE } from './conversation-table';
import {
  BACKGROUND_BUDGET,
  createTableClient,
  createTableServiceClient,
  type StorageBudget,
  type StorageTarget,
} from './create-table-client';
import { ItemTable, ITEMS_TABLE } from './item-table';
import { LinkTable, LINKS_TABLE } from './link-table';
import { PreferenceTable, PREFERENCES_TABLE } from './preference-table';
import { JobRunTable, JOB_RUNS_TABLE } from './job-run-table';
import { LeaseTable, LEASES_TABLE } from './lease-table';
import { InstanceTable } from './instance-table';
import { OutboxTable, OUTBOX_TABLE } from './outbox-table';
import { ORG_COUNTS_TABLE } from './org-counts-table';
import { OrganisationTable, ORGANISATIONS_TABLE } from './organisation-table';
import { PersonalDataTables } from './personal-data-tables';
import { RoleTable, ROLES_TABLE } from './role-table';
import { RosterTable, ROSTERS_TABLE } from './roster-table';
import { statusOf, translateStorageError } from './storage-errors';

/** The stores the service uses, all backed by one storage account. */
export interface Storage {
  conversations: ConversationStore;
  organisations: OrganisationStore;
  checklists: ChecklistStore;
  campaigns: CampaignStore;
  items: ItemStore & EventHistory;
  roles: RoleStore;
  outbox: OutboxStore & OutboxHistory;
  links: LinkStore;
  preferences: PreferenceStore;
  jobRuns: JobRunStore & JobRunHistory;
  leases: LeaseStore;
  /** The running instances' heartbeats (rows in the Leases table), to share Teams' rate limits. */
  instances: InstanceRegistry;
  /** The people of the teams the bot is in (personal data: see KEYS.md). */
  rosters: RosterStore;
  /** Every table, read whole to export or erase what is stored about a person (admin CLI only). */
  personalData: PersonalDataStore;
}

/** Every table the service uses. */
export const TABLES = [
  CONVERSATIONS_TABLE,
  ORGANISATIONS_TABLE,
  CHECKLISTS_TABLE,
  CAMPAIGNS_TABLE,
  ITEMS_TABLE,
  ROLES_TABLE,
  OUTBOX_TABLE,
  ORG_COUNTS_TABLE,
  LINKS_TABLE,
  PREFERENCES_TABLE,
  JOB_RUNS_TABLE,
  LEASES_TABLE,
  ROSTERS_TABLE,
] as const;

/** Creates the tables the service needs (if missing) and returns the stores over them. */
export async function openStorage(
  target: StorageTarget,
  budget: StorageBudget = BACKGROUND_BUDGET,
): Promise<Storage> {
  const service = createTableServiceClient(target, budget);
  try {
    // createTable is a no-op for a table that exists, so this is safe on every start.
    await Promise.all(TABLES.map((name) => service.createTable(name)));
  } catch (error) {
    // The first call of every start: a refusal here is a set-up mistake, so say which one.
    if (statusOf(error) === 403) throw refusedAccess(error);
    throw translateStorageError(error);
  }
  const table = (name: string) => createTableClient(target, name, budget);
  return {
    conversations: new ConversationTable(table(CONVERSATIONS_TABLE)),
    organisations: new OrganisationTable(table(ORGANISATIONS_TABLE)),
    checklists: new ChecklistTable(table(CHECKLISTS_TABLE)),
    campaigns: new CampaignTable(table(CAMPAIGNS_TABLE)),
    items: new ItemTable(table(ITEMS_TABLE), table(ORG_COUNTS_TABLE)),
    roles: new RoleTable(table(ROLES_TABLE)),
    outbox: new OutboxTable(table(OUTBOX_TABLE)),
    links: new LinkTable(table(LINKS_TABLE)),
    preferences: new PreferenceTable(table(PREFERENCES_TABLE)),
    jobRuns: new JobRunTable(table(JOB_RUNS_TABLE)),
    leases: new LeaseTable(table(LEASES_TABLE)),
    instances: new InstanceTable(table(LEASES_TABLE)),
    rosters: new RosterTable(table(ROSTERS_TABLE)),
    personalData: new PersonalDataTables({
      roles: table(ROLES_TABLE),
      preferences: table(PREFERENCES_TABLE),
      conversations: table(CONVERSATIONS_TABLE),
      items: table(ITEMS_TABLE),
      orgCounts: table(ORG_COUNTS_TABLE),
      outbox: table(OUTBOX_TABLE),
      links: table(LINKS_TABLE),
      jobRuns: table(JOB_RUNS_TABLE),
      campaigns: table(CAMPAIGNS_TABLE),
      checklists: table(CHECKLISTS_TABLE),
      organisations: table(ORGANISATIONS_TABLE),
      leases: table(LEASES_TABLE),
      rosters: table(ROSTERS_TABLE),
    }),
  };
}

function refusedAccess(error: unknown): Error {
  const code = (error as { code?: string }).code ?? 'no error code';
  return new Error(
    `The storage account refused access (403, ${code}) while creating the tables. ` +
      'With STORAGE_ACCOUNT_URL, give the managed identity the "Storage Table Data Contributor" role ' +
      'on the account (a new role assignment can take a few minutes to apply); ' +
      'with STORAGE_CONNECTION_STRING, copy the connection string again from the account → Access keys.',
    { cause: error },
  );
}
