/*
 * Convention names for the stage spans (execute_tool, retrieval, invoke_agent, invoke_workflow) and
 * their duration metrics. Copied locally like ../semconv.ts (the npm package exports the attributes only
 * from /incubating, and the agent/tool/workflow metrics not at all: they exist on genai main only).
 * Attribute values are the v1.41 names, like the rest of the package.
 */
export const OPERATION_EXECUTE_TOOL = 'execute_tool';
export const OPERATION_RETRIEVAL = 'retrieval';
export const OPERATION_INVOKE_AGENT = 'invoke_agent';
export const OPERATION_INVOKE_WORKFLOW = 'invoke_workflow';
export type StageOperation =
  | typeof OPERATION_EXECUTE_TOOL
  | typeof OPERATION_RETRIEVAL
  | typeof OPERATION_INVOKE_AGENT
  | typeof OPERATION_INVOKE_WORKFLOW;

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

/** genai main. */
export const METRIC_GEN_AI_EXECUTE_TOOL_DURATION = 'gen_ai.execute_tool.duration';
/** genai main. */
export const METRIC_GEN_AI_INVOKE_AGENT_DURATION = 'gen_ai.invoke_agent.duration';
/** genai main. */
export const METRIC_GEN_AI_INVOKE_WORKFLOW_DURATION = 'gen_ai.invoke_workflow.duration';
