import { z } from 'zod';
import { isGuid } from '../domain/shared/ids';

// Teams identifies people and tenants by GUIDs. Anything else is not from Teams, and would
// otherwise become a role grant or a conversation row keyed by free text: refuse it here, before
// anything can be stored, in every mode.
const guid = (what: string) =>
  z.string().refine(isGuid, `${what} must be a GUID, as Teams sends it`).optional();

/** The smallest shape of a Bot Framework activity the pipeline can safely handle. */
const activitySchema = z.looseObject({
  type: z.string().min(1, 'type must be a non-empty string'),
  serviceUrl: z.url({ message: 'serviceUrl must be a URL' }),
  channelId: z.string().min(1).optional(),
  conversation: z.looseObject({
    id: z.string().min(1, 'conversation.id must be a non-empty string'),
    tenantId: guid('conversation.tenantId'),
  }),
  from: z.looseObject({
    id: z.string().min(1, 'from.id must be a non-empty string'),
    aadObjectId: guid('from.aadObjectId'),
  }),
  channelData: z
    .looseObject({ tenant: z.looseObject({ id: guid('channelData.tenant.id') }).optional() })
    .optional(),
  recipient: z.looseObject({ id: z.string().min(1) }).optional(),
  text: z.string().max(28_000).optional(),
});

/** A problem with a request body, phrased for the caller. */
export interface ActivityProblem {
  status: 400;
  message: string;
}

/** Checks that `body` is an activity; returns what is wrong with it, or undefined. */
export function findActivityProblem(body: unknown): ActivityProblem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { status: 400, message: 'The body must be a JSON object (a Bot Framework activity).' };
  }
  const result = activitySchema.safeParse(body);
  if (result.success) return undefined;
  const fields = result.error.issues.map((i) =>
    i.path.length > 0 && i.code === 'invalid_type' && i.input === undefined
      ? `${i.path.join('.')} is missing`
      : `${i.path.join('.') || 'body'}: ${i.message}`,
  );
  return { status: 400, message: `This is not a valid activity: ${fields.join('; ')}.` };
}

/** The tenant id of an activity (Teams puts it in channelData and in conversation). */
export function readTenantId(body: Record<string, unknown>): string | undefined {
  const channelData = body['channelData'] as { tenant?: { id?: unknown } } | undefined;
  const conversation = body['conversation'] as { tenantId?: unknown } | undefined;
  const id = channelData?.tenant?.id ?? conversation?.tenantId;
  return typeof id === 'string' ? id.toLowerCase() : undefined;
}
