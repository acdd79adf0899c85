// The browser-mode page is opened at /?token=TOKEN. The token is kept for this tab only (sessionStorage, so a
// reload of the same tab still works) and is sent with every API call; it never goes into localStorage. It is
// then dropped from the address bar (the server's cookie serves the page's own files on a reload), so it does
// not linger in history, bookmarks or screenshots.
const KEY = 'molscape.token';

export function readToken(location: { search: string }, storage: Pick<Storage, 'getItem' | 'setItem'>): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    storage.setItem(KEY, fromUrl);
    return fromUrl;
  }
  return storage.getItem(KEY);
}

/** The same address without its token parameter, for history.replaceState. */
export function withoutToken(location: { pathname: string; search: string; hash: string }): string {
  const params = new URLSearchParams(location.search);
  params.delete('token');
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
}
