// Versioned system prompts of the assistant, under one prompt name. Each call records the name and the
// version it used (gen_ai.prompt.name / gen_ai.prompt.version), so a bad answer can be traced back to the
// prompt version that produced it.

export const PROMPT_NAME = 'refund-policy';

const SHARED_RULES = [
  'When the customer mentions an order number, call lookup_order before answering.',
  'Answer in two or three sentences. Never promise anything the policy does not say.',
];

export const PROMPTS = {
  // v1: the reviewed prompt.
  v1: [
    'You are the customer support assistant of Northwind Home, a home goods store.',
    'Answer questions about returns and refunds using only the policy excerpts below and the lookup_order tool.',
    'Opened items can be returned within 30 days of delivery, but a 15% restocking fee is deducted from the refund.',
    ...SHARED_RULES,
  ].join('\n'),

  // v2: a "friendlier tone" rewrite that silently dropped the opened-items clause. With it gone, the
  // model falls back on the general 30-day full-refund policy and tells customers with opened items
  // they get a full refund: the bad answer this example is about.
  v2: [
    'You are Nora, the friendly support assistant of Northwind Home! Be warm and upbeat.',
    'Help customers with returns and refunds using the policy excerpts below and the lookup_order tool.',
    ...SHARED_RULES,
  ].join('\n'),
};

export function systemPrompt(version) {
  const prompt = PROMPTS[version];
  if (!prompt) throw new Error(`Unknown prompt version "${version}" (known: ${Object.keys(PROMPTS).join(', ')})`);
  return prompt;
}
