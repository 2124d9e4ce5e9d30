// A button whose action asks first, in the page (never window.confirm): the first click shows the
// question with 「はい、…」 and キャンセル next to the button; Esc or キャンセル puts it away.
// Inputs: label (the button's text), question, confirm_label, class_name, disabled, on_confirm().
import { html } from './html.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';

export function confirm_button({ label, question, confirm_label, class_name = '', disabled, title, on_confirm }) {
  const [asking, set_asking] = useState(false);
  const yes = useRef(null);
  useEffect(() => {
    if (asking) {
      yes.current?.focus();
    }
  }, [asking]);
  if (!asking) {
    return html`<button type="button" class=${class_name} disabled=${disabled} title=${title}
                        onClick=${() => set_asking(true)}>${label}</button>`;
  }
  const on_key = (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      set_asking(false);
    }
  };
  return html`
    <span class="confirm" role="group" aria-label=${question} onKeyDown=${on_key}>
      <span class="confirm-question">${question}</span>
      <button type="button" ref=${yes} class=${class_name} disabled=${disabled}
              onClick=${() => { set_asking(false); on_confirm(); }}>${confirm_label}</button>
      <button type="button" onClick=${() => set_asking(false)}>キャンセル</button>
    </span>`;
}
