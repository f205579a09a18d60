import { sampleDigestCard } from './sample-digest';
import { sampleEditCard, samplePcnOverview, samplePracticeCard } from './sample-cards';

// One source of sample data per card template, shared by the card tests and the card pictures.

/**
 * Sample view models for each template: the golden files (test/unit/cards.test.ts) and the
 * pictures (scripts/render-card-pictures.ts) show what users will see with them.
 */
export const SAMPLES: Record<string, Record<string, unknown>> = {
  digest: sampleDigestCard() as unknown as Record<string, unknown>,
  nudge: {
    title: '1 action needs attention at Demo Bridgefoot Surgery',
    intro:
      '1 overdue. Reminders for your practice in "Demo: access recovery checklist", as of Wed 25 Nov 2026.',
    rows: [
      {
        heading: '**PRAC-03** Offer online consultation tools',
        dueText: 'Deadline Wed 18 Nov 2026 · overdue by 7 days',
        dueColor: 'Attention',
        statusText: '◑ In progress',
        done: {
          campaignId: 'demo-qz1',
          orgCode: 'X99001',
          actionId: 'PRAC-03',
          status: 'done',
          version: 2,
          card: { view: 'items', campaignId: 'demo-qz1', orgCode: 'X99001' },
        },
        snooze: { campaignId: 'demo-qz1', orgCode: 'X99001', actionId: 'PRAC-03' },
      },
    ],
    mentionLine: '',
    more: '',
    open: { card: { view: 'items', campaignId: 'demo-qz1', orgCode: 'X99001' } },
    personal: true,
    footer: 'Reminders come 14, 7 and 1 days before a deadline and weekly once it has passed.',
  },

  progress: {
    title: 'Your progress',
    intro: 'Your organisations in each running campaign, with the next actions that need work.',
    sections: [
      {
        heading: 'Demo Bridgefoot Surgery (X99001)',
        campaign: 'Demo: access recovery checklist (deadlines set relative to today)',
        summary: '8% complete: 1 done, 2 in progress, 0 blocked, 9 not started; **3 overdue**.',
        next: [
          { actionId: 'PRAC-03', text: 'Not started, overdue since 4 Nov 2026' },
          { actionId: 'PRAC-07', text: 'In progress, due 28 Nov 2026' },
        ],
      },
    ],
  },
  delivery: {
    intro: 'The 2 most recent jobs, newest first.',
    jobs: [
      {
        jobId: 'campaign:demo-qz1',
        sent: '1297',
        waiting: '0',
        failed: '3',
        duplicates: '0',
        failureText:
          'Teams refused (403): the bot was blocked or removed: 3. Where: General in North Coast PCN.',
        canRetry: true,
      },
      {
        jobId: 'digests',
        sent: '7',
        waiting: '0',
        failed: '0',
        duplicates: '0',
        failureText: 'Nothing failed.',
        canRetry: false,
      },
    ],
  },
  welcome: { teamName: 'North Coast PCN' },
  checklist: samplePracticeCard() as unknown as Record<string, unknown>,
  overview: samplePcnOverview(3) as unknown as Record<string, unknown>,
  'edit-item': sampleEditCard() as unknown as Record<string, unknown>,
  links: {
    teamName: 'North Coast PCN',
    notice: 'Linked this channel to **Demo Riverside PCN (U99901)** for checklist cards.',
    intro: '2 channels linked.',
    links: [
      {
        channel: 'Access recovery',
        target: 'Checklist cards for Demo Riverside PCN (U99901)',
        health: '✔ Healthy: deliveries are reaching it.',
      },
      {
        channel: 'Regional digest',
        target: 'Weekly digest for North East and Yorkshire (Y63)',
        health:
          '⚠ Last delivery failed: Teams refused (403). Type **delivery** for details and a retry.',
      },
    ],
  },
  help: {
    intro: 'Type one of these commands here.',
    commands: [
      { name: 'help', summary: 'Shows what I can do.' },
      { name: 'whoami', summary: 'Shows who Teams says you are.' },
    ],
    adminCommands: [
      {
        name: 'grant',
        summary: 'Gives someone a role, e.g. grant asha.rao@nhs.net pcn_lead U99901.',
      },
      { name: 'roles', summary: 'Who holds which role over an organisation, e.g. roles U99901.' },
    ],
  },
  whoami: {
    name: 'Priya Shah',
    aadObjectId: '6a1f0d2c-9b8e-4f7a-8c6d-5e4f3a2b1c0d',
    tenantId: '3f9a7c1e-5b2d-4e8a-9c6f-1a2b3c4d5e6f',
    where: 'Our 1:1 chat',
    roles: 'None yet',
    rolesHint: 'Roles are granted by an administrator.',
  },
};
