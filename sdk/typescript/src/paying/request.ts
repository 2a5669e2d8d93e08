// A request that can be sent again after paying: its body is read once and kept. Requests go
// out as fetch(url, init) with plain header records: on a paid session request that is measurably
// cheaper than building a Request each time.
import { InvalidInputError } from "../errors.js";

export type Send = (url: string, init: RequestInit) => Promise<Response>;

export class Replayable {
  readonly url: string;
  readonly origin: string;
  private readonly method: string;
  private readonly headers: Record<string, string>;
  private readonly body: ArrayBuffer | undefined;
  private readonly signal: AbortSignal | null | undefined;

  private constructor(url: string, method: string, headers: Record<string, string>, body: ArrayBuffer | undefined, signal: AbortSignal | null | undefined) {
    this.url = url;
    this.origin = new URL(url).origin;
    this.method = method;
    this.headers = headers;
    this.body = body;
    this.signal = signal;
  }

  static async from(input: RequestInfo | URL, init?: RequestInit): Promise<Replayable> {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    // The common case, a URL without a body, needs no Request.
    if (!(input instanceof Request) && (init?.body === undefined || init.body === null)) {
      let url: URL;
      try {
        url = new URL(String(input));
      } catch {
        throw new InvalidInputError("input", `not an absolute URL: ${String(input)}`);
      }
      return new Replayable(url.href, (init?.method ?? "GET").toUpperCase(), record(new Headers(init?.headers)), undefined, signal);
    }
    let request: Request;
    try {
      request = new Request(input, init);
    } catch (e) {
      throw new InvalidInputError("input", `not a request: ${e instanceof Error ? e.message : String(e)}`);
    }
    const body = request.body === null ? undefined : await request.arrayBuffer();
    return new Replayable(request.url, request.method, record(request.headers), body, signal);
  }

  /** fetch's arguments for the request with `extra` headers set (a credential, Accept-Payment). */
  build(extra: Record<string, string> = {}): [string, RequestInit] {
    const headers = { ...this.headers };
    for (const k in extra) headers[k.toLowerCase()] = extra[k]!;
    const init: RequestInit = { method: this.method, headers };
    if (this.body !== undefined) init.body = this.body;
    if (this.signal) init.signal = this.signal;
    return [this.url, init];
  }
}

function record(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  return out;
}
