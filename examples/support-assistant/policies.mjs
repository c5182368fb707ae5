// The knowledge base of the support assistant: a few policy snippets in memory, and a keyword retriever
// standing in for a vector store. Note what is *not* here: the clause about opened items lives in the
// system prompt (see prompts.mjs), so a prompt version that drops it leaves the model without it.

export const POLICIES = [
  {
    id: 'returns-window',
    text: 'Unused items in their original packaging can be returned within 30 days of delivery for a full refund.',
    keywords: ['return', 'returns', 'refund', 'open', 'opened', 'unboxed', 'back', 'full', 'within', 'days'],
  },
  {
    id: 'refund-timing',
    text: 'Refunds go back to the original payment method within 5 to 7 business days after the return is received.',
    keywords: ['refund', 'money', 'card', 'long', 'when', 'take', 'payment', 'show', 'credit'],
  },
  {
    id: 'damaged-items',
    text: 'If an item arrives damaged, send a photo within 7 days of delivery and we ship a free replacement or refund it in full.',
    keywords: ['damaged', 'broken', 'cracked', 'arrived', 'photo', 'replacement', 'defective'],
  },
  {
    id: 'shipping',
    text: 'Orders ship within 2 business days; tracking links are emailed when the parcel leaves the warehouse.',
    keywords: ['ship', 'shipping', 'where', 'track', 'tracking', 'deliver', 'delivery', 'order', 'arrive'],
  },
  {
    id: 'exchanges',
    text: 'Exchanges for a different size or color are free within 30 days; the new item ships once the old one is scanned by the carrier.',
    keywords: ['exchange', 'size', 'color', 'colour', 'swap', 'different'],
  },
];

/**
 * The `topK` snippets sharing the most words with the query, best first, as `{ id, score, text }`
 * (`id` and `score` are what traceRetrieval records as the retrieved documents when content capture is on).
 */
export function retrievePolicies(query, topK = 2) {
  const words = new Set(query.toLowerCase().match(/[a-z]+/g) ?? []);
  return POLICIES.map((p) => ({ id: p.id, text: p.text, score: p.keywords.filter((k) => words.has(k)).length / p.keywords.length }))
    .filter((p) => p.score > 0)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, topK)
    .map((p) => ({ ...p, score: Math.round(p.score * 1000) / 1000 }));
}
