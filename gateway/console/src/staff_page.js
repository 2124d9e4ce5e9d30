// 職員 (admins only, #/staff): the tenant's staff accounts (GET /staff) — login name, display name, role,
// unit, state — with what an admin does to them through the API: add (staff_form.js), change the role
// or the unit, disable or enable again, reset the password (PATCH /staff/{id}), reset the second
// factor (DELETE /staff/{id}/totp, asked in the page). A change of role, a password reset, a factor
// reset and disabling end that person's sessions (the server does it). A raise to a role that
// reads conversations (相談員, スーパーバイザー) waits for another admin when there is one: the row shows
// 確認待ち with 確認する (admins other than the one who raised it) and 取り消す; a raise no one could
// confirm is shown as 未確認 until another admin confirms it. The list reloads on the live staff events
// (another admin asked, confirmed or cancelled a raise). Inputs: api, session, on_logout().
import { html } from './html.js';
import { useCallback, useEffect, useState } from '../vendor/hooks.module.js';
import { header_bar } from './header_bar.js';
import { format_date_time, role_labels } from './format.js';
import { password_form, role_select, staff_add_form, unit_select } from './staff_form.js';
import { open_stream } from './stream.js';
import { confirm_button } from './confirm_button.js';
import { use_submit } from './use_submit.js';

function staff_row({ user, units, self, me, on_patch, on_raise, on_reset_factor }) {
  const [resetting, set_resetting] = useState(false);
  const { busy, error, submit } = use_submit();
  const [notice, set_notice] = useState(null);

  // One request at a time for the row; `said` is shown once it is done. Answers true when done.
  function act(action, said) {
    set_notice(null);
    return submit(async () => {
      await action();
      set_notice(said);
    });
  }

  const change = (body, said) => act(() => on_patch(user, body), said);
  const raise_action = (action, said) => act(() => on_raise(user, action), said);
  const awaiting = Boolean(user.pending_role) || user.role_unconfirmed;
  const may_confirm = awaiting && !self && user.pending_role_by !== me;
  // An officer needs a unit: choosing the role officer waits for the unit before anything is sent.
  const [pending_officer, set_pending_officer] = useState(false);

  function on_role(role) {
    if (role === 'officer' && !user.org_unit) {
      set_pending_officer(true);
      return;
    }
    set_pending_officer(false);
    change(role === 'officer' ? { role } : { role, org_unit: null }, '役割を変更しました。');
  }

  const officer = user.role === 'officer' || pending_officer;
  return html`
    <tr class=${user.disabled ? 'staff-row disabled' : 'staff-row'} data-login=${user.login}>
      <td>${user.login}</td>
      <td>${user.display_name}${self && html` <small>（自分）</small>`}</td>
      <td>
        <label class="visually-hidden" for=${`role-${user.user_id}`}>${user.display_name} の役割</label>
        <${role_select} id=${`role-${user.user_id}`} value=${pending_officer ? 'officer' : user.role}
                        on_change=${on_role} disabled=${self} />
        ${user.pending_role && html`<br /><small class="badge pending-badge" data-pending-role=${user.pending_role}>
            確認待ち: ${role_labels[user.pending_role] ?? user.pending_role}</small>`}
        ${user.role_unconfirmed && html`<br /><small class="badge pending-badge" data-unconfirmed="true"
            title="ほかに管理者がいなかったため、確認なしで変更されました">未確認</small>`}
      </td>
      <td>
        ${officer
          ? html`<label class="visually-hidden" for=${`unit-${user.user_id}`}>${user.display_name} の所属</label>
              <${unit_select} id=${`unit-${user.user_id}`} units=${units} value=${user.org_unit}
                on_change=${(unit) => unit && change({ role: 'officer', org_unit: unit }, '所属を変更しました。')
                  .then(() => set_pending_officer(false))} />`
          : html`<span class="quiet">—</span>`}
      </td>
      <td>${user.disabled ? html`<span class="badge quiet">無効</span>` : html`<span class="badge ok-badge">有効</span>`}
        <br /><small class="note-meta">${format_date_time(user.created_at)}</small></td>
      <td><div class="staff-actions">
        ${may_confirm && html`<button type="button" disabled=${busy} onClick=${() => raise_action('confirm', '役割の変更を確認しました。')}>
            確認する</button>`}
        ${user.pending_role && html`<button type="button" disabled=${busy} onClick=${() => raise_action('cancel', '役割の変更を取り消しました。')}>
            取り消す</button>`}
        ${!self && html`<button type="button" class=${user.disabled ? '' : 'danger'} disabled=${busy}
            onClick=${() => change({ disabled: !user.disabled }, user.disabled ? '有効にしました。' : '無効にしました。')}>
            ${user.disabled ? '有効にする' : '無効にする'}</button>`}
        ${!resetting && html`<button type="button" onClick=${() => set_resetting(true)}>パスワード再設定</button>`}
        ${!self && html`<${confirm_button} label="二要素認証をリセット"
            question="二要素認証を解除し、本人に設定し直してもらいますか？" confirm_label="はい、リセットする"
            disabled=${busy} on_confirm=${() => act(() => on_reset_factor(user), '二要素認証をリセットしました。')} />`}
        ${resetting && html`<${password_form} user=${user} on_cancel=${() => set_resetting(false)}
            on_save=${async (password) => {
              if (await change({ password }, 'パスワードを再設定しました。')) {
                set_resetting(false);
              }
            }} />`}
        ${error && html`<p class="error" role="alert">${error}</p>`}
        ${notice && html`<p class="notice" role="status">${notice}</p>`}
      </div></td>
    </tr>`;
}

