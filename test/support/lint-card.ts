// Lints a rendered card with the official Adaptive Cards parser (the `adaptivecards` package).
//
// The parser knows the Adaptive Cards 1.5 schema, not Teams' chart elements (`Chart.VerticalBar`
// and friends, Teams-only since November 2024), so a card with a chart is read twice, as each
// kind of client reads it:
//  - as Teams desktop and web do (charts drawn): the chart types are registered, each checked
//    against the properties Teams documents (an unknown property or a malformed data point is an
//    error), and everything around them must parse without a single warning;
//  - as a client without charts does (iOS, older hosts): the parser must meet only the chart
//    itself ("Unknown element type … Fallback will be used"), and must find a fallback element
//    there that parses without warnings — so the text alternative is linted, not just present.

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's main entry fails on Node 20
const AC = require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsModule;

interface ParseContext {
  eventCount: number;
  getEventAt(i: number): { message: string };
  logParseEvent(source: unknown, event: number, message: string): void;
  setElementRegistry(registry: unknown): void;
}

interface AdaptiveCardsModule {
  AdaptiveCard: new () => {
    parse(json: unknown, ctx: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
    toJSON(): unknown;
  };
  SerializationContext: new () => ParseContext;
  CardObjectRegistry: new () => { register(name: string, type: unknown, version: unknown): void };
  GlobalRegistry: { populateWithDefaultElements(registry: unknown): void };
  CardElement: new () => {
    internalParse(source: unknown, context: ParseContext): void;
  };
  Versions: { v1_5: unknown };
}

/** The chart types Teams draws; a card using one must give it a fallback. */
export const TEAMS_CHART_TYPES = [
  'Chart.Donut',
  'Chart.Pie',
  'Chart.Gauge',
  'Chart.Line',
  'Chart.VerticalBar',
  'Chart.VerticalBar.Grouped',
  'Chart.HorizontalBar',
  'Chart.HorizontalBar.Stacked',
] as const;

// Teams' documented properties of its bar charts, and those every element has.
const CHART_PROPERTIES = new Set([
  'type',
  'title',
  'xAxisTitle',
  'yAxisTitle',
  'showBarValues',
  'color',
  'colorSet',
  'data',
  'fallback',
  'id',
  'isVisible',
  'height',
  'horizontalAlignment',
  'separator',
  'spacing',
  'requires',
  'targetWidth',
  'lang',
]);
const INVALID_PROPERTY_VALUE = 6;
const UNSUPPORTED_PROPERTY = 14;

type Json = Record<string, unknown>;

/** Problems with one chart element's own properties (Teams ignores what it does not know). */
export function checkChart(chart: Json): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(chart))
    if (!CHART_PROPERTIES.has(key))
      problems.push(`${String(chart['type'])}: unknown property "${key}"`);
  const data = chart['data'];
  if (!Array.isArray(data) || data.length === 0)
    problems.push(`${String(chart['type'])}: "data" must be a non-empty array`);
  else
    data.forEach((point: unknown, i) => {
      const p = (point ?? {}) as Json;
      if (!['string', 'number'].includes(typeof p['x']) || typeof p['y'] !== 'number')
        problems.push(
          `${String(chart['type'])}: data[${i}] needs a text or number "x" and a number "y"`,
        );
    });
  return problems;
}

function chartClass(typeName: string) {
  return class TeamsChart extends AC.CardElement {
    getJsonTypeName(): string {
      return typeName;
    }
    override internalParse(source: unknown, context: ParseContext): void {
      super.internalParse(source, context);
      for (const problem of checkChart(source as Json))
        context.logParseEvent(
          this,
          problem.includes('unknown property') ? UNSUPPORTED_PROPERTY : INVALID_PROPERTY_VALUE,
          problem,
        );
    }
  };
}

function parse(card: unknown, withCharts: boolean): { events: string[]; parsed: unknown } {
  const ac = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  if (withCharts) {
    const registry = new AC.CardObjectRegistry();
    AC.GlobalRegistry.populateWithDefaultElements(registry);
    for (const type of TEAMS_CHART_TYPES)
      registry.register(type, chartClass(type), AC.Versions.v1_5);
    ctx.setElementRegistry(registry);
  }
  ac.parse(card, ctx);
  const events = Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
  events.push(...ac.validateProperties().validationEvents.map((e) => e.message));
  return { events, parsed: ac.toJSON() };
}

/** Every element of a card, however deeply nested (fallbacks included). */
export function findElements(
  node: unknown,
  test: (element: Json) => boolean,
  found: Json[] = [],
): Json[] {
  if (Array.isArray(node)) node.forEach((n) => findElements(n, test, found));
  else if (node && typeof node === 'object') {
    if (test(node as Json)) found.push(node as Json);
    for (const value of Object.values(node)) findElements(value, test, found);
  }
  return found;
}

const isChart = (e: Json) => (TEAMS_CHART_TYPES as readonly unknown[]).includes(e['type']);

/** The parser's warnings for a card as Teams desktop and web read it (charts drawn). */
export function lintCard(card: unknown): string[] {
  return parse(card, true).events;
}

/**
 * The parser's warnings for a card as a client without charts reads it: meeting each chart is
 * expected (once per chart), a chart without an element to fall back to is not, nor is any
 * warning about what the fallback holds.
 */
export function lintCardWithoutCharts(card: unknown): string[] {
  const charts = findElements(card, isChart);
  const problems = charts
    .filter((c) => !c['fallback'] || typeof c['fallback'] !== 'object')
    .map((c) => `${String(c['type'])} has no fallback element (a text alternative is required)`);
  const expected = new Set(
    charts.map(
      (c) => `Unknown element type "${String(c['type'])}". Fallback will be used if present.`,
    ),
  );
  const { events, parsed } = parse(card, false);
  problems.push(...events.filter((e) => !expected.has(e)));
  // The fallback really took the chart's place.
  if (findElements(parsed, isChart).length > 0)
    problems.push('a chart survived without chart support');
  return problems;
}
