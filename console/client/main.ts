// The console's only script: htmx (bundled by esbuild, served by the console itself; no CDN) and the feed's cursor.
// Typed against the few DOM members it touches, so the project's type check needs no DOM library.
import htmx from 'htmx.org';

interface Element {
  id: string;
  dataset: Record<string, string | undefined>;
}
interface RequestEvent {
  detail: { elt: Element; parameters: Record<string, string> };
}
declare const window: { htmx: unknown };
declare const document: {
  body: { addEventListener(type: string, listener: (event: RequestEvent) => void): void };
  querySelector(selector: string): Element | null;
};

window.htmx = htmx;

// The feed poller asks only for rows newer than the newest one on the page.
document.body.addEventListener('htmx:configRequest', (event) => {
  if (event.detail.elt.id !== 'feed-poller') return;
  event.detail.parameters.after = document.querySelector('#feed-rows tr[data-seq]')?.dataset.seq ?? '0';
});
