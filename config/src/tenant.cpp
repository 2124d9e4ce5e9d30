// [[tenant]]: one municipality (or platform) with its channels, hours, texts and lists.

#include <algorithm>
#include <set>

#include "sections.hpp"
#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

constexpr std::string_view identifier_rule = "lower-case letters, digits, '-' and '_', at most 64";

std::string read_identifier(toml_reader& reader, std::string_view key) {
  auto value = reader.required_string(key);
  if (!is_identifier(value)) {
    reader.fail(key, "\"" + value + "\" is not a valid identifier (" + std::string(identifier_rule) + ")");
  }
  return value;
}

std::string read_url(toml_reader& reader, std::string_view key) {
  auto url = reader.required_string(key);
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    reader.fail(key, "must start with https:// or http://");
  }
  return url;
}

// A local date written as "YYYY-MM-DD" or as a bare TOML date (2023-02-16).
std::optional<local_date> read_date(toml_reader& reader, std::string_view key) {
  const toml::node* node = reader.node(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (const auto* date = node->as_date()) {
    const auto& value = date->get();
    if (!is_valid_date(value.year, value.month, value.day)) {
      reader.fail(key, "is not a calendar date");
    }
    return local_date{value.year, value.month, value.day};
  }
  const auto* text = node->as_string();
  if (text == nullptr) {
    reader.fail(key, "must be a date \"YYYY-MM-DD\", not " + std::string(describe_type(*node)));
  }
  const auto date = parse_local_date(text->get());
  if (!date) {
    reader.fail(key, "\"" + text->get() + "\" is not a calendar date (\"YYYY-MM-DD\")");
  }
  return date;
}

void read_service(toml_reader& reader, service_period& out) {
  reader.only({"intake_start", "intake_end", "answers_until"});
  out.intake_start = read_date(reader, "intake_start");
  out.intake_end = read_date(reader, "intake_end");
  out.answers_until = read_date(reader, "answers_until");
  reader.finish();
  if (out.intake_start && out.intake_end && *out.intake_end < *out.intake_start) {
    reader.fail("intake_end",
                format_date(*out.intake_end) + " is before intake_start " + format_date(*out.intake_start));
  }
  if (out.intake_end && out.answers_until && *out.answers_until < *out.intake_end) {
    reader.fail("answers_until",
                format_date(*out.answers_until) + " is before intake_end " + format_date(*out.intake_end));
  }
  if (out.intake_start && out.answers_until && *out.answers_until < *out.intake_start) {
    reader.fail("answers_until", format_date(*out.answers_until) + " is before intake_start " +
                                     format_date(*out.intake_start));
  }
}

std::string read_text(toml_reader& reader, std::string_view key,
                      const std::vector<std::string_view>& placeholders, bool required = true) {
  std::string text = required ? reader.required_string(key) : reader.string(key).value_or("");
  if (const auto problem = check_placeholders(text, placeholders); !problem.empty()) {
    reader.fail(key, problem);
  }
  return text;
}

void read_messages(toml_reader& reader, messages& out) {
  reader.only({"greeting", "off_hours", "out_of_service", "crisis", "age_question", "other_contacts"});
  out.greeting = read_text(reader, "greeting", {});
  out.off_hours = read_text(reader, "off_hours", {"next_window"});
  out.out_of_service = read_text(reader, "out_of_service", {"other_contacts"});
  out.crisis = read_text(reader, "crisis", {"next_window"});
  out.age_question = read_text(reader, "age_question", {});
  out.other_contacts = read_text(reader, "other_contacts", {}, false);
  reader.finish();
}

channel read_channel(toml_reader& reader, const load_context& context) {
  reader.only({"key", "name", "secret_env", "secret_file", "access_token_env", "access_token_file",
               "add_friend_url", "read_marks"});
  channel out;
  out.key = read_identifier(reader, "key");
  out.name = reader.required_string("name");
  if (context.line_secrets) {
    out.secret = read_secret(reader, context, "secret").value;
    out.access_token = read_secret(reader, context, "access_token").value;
  } else {
    for (const auto key : {"secret_env", "secret_file", "access_token_env", "access_token_file"}) {
      static_cast<void>(reader.string(key));  // named, not read: migrating needs no LINE secret
    }
  }
  out.add_friend_url = read_url(reader, "add_friend_url");
  const std::string marks = reader.string("read_marks").value_or("never");
  if (marks == "on_open") {
    out.read_marks = read_marks::on_open;
  } else if (marks != "never") {
    reader.fail("read_marks", "\"" + marks + "\" is not one of \"never\", \"on_open\"");
  }
  reader.finish();
  return out;
}

template_answer read_template(toml_reader& reader) {
  reader.only({"id", "title", "text"});
  template_answer out;
  out.id = read_identifier(reader, "id");
  out.title = reader.required_string("title");
  out.text = read_text(reader, "text", {});
  reader.finish();
  return out;
}

tracked_link read_link(toml_reader& reader) {
  reader.only({"code", "label", "channel"});
  tracked_link out;
  out.code = read_identifier(reader, "code");
  out.label = reader.required_string("label");
  out.channel_key = reader.required_string("channel");
  reader.finish();
  return out;
}

// A list of distinct, non-empty strings; `required` lists must not be empty either.
std::vector<std::string> read_distinct(toml_reader& reader, std::string_view key, bool required) {
  auto values = reader.strings(key).value_or(std::vector<std::string>{});
  if (required && values.empty()) {
    reader.fail(key, "must list at least one entry");
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!seen.insert(values[i]).second) {
      reader.fail(std::string(key) + "[" + std::to_string(i) + "]", "\"" + values[i] + "\" is listed twice");
    }
  }
  return values;
}

