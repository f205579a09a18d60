/** Where a campaign is sent: all of England, one region or one ICB. */
export type CampaignScope = { kind: 'england' } | { kind: 'region' | 'icb'; code: string };

/** A campaign's life: drafted, running (items exist and can be updated), closed (read-only). */
export type CampaignStatus = 'draft' | 'running' | 'closed';

/** A checklist version sent to a scope, with its own deadlines. */
export interface Campaign {
  id: string;
  name: string;
  checklistId: string;
  checklistVersion: number;
  scope: CampaignScope;
  status: CampaignStatus;
  /** Deadline per action id (YYYY-MM-DD); actions without one have no deadline. */
  deadlines: Record<string, string>;
  /** Per-ICB deadline overrides: ICB code → action id → date. */
  icbOverrides: Record<string, Record<string, string>>;
  createdAt: string;
  launchedAt?: string;
  closedAt?: string;
}

/** Port: where campaigns are kept. */
export interface CampaignStore {
  getCampaign(id: string): Promise<Campaign | undefined>;
  listCampaigns(): Promise<Campaign[]>;
  /** Saves a campaign; with `expectedEtag`, only if nobody changed it since it was read. */
  saveCampaign(campaign: Campaign): Promise<void>;
}

/** The deadline of an action for an organisation in a given ICB, overrides first. */
export function resolveDeadline(
  campaign: Campaign,
  actionId: string,
  icbCode: string | undefined,
): string | undefined {
  return (
    (icbCode ? campaign.icbOverrides[icbCode]?.[actionId] : undefined) ??
    campaign.deadlines[actionId]
  );
}
