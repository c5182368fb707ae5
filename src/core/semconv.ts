/*
 * Every attribute, metric and event name this package records, in one table: nowhere else in src/ is a
 * name written as a string literal (test/unit/names-table.test.ts checks it, and that every entry here is
 * used).
 *
 * GenAI names are copied locally as @opentelemetry/semantic-conventions advises for incubating names (its
 * /incubating entry point is unstable and marks them deprecated: "moved to semantic-conventions-genai").
 * Values are the v1.41 names that @opentelemetry/semantic-conventions 1.45 exports; an entry marked
 * "genai main" is not in v1.41 but on the main branch of the GenAI conventions. Keeping them here lets a
 * later switch to the genai repo's renames happen in one place.
 *
 * The stable general names (error.type, server.*, exception.*, deployment.environment.name, service.name)
 * come from the package's stable entry point.
 */
export {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ERROR_TYPE_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';

/** The namespace of the GenAI conventions (no trailing dot): apps may not put their own attributes there. */
export const GEN_AI_NAMESPACE = 'gen_ai';

// ---- GenAI attributes (v1.41 unless marked) ----

export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';

export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
/** genai main: the requested reasoning effort. */
export const ATTR_GEN_AI_REQUEST_REASONING_LEVEL = 'gen_ai.request.reasoning.level';

export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';

export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';

export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';

export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = 'input';
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = 'output';

/** App-supplied context (see ./genai-context): the prompt template in use. */
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
/** genai main. */
export const ATTR_GEN_AI_PROMPT_VERSION = 'gen_ai.prompt.version';

// Stage spans (see ./stages): execute_tool, retrieval, invoke_agent, invoke_workflow.
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_DESCRIPTION = 'gen_ai.tool.description';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
/** Opt-in content. */
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
/** Opt-in content. */
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';

export const ATTR_GEN_AI_DATA_SOURCE_ID = 'gen_ai.data_source.id';
/** Opt-in content. */
export const ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT = 'gen_ai.retrieval.query.text';
/** Opt-in content: JSON `[{id, score}, ...]`. */
export const ATTR_GEN_AI_RETRIEVAL_DOCUMENTS = 'gen_ai.retrieval.documents';

export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_GEN_AI_AGENT_DESCRIPTION = 'gen_ai.agent.description';
export const ATTR_GEN_AI_AGENT_VERSION = 'gen_ai.agent.version';

export const ATTR_GEN_AI_WORKFLOW_NAME = 'gen_ai.workflow.name';

// ---- `gen_ai.operation.name` values ----

/** Well-known `gen_ai.operation.name` values for client inference and embeddings. */
export type GenAIOperationName = 'chat' | 'text_completion' | 'generate_content' | 'embeddings';

/** The stage spans' operations (v1.41). */
export const OPERATION_EXECUTE_TOOL = 'execute_tool';
export const OPERATION_RETRIEVAL = 'retrieval';
export const OPERATION_INVOKE_AGENT = 'invoke_agent';
export const OPERATION_INVOKE_WORKFLOW = 'invoke_workflow';
export type StageOperation =
  | typeof OPERATION_EXECUTE_TOOL
  | typeof OPERATION_RETRIEVAL
  | typeof OPERATION_INVOKE_AGENT
  | typeof OPERATION_INVOKE_WORKFLOW;

// ---- Provider-specific attributes of the GenAI conventions ----

/** v1.40. */
export const ATTR_OPENAI_API_TYPE = 'openai.api.type';
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier';
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = 'openai.response.system_fingerprint';

export const ATTR_AWS_BEDROCK_GUARDRAIL_ID = 'aws.bedrock.guardrail.id';
/** General AWS conventions (incubating): the request id of the `x-amzn-requestid` response header. */
export const ATTR_AWS_REQUEST_ID = 'aws.request_id';

// ---- General registry (incubating, copied like the GenAI names) ----

export const ATTR_USER_ID = 'user.id';

// ---- Metrics ----

export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK =
  'gen_ai.client.operation.time_per_output_chunk';
/** genai main. */
export const METRIC_GEN_AI_EXECUTE_TOOL_DURATION = 'gen_ai.execute_tool.duration';
/** genai main. */
export const METRIC_GEN_AI_INVOKE_AGENT_DURATION = 'gen_ai.invoke_agent.duration';
/** genai main. */
export const METRIC_GEN_AI_INVOKE_WORKFLOW_DURATION = 'gen_ai.invoke_workflow.duration';

/** Advised explicit bucket boundaries (seconds) for the duration and chunk-timing histograms. */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** Advised explicit bucket boundaries for the token usage histogram. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

// ---- Events (log records) ----

export const EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS = 'gen_ai.client.inference.operation.details';
export const EVENT_GEN_AI_CLIENT_OPERATION_EXCEPTION = 'gen_ai.client.operation.exception';

// ---- This package's own names ----

/*
 * Everything the conventions have no name for goes under ONE namespace owned by this package: `genai_app`.
 * Not `gen_ai.` (owned by the GenAI conventions: a name there could collide with a future convention
 * attribute) and not `app.` (an existing convention namespace: `app.installation.id`, `app.screen.*`,
 * ...). The attribute naming rules ask application-defined names to use a prefix of their own that
 * clashes with no convention namespace; `genai_app` is one (snake_case within a component, as the rules
 * ask), and it reads as what it is: metadata the GenAI application attached.
 */
/** The namespace of this package's own attributes (no trailing dot); also of the app's bare free-form keys. */
export const GENAI_APP_NAMESPACE = 'genai_app';
/** App-supplied context (see ./genai-context): the tenant the work is done for. */
export const ATTR_GENAI_APP_TENANT_ID = 'genai_app.tenant.id';
/**
 * Set on a call the app never finished, to say how it was ended: `garbage_collected`, `idle_timeout` or
 * `shutdown` (see ./open-invocations.ts).
 */
export const ATTR_GENAI_APP_CALL_ABANDONED = 'genai_app.call.abandoned';
/** What was done to captured content (see ./content.ts): redaction count, dropped/truncated flags. */
export const ATTR_GENAI_APP_CONTENT_REDACTIONS = 'genai_app.content.redactions';
export const ATTR_GENAI_APP_CONTENT_DROPPED = 'genai_app.content.dropped';
export const ATTR_GENAI_APP_CONTENT_TRUNCATED = 'genai_app.content.truncated';
/** How many input messages there were before truncation dropped some. */
export const ATTR_GENAI_APP_INPUT_MESSAGES_ORIGINAL_COUNT = 'genai_app.input.messages.original_count';
