/**
 * The headers of the gateway's own responses: a Fetch `Headers` (same names, checks and
 * iteration order) over a plain record, so a response costs no undici object and the Node
 * adapter can hand the record to `writeHead` as it is. Loading undici (the first
 * `Response` or `Headers` of a process) costs ~20 ms of `sluice dev`'s start-up.
 * @module
 */

/** An HTTP token (RFC 9110 field-name). */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** HTTP whitespace trimmed from values (Fetch "normalize"). */
const EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;
/**
 * Characters a field value may not hold. Stricter than Fetch (which only refuses NUL, CR and LF
 * and, as a ByteString, anything above U+00FF): Node's `writeHead` also refuses the other
 * control characters, and refusing them here keeps the failure where the header is set.
 */
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function nameOf(name: string): string {
  const n = String(name);
  if (!FIELD_NAME.test(n)) throw new TypeError(`invalid header name: ${JSON.stringify(n.slice(0, 40))}`);
  return n.toLowerCase();
}

function valueOf(value: string): string {
  const v = String(value).replace(EDGES, '');
  if (BAD_VALUE.test(v)) throw new TypeError('invalid header value');
  return v;
}

type Pairs = Iterable<readonly [string, string]> | Iterable<readonly string[]>;

/** What a response can be given as headers (the Fetch `HeadersInit` forms). */
export type HeaderInit = Readonly<Record<string, string | readonly string[]>> | Pairs | Headers;

/** Fetch `Headers` over a null-prototype record of lower-case names. */
export class ResponseHeaders implements Headers {
  /** Every field but set-cookie, joined with ", " where repeated. */
  readonly record: Record<string, string> = Object.create(null) as Record<string, string>;
  /** set-cookie lines, kept apart as Fetch does: they cannot be joined. */
  private cookies: string[] = [];

  constructor(init?: HeaderInit) {
    if (init === undefined || init === null) return;
    if (typeof (init as Pairs)[Symbol.iterator] === 'function') {
      for (const pair of init as Iterable<readonly string[]>) {
        if (pair.length !== 2) throw new TypeError('a header pair needs a name and a value');
        this.append(pair[0]!, pair[1]!);
      }
      return;
    }
    const record = init as Readonly<Record<string, string | readonly string[]>>;
    for (const name of Object.keys(record)) {
      const value = record[name]!;
      if (typeof value === 'string') this.append(name, value);
      else for (const v of value) this.append(name, v);
    }
  }

  append(name: string, value: string): void {
    const n = nameOf(name);
    const v = valueOf(value);
    if (n === 'set-cookie') this.cookies.push(v);
    else {
      const had = this.record[n];
      this.record[n] = had === undefined ? v : `${had}, ${v}`;
    }
  }

  set(name: string, value: string): void {
    const n = nameOf(name);
    const v = valueOf(value);
    if (n === 'set-cookie') this.cookies = [v];
    else this.record[n] = v;
  }

  get(name: string): string | null {
    const n = nameOf(name);
    if (n === 'set-cookie') return this.cookies.length === 0 ? null : this.cookies.join(', ');
    return this.record[n] ?? null;
  }

  has(name: string): boolean {
    const n = nameOf(name);
    return n === 'set-cookie' ? this.cookies.length > 0 : this.record[n] !== undefined;
  }

  delete(name: string): void {
    const n = nameOf(name);
    if (n === 'set-cookie') this.cookies = [];
    else delete this.record[n];
  }

  getSetCookie(): string[] {
    return [...this.cookies];
  }

  /** Names in sorted order, set-cookie once per line (Fetch's "sort and combine"). */
  private list(): [string, string][] {
    const out: [string, string][] = Object.keys(this.record).map((n) => [n, this.record[n]!]);
    for (const c of this.cookies) out.push(['set-cookie', c]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [n, v] of this.list()) callback.call(thisArg, v, n, this);
  }

  entries(): HeadersIterator<[string, string]> {
    return this.list()[Symbol.iterator]();
  }

  keys(): HeadersIterator<string> {
    return this.list()
      .map(([n]) => n)
      [Symbol.iterator]();
  }

  values(): HeadersIterator<string> {
    return this.list()
      .map(([, v]) => v)
      [Symbol.iterator]();
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
}

/** The iterators `ResponseHeaders` hands out (arrays' own). */
type HeadersIterator<T> = IterableIterator<T>;
