import { canReadItems, isWithin } from '../access/authorise';
import type { Organisation } from '../access/organisations';
import type { RoleStore } from '../access/roles';
import { ForbiddenError } from '../shared/errors';
import { escapeMarkdown } from '../shared/escape-markdown';
import type { LinkStore } from './channel-links';

/** Who is looking at an organisation's items, and from where (the channel, when in one). */
export interface Viewer {
  userId: string | undefined;
  place?: { teamId: string; channelId: string };
}

/**
 * Lets a person read an organisation's items, notes and updaters' names when a role of theirs
 * reaches it, or when they are in a channel linked to it or to an organisation above it (its
 * cards are posted there for everyone in the channel already). Throws ForbiddenError otherwise.
 */
export async function requireReader(
  deps: { roles: RoleStore; links: LinkStore },
  viewer: Viewer,
  org: Organisation,
): Promise<void> {
  const grants = viewer.userId ? await deps.roles.listRolesOfUser(viewer.userId) : [];
  if (canReadItems(grants, org)) return;
  if (viewer.place) {
    const link = await deps.links.findLinkOfChannel(viewer.place.teamId, viewer.place.channelId);
    if (link?.active && link.purpose === 'checklist' && isWithin(org, link.orgCode)) return;
  }
  throw new ForbiddenError(
    `You can see an organisation's actions when you have a role there, or in a channel linked to it. Ask your ICB's administrator for a role over ${escapeMarkdown(org.name)} (${org.code}) if you need one.`,
  );
}
