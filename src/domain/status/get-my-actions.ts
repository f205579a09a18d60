import { canUpdateItems } from '../access/authorise';
import { buildItemRow, compareUrgency, type ChecklistCardView } from '../cards/card-views';
import type { CampaignStore } from '../checklists/campaigns';
import { isFinished, groupCodeOf, type TrackedItem } from '../items/tracked-items';
import type { Organisation, OrganisationStore } from '../access/organisations';
import { campaignCovers, loadActions, type CardDeps } from '../cards/plan-cards';
import { ENGLAND, type RoleStore } from '../access/roles';
import { todayInLondon } from '../shared/uk-dates';
import { escapeMarkdown } from '../shared/escape-markdown';

/** At most this many rows on the "my actions" card; the rest are counted. */
export const MAX_MY_ACTIONS = 10;

/**
 * The unfinished items of the organisations a person holds a role over (not England or a region
 * as a whole), most urgent first, as a checklist card they can update from.
 */
export async function getMyActions(
  deps: CardDeps & { roles: RoleStore; campaigns: CampaignStore; organisations: OrganisationStore },
  userId: string,
  notice = '',
): Promise<{ view: ChecklistCardView; total: number }> {
  const today = todayInLondon(deps.now());
  const grants = await deps.roles.listRolesOfUser(userId);
  const codes = [
    ...new Set(grants.filter((g) => g.orgCode !== ENGLAND).map((g) => g.orgCode)),
  ].slice(0, 10);
  const orgs = (await Promise.all(codes.map((c) => deps.organisations.getOrganisation(c)))).filter(
    (o): o is Organisation => !!o && o.level !== 'region' && canUpdateItems(grants, o),
  );
  const campaigns = (await deps.campaigns.listCampaigns()).filter((c) => c.status === 'running');
  const sections: ChecklistCardView['sections'] = [];
  let total = 0;
  let shown = 0;
  for (const campaign of campaigns) {
    const covered = orgs.filter((o) => campaignCovers(campaign, o));
    if (covered.length === 0) continue;
    const actions = await loadActions(deps, campaign);
    const items: { item: TrackedItem; org: Organisation }[] = [];
    for (const org of covered) {
      const own = await deps.items.listItemsForOrg(campaign.id, groupCodeOf(org), org.code);
      for (const item of own) if (!isFinished(item)) items.push({ item, org });
    }
    total += items.length;
    items.sort((a, b) => compareUrgency(a.item, b.item));
    const rows = items.slice(0, Math.max(0, MAX_MY_ACTIONS - shown)).map(({ item, org }) =>
      buildItemRow({
        item,
        action: actions.get(item.actionId),
        today,
        card: { view: 'mine' },
        canUpdate: true,
        ...(covered.length > 1 ? { orgLabel: org.name } : {}),
      }),
    );
    shown += rows.length;
    if (rows.length > 0) sections.push({ heading: escapeMarkdown(campaign.name), rows });
  }
  // One card can list the same action of the same organisation in two campaigns: number the rows'
  // Details targets so each toggle opens its own row. Rows are shared (buildItemRow remembers
  // them), so each is copied rather than changed.
  let row = 0;
  for (const section of sections)
    section.rows = section.rows.map((item) => ({
      ...item,
      detailsId: `${item.detailsId}-${(row += 1)}`,
    }));
  const summary =
    total === 0
      ? orgs.length === 0
        ? 'You have no role over a practice, PCN or ICB yet, so you have no actions. Ask your ICB’s administrator to grant you one.'
        : 'Nothing is waiting for you: every action of yours is done or not applicable.'
      : `${total} unfinished action${total === 1 ? '' : 's'}, most urgent first${total > shown ? ` (the first ${shown} shown; type **status** for the whole picture)` : ''}.`;
  return {
    view: {
      title: 'Your actions',
      subtitle:
        orgs.map((o) => `${escapeMarkdown(o.name)} (${o.code})`).join(', ') || 'No organisations',
      summary,
      notice,
      sections,
      refresh: { view: 'mine' },
    },
    total,
  };
}
