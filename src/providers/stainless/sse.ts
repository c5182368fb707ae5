/*
 * A server-sent-events decoder that reads the bytes of an SSE body the way the Stainless SDKs'
 * `_iterSSEMessages` does: lines end with \n, \r\n or \r; `event:` and `data:` fields (one space after the
 * colon dropped, several data lines joined with \n); comments and other fields ignored; a blank line ends
 * an event. Used to observe a streamed body that an SDK helper parses itself (see response-props-tap.ts).
 */

export interface ServerSentEvent {
  event: string | null;
  data: string;
}

export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private text = '';
  private event: string | null = null;
  private data: string[] = [];

  /** The events completed by these bytes. */
  push(bytes: Uint8Array | string): ServerSentEvent[] {
    this.text += typeof bytes === 'string' ? bytes : this.decoder.decode(bytes, { stream: true });
    return this.drain(false);
  }

  /** The events completed by the end of the body. */
  end(): ServerSentEvent[] {
    this.text += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.text.length; i++) {
      const c = this.text[i];
      if (c !== '\n' && c !== '\r') continue;
      // A trailing \r may be the first half of \r\n: wait for the next bytes (unless the body ended).
      if (c === '\r' && i + 1 === this.text.length && !final) break;
      const event = this.takeLine(this.text.slice(start, i));
      if (c === '\r' && this.text[i + 1] === '\n') i++;
      start = i + 1;
      if (event) events.push(event);
    }
    this.text = this.text.slice(start);
    if (final) {
      if (this.text) {
        const event = this.takeLine(this.text);
        if (event) events.push(event);
        this.text = '';
      }
      // Like the SDKs, an event the body ends without its blank line is not dispatched.
    }
    return events;
  }

  private takeLine(line: string): ServerSentEvent | undefined {
    if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line === '') {
      if (this.event === null && this.data.length === 0) return undefined;
      const event = { event: this.event, data: this.data.join('\n') };
      this.event = null;
      this.data = [];
      return event;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return undefined;
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'event' && field !== 'data') return undefined;
    const value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1);
    if (field === 'event') this.event = value;
    else this.data.push(value);
    return undefined;
  }
}
