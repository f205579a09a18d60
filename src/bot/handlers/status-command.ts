import { describeProgress } from '../../domain/cards/card-views';
import { escapeMarkdown } from '../../domain/shared/escape-markdown';
import { InvalidInputError, NotFoundError } from '../../domain/shared/errors';
import { getProgress } from '../../domain/items/get-progress';
import { parseOdsCode } from '../../domain/channels/link-channel';
import { campaignCovers } from '../../domain/cards/plan-cards';
import { todayInLondon } from '../../domain/shared/uk-dates';
import { readCommand } from '../read-command';
import { readTeamsContext } from '../read-teams-context';
import { cardMessage } from '../reply';
import type { Handler } from '../router';
import { sendProgress } from './progress';

/**
 * `status [ODS code]`: the progress of an organisation (with everything under it) in each running
 * campaign. Without a code: the channel's linked organisation, or in chat the person's own.
 */
export const statusCommand: Handler = async (context, scope) => {
  const { services } = scope;
  const args = readCommand(context.activity).rest.split(' ').filter(Boolean);
  if (args.length > 1)
    throw new InvalidInputError(
      'Type **status** on its own, or **status** and one ODS code, for example **status U99901**.',
    );
  let code = args[0] ? parseOdsCode(args[0]) : undefined;
  if (!code) {
    const teams = readTeamsContext(context.activity);
    const link =
      teams.team && teams.channel
        ? await services.links.findLinkOfChannel(teams.team.id, teams.channel.id)
        : undefined;
    if (!link?.active) return sendProgress(context, scope);
    code = link.orgCode;
  }
  const org = await services.organisations.getOrganisation(code);
  if (!org)
    throw new NotFoundError(`There is no organisation with ODS code ${code}. Check the code.`);
  const today = todayInLondon(services.now());
  const campaigns = (await services.campaigns.listCampaigns()).filter(
    (c) => c.status === 'running' && campaignCovers(c, org),
  );
  const sections = [];
  for (const campaign of campaigns) {
    const { progress } = await getProgress(services, campaign.id, org.code, today);
    sections.push({
      heading: `${escapeMarkdown(org.name)} (${org.code})`,
      campaign: escapeMarkdown(campaign.name),
      summary: describeProgress(progress),
      next: [],
    });
  }
  const intro =
    sections.length > 0
      ? `Progress of ${escapeMarkdown(org.name)} and everything under it, in each running campaign.`
      : `No running campaign covers ${escapeMarkdown(org.name)}.`;
  await context.sendActivity(
    cardMessage(services.renderCard('progress', { intro, sections }), `Status of ${org.name}`),
  );
};
