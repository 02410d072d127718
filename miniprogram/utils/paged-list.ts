/**
 * The cursor-paged list shared by the home, monitors and notifications pages: the first page with its
 * loading / empty / list / error phases (a failed refresh keeps a list on screen and says so above it),
 * and the next pages by cursor, appended without rows already shown, with the footer's
 * loadingMore / loadMoreFailed states.
 *
 * The page keeps the rendered fields in its `data` and the cursor and refresh flag as instance fields,
 * and passes itself (`this`) with a {@link PagedListSource} naming its API call, row mapper and strings.
 */

/** What the page shows: a loading state, the error state, the empty state or the list. */
export type ListPhase = 'loading' | 'error' | 'empty' | 'list';

/** One page of an API listing. */
export interface ListPage<Item> {
  items: Item[];
  /** The cursor of the next page; null on the last page. */
  nextCursor: string | null;
}

/** The rendered fields of a paged list, part of the page's `data`. */
export interface PagedListData<Row> {
  phase: ListPhase;
  items: Row[];
  /** The error state's message, or ''. */
  errorMessage: string;
  /** The notice above the list when a refresh failed, or ''. */
  refreshError: string;
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreFailed: boolean;
}

/** The page instance as the helpers see it: its data, `setData` and two instance fields that are not rendered. */
export interface PagedListHost<Row> {
  readonly data: PagedListData<Row>;
  setData(patch: Partial<PagedListData<Row>>): void;
  /** The cursor of the next page; null when the last page is loaded (or none was yet). */
  nextCursor: string | null;
  /** True while the first page is being (re)loaded. */
  refreshing: boolean;
}

/** What differs between the pages: the API call, the row mapper and the messages. */
export interface PagedListSource<Item extends { id: string }, Row extends { id: string }> {
  /** Asks for the first page (no cursor) or the page at `cursor`. */
  fetch(cursor?: string): Promise<ListPage<Item>>;
  /** Render fields of one item. */
  toRow(item: Item): Row;
  /** The message to show for a failure. */
  messageOf(error: unknown): string;
  /** The prefix of the notice above the list when a refresh failed (`刷新失败：`). */
  refreshFailed: string;
}

/**
 * Loads (or reloads) the first page. Does nothing while a first page is already loading. On failure, a list on
 * screen stays with `refreshError` above it; otherwise the page goes to the error phase.
 */
export async function loadFirstPage<Item extends { id: string }, Row extends { id: string }>(
  host: PagedListHost<Row>,
  source: PagedListSource<Item, Row>,
): Promise<void> {
  if (host.refreshing) return;
  host.refreshing = true;
  try {
    const page = await source.fetch();
    host.nextCursor = page.nextCursor;
    host.setData({
      phase: page.items.length > 0 ? 'list' : 'empty',
      items: page.items.map((item) => source.toRow(item)),
      errorMessage: '',
      refreshError: '',
      hasMore: page.nextCursor !== null,
      loadingMore: false,
      loadMoreFailed: false,
    });
  } catch (error) {
    // With a list on screen, a failed refresh keeps it and says so above it.
    if (host.data.phase === 'list') host.setData({ refreshError: source.refreshFailed + source.messageOf(error) });
    else host.setData({ phase: 'error', errorMessage: source.messageOf(error) });
  } finally {
    host.refreshing = false;
  }
}

/**
 * Loads the page after the list on screen and appends the items not shown yet. Does nothing on the last page,
 * while a next page or the first page is loading, or when no list is shown; a failure sets `loadMoreFailed`.
 */
export async function loadNextPage<Item extends { id: string }, Row extends { id: string }>(
  host: PagedListHost<Row>,
  source: PagedListSource<Item, Row>,
): Promise<void> {
  const cursor = host.nextCursor;
  if (cursor === null || host.data.loadingMore || host.refreshing || host.data.phase !== 'list') return;
  host.setData({ loadingMore: true, loadMoreFailed: false });
  try {
    const page = await source.fetch(cursor);
    host.nextCursor = page.nextCursor;
    const known = new Set(host.data.items.map((item) => item.id));
    const added = page.items.filter((item) => !known.has(item.id)).map((item) => source.toRow(item));
    host.setData({ items: host.data.items.concat(added), hasMore: page.nextCursor !== null, loadingMore: false });
  } catch {
    host.setData({ loadingMore: false, loadMoreFailed: true });
  }
}
