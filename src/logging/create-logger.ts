import pino, { type Logger } from 'pino';
import { currentTraceIds } from '../telemetry/spans';

export type { Logger };

const REDACTED = '[redacted]';

// Field names whose values are secrets wherever they sit (headers, options, SDK errors).
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-jobs-secret|x-identity-header|sig)$|password|secret|token$|connectionstring|accountkey|sharedkey|credential/i;

// Secrets inside text: connection strings, Authorization values, SAS signatures, form bodies.
const SECRET_TEXT: readonly [RegExp, string][] = [
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature)=[^;\s"'&]+/gi, `$1=${REDACTED}`],
  [/\b(SharedKey|SharedKeyLite|Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  [/([?&]sig=)[^&\s"']+/gi, `$1${REDACTED}`],
  [/\b(client_secret|password|client_assertion)=[^&\s"']+/gi, `$1=${REDACTED}`],
];

const MAX_DEPTH = 10;

/** Removes secrets from anything about to be logged: nested fields, errors and their causes, text. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH || seen.has(value)) return '[…]';
  seen.add(value);
  // Errors (an Azure RestError carries its request, headers included) become plain objects
  // first, so every enumerable property and the cause chain is walked like any other field.
  const plain: unknown =
    value instanceof Error
      ? pino.stdSerializers.errWithCause(value)
      : typeof (value as { toJSON?: unknown }).toJSON === 'function' && !(value instanceof Date)
        ? (value as { toJSON(): unknown }).toJSON()
        : value;
  if (plain === null || typeof plain !== 'object' || plain instanceof Date) return plain;
  if (Array.isArray(plain)) return plain.map((v) => redactSecrets(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(plain)) {
    out[key] =
      SECRET_KEY.test(key) && v !== undefined && v !== null && v !== ''
        ? REDACTED
        : redactSecrets(v, depth + 1, seen);
  }
  return out;
}

// One test first: nearly every logged string holds none of the above, and four replacements on
// every string of every log line were a visible share of a press's CPU.
const MAYBE_SECRET_TEXT =
  /AccountKey|SharedAccess|SharedKey|Bearer|Basic|sig=|client_secret|password|client_assertion/i;

function redactText(text: string): string {
  if (!MAYBE_SECRET_TEXT.test(text)) return text;
  let result = text;
  for (const [pattern, replacement] of SECRET_TEXT) result = result.replace(pattern, replacement);
  return result;
}

/** Structured JSON logs on stdout; secrets are redacted wherever they might appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'access-recovery-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A line written inside a turn, job run or send carries its trace and span ids, so the log
      // and Application Insights (operation id = trace id) can be joined. Nothing when telemetry is off.
      mixin: () => currentTraceIds() ?? {},
      formatters: {
        bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
      // Errors were already made plain (and redacted) above; the default serializer would
      // re-label them "Object".
      serializers: { err: (err: unknown) => err },
      hooks: {
        // The message itself may quote an error's text.
        logMethod(args, method) {
          // An error logged on its own lends pino its message; wrap it so that is redacted too.
          const [first, ...rest] = args as unknown[];
          const given =
            first instanceof Error
              ? [{ err: first }, ...(rest.length > 0 ? rest : [first.message])]
              : (args as unknown[]);
          method.apply(
            this,
            given.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args,
          );
        },
      },
    },
    destination,
  );
  // pino applies formatters.bindings to the root only; children inherit this from the root
  // (they are created from it by prototype), so every child's bindings are redacted too.
  const redactingChild = function (
    this: Logger,
    bindings: pino.Bindings,
    options?: pino.ChildLoggerOptions,
  ) {
    return Object.getPrototypeOf(logger).child.call(this, redactSecrets(bindings), options);
  };
  logger.child = redactingChild as Logger['child'];
  return logger;
}
