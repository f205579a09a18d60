// The shapes the API answers with (kept in step with src/domain/dashboard by the browser tests).

/** Items by status with completion and overdue figures. */
export interface Figures {
  total: number;
  finished: number;
  percentComplete: number;
  byStatus: Record<string, number>;
  overdue?: number;
}

/** An organisation as the dashboard names it. */
export interface OrgRef {
  code: string;
  name: string;
  shortName: string;
  level: string;
}

/** One organisation under the one shown. */
export interface ChildRow extends OrgRef {
  figures: Figures;
  drillable: boolean;
}

/** One of the organisation's own actions. */
export interface OwnItem {
  actionId: string;
  title: string;
  area: string;
  status: string;
  note: string;
  dueDate?: string;
  overdue: boolean;
  updatedByName?: string;
  updatedAt?: string;
  version: number;
}

/** A campaign as the picker lists it. */
export interface CampaignRef {
  id: string;
  name: string;
  status: string;
}

/** The dashboard of one organisation. */
export interface Dashboard {
  org: OrgRef;
  ancestors: OrgRef[];
  campaign?: CampaignRef;
  campaigns: CampaignRef[];
  today: string;
  figures: Figures;
  areas: { area: string; name: string; figures: Figures }[];
  children: ChildRow[];
  ownItems: OwnItem[];
  canUpdate: boolean;
}

/** An overdue or blocked item. */
export interface AttentionRow {
  campaignId: string;
  orgCode: string;
  orgName: string;
  actionId: string;
  title: string;
  status: string;
  dueDate?: string;
  note: string;
  updatedByName?: string;
  updatedAt?: string;
}

/** One page of overdue or blocked items. */
export interface AttentionPage {
  kind: 'overdue' | 'blocked';
  rows: AttentionRow[];
  total: number;
  next?: number;
}

/** An item with its history. */
export interface ItemHistory {
  org: { code: string; name: string };
  campaign: CampaignRef;
  title: string;
  item: {
    actionId: string;
    status: string;
    note: string;
    dueDate?: string;
    version: number;
    updatedByName?: string;
    updatedAt?: string;
  };
  events: {
    version: number;
    at: string;
    byName?: string;
    from: string;
    to: string;
    note: string;
    surface: string;
  }[];
  canUpdate: boolean;
}

/** Who the tab is talking for, and what they may open. */
export interface Me {
  user: { id: string; name: string; development: boolean };
  organisations: { code: string; name: string; level: string; role: string }[];
}
