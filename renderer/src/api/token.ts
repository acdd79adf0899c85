// The browser-mode page is opened at /?token=TOKEN. The token is kept for this tab only (sessionStorage, so a
// reload of the same tab still works) and is sent with every API call; it never goes into localStorage.
const KEY = 'molscape.token';

export function readToken(location: { search: string }, storage: Pick<Storage, 'getItem' | 'setItem'>): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    storage.setItem(KEY, fromUrl);
    return fromUrl;
  }
  return storage.getItem(KEY);
}
