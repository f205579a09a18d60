/** One running instance's heartbeat, as stored. */
export interface InstanceBeat {
  instanceId: string;
  /**
   * When storage last wrote the row, in ms by the storage service's own clock (its `Timestamp`):
   * ages are measured between rows on that one clock, so instances' clocks need not agree.
   */
  writtenAt: number;
  /** Set by a graceful stop: the instance sends nothing more. */
  stopped: boolean;
}

/** Port: the instances of the service that are running, each writing a heartbeat row. */
export interface InstanceRegistry {
  /** Writes (or rewrites) this instance's heartbeat. */
  beat(instanceId: string, now: Date): Promise<void>;
  /** Every heartbeat row, live or not (a handful: one per instance started lately). */
  list(): Promise<InstanceBeat[]>;
  /** Marks this instance stopped, so the others take up its share at once. */
  markStopped(instanceId: string, now: Date): Promise<void>;
  /** Deletes a row (an instance long gone); nothing happens if it is gone already. */
  remove(instanceId: string): Promise<void>;
}
