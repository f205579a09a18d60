import assert from 'node:assert/strict';
import {
  AggregationTemporality,
  DataPointType,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { renderCard } from '../../src/cards/render-card';
import { createCampaign } from '../../src/domain/campaigns/create-campaign';
import { launchCampaign } from '../../src/domain/campaigns/launch-campaign';
import { cardJobId, deliverCampaign } from '../../src/domain/cards/deliver-cards';
import { createCardComposer } from '../../src/proactive/compose-card-message';
import { METRICS } from '../../src/telemetry/metrics';
import { SPANS } from '../../src/telemetry/spans';
import { startTelemetry, type Telemetry } from '../../src/telemetry/start-telemetry';
import { converse } from '../support/converse';
import { FakeConnector } from '../support/fake-connector';
import { removeDataDir, startTestService, type TestService } from '../support/start-test-service';
import { CHANNEL_ID, TEAM_ID, USER, channelCardAction } from '../support/teams-activities';

// Collects on demand (cumulative), as a scrape would.
class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
  /** Every metric as it stands now. */
  async read(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  }
}

type Attributes = Record<string, unknown>;

/** The data points of one metric whose attributes include `match`. */
function pointsOf(
  metrics: MetricData[],
  name: string,
  match: Attributes = {},
): DataPoint<unknown>[] {
  const metric = metrics.find((m) => m.descriptor.name === name);
  if (!metric) return [];
  return (metric.dataPoints as DataPoint<unknown>[]).filter((p) =>
    Object.entries(match).every(([k, v]) => p.attributes[k] === v),
  );
}
const sumOf = (metrics: MetricData[], name: string, match: Attributes = {}): number =>
  pointsOf(metrics, name, match).reduce((total, p) => total + (p.value as number), 0);
const countOf = (metrics: MetricData[], name: string, match: Attributes = {}): number =>
  pointsOf(metrics, name, match).reduce((total, p) => total + (p.value as Histogram).count, 0);

/** Waits until the sender holds nothing and Teams has had no call for a second. */
async function waitForQuiet(connector: FakeConnector, reader: TestMetricReader): Promise<void> {
  const deadline = Date.now() + 60_000;
  let calls = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    if (connector.calls.length !== calls) {
      calls = connector.calls.length;
      since = Date.now();
    } else if (Date.now() - since >= 1_000 && sumOf(await reader.read(), METRICS.outboxDepth) === 0)
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the outbox did not settle within a minute');
}

const CAMPAIGN = 'demo-qz1';
const PRACTICE = 'X99001';
const ACTION = 'PRAC-03';
const PCN = 'U99901';
// Three more channels of the test team, linked to the demo PCN: a launch fans out to all of them.
const CHANNELS = [1, 2, 3].map((n) => `19:telemetry0channel${n}000000000000000@thread.tacv2`);

