/*
 * Fits one content attribute (input/output messages, system instructions, tool definitions) into a byte
 * budget: the UTF-8 bytes of its JSON text. The result is always plain JSON data in the conventions'
 * shape (the semantic conventions' message JSON schemas), its JSON text is returned with it, and the input is never modified.
 *
 * The steps, each taken only if the previous one left the content over the budget:
 *
 *  1. Inline binary (blob parts' base64, data: URLs) becomes `[BINARY image/png 12345 bytes omitted]` /
 *     `[DATA-URL …]` placeholders. Done even when the content fits, unless `captureInlineBinary`; with
 *     `captureInlineBinary`, binary is kept only when the whole content fits.
 *  2. Input messages: the middle of the conversation is dropped. Always kept: the leading system /
 *     developer messages, the first user message and the newest message; then as many of the newest
 *     other messages as fit, contiguously. (An always-kept message counts at most a quarter of the budget
 *     here: if larger, step 3 cuts it, rather than one huge message pushing out the whole history.)
 *     Nothing is inserted in place of the dropped messages: `originalCount` / `droppedCount` report them.
 *     Output messages are never dropped at this step (each is one choice, matching
 *     `gen_ai.response.finish_reasons`).
 *  3. Long values are cut, longest first, to a common cap found by search ("water-filling"): text and
 *     reasoning `content`, tool-call `arguments`, tool results' `response`, other part fields, fields of
 *     server tool payloads (except their `type`). A string keeps its longest prefix that fits, followed by
 *     `…[TRUNCATED <n> chars]` (n = UTF-16 code units removed; a surrogate pair is never split); a
 *     non-string (e.g. an arguments object) becomes such a cut preview of its JSON text. `type` fields are
 *     never cut; roles, names, ids, finish reasons, modality and mime types only beyond 64 bytes; a cut
 *     value keeps at least room for its marker.
 *  4. Last resort: input keeps the newest message only; output keeps every choice but only the first one
 *     with content (the others as `{role, parts: [], finish_reason}`); system instructions and other
 *     arrays keep their first elements. Values are then cut hard (down to `""`); a message that still
 *     does not fit keeps the longest prefix of its parts that does, or none.
 *
 * A budget below MIN_CONTENT_BYTES (256) is not honoured beyond step 1: content over it becomes `[]`
 * (`{}` for an object, `""` for a string). At or above it the result always fits: the skeleton
 * `[{"role":<≤64 bytes>,"parts":[],"finish_reason":<≤64 bytes>}]` takes at most 167 bytes.
 *
 * Fast path: content whose JSON fits and has no inline binary (or keeps it) is returned as the same object,
 * after one JSON.stringify.
 */
import type { InputMessage, MessagePart, OutputMessage } from '../model';
import { safeJsonStringify } from '../safe-json';
import { mayContainInlineBinary, replaceInlineBinaryInPlace, setOwn } from './binary';
import { MIN_CONTENT_BYTES } from './config';
import { cutStringToJsonBytes, cutValueToJsonBytes, jsonBytes, utf8Bytes } from './measure';

export interface TruncateOptions {
  /** Keep inline binary when the content fits in the budget (default false: always use placeholders). */
  captureInlineBinary?: boolean;
}

export interface MessageTruncateOptions extends TruncateOptions {
  /**
   * `output` messages are never dropped to save space (one per choice); `input` conversations lose their
   * middle. Default: `output` when every message has a `finish_reason`, otherwise `input`.
   */
  kind?: 'input' | 'output';
}

export interface TruncationOutcome {
  /** The JSON text of the result (at most the budget in UTF-8 bytes when the budget is ≥ 256). */
  json: string;
  /** Elements in the input array (messages, parts, tool definitions; 0 for a non-array value). */
  originalCount: number;
  /** Elements of the input array missing from the result. */
  droppedCount: number;
  /** The content was over the budget, so something was dropped or cut. */
  truncated: boolean;
  /** Inline binary values (blob contents, data: URLs) replaced by placeholders. */
  binaryOmitted: number;
}

export interface MessagesTruncation<M> extends TruncationOutcome {
  messages: M[];
}

export interface PartsTruncation extends TruncationOutcome {
  parts: MessagePart[];
}

export interface JsonTruncation<T> extends TruncationOutcome {
  value: T;
}

/** Smallest cap in step 3: a cut value keeps room for its marker (`…[TRUNCATED 1234567 chars]`). */
const CUT_MIN = 40;
/** Smallest cap in step 4: a cut string may become `""`. */
const HARD_CUT_MIN = 2;
/** Roles, names, ids, finish reasons, modality and mime types keep up to this many bytes. */
const ID_FLOOR = 64;
/** An always-kept message counts at most budget / PINNED_SHARE when choosing the other messages. */
const PINNED_SHARE = 4;

