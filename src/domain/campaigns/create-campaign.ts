import type { Campaign, CampaignScope, CampaignStore } from '../checklists/campaigns';
import type { Checklist, ChecklistStore } from '../checklists/checklists';
import { ConflictError, InvalidInputError, NotFoundError } from '../shared/errors';
import type { OrganisationStore } from '../access/organisations';
import { ENGLAND } from '../access/roles';
import { addDays, daysBetween, todayInLondon } from '../shared/uk-dates';

/** What to create a campaign from. */
export interface CampaignRequest {
  checklistId: string;
  checklistVersion?: number;
  /** ENGLAND, a region code or an ICB code. */
  scopeCode: string;
  id?: string;
  name?: string;
  /**
   * Days from today to the checklist's earliest deadline; every other deadline moves by the same
   * amount, keeping the gaps. Left out, the checklist's own deadlines are kept as a record.
   */
  dueOffsetDays?: number;
  /** Deadlines set one by one (action id → date); these win over the checklist's. */
  deadlines?: Record<string, string>;
}

/** The stores createCampaign needs. */
export interface CreateCampaignDeps {
  organisations: OrganisationStore;
  checklists: ChecklistStore;
  campaigns: CampaignStore;
  now: () => Date;
}

/** Deadlines from a checklist, shifted so the earliest is `offsetDays` from today. */
export function shiftDeadlines(
  checklist: Checklist,
  today: string,
  offsetDays: number | undefined,
): Record<string, string> {
  const dated = checklist.actions.filter((a) => a.due);
  if (offsetDays === undefined || dated.length === 0)
    return Object.fromEntries(dated.map((a) => [a.id, a.due as string]));
  const earliest = dated.map((a) => a.due as string).sort()[0] as string;
  const shift = daysBetween(earliest, addDays(today, offsetDays));
  return Object.fromEntries(dated.map((a) => [a.id, addDays(a.due as string, shift)]));
}

/**
 * Creates a draft campaign (or returns the same one if it exists with the same request), so
 * "create then launch" can be rerun safely.
 */
export async function createCampaign(
  deps: CreateCampaignDeps,
  request: CampaignRequest,
): Promise<{ campaign: Campaign; created: boolean }> {
  const checklist = await deps.checklists.getChecklist(
    request.checklistId,
    request.checklistVersion,
  );
  if (!checklist)
    throw new NotFoundError(
      `Checklist "${request.checklistId}" is not loaded. Import it with import-checklist first.`,
    );
  const scope = await resolveScope(deps.organisations, request.scopeCode);
  const today = todayInLondon(deps.now());
  const deadlines = {
    ...shiftDeadlines(checklist, today, request.dueOffsetDays),
    ...(request.deadlines ?? {}),
  };
  const unknown = Object.keys(request.deadlines ?? {}).filter(
    (id) => !checklist.actions.some((a) => a.id === id),
  );
  if (unknown.length > 0)
    throw new InvalidInputError(
      `Deadlines name actions that are not in the checklist: ${unknown.join(', ')}.`,
    );
  const scopeName = scope.kind === 'england' ? 'england' : scope.code.toLowerCase();
  const id =
    request.id ??
    `${checklist.id}-${scopeName}${request.dueOffsetDays !== undefined ? `-from-${today}` : ''}`;
  const campaign: Campaign = {
    id,
    name:
      request.name ?? `${checklist.title} (${scope.kind === 'england' ? 'England' : scope.code})`,
    checklistId: checklist.id,
    checklistVersion: checklist.version,
    scope,
    status: 'draft',
    deadlines,
    icbOverrides: {},
    createdAt: deps.now().toISOString(),
  };
  const existing = await deps.campaigns.getCampaign(id);
  if (existing) {
    const same =
      existing.checklistId === campaign.checklistId &&
      existing.checklistVersion === campaign.checklistVersion &&
      JSON.stringify(existing.scope) === JSON.stringify(campaign.scope) &&
      JSON.stringify(existing.deadlines) === JSON.stringify(campaign.deadlines);
    if (!same)
      throw new ConflictError(`A different campaign "${id}" exists already. Choose another id.`);
    return { campaign: existing, created: false };
  }
  await deps.campaigns.saveCampaign(campaign);
  return { campaign, created: true };
}

async function resolveScope(
  organisations: OrganisationStore,
  code: string,
): Promise<CampaignScope> {
  if (code.toUpperCase() === ENGLAND) return { kind: 'england' };
  const org = await organisations.getOrganisation(code.toUpperCase());
  if (!org)
    throw new NotFoundError(
      `There is no organisation ${code}. Use ENGLAND, a region code (Y56…) or an ICB code (Q…).`,
    );
  if (org.level !== 'region' && org.level !== 'icb') {
    throw new InvalidInputError(
      `A campaign goes to England, a region or an ICB; ${org.name} (${org.code}) is a ${org.level.toUpperCase()}.`,
    );
  }
  return { kind: org.level, code: org.code };
}

/** Closes a running campaign: its items stay readable but can no longer be changed. */
export async function closeCampaign(
  deps: { campaigns: CampaignStore; now: () => Date },
  id: string,
): Promise<Campaign> {
  const campaign = await deps.campaigns.getCampaign(id);
  if (!campaign) throw new NotFoundError(`There is no campaign "${id}".`);
  if (campaign.status === 'closed') return campaign;
  const closed: Campaign = { ...campaign, status: 'closed', closedAt: deps.now().toISOString() };
  await deps.campaigns.saveCampaign(closed);
  return closed;
}
