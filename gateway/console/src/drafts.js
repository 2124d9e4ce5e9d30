// Unsent replies, one per consultation, kept in this tab's sessionStorage so that switching
// conversations or reloading does not lose them; wiped at logout and at the next login (office PCs are
// shared). While any draft exists the page asks before it is left (beforeunload); with none, no
// handler is registered, so nothing stands in the way of leaving.
const prefix = 'yorisoi.draft.';

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;  // storage refused (privacy settings): drafts live only as long as the box
  }
}

function draft_keys() {
  const s = storage();
  if (!s) {
    return [];
  }
  const keys = [];
  for (let i = 0; i < s.length; i += 1) {
    const key = s.key(i);
    if (key?.startsWith(prefix)) {
      keys.push(key);
    }
  }
  return keys;
}

function warn_before_leaving(event) {
  event.preventDefault();
  event.returnValue = '';
}

let warning = false;

function sync_warning() {
  const wanted = draft_keys().length > 0;
  if (wanted && !warning) {
    window.addEventListener('beforeunload', warn_before_leaving);
  } else if (!wanted && warning) {
    window.removeEventListener('beforeunload', warn_before_leaving);
  }
  warning = wanted;
}

// The consultation open in the hash (#/c/<id>), whose reply box is on screen.
export function open_consultation_id() {
  const match = /^#\/c\/([^/]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

export function read_draft(id) {
  return (id && storage()?.getItem(prefix + id)) || '';
}

// Keeps `text` for consultation `id`; an empty or blank text removes the draft.
export function save_draft(id, text) {
  const s = storage();
  if (!id || !s) {
    return;
  }
  try {
    if (text.trim()) {
      s.setItem(prefix + id, text);
    } else {
      s.removeItem(prefix + id);
    }
  } catch {
    // Storage full: the text stays in the box, only the copy is missing.
  }
  sync_warning();
}

export function clear_drafts() {
  const s = storage();
  for (const key of draft_keys()) {
    s.removeItem(key);
  }
  sync_warning();
}

// A reload with drafts left asks again before leaving.
sync_warning();
