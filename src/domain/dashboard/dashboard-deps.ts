import type { OrganisationStore } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import type { CampaignStore } from '../checklists/campaigns';
import type { ChecklistStore } from '../checklists/checklists';
import type { LinkStore } from '../channels/channel-links';
import type { ItemStore } from '../items/item-store';

/** The stores the dashboard's reads need (the same ones the cards read through). */
export interface DashboardDeps {
  organisations: OrganisationStore;
  campaigns: CampaignStore;
  checklists: ChecklistStore;
  items: ItemStore;
  roles: RoleStore;
  links: LinkStore;
  now: () => Date;
}
