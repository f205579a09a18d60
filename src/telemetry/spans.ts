import {
  context,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { SERVICE_NAME } from './start-telemetry';

/** Span names, as Application Insights shows them (dependencies, or requests' children). */
export const SPANS = {
  turn: 'bot.turn',
  job: 'job.run',
  send: 'outbox.send',
} as const;

/**
 * Span attributes: codes, names, counts and statuses only. Never message text, people's names,
 * Entra ids or conversation ids: the caller picks what goes in.
 */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** A started span, in terms that keep OpenTelemetry out of the callers. */
export interface SpanScope {
  /** Adds or replaces attributes. */
  set(attributes: SpanAttributes): void;
  /** Marks the span failed with a short code (never an error's text: it may quote data). */
  fail(code: string): void;
  /** Runs `work` with this span active, so logs and child spans join it. */
  within<T>(work: () => T): T;
  end(): void;
}

/** Where a span sits: inside the caller's work (a turn under its HTTP request), or a call out. */
export type SpanRole = 'internal' | 'client';

/** Starts a span under the active one (a new trace when there is none); end it yourself. */
export function startSpan(
  name: string,
  attributes: SpanAttributes,
  role: SpanRole = 'internal',
): SpanScope {
  const span = trace.getTracer(SERVICE_NAME).startSpan(name, {
    kind: role === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
    attributes: defined(attributes),
  });
  return scopeOf(span);
}

/**
 * Runs `work` inside a new span that ends when it settles; a throw marks it failed with the
 * error's name and is rethrown.
 */
export async function inSpan<T>(
  name: string,
  attributes: SpanAttributes,
  work: (span: SpanScope) => Promise<T>,
): Promise<T> {
  const span = startSpan(name, attributes);
  try {
    return await span.within(() => work(span));
  } catch (error) {
    span.fail(error instanceof Error ? error.name : 'Error');
    throw error;
  } finally {
    span.end();
  }
}

/** Adds attributes to the active span, if any (a handler naming its outcome on the turn's span). */
export function annotateSpan(attributes: SpanAttributes): void {
  trace.getActiveSpan()?.setAttributes(defined(attributes));
}

/**
 * The active span's trace and span ids, for log lines; undefined outside a span or with telemetry
 * off. Application Insights shows the trace id as the operation id.
 */
export function currentTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : undefined;
}

function scopeOf(span: Span): SpanScope {
  return {
    set: (attributes) => span.setAttributes(defined(attributes)),
    fail: (code) => span.setStatus({ code: SpanStatusCode.ERROR, message: code }),
    within: (work) => context.with(trace.setSpan(context.active(), span), work),
    end: () => span.end(),
  };
}

function defined(attributes: SpanAttributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}
