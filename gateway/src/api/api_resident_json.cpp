// Serialisation of the resident's history rows and resident notes (申し送り) to the console API's
// schemas (HistoryItem, ResidentNote). History rows carry dates and tallies only, never text.
#include "yorisoi/gateway/api_json.hpp"

#include "api/api_resident_json.hpp"
#include "api/json_values.hpp"

#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace json = boost::json;

json::object detail::history_object(const storage::history_item& h) {
  json::object out;
  out["consultation_id"] = h.consultation_id;
  out["state"] = h.state;
  out["opened_at"] = format_time(h.opened_at);
  out["closed_at"] = time_or_null(h.closed_at);
  if (h.counsellor_id.empty()) {
    out["counsellor"] = nullptr;
  } else {
    out["counsellor"] = json::object{{"user_id", h.counsellor_id}, {"display_name", h.counsellor_name}};
  }
  json::array categories;
  for (const auto& c : h.categories) {
    categories.emplace_back(c);
  }
  out["categories"] = std::move(categories);
  out["age_band"] = string_or_null(h.age_band);
  out["urgent"] = h.urgent;
  out["referral_stage"] = string_or_null(h.referral_stage);
  out["message_count"] = h.message_count;
  out["purged"] = h.purged_at.has_value();
  out["purged_at"] = time_or_null(h.purged_at);
  return out;
}

namespace {

json::object resident_note_object(const storage::resident_note& n) {
  json::object out;
  out["note_id"] = n.note_id;
  out["resident_id"] = n.resident_id;
  out["author"] = json::object{{"user_id", n.author_id}, {"display_name", n.author_name}};
  out["text"] = n.text;
  out["created_at"] = format_time(n.created_at);
  return out;
}

}  // namespace

std::string history_json(const std::vector<storage::history_item>& items) {
  json::array out;
  for (const auto& h : items) {
    out.push_back(detail::history_object(h));
  }
  return json::serialize(json::object{{"items", std::move(out)}});
}

std::string resident_note_json(const storage::resident_note& note) {
  return json::serialize(resident_note_object(note));
}

std::string resident_notes_json(const std::vector<storage::resident_note>& notes) {
  json::array out;
  for (const auto& n : notes) {
    out.push_back(resident_note_object(n));
  }
  return json::serialize(json::object{{"items", std::move(out)}});
}

}  // namespace yorisoi::gateway
