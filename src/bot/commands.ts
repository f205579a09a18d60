/** A command a user can type (in 1:1 chat, or after @mentioning the bot elsewhere). */
export interface CommandDoc {
  name: string;
  summary: string;
}

/** The commands the bot understands; the help card and the manifest's command list show these. */
export const COMMANDS: readonly CommandDoc[] = [
  { name: 'help', summary: 'Shows what I can do.' },
  {
    name: 'whoami',
    summary: 'Shows who Teams says you are (name, Entra object id, tenant) and your roles.',
  },
  {
    name: 'progress',
    summary:
      'Shows how your organisations stand in each running campaign, and the next actions due.',
  },
  {
    name: 'delivery',
    summary:
      'Administrators: what the bot has sent, what is waiting and what failed, with a retry of the failed ones.',
  },
];
