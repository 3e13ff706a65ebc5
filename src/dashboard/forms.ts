import { html, type SafeHtml } from './html.js';

/** A one-button POST form carrying the session's CSRF token. */
export function actionForm(action: string, csrf: string, label: string, options: { danger?: boolean; title?: string } = {}): SafeHtml {
  return html`<form method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}"><button type="submit"${
    options.danger ? html` class="danger"` : ''
  }${options.title ? html` title="${options.title}"` : ''}>${label}</button></form>`;
}
