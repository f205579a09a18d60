/** What a linked channel is for: an organisation's checklist cards, or a region's weekly digest. */
export const LINK_PURPOSES = ['checklist', 'digest'] as const;
/** One link purpose. */
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

/** A Teams channel bound to an organisation for a purpose (DESIGN.md §3, "Channel link"). */
export interface ChannelLink {
  orgCode: string;
  purpose: LinkPurpose;
  /** Bot Framework team thread id (`19:…@thread.tacv2`), not the Entra group id. */
  teamId: string;
  channelId: string;
  linkedBy: string;
  linkedAt: string;
  /** False once unlinked; links are never deleted, so "who linked what, when" stays answerable. */
  active: boolean;
  /**
   * How many times the channel's cards were posted afresh (`deliver again`); absent for none. Part
   * of each card's post key, so redraws change the newest copies and leave older ones alone.
   */
  postings?: number;
  /**
   * Digest links: the people (Entra object ids) its weekly digest @mentions, set with `digest
   * mention`; absent or empty for nobody, the default.
   */
  mentionIds?: string[];
}

/** Port: where channel links are kept. */
export interface LinkStore {
  /** Creates or replaces the link of one channel (a channel has at most one active link). */
  saveLink(link: ChannelLink): Promise<void>;
  /** The link of one channel, active or not. */
  findLinkOfChannel(teamId: string, channelId: string): Promise<ChannelLink | undefined>;
  /** The links of a team's channels, active or not. */
  listLinksOfTeam(teamId: string): Promise<ChannelLink[]>;
  /** Active links to one organisation. */
  listLinksOfOrg(orgCode: string): Promise<ChannelLink[]>;
  /** Every active link (campaign launch and digests: not a request path). */
  listAllLinks(): Promise<ChannelLink[]>;
}