describe('telemetry: spans and metrics of a press and a fan-out (in-memory exporter, real service)', function () {
  this.timeout(120_000);
  const spans = new InMemorySpanExporter();
  const reader = new TestMetricReader();
  let telemetry: Telemetry;
  let connector: FakeConnector;
  let service: TestService;
  const talk = converse(
    () => service,
    () => connector,
  );

  before(async () => {
    // No connection string: the test hooks are the only destination, no Azure exporter starts.
    telemetry = await startTelemetry(
      { connectionString: undefined },
      { spanProcessors: [new SimpleSpanProcessor(spans)], metricReaders: [reader] },
    );
    assert.equal(telemetry.destination, 'test');
    connector = await new FakeConnector().start();
    connector.teamChannels[TEAM_ID] = [
      { id: TEAM_ID },
      { id: CHANNEL_ID, name: 'PCN leads' },
      ...CHANNELS.map((id, i) => ({ id, name: `Practice channel ${i + 1}` })),
    ];
    service = await startTestService();
  });
  after(async () => {
    await service?.stop();
    await connector?.stop();
    await telemetry?.stop();
    if (service) removeDataDir(service.dataDir);
  });

  const finished = (name: string): ReadableSpan[] =>
    spans.getFinishedSpans().filter((s) => s.name === name);

  it('records a press: one turn span, the press counter, the projection lag, and log lines with the same trace id', async () => {
    const key = { campaignId: CAMPAIGN, orgCode: PRACTICE, actionId: ACTION, icbCode: 'QZ1' };
    const item = await service.storage.items.getItem(key);
    assert.ok(item);
    const before = spans.getFinishedSpans().length;
    const answer = await service.post(
      channelCardAction(connector.url, 'setStatus', {
        campaignId: CAMPAIGN,
        orgCode: PRACTICE,
        actionId: ACTION,
        status: item.status === 'done' ? 'in_progress' : 'done',
        version: item.version,
        card: { view: 'items', campaignId: CAMPAIGN, orgCode: PRACTICE },
      }),
    );
    assert.equal(answer.status, 200);

    const turns = finished(SPANS.turn).filter(
      (s) => s.attributes['arb.route'] === 'card.setStatus',
    );
    assert.equal(turns.length, 1, 'one span for the one turn');
    const turn = turns[0]!;
    assert.deepEqual(
      {
        type: turn.attributes['arb.activity_type'],
        verb: turn.attributes['arb.verb'],
        outcome: turn.attributes['arb.outcome'],
        press: turn.attributes['arb.press_outcome'],
        status: turn.attributes['arb.invoke_status'],
      },
      { type: 'invoke', verb: 'setStatus', outcome: 'handled', press: 'changed', status: 200 },
    );
    // Nothing that names or quotes the person.
    const values = spans
      .getFinishedSpans()
      .slice(before)
      .flatMap((s) => Object.values(s.attributes).map(String));
    for (const personal of [USER.name, USER.aadObjectId, USER.id, CHANNEL_ID])
      assert.ok(!values.some((v) => v.includes(personal)), `a span attribute holds ${personal}`);

    // The turn's log lines carry the span's trace and span ids, and the span the turn's correlation id.
    const { traceId, spanId } = turn.spanContext();
    const handled = service.logs.find(
      (l) => l['msg'] === 'turn handled' && l['route'] === 'card.setStatus',
    );
    assert.ok(handled, 'the turn was logged');
    assert.equal(handled['traceId'], traceId);
    assert.equal(handled['spanId'], spanId);
    assert.equal(handled['correlationId'], turn.attributes['arb.correlation_id']);
    const change = service.logs.find((l) => l['msg'] === 'status change from a card');
    assert.equal(change?.['traceId'], traceId);

    await service.counts.flush();
    const metrics = await reader.read();
    assert.equal(sumOf(metrics, METRICS.presses, { outcome: 'changed' }), 1);
    assert.equal(countOf(metrics, METRICS.projectionLag), 1, "the press's counts were projected");
    const lag = pointsOf(metrics, METRICS.projectionLag)[0]!.value as Histogram;
    assert.ok((lag.sum ?? 0) > 0 && (lag.sum ?? 0) < 30, `projection lag ${lag.sum} s`);

    // A stale press is refused and counted as such.
    await service.post(
      channelCardAction(connector.url, 'setStatus', {
        campaignId: CAMPAIGN,
        orgCode: PRACTICE,
        actionId: ACTION,
        status: 'blocked',
        version: item.version,
        card: { view: 'items', campaignId: CAMPAIGN, orgCode: PRACTICE },
      }),
    );
    assert.equal(sumOf(await reader.read(), METRICS.presses, { outcome: 'conflict' }), 1);
  });

  it('records a fan-out: a span per send (429 included, with its log line), sends by outcome, 429s and the outbox gauges', async () => {
    // The PCN's cards go to each channel as it is linked; those sends are not what is counted.
    for (const [i, channelId] of CHANNELS.entries())
      assert.match(
        await talk.say(talk.channel(`link ${PCN}`, USER, channelId, `Practice channel ${i + 1}`)),
        /linked/i,
      );
    const isCard = (d: { method: string; body: unknown }) =>
      d.method === 'POST' && JSON.stringify(d.body).includes('"refreshCard"');
    await connector.waitFor(
      () => CHANNELS.every((c) => connector.deliveredTo(c).filter(isCard).length > 0),
      30_000,
    );
    // And the linking's sends (redraws included) all done, so the injected 429 meets the launch.
    await waitForQuiet(connector, reader);
    const baseline = await reader.read();
    const logsBefore = service.logs.length;
    spans.reset();

    // The launch, as `npm run admin -- launch-campaign` does it; Teams throttles one send, and
    // answers slowly so the sender holds a backlog long enough to be seen.
    const deps = { ...service.storage, now: () => new Date() };
    const demo = await service.storage.campaigns.getCampaign(CAMPAIGN);
    assert.ok(demo);
    const { campaign } = await createCampaign(deps, {
      checklistId: demo.checklistId,
      scopeCode: 'QZ1',
      id: 'telemetry-fanout',
    });
    await launchCampaign(deps, campaign.id);
    connector.setLatency(150);
    // A new card (POST), not a redraw of one the linking posted (PUT) that may still be going.
    connector.failNext(1, 429, {
      conversationId: CHANNELS[1]!,
      method: 'POST',
      retryAfterSeconds: 1,
    });
    const delivered = await deliverCampaign(
      { ...deps, composer: createCardComposer(renderCard) },
      campaign.id,
    );
    assert.ok(delivered.channels >= CHANNELS.length, `${delivered.channels} channels`);
    const posted = delivered.posted;
    assert.ok(posted >= CHANNELS.length, `${posted} cards queued`);

    // While the cards go out, the gauges read the sender's backlog (from memory).
    let sawBacklog = false;
    const jobId = cardJobId(campaign.id);
    const sent = () =>
      finished(SPANS.send).filter(
        (s) => s.attributes['arb.job_id'] === jobId && s.attributes['arb.outcome'] === 'sent',
      );
    const deadline = Date.now() + 60_000;
    while (sent().length < posted && Date.now() < deadline) {
      const now = await reader.read();
      if (
        sumOf(now, METRICS.outboxDepth) > 0 &&
        (pointsOf(now, METRICS.outboxOldestAge)[0]?.value as number) > 0
      )
        sawBacklog = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(sent().length, posted, 'one span per card sent');
    assert.ok(sawBacklog, 'the outbox gauges showed the backlog while it lasted');
    connector.setLatency(0);

    // Each send is its own trace, a client span with Teams' status and the attempt.
    const sends = finished(SPANS.send).filter((s) => s.attributes['arb.job_id'] === jobId);
    assert.equal(new Set(sends.map((s) => s.spanContext().traceId)).size, sends.length);
    assert.ok(sends.every((s) => s.parentSpanContext === undefined));
    assert.ok(
      sent().every(
        (s) =>
          s.attributes['http.response.status_code'] === 201 ||
          s.attributes['http.response.status_code'] === 200,
      ),
    );
    const throttled = sends.filter((s) => s.attributes['arb.outcome'] === 'throttled');
    assert.equal(throttled.length, 1);
    const [throttle] = throttled;
    assert.equal(throttle!.attributes['http.response.status_code'], 429);
    assert.equal(throttle!.attributes['arb.retry_after_s'], 1);
    assert.equal(throttle!.attributes['arb.outbox_kind'], 'send');
    assert.equal(throttle!.attributes['arb.target_kind'], 'channel');
    // The same card goes again, as a later attempt.
    const attempts = sends
      .filter((s) => s.attributes['arb.attempt'] !== undefined)
      .map((s) => s.attributes['arb.attempt'] as number);
    assert.ok(
      attempts.some((a) => a >= 2),
      'the throttled card was sent again as attempt 2',
    );

    // The 429's log line carries its send's trace id.
    const warned = service.logs
      .slice(logsBefore)
      .filter((l) => /Teams throttled a send \(429\)/.test(String(l['msg'])));
    assert.equal(warned.length, 1, JSON.stringify(warned));
    assert.equal(warned[0]!['traceId'], throttle!.spanContext().traceId);
    assert.equal(warned[0]!['spanId'], throttle!.spanContext().spanId);

    const metrics = await reader.read();
    const grew = (name: string, match: Attributes) =>
      sumOf(metrics, name, match) - sumOf(baseline, name, match);
    assert.equal(grew(METRICS.sends, { outcome: 'sent', kind: 'send' }), posted);
    assert.equal(grew(METRICS.sends, { outcome: 'throttled' }), 1);
    assert.equal(grew(METRICS.throttled, {}), 1);
    // Drained: nothing held, so nothing old.
    assert.equal(sumOf(metrics, METRICS.outboxDepth), 0);
    assert.equal(pointsOf(metrics, METRICS.outboxOldestAge)[0]?.value, 0);
  });

  it('records a job run: one span, its duration by job and outcome, and its log lines joined to it', async () => {
    spans.reset();
    const outcome = await service.scheduler.runJobNow('purge', { force: true, waitMs: 30_000 });
    assert.equal(outcome.outcome, 'ran');
    const [job] = finished(SPANS.job);
    assert.ok(job, 'a job span');
    assert.equal(job.attributes['arb.job'], 'purge');
    assert.equal(job.attributes['arb.outcome'], 'succeeded');
    assert.equal(job.attributes['arb.trigger'], outcome.run?.trigger);
    const logged = service.logs.find(
      (l) => l['msg'] === 'job run succeeded' && l['job'] === 'purge',
    );
    assert.equal(logged?.['traceId'], job.spanContext().traceId);
    const metrics = await reader.read();
    assert.equal(countOf(metrics, METRICS.jobDuration, { job: 'purge', outcome: 'succeeded' }), 1);
    assert.equal((pointsOf(metrics, METRICS.jobDuration)[0]!.value as Histogram).count, 1);
    assert.equal(pointsOf(metrics, METRICS.jobDuration)[0]!.attributes['job'], 'purge');
    assert.ok(metrics.some((m) => m.dataPointType === DataPointType.HISTOGRAM));
  });
});
