/*
 * chat.completions.create: the Chat Completions translation (../openai-shaped) plus what Groq adds to
 * the format: a streamed call's usage arrives in `x_groq.usage` of the final chunk (there is no
 * `stream_options`), and reasoning models answer with `reasoning` (`reasoning_format: "parsed"`) where
 * OpenAI-shaped servers send `reasoning_content`.
 */
import type { InvocationResponse, MessagePart } from '../../core';
import { asArray, asNumber, asObject, asString, type Json, requestIdentity, StreamAccumulator } from '../../core';
import {
  chatCompletionsContent,
  chatCompletionsParams,
  chatCompletionsResponse,
  readChatCompletionsChunk,
} from '../openai-shaped/chat-completions';
import { tokenUsage } from '../openai-shaped/common';
import type { StainlessCallTranslation, StainlessResultTranslation } from '../stainless/result-translation';
import type { Endpoint } from './endpoint';

/** Groq's `reasoning` of a choice's message or delta. */
const reasoningOf = (choice: unknown, field: 'message' | 'delta') => asString(asObject(asObject(choice)?.[field])?.reasoning);

export function chatCall(body: Json, endpoint: Endpoint): StainlessCallTranslation {
  return {
    request: {
      ...requestIdentity('chat', asString(body.model), endpoint),
      params: chatCompletionsParams(body),
      content: () => chatCompletionsContent(body),
    },
    results: (captureContent) => chatResults(captureContent),
  };
}

function chatResults(captureContent: boolean): StainlessResultTranslation {
  return {
    response(result): InvocationResponse {
      const response = chatCompletionsResponse(result, captureContent);
      const outputMessages = response.outputMessages;
      if (!outputMessages) return response;
      const choices = asArray(asObject(result)?.choices);
      return {
        ...response,
        outputMessages: () =>
          outputMessages().map((message, i) => {
            const reasoning = reasoningOf(choices[i], 'message');
            if (!reasoning) return message;
            // First, where the Chat Completions translation places `reasoning_content`.
            const part: MessagePart = { type: 'reasoning', content: reasoning };
            return { ...message, parts: [part, ...message.parts] };
          }),
      };
    },
    stream() {
      const acc = new StreamAccumulator(captureContent);
      return {
        onChunk(chunk) {
          const c = asObject(chunk);
          if (!c) return;
          for (const choice of asArray(c.choices)) acc.appendReasoning(asNumber(asObject(choice)?.index) ?? 0, reasoningOf(choice, 'delta'));
          readChatCompletionsChunk(acc, c);
          const groqUsage = tokenUsage(asObject(c.x_groq)?.usage);
          if (groqUsage) acc.usage = groqUsage;
        },
        toResponse: (interrupted) => acc.toResponse(interrupted),
      };
    },
  };
}
