import { loadFirstPage, loadNextPage } from '../../miniprogram/utils/paged-list';
import type { ListPage, PagedListData, PagedListHost, PagedListSource } from '../../miniprogram/utils/paged-list';

// The page tests cover the phases, the refresh error and the footer; these cover the guards and the de-duplication.

interface Item {
  id: string;
}

interface Row {
  id: string;
  label: string;
}

function host(): PagedListHost<Row> {
  const data: PagedListData<Row> = {
    phase: 'loading',
    items: [],
    errorMessage: '',
    refreshError: '',
    hasMore: false,
    loadingMore: false,
    loadMoreFailed: false,
  };
  return {
    data,
    setData(patch) {
      Object.assign(data, patch);
    },
    nextCursor: null,
    refreshing: false,
  };
}

function source(fetch: jest.Mock<Promise<ListPage<Item>>, [string?]>): PagedListSource<Item, Row> {
  return { fetch, toRow: (item) => ({ id: item.id, label: `row ${item.id}` }), messageOf: () => 'boom', refreshFailed: '刷新失败：' };
}

function page(ids: string[], nextCursor: string | null): ListPage<Item> {
  return { items: ids.map((id) => ({ id })), nextCursor };
}

describe('paged list', () => {
  test('a next page leaves out the rows already shown', async () => {
    const fetch = jest.fn<Promise<ListPage<Item>>, [string?]>();
    fetch.mockResolvedValueOnce(page(['a', 'b'], 'c1')).mockResolvedValueOnce(page(['b', 'c'], null));
    const list = host();
    await loadFirstPage(list, source(fetch));
    await loadNextPage(list, source(fetch));
    expect(fetch).toHaveBeenLastCalledWith('c1');
    expect(list.data.items.map((row) => row.label)).toEqual(['row a', 'row b', 'row c']);
    expect(list.data.hasMore).toBe(false);
    expect(list.nextCursor).toBeNull();
  });

  test('while the first page loads, a second first page and a next page ask for nothing', async () => {
    const fetch = jest.fn<Promise<ListPage<Item>>, [string?]>();
    fetch.mockResolvedValueOnce(page(['a'], 'c1'));
    const list = host();
    await loadFirstPage(list, source(fetch));

    let resolve: (value: ListPage<Item>) => void = () => undefined;
    fetch.mockReturnValueOnce(new Promise((done) => (resolve = done)));
    const refreshing = loadFirstPage(list, source(fetch));
    await loadFirstPage(list, source(fetch));
    await loadNextPage(list, source(fetch));
    expect(fetch).toHaveBeenCalledTimes(2);

    resolve(page(['z'], null));
    await refreshing;
    expect(list.refreshing).toBe(false);
    expect(list.data.items.map((row) => row.id)).toEqual(['z']);
  });
});
