import { html, type Html } from '../html';

const SECTIONS = [
  ['feed', 'Live feed'],
  ['calls', 'Calls'],
  ['messages', 'Messages'],
  ['rooms', 'Rooms'],
  ['dlq', 'Dead letters'],
  ['stats', 'Stats'],
] as const;

/** The navigation; sent again out of band with each section htmx loads, so the active entry follows. */
export function navBar(active: string, outOfBand = false): Html {
  const links = SECTIONS.map(
    ([id, label]) =>
      html`<a href="/${id}" hx-get="/${id}" hx-target="main" hx-push-url="true" class="${id === active ? 'active' : ''}" id="nav-${id}">${label}</a>`,
  );
  return html`<nav id="nav"${outOfBand ? html` hx-swap-oob="true"` : ''}>${links}</nav>`;
}

/** The page shell: navigation loads a section into <main> with htmx; the first section is rendered in place. */
export function page(stage: string, active: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>webhooks console · ${stage}</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body hx-headers='{"X-Console": "1"}'>
<header><h1>webhooks <span class="stage">${stage}</span></h1>${navBar(active)}</header>
<main>${body}</main>
</body>
</html>`;
}
