/**
 * Leases on jobs that must run on one node at a time (a trail's delivery and digests, retention).
 * A node checks its lease before each step of such a job; the lease moves to another node when its
 * holder dies (or loses its database connection).
 */
export interface JobLeases {
  /**
   * Whether this node holds `job`'s lease now, taking it when it is free. Never waits. A lease
   * already held is confirmed with the lock service, so a node that lost it learns so here.
   */
  hold(job: string): Promise<boolean>;
  /** Gives `job` up, so another node may take it. */
  release(job: string): Promise<void>;
  close(): Promise<void>;
}
