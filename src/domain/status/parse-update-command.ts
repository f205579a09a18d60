import { escapeMarkdown } from '../shared/escape-markdown';
import { isOdsCode } from '../access/ods-codes';
import { InvalidInputError } from '../shared/errors';
import { parseStatus } from './set-status';
import type { ItemStatus } from '../items/tracked-items';

/** What `update <action id> <status> [ODS code] [campaign id] [note]` asks for. */
export interface UpdateCommand {
  actionId: string;
  status: ItemStatus;
  orgCode?: string;
  campaignId?: string;
  note: string;
}

const USAGE =
  'Type **update**, the action id, the new status and, if you like, a note: for example **update PRAC-05 done switched on 12 Oct**. Statuses: not started, in progress, done, blocked, not applicable.';
const ACTION_ID = /^[A-Za-z]{2,8}-\d{1,3}$/;
// The levels whose items can be updated; a region code in the text is read as part of the note.
const UPDATABLE_LEVELS = ['icb', 'pcn', 'practice'] as const;

/** Parses the text after `update`; `campaignIds` are the running campaigns' ids, to recognise one. */
export function parseUpdateCommand(rest: string, campaignIds: readonly string[]): UpdateCommand {
  const words = rest.split(' ').filter(Boolean);
  const [actionWord, ...after] = words;
  if (!actionWord || after.length === 0) throw new InvalidInputError(USAGE);
  if (!ACTION_ID.test(actionWord))
    throw new InvalidInputError(
      `"${escapeMarkdown(actionWord.slice(0, 20))}" is not an action id (they look like PRAC-05 or PCN-02). ${USAGE}`,
    );
  // Statuses of two words ("in progress") first, then one.
  let status: ItemStatus | undefined;
  let used = 0;
  for (const n of [2, 1]) {
    if (after.length < n) continue;
    try {
      status = parseStatus(after.slice(0, n).join(' '));
      used = n;
      break;
    } catch {
      // Not a status of n words; try fewer.
    }
  }
  if (!status) {
    throw new InvalidInputError(
      `"${escapeMarkdown(after.slice(0, 2).join(' ').slice(0, 30))}" is not a status. ${USAGE}`,
    );
  }
  let next = after.slice(used);
  const command: UpdateCommand = { actionId: actionWord.toUpperCase(), status, note: '' };
  if (next[0] && isOdsCode(next[0].toUpperCase(), UPDATABLE_LEVELS)) {
    command.orgCode = next[0].toUpperCase();
    next = next.slice(1);
  }
  if (next[0] && campaignIds.includes(next[0])) {
    command.campaignId = next[0];
    next = next.slice(1);
  }
  // People quote notes in chat; the quotes are not part of the note.
  command.note = next
    .join(' ')
    .replace(/^["“'‘]+|["”'’]+$/g, '')
    .trim();
  return command;
}
