/* The four instrumented commands: telling them apart by class, and the translation of each. */
import type { CallTranslation, Json } from '../../core';
import { converseCommand } from './converse';
import { invokeModelCommand } from './invoke-model';
import type { BedrockResultTranslation, Endpoint } from './operation';

export type CommandKind = 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';
const KINDS = new Set<string>(['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream']);

/** The kind of each command prototype seen (null: none of the four), found once per class. */
const kindByPrototype = new WeakMap<object, CommandKind | null>();

/** The command's kind from its class name (or a base class's: apps may subclass commands). */
export function commandKind(command: unknown): CommandKind | undefined {
  if (!command || typeof command !== 'object') return undefined;
  const prototype = Object.getPrototypeOf(command) as object | null;
  if (!prototype) return undefined;
  let kind = kindByPrototype.get(prototype);
  if (kind === undefined) {
    kind = kindOfClass(prototype) ?? null;
    kindByPrototype.set(prototype, kind);
  }
  return kind ?? undefined;
}

function kindOfClass(prototype: object): CommandKind | undefined {
  for (let proto: object | null = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name !== 'string') continue;
    // esbuild-bundled releases name the class `_ConverseCommand` internally.
    const kind = name.replace(/^_/, '').replace(/Command$/, '');
    if (KINDS.has(kind)) return kind as CommandKind;
  }
  return undefined;
}

export function translate(kind: CommandKind, input: Json, endpoint: Endpoint): CallTranslation<BedrockResultTranslation> {
  switch (kind) {
    case 'Converse':
      return converseCommand(input, endpoint, false);
    case 'ConverseStream':
      return converseCommand(input, endpoint, true);
    case 'InvokeModel':
      return invokeModelCommand(input, endpoint, false);
    case 'InvokeModelWithResponseStream':
      return invokeModelCommand(input, endpoint, true);
  }
}
