// The bar at the top of every signed-in screen: brand and tenant, the places the role may go (相談一覧,
// 集計; shown only to roles that may read reports, so counsellors and officers get no links), the live
// stream's state (screens without a stream pass none), who is signed in (name and role) and ログアウト.
// Inputs: session, stream_state?, on_logout(), place ('queue' | 'reports').
import { html } from './html.js';
import { role_labels } from './format.js';
import { can_read_reports, can_work_consultations } from './roles.js';

function nav_links(role, place) {
  if (!can_read_reports(role)) {
    return null;
  }
  const links = [];
  if (can_work_consultations(role)) {
    links.push({ href: '#/', text: '相談一覧', here: place === 'queue' });
  }
  links.push({ href: '#/reports', text: '集計', here: place === 'reports' });
  return html`
    <nav class="places" aria-label="画面">
      ${links.map((l) => html`<a href=${l.href} aria-current=${l.here ? 'page' : undefined}>${l.text}</a>`)}
    </nav>`;
}

export function header_bar({ session, stream_state, on_logout, place = 'queue' }) {
  const live_text = { live: '更新中', connecting: '接続中…', reconnecting: '再接続中…', closed: '切断' };
  return html`
    <header class="top">
      <div class="top-left">
        <div class="brand">よりそい <span class="tenant">${session.tenant.name}</span></div>
        ${nav_links(session.user.role, place)}
      </div>
      <div class="top-right">
        ${stream_state ? html`
          <span class=${`live ${stream_state}`} role="status" title="リアルタイム更新の状態">
            ${live_text[stream_state] ?? ''}
          </span>` : null}
        <span class="user">${session.user.display_name}
          <small>${role_labels[session.user.role] ?? session.user.role}</small></span>
        <button type="button" class="link" onClick=${on_logout}>ログアウト</button>
      </div>
    </header>`;
}
