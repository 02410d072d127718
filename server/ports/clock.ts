/** The current time. Domain and use cases get it passed in, so tests can fix it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
