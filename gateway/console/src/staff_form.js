// The staff screen's forms: 職員を追加 (login name, display name, role, unit for officers, a first
// password) and a password reset for one account. The server checks everything again (api_staff.cpp);
// these only keep obviously incomplete forms from being sent. Inputs of staff_add_form: units (the
// tenant's org_units), on_add(body) → promise. Of password_form: on_save(password) → promise, on_cancel().
import { html } from './html.js';
import { useState } from '../vendor/hooks.module.js';
import { role_labels, unit_kind_labels } from './format.js';
import { use_submit } from './use_submit.js';

export const min_password_length = 12;
export const staff_roles = ['counsellor', 'supervisor', 'officer', 'analyst', 'admin'];

export function unit_select({ id, units, value, on_change }) {
  return html`
    <select id=${id} value=${value ?? ''} onChange=${(e) => on_change(e.currentTarget.value || null)}>
      <option value="">所属を選ぶ…</option>
      ${units.map((u) => html`<option key=${u.id} value=${u.id}>${u.name}（${unit_kind_labels[u.kind] ?? u.kind}）</option>`)}
    </select>`;
}

// `disabled`: one's own row — no one changes their own role (the server refuses it too).
export function role_select({ id, value, on_change, disabled = false }) {
  return html`
    <select id=${id} value=${value} disabled=${disabled} title=${disabled ? '自分の役割は変更できません（別の管理者が変更します）' : ''}
            onChange=${(e) => on_change(e.currentTarget.value)}>
      ${staff_roles.map((r) => html`<option key=${r} value=${r}>${role_labels[r]}</option>`)}
    </select>`;
}

export function staff_add_form({ units, on_add }) {
  const empty = { login: '', display_name: '', role: 'counsellor', org_unit: null, password: '' };
  const [form, set_form] = useState(empty);
  const { busy, error, submit: run } = use_submit();
  const [done, set_done] = useState(null);
  const set = (key) => (value) => set_form({ ...form, [key]: value });
  const needs_unit = form.role === 'officer';
  const ready = form.login.trim() && form.display_name.trim() && form.password.length >= min_password_length
    && (!needs_unit || form.org_unit);

  function submit(event) {
    event.preventDefault();
    set_done(null);
    run(async () => {
      await on_add({ ...form, org_unit: needs_unit ? form.org_unit : null });
      set_done(`${form.display_name} を追加しました。`);
      set_form(empty);
    });
  }

  return html`
    <form class="staff-add" onSubmit=${submit} aria-labelledby="staff-add-title">
      <h2 id="staff-add-title">職員を追加</h2>
      <div class="staff-fields">
        <label for="new-login">ログイン名</label>
        <input id="new-login" autocomplete="off" value=${form.login} onInput=${(e) => set("login")(e.currentTarget.value)} />
        <label for="new-name">表示名</label>
        <input id="new-name" autocomplete="off" value=${form.display_name}
               onInput=${(e) => set('display_name')(e.currentTarget.value)} />
        <label for="new-role">役割</label>
        <${role_select} id="new-role" value=${form.role} on_change=${set('role')} />
        ${needs_unit && html`
          <label for="new-unit">所属</label>
          <${unit_select} id="new-unit" units=${units} value=${form.org_unit} on_change=${set('org_unit')} />`}
        <label for="new-password">初期パスワード</label>
        <input id="new-password" type="password" autocomplete="new-password" value=${form.password}
               onInput=${(e) => set('password')(e.currentTarget.value)} />
      </div>
      <p class="hint">パスワードは${min_password_length}文字以上。本人に安全な方法で伝え、最初のログイン後に変えてもらってください。</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${done && html`<p class="notice" role="status">${done}</p>`}
      <button type="submit" class="primary" disabled=${busy || !ready}>追加する</button>
    </form>`;
}

export function password_form({ user, on_save, on_cancel }) {
  const [password, set_password] = useState('');
  const { busy, error, submit: run } = use_submit();
  const input_id = `reset-${user.user_id}`;

  function submit(event) {
    event.preventDefault();
    run(() => on_save(password));
  }

  return html`
    <form class="password-reset" onSubmit=${submit} aria-label=${`${user.display_name} のパスワード再設定`}>
      <label for=${input_id}>新しいパスワード（${min_password_length}文字以上）</label>
      <input id=${input_id} type="password" autocomplete="new-password" value=${password}
             onInput=${(e) => set_password(e.currentTarget.value)} />
      <button type="submit" class="primary" disabled=${busy || password.length < min_password_length}>設定する</button>
      <button type="button" onClick=${on_cancel}>やめる</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>`;
}
