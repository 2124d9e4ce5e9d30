#pragma once
// The resident's button taps (postbacks), inside the inbox processor's transaction: each accepted tap
// becomes a transcript row of kind 'postback' (direction 'in', the button's label sealed like message
// text), so the counsellor sees what the resident chose; an age-band tap also becomes the resident's
// band and fills their open consultation's band unless a counsellor set it (migration 007 keeps track
// of who did).

#include "inbox/inbox_apply.hpp"

#include "yorisoi/routing/consent_request.hpp"

#include <string>
#include <string_view>

namespace yorisoi::storage::detail {

void prepare_resident_tap_statements(pqxx::connection& conn);

// 「年代: 20代」.
[[nodiscard]] std::string age_band_tap_label(std::string_view band);
// 「同意する」「同意しない」「同意を取り消す」: the buttons' labels.
[[nodiscard]] std::string consent_tap_label(routing::consent_answer answer);

// Appends the tap to the consultation's transcript at the event's time.
void record_tap(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                const std::string& consultation_id, const std::string& resident_id, const std::string& label);

// An age-band tap: the resident's band, the tap in the open consultation's transcript (if one is
// open) and that consultation's band unless a counsellor set it.
void apply_age_band_tap(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                        const std::string& resident_id, const std::string& band);

}  // namespace yorisoi::storage::detail