// ---------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------

/** Fits input or output messages into `budgetBytes` (see the file comment for the rules). Never throws. */
export function truncateMessages<M extends InputMessage | OutputMessage>(
  messages: readonly M[],
  budgetBytes: number,
  options: MessageTruncateOptions = {},
): MessagesTruncation<M> {
  const originalCount = Array.isArray(messages) ? messages.length : 0;
  try {
    if (!Array.isArray(messages)) return { messages: [], ...counts('[]', 0, 0, false, 0) };
    const output = options.kind ? options.kind === 'output' : looksLikeOutput(messages);
    const prepared = prepare(messages, budgetBytes, options.captureInlineBinary === true);
    if (prepared.same) {
      // An array whose JSON is not an array (a throwing toJSON made it null) is recorded as no messages.
      if (prepared.json.startsWith('[')) return { messages: messages as M[], ...counts(prepared.json, originalCount, originalCount, false, 0) };
      return { messages: [], ...counts('[]', originalCount, 0, originalCount > 0, 0) };
    }
    const { work, omitted, over } = prepared;
    let result: unknown[] | undefined;
    if (!Array.isArray(work)) result = [];
    else if (!over) result = work;
    else if (budgetBytes >= MIN_CONTENT_BYTES) result = output ? fitOutput(work, budgetBytes) : fitInput(work, budgetBytes);
    const { value: kept, ...outcome } = finish(result ?? [], budgetBytes, originalCount, over, omitted);
    return { messages: kept as M[], ...outcome };
  } catch {
    return { messages: [], ...counts('[]', originalCount, 0, originalCount > 0, 0) };
  }
}

/** `truncateMessages` for input messages (a conversation: its middle may be dropped). */
export function truncateInputMessages(
  messages: readonly InputMessage[],
  budgetBytes: number,
  options: TruncateOptions = {},
): MessagesTruncation<InputMessage> {
  return truncateMessages(messages, budgetBytes, { ...options, kind: 'input' });
}

/** `truncateMessages` for output messages (one per choice: content is cut, choices are kept). */
export function truncateOutputMessages(
  messages: readonly OutputMessage[],
  budgetBytes: number,
  options: TruncateOptions = {},
): MessagesTruncation<OutputMessage> {
  return truncateMessages(messages, budgetBytes, { ...options, kind: 'output' });
}

/** Fits system instructions (an array of parts) into `budgetBytes`. Never throws. */
export function truncateParts(
  parts: readonly MessagePart[],
  budgetBytes: number,
  options: TruncateOptions = {},
): PartsTruncation {
  const originalCount = Array.isArray(parts) ? parts.length : 0;
  try {
    if (!Array.isArray(parts)) return { parts: [], ...counts('[]', 0, 0, false, 0) };
    const prepared = prepare(parts, budgetBytes, options.captureInlineBinary === true);
    if (prepared.same) {
      if (prepared.json.startsWith('[')) return { parts: parts as MessagePart[], ...counts(prepared.json, originalCount, originalCount, false, 0) };
      return { parts: [], ...counts('[]', originalCount, 0, originalCount > 0, 0) };
    }
    const { work, omitted, over } = prepared;
    let result: unknown[] | undefined;
    if (!Array.isArray(work)) result = [];
    else if (!over) result = work;
    else if (budgetBytes >= MIN_CONTENT_BYTES) result = fitArray(work, budgetBytes, partTargets);
    const { value: kept, ...outcome } = finish(result ?? [], budgetBytes, originalCount, over, omitted);
    return { parts: kept as MessagePart[], ...outcome };
  } catch {
    return { parts: [], ...counts('[]', originalCount, 0, originalCount > 0, 0) };
  }
}

/**
 * Fits any JSON value (e.g. tool definitions) into `budgetBytes`. Arrays: fields of their objects are cut
 * (never `type`; `name`, `id`, `role` only beyond 64 bytes), then trailing elements dropped; objects: the
 * same with their fields; strings are cut. Never throws.
 */
