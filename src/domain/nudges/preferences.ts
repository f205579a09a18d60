/** What one person has asked of their reminders. */
export interface NudgePreferences {
  /** No reminders a week or more before a deadline (urgent ones still come). */
  nonUrgentOff: boolean;
  /** Items snoozed until a date (YYYY-MM-DD, inclusive), keyed "campaign|org|action". */
  snoozedUntil: Record<string, string>;
}

/** The key a snooze is kept under. */
export function snoozeKeyOf(item: {
  campaignId: string;
  orgCode: string;
  actionId: string;
}): string {
  return `${item.campaignId}|${item.orgCode}|${item.actionId}`;
}

/** Port: where people's reminder choices are kept. */
export interface PreferenceStore {
  getNudgePreferences(userId: string): Promise<NudgePreferences>;
  /** Everyone's choices who has made any, by user id, in one read (the daily reminder run). */
  listNudgePreferences(): Promise<Map<string, NudgePreferences>>;
  setNonUrgentOff(userId: string, off: boolean, at: string): Promise<void>;
  snooze(userId: string, snoozeKey: string, until: string, at: string): Promise<void>;
}
