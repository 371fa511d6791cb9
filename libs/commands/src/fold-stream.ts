import { positionKey, type RecordedEvent } from '@app/event-store';
import type { Evolving, FundingEvent } from '@app/funding';

/**
 * The one fold of a stream's recorded events into its state: the decision's state on the write
 * side, and the audit's state as of a position or a moment (the events up to it). Each event is
 * evolved with where it sits in the log, so what depends on the order of arrival (a bid's
 * `arrival`, a call's `closedPosition`) is the same wherever the stream is folded, and whether it is
 * folded at once or a part at a time.
 */
export function foldStream<State, Event extends FundingEvent>(
  fold: Evolving<State, Event>,
  events: readonly RecordedEvent[],
  /** The state the events follow: the fold's initial one, or one folded before from the events before them. */
  from: State = fold.initialState(),
): State {
  return events.reduce(
    (state, recorded) =>
      fold.evolve(state, { type: recorded.type, data: recorded.data } as Event, {
        position: positionKey(recorded.position),
      }),
    from,
  );
}