export function truncateJsonValue<T>(value: T, budgetBytes: number, options: TruncateOptions = {}): JsonTruncation<T> {
  const originalCount = Array.isArray(value) ? value.length : 0;
  try {
    const prepared = prepare(value, budgetBytes, options.captureInlineBinary === true);
    if (prepared.same) return { value, ...counts(prepared.json, originalCount, originalCount, false, 0) };
    const { work, omitted, over } = prepared;
    let result: unknown = work;
    if (over) {
      const fits = budgetBytes >= MIN_CONTENT_BYTES;
      if (Array.isArray(work)) result = fits ? fitArray(work, budgetBytes, genericElementTargets) ?? [] : [];
      else if (isObject(work)) result = fits ? fitObject(work, budgetBytes) ?? {} : {};
      else if (typeof work === 'string') result = fits ? cutStringToJsonBytes(work, budgetBytes) : '';
      else result = null;
    }
    return finish(result as T, budgetBytes, originalCount, over, omitted);
  } catch {
    const empty = Array.isArray(value) ? [] : isObject(value) ? {} : null;
    return { value: empty as T, ...counts(JSON.stringify(empty), originalCount, 0, true, 0) };
  }
}

// ---------------------------------------------------------------------------------------------------
// Shared steps
// ---------------------------------------------------------------------------------------------------

type Prepared =
  | { same: true; json: string }
  | { same: false; work: unknown; omitted: number; over: boolean };

/** Step 1, and the fast path: the value itself, or a JSON-clean deep copy with binary replaced. */
function prepare(value: unknown, budget: number, captureInlineBinary: boolean): Prepared {
  const json = safeJsonStringify(value);
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: short JSON fits without counting.
  const fits = json.length * 3 <= budget || utf8Bytes(json) <= budget;
  if (fits && (captureInlineBinary || !mayContainInlineBinary(json))) return { same: true, json };
  const work: unknown = JSON.parse(json);
  const omitted = !captureInlineBinary || !fits ? replaceInlineBinaryInPlace(work) : 0;
  if (omitted === 0 && fits) return { same: true, json };
  return { same: false, work, omitted, over: omitted > 0 ? jsonBytes(work) > budget : !fits };
}

function counts(json: string, originalCount: number, resultCount: number, truncated: boolean, binaryOmitted: number): TruncationOutcome {
  return { json, originalCount, droppedCount: Math.max(0, originalCount - resultCount), truncated, binaryOmitted };
}

/** The result and its outcome; a result over the budget here (a bug) falls back to an empty value. */
function finish<T>(result: T, budget: number, originalCount: number, over: boolean, omitted: number): { value: T } & TruncationOutcome {
  let value: unknown = result;
  let json = JSON.stringify(value) ?? 'null';
  if (over && budget >= MIN_CONTENT_BYTES && utf8Bytes(json) > budget) {
    value = Array.isArray(result) ? [] : isObject(result) ? {} : typeof result === 'string' ? '' : null;
    json = JSON.stringify(value);
  }
  const resultCount = Array.isArray(value) ? value.length : 0;
  return { value: value as T, ...counts(json, originalCount, resultCount, over, omitted) };
}

function looksLikeOutput(messages: readonly unknown[]): boolean {
  return messages.length > 0 && messages.every((m) => isObject(m) && typeof m.finish_reason === 'string');
}

// ---------------------------------------------------------------------------------------------------
// Step 3: water-filling
// ---------------------------------------------------------------------------------------------------

type Holder = Record<string, unknown> | unknown[];

/** A value that may be cut: where it is, its JSON size, and the cap it may not be cut below. */
interface Target {
  holder: Holder;
  key: string | number;
  size: number;
  floor: number;
}

type TargetCollector = (item: unknown, out: Target[], holder: unknown[], index: number) => void;

function addTarget(out: Target[], holder: Holder, key: string | number, value: unknown, floor: number): void {
  // Numbers, booleans and null are small and keep their type.
  if (typeof value === 'string' || (value !== null && typeof value === 'object')) {
    out.push({ holder, key, size: jsonBytes(value), floor });
  }
}

/**
 * The largest cap c ≥ cLow such that cutting every target to max(c, its floor) bytes brings `total`
 * within `budget` (Infinity when it already fits), or undefined if even cLow does not.
 */
function planCap(total: number, targets: readonly Target[], budget: number, cLow: number): number | undefined {
  if (total <= budget) return Infinity;
  let sum = 0;
  let max = 0;
  for (const t of targets) {
    sum += t.size;
    if (t.size > max) max = t.size;
  }
  const fixed = total - sum;
  const bound = (c: number) => {
    let b = fixed;
    for (const t of targets) b += Math.min(t.size, Math.max(c, t.floor));
    return b;
  };
  if (bound(cLow) > budget) return undefined;
  // bound(lo) ≤ budget < bound(hi): bound(max) is total.
  let lo = cLow;
  let hi = Math.max(max, cLow + 1);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (bound(mid) <= budget) lo = mid;
    else hi = mid;
  }
  return lo;
}

