/**
 * Every request an emulator serves, by endpoint (`POST /v2/orders/batch-retrieve`: the
 * method and route template), so tests assert batching on the calls themselves.
 */

export interface CallRecord {
  endpoint: string;
  status: number;
  /** The parsed JSON request body, or the query parameters for a GET. */
  body: unknown;
}

export interface CallLog {
  list(): CallRecord[];
  /** All calls, or the calls to one endpoint. */
  count(endpoint?: string): number;
  byEndpoint(): Record<string, number>;
  /** When each call was logged (as it was answered; ms since the epoch): rates are read off these. */
  arrivals(endpoint?: string): number[];
  /** The `x-request-id` each call carried (undefined where none), in call order. */
  requestIds(): (string | undefined)[];
  /** The W3C `traceparent` each call carried (undefined where none), in call order. */
  traceparents(): (string | undefined)[];
  reset(): void;
}

/** The headers that tie a call to the request that caused it. */
export interface CallCorrelation {
  requestId?: string | undefined;
  traceparent?: string | undefined;
}

export interface RecordingCallLog extends CallLog {
  record(call: CallRecord, correlation?: CallCorrelation): void;
}

export function createCallLog(now: () => number = Date.now): RecordingCallLog {
  let calls: CallRecord[] = [];
  let times: number[] = [];
  let correlations: CallCorrelation[] = [];
  return {
    record: (call, correlation = {}) => {
      calls.push(call);
      times.push(now());
      correlations.push(correlation);
    },
    requestIds: () => correlations.map((correlation) => correlation.requestId),
    traceparents: () => correlations.map((correlation) => correlation.traceparent),
    list: () => [...calls],
    count: (endpoint) =>
      endpoint === undefined
        ? calls.length
        : calls.filter((call) => call.endpoint === endpoint).length,
    byEndpoint: () => {
      const counts: Record<string, number> = {};
      for (const call of calls) counts[call.endpoint] = (counts[call.endpoint] ?? 0) + 1;
      return counts;
    },
    arrivals: (endpoint) =>
      times.filter((_, index) => endpoint === undefined || calls[index]?.endpoint === endpoint),
    reset: () => {
      calls = [];
      times = [];
      correlations = [];
    },
  };
}
