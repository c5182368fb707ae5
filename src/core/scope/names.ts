/*
 * Attribute names for the app-supplied GenAI context metadata (see ./scope.ts).
 *
 * Where the conventions have a name it is used: `gen_ai.conversation.id` (v1.41), `gen_ai.prompt.name`
 * (v1.41) and `gen_ai.prompt.version` (genai main), `user.id` and `deployment.environment.name` (general
 * registry). The semantic-conventions package exports these only from its unstable /incubating entry
 * point, so they are copied here, as ../semconv.ts does.
 *
 * Everything else (the tenant id and the app's free-form attributes whose key has no namespace of its
 * own) goes under ONE namespace owned by this package: `genai_app.`. Not `gen_ai.` (owned by the GenAI
 * conventions: a name there could collide with a future convention attribute) and not `app.` (an
 * existing convention namespace: `app.installation.id`, `app.screen.*`, ...). The attribute naming rules
 * ask application-defined names to use a prefix of their own that clashes with no convention namespace;
 * `genai_app` is one (snake_case within a component, as the rules ask), and it reads as what it is:
 * metadata the GenAI application attached.
 */
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
/** genai main only (not in @opentelemetry/semantic-conventions 1.45). */
export const ATTR_GEN_AI_PROMPT_VERSION = 'gen_ai.prompt.version';
export const ATTR_USER_ID = 'user.id';
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/** The namespace of this package's own context attributes (no trailing dot). */
export const GENAI_APP_NAMESPACE = 'genai_app';
export const ATTR_GENAI_APP_TENANT_ID = `${GENAI_APP_NAMESPACE}.tenant.id`;

/**
 * The attribute name for a free-form key: a key that already has a namespace (contains a dot, e.g.
 * `session.id` or `com.acme.team`) is used as is; a bare key (`team`) becomes `genai_app.team`.
 */
export function freeFormAttributeName(key: string): string {
  return key.includes('.') ? key : `${GENAI_APP_NAMESPACE}.${key}`;
}
