// Keyboard shortcuts of the console: j / k move the focus through the queue's rows (Enter then opens
// the focused row, which is a link), Esc leaves a text field, or else goes back to the list.
// Keys typed into a text field are left alone. Returns the function that removes the listener.

function in_text_field(element) {
  const typing_input = element instanceof HTMLInputElement
    && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(element.type);
  return typing_input || element instanceof HTMLTextAreaElement
    || element instanceof HTMLSelectElement || element?.isContentEditable;
}

function move_in_queue(step) {
  const rows = [...document.querySelectorAll('.queue-row')];
  if (rows.length === 0) {
    return;
  }
  let index = rows.indexOf(document.activeElement);
  if (index < 0) {
    index = rows.findIndex((row) => row.getAttribute('aria-current') === 'true');
  }
  const next = index < 0 ? (step > 0 ? 0 : rows.length - 1)
                         : Math.min(rows.length - 1, Math.max(0, index + step));
  rows[next].focus();
  rows[next].scrollIntoView({ block: 'nearest' });
}

export function install_keyboard({ on_escape }) {
  function on_key_down(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) {
      return;
    }
    const target = event.target;
    if (in_text_field(target)) {
      if (event.key === 'Escape') {
        target.blur();
      }
      return;
    }
    if (event.key === 'j') {
      event.preventDefault();
      move_in_queue(1);
    } else if (event.key === 'k') {
      event.preventDefault();
      move_in_queue(-1);
    } else if (event.key === 'Escape') {
      on_escape();
    }
  }
  document.addEventListener('keydown', on_key_down);
  return () => document.removeEventListener('keydown', on_key_down);
}
