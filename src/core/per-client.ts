/*
 * What a provider works out once per SDK client (clients are long-lived and their settings fixed at
 * construction): held weakly, so a dropped client takes its entry with it.
 */

/** `compute(client)` once per client; `fallback` for a client that is no object. */
export function perClient<Client extends object, Value>(
  compute: (client: Client) => Value,
  fallback: Value,
): (client: unknown) => Value {
  const values = new WeakMap<object, Value>();
  return (client) => {
    if (!client || (typeof client !== 'object' && typeof client !== 'function')) return fallback;
    if (values.has(client)) return values.get(client)!;
    const value = compute(client as Client);
    values.set(client, value);
    return value;
  };
}
