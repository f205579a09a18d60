/** Where a command can be typed (the manifest's bot scopes). */
export type CommandScope = 'personal' | 'team' | 'groupChat';

/** A command a user can type (in 1:1 chat, or after @mentioning the bot elsewhere). */
export interface CommandDoc {
  name: string;
  summary: string;
  /** Where Teams suggests it; Teams shows at most 10 per scope. */
  scopes: readonly CommandScope[];
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
  },
  { name: 'unlink', summary: 'Administrators: unlink this channel.', scopes: CHANNEL },
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
      'Administrators: digest now posts the weekly regional digest in its channel, or digest now Y63 shows it here.',
    scopes: ['personal', 'team'],
  },
  {
    name: 'delivery',
    summary:
      'Administrators: what the bot has sent, what is waiting and what failed, with a retry of the failed ones.',
    scopes: ALL,
  },
];

/** The commands Teams suggests in one scope. */
export function commandsFor(scope: CommandScope): CommandDoc[] {
  return COMMANDS.filter((c) => c.scopes.includes(scope));
}
