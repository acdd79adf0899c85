// Entry: pick the host's transport, then mount the app. Without a way to reach the core (browser mode opened
// without its token) the page says so plainly instead of showing an empty frame.
import { mount } from 'svelte';
import App from './components/App.svelte';
import { detectPlatform } from './api/platform.ts';
import './styles/global.css';

const target = document.getElementById('app')!;
try {
  const platform = detectPlatform();
  mount(App, { target, props: { client: platform.client, importSourceFor: platform.importSourceFor, onConnection: platform.onConnection } });
} catch (error) {
  const message = document.createElement('p');
  message.className = 'fatal';
  message.textContent = (error as Error).message;
  target.replaceChildren(message);
}
