/*
 * The tools of an `ai` 5 / 6 generateText / streamText call (or an agent's), for the call: a copy of the
 * `tools` option in which each tool the AI SDK runs (one with `execute`) is a copy of the app's tool whose
 * `execute` records one `execute_tool {name}` span per run (./agent-stages.ts, as for `ai` 7's executeTool
 * message): the tool call id from the execute options' `toolCallId`, the arguments, and the result once
 * the tool's promise settles (a streaming tool's async iterable: its last value, which is the result the
 * AI SDK takes); a throwing tool fails its span. The app's `execute` runs with its own tool as `this`, in
 * the span's context (spans it makes nest under it), and the AI SDK gets its value or error unchanged.
 */
import { type Context, context as contextApi } from '@opentelemetry/api';
import type { GenAIInstrumentationBase } from '../../core';
import { asObject, bindAsyncIterator, isThenable, safely, tapSettlement } from '../../core';
import { type OpenStage, openToolStage } from './agent-stages';

type Fn = (...args: unknown[]) => unknown;

/** The recording copy of `tools`, or undefined when no tool has an `execute`. `parent`: the tool spans' parent. */
export function recordingTools(tools: unknown, instrumentation: GenAIInstrumentationBase, parent: Context): Record<string, unknown> | undefined {
  const all = asObject(tools);
  if (!all) return undefined;
  const copy: Record<string, unknown> = {};
  let recording = false;
  for (const [name, tool] of Object.entries(all)) {
    const definition = asObject(tool);
    const execute = definition?.execute;
    if (!definition || typeof execute !== 'function') {
      copy[name] = tool;
      continue;
    }
    // The same properties and prototype, another execute.
    const descriptors = Object.getOwnPropertyDescriptors(definition);
    descriptors.execute = { value: recordingExecute(name, definition, execute as Fn, instrumentation, parent), writable: true, enumerable: true, configurable: true };
    copy[name] = Object.create(Object.getPrototypeOf(definition), descriptors);
    recording = true;
  }
  return recording ? copy : undefined;
}

function recordingExecute(toolName: string, tool: object, execute: Fn, instrumentation: GenAIInstrumentationBase, parent: Context): Fn {
  return (input: unknown, options: unknown, ...rest: unknown[]) => {
    const run = () => execute.call(tool, input, options, ...rest);
    const stage = safely(
      'recording an AI SDK tool call',
      () => openToolStage(instrumentation, parent, { toolName, toolCallId: asObject(options)?.toolCallId, definition: tool }, input),
      undefined,
    );
    if (!stage) return run();
    let result: unknown;
    try {
      result = contextApi.with(stage.context, run);
    } catch (error) {
      stage.reject(error);
      throw error;
    }
    // The AI SDK checks for an async iterable first (a streaming tool), then awaits.
    if (isAsyncIterable(result)) return lastValueRecorded(result, stage);
    if (isThenable(result)) return tapSettlement(Promise.resolve(result), stage.resolve, stage.reject);
    stage.resolve(result);
    return result;
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && value !== undefined && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** The tool's values, in the span's context; the span ends with the last one (or the error). */
async function* lastValueRecorded(source: AsyncIterable<unknown>, stage: OpenStage): AsyncGenerator<unknown> {
  let last: unknown;
  let failed = false;
  try {
    for await (const value of bindAsyncIterator(source[Symbol.asyncIterator](), stage.context)) {
      last = value;
      yield value;
    }
  } catch (error) {
    failed = true;
    stage.reject(error);
    throw error;
  } finally {
    if (!failed) stage.resolve(last);
  }
}
