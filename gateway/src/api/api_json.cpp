// Serialisation of the storage values to the console API's schemas, and the error bodies.
#include "yorisoi/gateway/api_json.hpp"
#include "api/json_values.hpp"

#include "yorisoi/gateway/account_gate.hpp"

#include <boost/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

struct known_error {
  std::string_view code;
  unsigned status;
  std::string_view message;
};

constexpr std::array<known_error, 13> known_errors{{
    {"bad_request", 400, "リクエストの形式が正しくありません。"},
    {"unsupported_media_type", 415, "Content-Type は application/json にしてください。"},
    {"unauthenticated", 401, "ログインしてください。"},
    {"bad_credentials", 401, "ログイン名またはパスワードが違います。"},
    {"second_factor_required", 401,
     "確認コード（認証アプリの6桁の数字、またはリカバリーコード）を入力してください。"},
    {"forbidden", 403, "この操作を行う権限がありません。"},
    {"csrf", 403, "画面を再読み込みしてからもう一度お試しください。"},
    {"not_found", 404, "対象が見つかりません。"},
    {"conflict", 409, "現在の状態ではこの操作はできません。画面を更新してください。"},
    {"invalid", 422, "入力内容を確認してください。"},
    {"throttled", 429, "試行回数が多すぎます。しばらく待ってからお試しください。"},
    {"unavailable", 503, "ただいま処理できません。しばらく待ってからお試しください。"},
    {"internal", 500, "予期しないエラーが発生しました。"},
}};

json::object user_object(const storage::staff_user& user) {
  json::object out;
  out["user_id"] = user.user_id;
  out["login"] = user.login;
  out["display_name"] = user.display_name;
  out["role"] = routing::to_string(user.role);
  out["org_unit"] = string_or_null(user.org_unit);
  return out;
}

json::object staff_object(const storage::staff_user& user) {
  json::object out = user_object(user);
  out["disabled"] = user.disabled;
  out["created_at"] = format_time(user.created_at);
  out["pending_role"] = string_or_null(user.pending_role);
  out["pending_role_by"] = string_or_null(user.pending_role_by);
  if (user.pending_since) {
    out["pending_since"] = format_time(*user.pending_since);
  } else {
    out["pending_since"] = nullptr;
  }
  out["role_unconfirmed"] = user.role_unconfirmed;
  return out;
}

json::object queue_item_object(const storage::queue_item& item) {
  json::object out;
  out["consultation_id"] = item.consultation_id;
  out["resident_label"] = item.resident_label;
  out["resident_id"] = item.resident_id;
  out["state"] = item.state;
  out["urgent"] = item.urgent;
  out["arrival"] = string_or_null(item.arrival);
  out["opened_at"] = format_time(item.opened_at);
  out["last_message_at"] = format_time(item.last_message_at);
  out["waiting_since"] = time_or_null(item.waiting_since);
  out["due_at"] = time_or_null(item.due_at);
  out["closed_at"] = time_or_null(item.closed_at);
  if (item.assigned_to.empty()) {
    out["assigned_to"] = nullptr;
  } else {
    out["assigned_to"] = json::object{{"user_id", item.assigned_to}, {"display_name", item.assigned_name}};
  }
  out["age_band"] = string_or_null(item.age_band);
  json::array categories;
  for (const auto& c : item.categories) {
    categories.emplace_back(c);
  }
  out["categories"] = std::move(categories);
  out["risk"] = string_or_null(item.risk);
  out["risk_source"] = string_or_null(item.risk_source);
  out["risk_set"] = string_or_null(item.risk_set);
  out["risk_lowered"] = item.risk_lowered;
  out["inbox_parked_at"] = time_or_null(item.inbox_parked_at);
  if (item.triage) {
    // Queue rows only: what the reader needs to triage.
    const storage::queue_triage& t = *item.triage;
    out["preview"] = t.preview ? json::value(*t.preview) : json::value(nullptr);
    out["unread_count"] = t.unread;
    out["wrote_back"] = t.wrote_back;
    out["referral_answered"] = t.referral_answered;
    out["queue_key"] = t.queue_key;
  }
  return out;
}

json::object counts_object(const storage::queue_counts& counts) {
  return json::object{
      {"waiting", counts.waiting}, {"mine", counts.mine}, {"urgent", counts.urgent}, {"open", counts.open}};
}

json::object message_object(const storage::transcript_message& m) {
  json::object out;
  out["message_id"] = m.message_id;
  out["direction"] = m.direction;
  out["kind"] = m.kind;
  out["text"] = m.text ? json::value(*m.text) : json::value(nullptr);
  out["sent_at"] = format_time(m.sent_at);
  out["withdrawn"] = m.withdrawn;
  out["origin"] = string_or_null(m.origin);
  out["delivery"] = string_or_null(m.delivery);
  out["delivery_error"] = string_or_null(m.delivery_error);
  out["author_name"] = string_or_null(m.author_name);
  return out;
}

json::object note_object(const storage::note& n) {
  json::object out;
  out["note_id"] = n.note_id;
  out["author"] = json::object{{"user_id", n.author_id}, {"display_name", n.author_name}};
  out["text"] = n.text;
  out["created_at"] = format_time(n.created_at);
  out["whisper_to"] = string_or_null(n.whisper_to);
  return out;
}