export function staff_page({ api, session, on_logout }) {
  const [staff, set_staff] = useState(null);
  const [units, set_units] = useState([]);
  const [error, set_error] = useState(null);

  const load = useCallback(async () => {
    try {
      set_staff((await api.get('/staff')).items);
      set_error(null);
    } catch (failure) {
      set_error(failure.message);
    }
  }, [api]);

  useEffect(() => {
    document.title = 'よりそい 職員';
    load();
    api.get('/tenant').then((t) => set_units(t.org_units ?? [])).catch(() => set_units([]));
    const stream = open_stream({
      on_event: (event) => {
        if (event.kind === 'staff' || event.kind === 'resync') {
          load();
        }
      },
      on_open: load,
      on_state: () => {},
      // A 401 from the API takes the page back to the login form.
      on_session_ended: () => api.get('/session').catch(() => {}),
      on_failed_attempt: () => api.get('/session').catch(() => {}),
    });
    return () => stream.close();
  }, [api]);

  async function add(body) {
    await api.post('/staff', body);
    await load();
  }

  // The user's TOTP factor and recovery codes go; their sessions end and they enrol again.
  const reset_factor = (user) => api.del(`/staff/${encodeURIComponent(user.user_id)}/totp`);

  async function patch(user, body) {
    try {
      await api.patch(`/staff/${encodeURIComponent(user.user_id)}`, body);
    } finally {
      await load();
    }
  }

  async function raise(user, action) {
    const path = `/staff/${encodeURIComponent(user.user_id)}`;
    try {
      await (action === 'confirm' ? api.post(`${path}/role-confirmation`) : api.del(`${path}/pending-role`));
    } finally {
      await load();
    }
  }

  return html`
    <div class="app">
      <${header_bar} session=${session} on_logout=${on_logout} place="staff" units=${units} />
      <main class="staff-page">
        <h1>職員</h1>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        ${staff === null
          ? !error && html`<p class="empty">読み込み中…</p>`
          : html`
            <table class="staff-table">
              <caption class="visually-hidden">職員の一覧</caption>
              <thead><tr>
                <th scope="col">ログイン名</th><th scope="col">表示名</th><th scope="col">役割</th>
                <th scope="col">所属</th><th scope="col">状態</th><th scope="col">操作</th>
              </tr></thead>
              <tbody>
                ${staff.map((u) => html`<${staff_row} key=${u.user_id} user=${u} units=${units}
                                          self=${u.user_id === session.user.user_id} me=${session.user.user_id}
                                          on_patch=${patch} on_raise=${raise} on_reset_factor=${reset_factor} />`)}
              </tbody>
            </table>`}
        <${staff_add_form} units=${units} on_add=${add} />
      </main>
    </div>`;
}
