/*
 * `ai` 7 ends a streamText call's channel message (and so its invoke_agent span) when the full result is
 * done, which never happens when the app stops reading early (./stream-result-watch.ts). A streamText call
 * made through the wrapped export or ToolLoopAgent.stream runs in a link: the recorder's streamText
 * message started inside the call claims it (the AI SDK starts the message from the call's async
 * context), and the wrapper, which holds the result, stops the claimed span when the app stopped reading.
 * A call no wrapper links (a bundled app's) is ended as abandoned instead (./recorder.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isThenable, safely, tapSettlement } from '../../core';
import { watchStreamResult } from './stream-result-watch';

export interface StreamLink {
  claimed?: boolean;
  /** Set by the message that claimed the link: ends what it started. */
  stop?: () => void;
}

const links = new AsyncLocalStorage<StreamLink>();

/** Runs `call` (a streamText call, or a promise of one) in a new link, and watches the result it returns. */
export function linkedStreamCall(call: () => unknown): unknown {
  const link: StreamLink = {};
  const result = links.run(link, call);
  const watch = (value: unknown) => watchStreamResult(value, () => link.stop?.());
  if (isThenable(result)) return tapSettlement(Promise.resolve(result), watch, () => undefined);
  safely('observing an AI SDK stream result', () => watch(result), undefined);
  return result;
}

/** The link of the streamText call whose message starts here, unless an earlier message claimed it. */
export function claimLink(): StreamLink | undefined {
  const link = links.getStore();
  if (!link || link.claimed) return undefined;
  link.claimed = true;
  return link;
}
