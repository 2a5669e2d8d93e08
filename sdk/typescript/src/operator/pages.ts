// Lists come a page at a time (`items`, `nextCursor`). A list call answers a PageList: await it
// for the first page, or iterate it with `for await` to walk every item across pages.

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export class PageList<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  private first: Promise<Page<T>> | undefined;

  constructor(fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
    this.fetchPage = fetchPage;
  }

  private firstPage(): Promise<Page<T>> {
    this.first ??= this.fetchPage(undefined);
    return this.first;
  }

  then<A = Page<T>, B = never>(ok?: ((page: Page<T>) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.firstPage().then(ok, fail);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page = await this.firstPage();
    for (;;) {
      yield* page.items;
      if (!page.nextCursor) return;
      page = await this.fetchPage(page.nextCursor);
    }
  }

  /** Every item of every page, in order. */
  async all(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
