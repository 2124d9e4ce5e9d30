// The queue list kept up to date by delta: one changed consultation's row (GET /queue/{id}) is placed
// into, moved within or dropped from the loaded page(s), without fetching the list again. Pure.
// Rows carry queue_key, which compares as a string in queue order; next_cursor is where the loaded
// part of the queue ends (null: everything is loaded).

// Whether `row` belongs in the view `tab` for the user `me`.
export function in_view(row, tab, me) {
  if (row.state === 'closed') {
    return false;
  }
  switch (tab) {
    case 'waiting':
      return !row.assigned_to;
    case 'mine':
      return row.assigned_to?.user_id === me;
    case 'urgent':
      return row.urgent;
    case 'open':
      return true;
  }
  return false;
}

// The queue {counts, items, next_cursor} with consultation `id` replaced by `row` (null: gone) where
// it now belongs; a row past the loaded part waits for its page.
export function patch_row(queue, id, row, tab, me) {
  const items = queue.items.filter((i) => i.consultation_id !== id);
  const loaded = !queue.next_cursor || (row && row.queue_key <= queue.next_cursor);
  if (row && loaded && in_view(row, tab, me)) {
    const at = items.findIndex((i) => i.queue_key > row.queue_key);
    items.splice(at < 0 ? items.length : at, 0, row);
  }
  return { ...queue, items };
}

// The next page appended: rows already listed (placed by a delta meanwhile) are not repeated.
export function append_page(queue, page) {
  const known = new Set(queue.items.map((i) => i.consultation_id));
  return {
    counts: page.counts,
    items: [...queue.items, ...page.items.filter((i) => !known.has(i.consultation_id))],
    next_cursor: page.next_cursor,
  };
}

// The row of `id` read by its reader: nothing unread any more.
export function mark_read(queue, id) {
  return { ...queue, items: queue.items.map((i) => (i.consultation_id === id ? { ...i, unread_count: 0 } : i)) };
}
