import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from '../logging/create-logger';
import type { BotServices } from './bot-services';

/** What an invoke handler answers; it becomes the HTTP response Teams receives. */
export interface InvokeAnswer {
  status: number;
  body?: unknown;
}

/** Everything a handler may use besides the turn itself. */
export interface TurnScope {
  services: BotServices;
  logger: Logger;
  correlationId: string;
}

/** A small handler for one kind of activity; invoke handlers return their answer. */
export type Handler = (context: TurnContext, scope: TurnScope) => Promise<InvokeAnswer | void>;

/** One row of the routing table: a predicate over the activity and the handler it selects. */
export interface Route {
  name: string;
  select(activity: Activity): boolean;
  handler: Handler;
}

/** Picks the first route whose `select` matches, or the fallback for the activity's type. */
export function findRoute(routes: readonly Route[], activity: Activity): Route | undefined {
  return routes.find((route) => route.select(activity));
}
