import { addDays, todayInLondon } from '../shared/uk-dates';
import { snoozeKeyOf, type NudgePreferences, type PreferenceStore } from './preferences';

/** How long "Snooze" pauses one item's reminders. */
export const SNOOZE_DAYS = 3;

/** What choosing reminders reads and writes. */
export interface ChooseNudgesDeps {
  preferences: PreferenceStore;
  now: () => Date;
}

/** Pauses one person's reminders about one item for SNOOZE_DAYS; returns the last day paused. */
export async function snoozeNudge(
  deps: ChooseNudgesDeps,
  userId: string,
  item: { campaignId: string; orgCode: string; actionId: string },
): Promise<string> {
  const now = deps.now();
  const until = addDays(todayInLondon(now), SNOOZE_DAYS);
  await deps.preferences.snooze(userId, snoozeKeyOf(item), until, now.toISOString());
  return until;
}

/** Chooses whether a person gets only urgent reminders (`urgent`) or every reminder (`all`). */
export async function chooseNudges(
  deps: ChooseNudgesDeps,
  userId: string,
  choice: 'urgent' | 'all',
): Promise<void> {
  await deps.preferences.setNonUrgentOff(userId, choice === 'urgent', deps.now().toISOString());
}

/** What a person has chosen about their reminders. */
export function getNudgeChoices(
  deps: Pick<ChooseNudgesDeps, 'preferences'>,
  userId: string,
): Promise<NudgePreferences> {
  return deps.preferences.getNudgePreferences(userId);
}