function applyCap(targets: readonly Target[], cap: number): void {
  for (const t of targets) {
    const limit = Math.max(cap, t.floor);
    if (t.size > limit) {
      const holder = t.holder as Record<string | number, unknown>;
      setOwn(t.holder, t.key, cutValueToJsonBytes(holder[t.key], limit));
    }
  }
}

/** Cuts `targets` (inside `root`) so that `root` fits; false, with nothing changed, if it cannot. */
function fitByCutting(root: unknown, targets: readonly Target[], budget: number, cLow: number): boolean {
  const cap = planCap(jsonBytes(root), targets, budget, cLow);
  if (cap === undefined) return false;
  if (cap !== Infinity) applyCap(targets, cap);
  return true;
}

function collect(items: unknown[], collector: TargetCollector): Target[] {
  const out: Target[] = [];
  items.forEach((item, i) => collector(item, out, items, i));
  return out;
}

/** The largest k in [0, n] with feasible(k), for feasible true up to some k then false; -1 if none. */
function largestFeasible(n: number, feasible: (k: number) => boolean): number {
  if (!feasible(0)) return -1;
  let lo = 0;
  let hi = n + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (feasible(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------------
// What may be cut, per shape
// ---------------------------------------------------------------------------------------------------

const MESSAGE_ID_FIELDS = new Set(['role', 'name', 'finish_reason']);
const PART_ID_FIELDS = new Set(['id', 'name', 'modality', 'mime_type', 'file_id']);
const GENERIC_ID_FIELDS = new Set(['name', 'id', 'role']);

const partTargets: TargetCollector = (part, out) => {
  if (!isObject(part)) return;
  for (const key of Object.keys(part)) {
    if (key === 'type') continue;
    const value = part[key];
    if (key === part.type && (key === 'server_tool_call' || key === 'server_tool_call_response') && isObject(value)) {
      // The payload must stay an object with its string `type`: cut its other fields.
      for (const inner of Object.keys(value)) if (inner !== 'type') addTarget(out, value, inner, value[inner], 0);
      continue;
    }
    // A blob's content is base64 or a placeholder by now: keep the placeholder readable.
    const id = PART_ID_FIELDS.has(key) || (part.type === 'blob' && key === 'content');
    addTarget(out, part, key, value, id ? ID_FLOOR : 0);
  }
};

const messageTargets: TargetCollector = (message, out) => {
  if (!isObject(message)) return;
  for (const key of Object.keys(message)) {
    const value = message[key];
    if (key === 'parts' && Array.isArray(value)) value.forEach((part, i) => partTargets(part, out, value, i));
    else addTarget(out, message, key, value, MESSAGE_ID_FIELDS.has(key) ? ID_FLOOR : 0);
  }
};

function fieldTargets(obj: Record<string, unknown>, out: Target[]): void {
  for (const key of Object.keys(obj)) {
    if (key !== 'type') addTarget(out, obj, key, obj[key], GENERIC_ID_FIELDS.has(key) ? ID_FLOOR : 0);
  }
}

const genericElementTargets: TargetCollector = (item, out, holder, index) => {
  if (isObject(item)) fieldTargets(item, out);
  else addTarget(out, holder, index, item, 0);
};

// ---------------------------------------------------------------------------------------------------
// Steps 2 to 4 per kind of content
// ---------------------------------------------------------------------------------------------------

function roleOf(message: unknown): string | undefined {
  return isObject(message) && typeof message.role === 'string' ? message.role.toLowerCase() : undefined;
}

/**
 * Step 2: the leading system/developer messages, the first user message and the newest message, plus
 * the newest other messages that fit. In the original order.
 */
function selectMessages(work: unknown[], budget: number): unknown[] {
  const n = work.length;
  const keep = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    const role = roleOf(work[i]);
    if (role !== 'system' && role !== 'developer') break;
    keep[i] = true;
  }
  const firstUser = work.findIndex((m) => roleOf(m) === 'user');
  if (firstUser >= 0) keep[firstUser] = true;
  keep[n - 1] = true;

  const share = Math.floor(budget / PINNED_SHARE);
  let total = 1; // "[" and "]" with n - 1 commas: 2 + (k - 1)
  for (let i = 0; i < n; i++) if (keep[i]) total += Math.min(jsonBytes(work[i]), share) + 1;
  for (let i = n - 2; i >= 0; i--) {
    if (keep[i]) continue;
    const add = jsonBytes(work[i]) + 1;
    if (total + add > budget) break;
    keep[i] = true;
    total += add;
  }
  return work.filter((_, i) => keep[i]);
}

function fitInput(work: unknown[], budget: number): unknown[] | undefined {
  const selected = selectMessages(work, budget);
  if (fitByCutting(selected, collect(selected, messageTargets), budget, CUT_MIN)) return selected;
  const newest = [work[work.length - 1]];
  return fitMessageAt(newest, 0, budget, false) ? newest : undefined;
}

function fitOutput(work: unknown[], budget: number): unknown[] | undefined {
  if (fitByCutting(work, collect(work, messageTargets), budget, CUT_MIN)) return work;
  const firstWithContent = work.map((m, i) => (i === 0 ? m : skeleton(m, true)));
  if (fitMessageAt(firstWithContent, 0, budget, true)) return firstWithContent;
  // More choices than even their skeletons fit: keep the first ones.
  const skeletons = work.map((m) => skeleton(m, true));
  let total = 1;
  let k = 0;
  while (k < skeletons.length && total + jsonBytes(skeletons[k]) + 1 <= budget) total += jsonBytes(skeletons[k++]) + 1;
  return k > 0 ? skeletons.slice(0, k) : undefined;
}

/**
 * Fits `items` (inside a root value built by `rootOf`) by cutting, then by keeping a prefix of them:
 * first with cut values keeping room for their marker, then cutting hard. Returns the root that fits
 * (cut in place), or undefined.
 */
function fitPrefix<R>(
  items: unknown[],
  rootOf: (kept: unknown[]) => R,
  targetsOf: (root: R) => Target[],
  budget: number,
): R | undefined {
  for (const cLow of [CUT_MIN, HARD_CUT_MIN]) {
    const all = rootOf(items);
    if (fitByCutting(all, targetsOf(all), budget, cLow)) return all;
    const k = largestFeasible(items.length - 1, (k) => {
      const root = rootOf(items.slice(0, k));
      return planCap(jsonBytes(root), targetsOf(root), budget, cLow) !== undefined;
    });
    if (k >= 1) {
      const root = rootOf(items.slice(0, k));
      if (fitByCutting(root, targetsOf(root), budget, cLow)) return root;
    }
  }
  return undefined;
}

/** Steps 3 and 4 for an array whose elements may be dropped from the end. */
function fitArray(work: unknown[], budget: number, collector: TargetCollector): unknown[] | undefined {
  return fitPrefix(work, (kept) => kept, (kept) => collect(kept, collector), budget);
}

/** Steps 3 and 4 for an object whose fields may be dropped from the end. */
function fitObject(work: Record<string, unknown>, budget: number): Record<string, unknown> | undefined {
  const build = (entries: unknown[]) => {
    const obj: Record<string, unknown> = {};
    for (const [key, value] of entries as Array<[string, unknown]>) setOwn(obj, key, value);
    return obj;
  };
  const targetsOf = (root: Record<string, unknown>) => {
    const out: Target[] = [];
    fieldTargets(root, out);
    return out;
  };
  return fitPrefix(Object.entries(work), build, targetsOf, budget);
}

/** `{role, parts: [], finish_reason?}` with role and finish reason cut to 64 bytes. */
function skeleton(message: unknown, output: boolean): Record<string, unknown> {
  const m = isObject(message) ? message : {};
  const text = (v: unknown) => cutStringToJsonBytes(typeof v === 'string' ? v : '', ID_FLOOR);
  const s: Record<string, unknown> = { role: text(m.role), parts: [] };
  if (output) s.finish_reason = text(m.finish_reason);
  return s;
}

/**
 * Step 4 for one message inside `arr` (the rest of `arr` fixed): cut it, or keep the longest prefix of
 * its parts that fits, cut (first keeping room for markers, then hard); else its skeleton. False if even
 * the skeleton does not fit.
 */
function fitMessageAt(arr: unknown[], index: number, budget: number, output: boolean): boolean {
  const message = arr[index];
  if (isObject(message) && Array.isArray(message.parts)) {
    const rootOf = (parts: unknown[]) => {
      const root = arr.slice();
      root[index] = { ...message, parts };
      return root;
    };
    const targetsOf = (root: unknown[]) => collect([root[index]], messageTargets);
    const fitted = fitPrefix(message.parts, rootOf, targetsOf, budget);
    if (fitted) {
      arr[index] = fitted[index];
      return true;
    }
  }
  arr[index] = skeleton(message, output);
  return jsonBytes(arr) <= budget;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
