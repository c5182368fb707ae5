/*
 * The chunk handler of a streamed AI SDK model call: the LanguageModel `doStream` parts (`stream-start`,
 * `response-metadata`, `text-delta`, `reasoning-delta`, `tool-input-*`, `tool-call`, `file`, `finish`,
 * `error`, `raw`), assembled into the response the non-streamed call would have returned.
 */
import type { ChunkHandler, InvocationResponse, MessagePart } from '../../core';
import { asObject, asString } from '../../core';
import { finishReason, outputPart, tokenUsage } from './response';

/** Parts that are model output (timed as chunks); the others are metadata. */
const OUTPUT_PARTS = new Set(['text-delta', 'reasoning-delta', 'tool-input-delta', 'tool-call', 'file']);

type Block = { kind: 'text' | 'reasoning'; text: string } | { kind: 'part'; part: MessagePart };

export function streamPartsHandler(): ChunkHandler<unknown> {
  let responseId: string | undefined;
  let responseModel: string | undefined;
  let finish: string | undefined;
  let usage: InvocationResponse['usage'];
  let error: unknown;
  const blocks: Block[] = [];
  const open = new Map<string, Block>();

  const delta = (kind: 'text' | 'reasoning', id: string | undefined, text: string) => {
    const key = `${kind}:${id ?? ''}`;
    let block = open.get(key);
    if (!block) {
      block = { kind, text: '' };
      open.set(key, block);
      blocks.push(block);
    }
    if (block.kind !== 'part') block.text += text;
  };

  return {
    isOutput: (chunk) => OUTPUT_PARTS.has(asString(asObject(chunk)?.type) ?? ''),
    onChunk(chunk) {
      const p = asObject(chunk);
      if (!p) return;
      switch (p.type) {
        case 'response-metadata':
          responseId = asString(p.id) ?? responseId;
          responseModel = asString(p.modelId) ?? responseModel;
          return;
        case 'text-delta':
          return delta('text', asString(p.id), asString(p.delta) ?? asString(p.textDelta) ?? '');
        case 'reasoning-delta':
        case 'reasoning':
          return delta('reasoning', asString(p.id), asString(p.delta) ?? asString(p.textDelta) ?? '');
        case 'tool-call':
        case 'tool-result':
        case 'file': {
          const part = outputPart(p);
          if (part) blocks.push({ kind: 'part', part });
          return;
        }
        case 'finish':
          finish = finishReason(p.finishReason);
          usage = tokenUsage(p.usage);
          return;
        case 'error':
          error = p.error;
          return;
      }
    },
    toResponse(interrupted) {
      const response: InvocationResponse = {};
      if (responseId) response.responseId = responseId;
      if (responseModel) response.responseModel = responseModel;
      const reason = finish ?? (error !== undefined ? 'error' : undefined);
      if (reason) response.finishReasons = [reason];
      if (usage) response.usage = usage;
      if (error !== undefined) response.error = { type: errorName(error), message: errorMessage(error) };
      const parts = blocks.map((b): MessagePart => (b.kind === 'part' ? b.part : { type: b.kind, content: b.text }));
      response.outputMessages = () => [{ role: 'assistant', parts, finish_reason: reason ?? (interrupted ? 'error' : 'stop') }];
      return response;
    },
  };
}

function errorName(error: unknown): string {
  const name = asString(asObject(error)?.name);
  return name && name !== 'Error' ? name : error instanceof Error ? error.constructor.name : '_OTHER';
}

function errorMessage(error: unknown): string | undefined {
  return error instanceof Error ? error.message : asString(asObject(error)?.message) ?? (typeof error === 'string' ? error : undefined);
}