json::object event_object(const storage::console_event& e) {
  json::object out;
  out["event_id"] = e.event_id;
  out["kind"] = e.kind;
  out["consultation_id"] = string_or_null(e.consultation_id);
  out["message_id"] = string_or_null(e.message_id);
  out["at"] = format_time(e.at);
  out["referral_id"] = string_or_null(e.referral_id);
  out["user_id"] = string_or_null(e.staff_user_id);
  // A unit's row never names the resident, whatever path serialises it.
  out["resident_id"] = e.unit.empty() ? string_or_null(e.resident_id) : json::value(nullptr);
  return out;
}

std::string_view kind_name(config::org_unit_kind kind) {
  switch (kind) {
    case config::org_unit_kind::hub:
      return "hub";
    case config::org_unit_kind::department:
      return "department";
    case config::org_unit_kind::platform_group:
      return "platform_group";
  }
  return "department";
}

}  // namespace

api_error make_api_error(std::string_view code) {
  for (const auto& e : known_errors) {
    if (e.code == code) {
      return api_error{e.status, std::string(e.code), std::string(e.message), {}};
    }
  }
  return api_error{500, "internal", std::string(known_errors.back().message), {}};
}

std::string error_json(const api_error& error) {
  json::object out{{"error", error.code}, {"message", error.message}};
  if (!error.reason.empty()) {
    out["reason"] = error.reason;
  }
  return json::serialize(out);
}

std::string format_time(storage::time_point at) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(at);
  const auto days = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss time{seconds - days};
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02ld:%02ld:%02ldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long>(time.hours().count()),
                static_cast<long>(time.minutes().count()), static_cast<long>(time.seconds().count()));
  return std::string(buffer.data());
}

std::string session_json(const storage::session_info& session, const config::tenant& tenant) {
  json::object out;
  out["user"] = user_object(session.user);
  out["tenant"] = json::object{{"id", tenant.id}, {"name", tenant.name}};
  out["csrf_token"] = session.csrf_token;
  out["expires_at"] = format_time(session.expires_at);
  out["must_change_password"] = session.must_change_password;
  out["second_factor"] = session.has_second_factor;
  out["second_factor_enrolment_required"] =
      pending_step_of(session, tenant) == routing::account_pending::factor_enrolment;
  return json::serialize(out);
}

std::string staff_json(const storage::staff_user& user) {
  return json::serialize(staff_object(user));
}

std::string staff_list_json(const std::vector<storage::staff_user>& users) {
  json::array items;
  for (const auto& u : users) {
    items.push_back(staff_object(u));
  }
  return json::serialize(json::object{{"items", std::move(items)}});
}

std::string tenant_json(const config::tenant& tenant) {
  json::object out;
  out["id"] = tenant.id;
  out["name"] = tenant.name;
  json::array categories;
  for (const auto& c : tenant.categories) {
    categories.emplace_back(c);
  }
  out["categories"] = std::move(categories);
  json::array bands;
  for (const auto& b : tenant.age_bands) {
    bands.emplace_back(b);
  }
  out["age_bands"] = std::move(bands);
  json::array templates;
  for (const auto& t : tenant.templates) {
    templates.push_back(json::object{{"id", t.id}, {"title", t.title}, {"text", t.text}});
  }
  out["templates"] = std::move(templates);
  json::array units;
  for (const auto& u : tenant.org_units) {
    units.push_back(json::object{{"id", u.id}, {"name", u.name}, {"kind", kind_name(u.kind)}});
  }
  out["org_units"] = std::move(units);
  return json::serialize(out);
}

std::string queue_item_json(const storage::queue_item& item) {
  return json::serialize(queue_item_object(item));
}

std::string queue_page_json(const storage::queue_page& page) {
  json::array items;
  for (const auto& item : page.items) {
    items.push_back(queue_item_object(item));
  }
  json::value next = page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
  return json::serialize(json::object{
      {"counts", counts_object(page.counts)}, {"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

std::string queue_counts_json(const storage::queue_counts& counts) {
  return json::serialize(counts_object(counts));
}

std::string message_json(const storage::transcript_message& message) {
  return json::serialize(message_object(message));
}

std::string note_json(const storage::note& note) {
  return json::serialize(note_object(note));
}

std::string consultation_json(const storage::consultation_detail& detail) {
  json::object out = queue_item_object(detail.summary);
  json::array messages;
  for (const auto& m : detail.messages) {
    messages.push_back(message_object(m));
  }
  out["messages"] = std::move(messages);
  json::array notes;
  for (const auto& n : detail.notes) {
    notes.push_back(note_object(n));
  }
  out["notes"] = std::move(notes);
  if (detail.about_resident) {
    out["resident_note"] = json::parse(resident_note_json(*detail.about_resident));
  } else {
    out["resident_note"] = nullptr;
  }
  out["purged_at"] = time_or_null(detail.purged_at);
  return json::serialize(out);
}

std::string event_json(const storage::console_event& event) {
  return json::serialize(event_object(event));
}

std::string events_json(const std::vector<storage::console_event>& events) {
  json::array items;
  for (const auto& e : events) {
    items.push_back(event_object(e));
  }
  return json::serialize(json::object{{"items", std::move(items)}});
}

std::string resync_event_json(std::int64_t latest_id, storage::time_point at) {
  storage::console_event event;
  event.event_id = latest_id;
  event.kind = "resync";
  event.at = at;
  return event_json(event);
}

}  // namespace yorisoi::gateway
