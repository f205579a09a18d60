/** Where a command can be typed (the manifest's bot scopes). */
export type CommandScope = 'personal' | 'team' | 'groupChat';

/** A command a user can type (in 1:1 chat, or after @mentioning the bot elsewhere). */
export interface CommandDoc {
  name: string;
  summary: string;
  /** Where it can be typed; Teams suggests it there unless `suggested` is false. */
  scopes: readonly CommandScope[];
  /** For administrators (the help card lists these apart). */
  forAdministrators?: boolean;
  /**
   * False: understood and on the help card, but not in the manifest's command lists, which Teams
   * caps at 10 per scope (full already).
   */
  suggested?: false;
}

const ALL: readonly CommandScope[] = ['personal', 'team', 'groupChat'];
const CHANNEL: readonly CommandScope[] = ['team'];

/** The commands the bot understands; the help card and the manifest's command lists show these. */
export const COMMANDS: readonly CommandDoc[] = [
  { name: 'help', summary: 'Shows what I can do.', scopes: ALL },
  {
    name: 'my actions',
    summary: 'Lists your unfinished actions, most urgent first, with buttons to update them.',
    scopes: ['personal'],
  },
  {
    name: 'update',
    summary: 'Sets an action’s status, e.g. update PRAC-05 done switched on 12 Oct.',
    scopes: ALL,
  },
  {
    name: 'status',
    summary: 'Shows progress: status U99901 for any organisation, or status alone for yours.',
    scopes: ALL,
  },
  {
    name: 'progress',
    summary:
      'Shows how your organisations stand in each running campaign, and the next actions due.',
    // Not in the team list: Teams shows ten commands per scope, and `status` covers a channel.
    scopes: ['personal', 'groupChat'],
  },
  {
    name: 'nudges',
    summary: 'Shows or chooses your reminders: nudges urgent (only urgent ones) or nudges all.',
    scopes: ['personal'],
  },
  {
    name: 'whoami',
    summary: 'Shows who Teams says you are (name, Entra object id, tenant) and your roles.',
    scopes: ALL,
  },
  {
    name: 'link',
    summary:
      'Administrators: link this channel, e.g. link U99901 (checklist cards) or link Y63 digest.',
    scopes: CHANNEL,
    forAdministrators: true,
  },
  {
    name: 'unlink',
    summary: 'Administrators: unlink this channel.',
    scopes: CHANNEL,
    forAdministrators: true,
  },
  {
    name: 'links',
    summary: 'Shows what this team’s channels are linked to, and whether deliveries reach them.',
    scopes: CHANNEL,
  },
  {
    name: 'deliver',
    summary:
      'Leads: posts this linked channel’s checklist cards again, redrawing those already here.',
    scopes: CHANNEL,
  },
  {
    name: 'digest',
    summary:
      'Administrators: regional and ICB digests. digest now posts this week’s in its channel; digest now Y63 shows it here.',
    scopes: ['personal', 'team'],
    forAdministrators: true,
  },
  {
    name: 'delivery',
    summary:
      'Administrators: what the bot has sent, what is waiting and what failed, with a retry of the failed ones.',
    scopes: ALL,
    forAdministrators: true,
  },
  // Not suggested by Teams (its lists are full), so the help card is where people find these.
  {
    name: 'grant',
    summary:
      'Administrators: gives someone a role, by e-mail, name or @mention, e.g. grant asha.rao@nhs.net pcn_lead U99901.',
    scopes: ALL,
    forAdministrators: true,
    suggested: false,
  },
  {
    name: 'revoke',
    summary: 'Administrators: takes a role away, e.g. revoke asha.rao@nhs.net pcn_lead U99901.',
    scopes: ALL,
    forAdministrators: true,
    suggested: false,
  },
  {
    name: 'roles',
    summary:
      'Administrators: who holds which role over an organisation, who granted it and when, e.g. roles U99901; roles history U99901 for every change.',
    scopes: ALL,
    forAdministrators: true,
    suggested: false,
  },
  {
    name: 'digest mention',
    summary:
      'Administrators, in a digest channel: whom its digest @mentions, e.g. digest mention asha.rao@nhs.net, Ravi Patel (nobody by default; digest mention nobody).',
    scopes: CHANNEL,
    forAdministrators: true,
    suggested: false,
  },
];

/** The commands Teams suggests in one scope (the manifest's command list for it). */
export function commandsFor(scope: CommandScope): CommandDoc[] {
  return COMMANDS.filter((c) => c.scopes.includes(scope) && c.suggested !== false);
}

/** Every command that works in one scope, suggested or not: what the help card lists. */
export function helpCommandsFor(scope: CommandScope): CommandDoc[] {
  return COMMANDS.filter((c) => c.scopes.includes(scope));
}