// Reads every [[key]] table of the tenant with `read_one`, naming each by its index.
template <typename Read>
auto read_each(toml_reader& reader, std::string_view key, Read read_one) {
  std::vector<decltype(read_one(std::declval<toml_reader&>()))> out;
  const auto tables = reader.tables(key);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    toml_reader element(*tables[i], reader.key_path(std::string(key) + "[" + std::to_string(i) + "]"),
                        reader.file());
    out.push_back(read_one(element));
  }
  return out;
}

}  // namespace

tenant read_tenant(toml_reader& reader, const load_context& context) {
  reader.only({"id", "name", "time_zone", "channel", "schedule", "service", "messages", "template", "categories",
               "age_bands", "risk_keywords", "idle_close_hours", "retention_days", "org_unit", "referrals", "link",
               "queue_preview", "alert", "console", "shift"});
  tenant out;
  out.id = read_identifier(reader, "id");
  out.name = reader.required_string("name");
  out.time_zone = reader.string("time_zone").value_or(out.time_zone);
  const auto offset = time_zone_offset_minutes(out.time_zone);
  if (!offset) {
    reader.fail("time_zone", "unknown time zone \"" + out.time_zone +
                                 "\"; only fixed-offset zones are supported: " + supported_time_zones());
  }
  out.utc_offset_minutes = *offset;

  out.channels = read_each(reader, "channel", [&](toml_reader& r) { return read_channel(r, context); });
  if (out.channels.empty()) {
    reader.fail("channel", "each tenant needs at least one [[tenant.channel]]");
  }

  const toml::table* schedule_table = reader.table("schedule");
  if (schedule_table == nullptr) {
    reader.fail("schedule", "is required ([tenant.schedule] with at least one window)");
  }
  toml_reader schedule_reader(*schedule_table, reader.key_path("schedule"), reader.file());
  read_schedule(schedule_reader, out.staffed);
  if (out.staffed.windows.empty()) {
    schedule_reader.fail("windows", "must list at least one staffed window");
  }

  if (const toml::table* service_table = reader.table("service")) {
    toml_reader service_reader(*service_table, reader.key_path("service"), reader.file());
    read_service(service_reader, out.service);
  }

  const toml::table* messages_table = reader.table("messages");
  if (messages_table == nullptr) {
    reader.fail("messages", "is required ([tenant.messages])");
  }
  toml_reader messages_reader(*messages_table, reader.key_path("messages"), reader.file());
  read_messages(messages_reader, out.texts);

  out.templates = read_each(reader, "template", read_template);
  for (std::size_t i = 0; i < out.templates.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (out.templates[i].id == out.templates[j].id) {
        reader.fail("template[" + std::to_string(i) + "].id",
                    "\"" + out.templates[i].id + "\" is already used by template[" + std::to_string(j) + "]");
      }
    }
  }

  out.categories = read_distinct(reader, "categories", true);
  out.age_bands = read_distinct(reader, "age_bands", true);
  out.risk_keywords = read_distinct(reader, "risk_keywords", false);
  if (const auto hours = reader.integer("idle_close_hours", 1, 24 * 365)) {
    out.idle_close_after = std::chrono::hours(*hours);
  }
  if (const auto days = reader.integer("retention_days", 1, 100 * 366)) {
    out.retention = std::chrono::hours(24 * *days);
  }
  if (const auto preview = reader.boolean("queue_preview")) {
    out.queue_preview = *preview;
  }

  read_org_units(reader, out.org_units);
  if (const toml::table* referrals_table = reader.table("referrals")) {
    toml_reader referrals_reader(*referrals_table, reader.key_path("referrals"), reader.file());
    read_referrals(referrals_reader, out.referrals);
  }
  out.links = read_each(reader, "link", read_link);
  if (const toml::table* console_table = reader.table("console")) {
    toml_reader console_reader(*console_table, reader.key_path("console"), reader.file());
    console_reader.only({"second_factor"});
    const std::string factor = console_reader.string("second_factor").value_or("optional");
    if (factor == "required_for_readers") {
      out.second_factor_required_for_readers = true;
    } else if (factor != "optional") {
      console_reader.fail("second_factor",
                          "\"" + factor + "\" is not one of \"optional\", \"required_for_readers\"");
    }
    console_reader.finish();
  }
  if (const toml::table* shift_table = reader.table("shift")) {
    toml_reader shift_reader(*shift_table, reader.key_path("shift"), reader.file());
    shift_reader.only({"capacity"});
    if (const auto capacity = shift_reader.integer("capacity", 1, 50)) {
      out.shift.capacity = static_cast<unsigned>(*capacity);
    }
    shift_reader.finish();
  }
  if (const toml::table* alert_table = reader.table("alert")) {
    toml_reader alert_reader(*alert_table, reader.key_path("alert"), reader.file());
    out.alert = read_alert(alert_reader, context);
  }
  reader.finish();
  return out;
}

}  // namespace yorisoi::config::detail
