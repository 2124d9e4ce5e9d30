#pragma once
// The deployment's configuration: one immutable value loaded and validated at start-up.
//
// load() reads one TOML file, applies the environment overrides (YORISOI_LISTEN, YORISOI_DATABASE_URL,
// YORISOI_LINE_API_BASE, …) and resolves every secret from the environment variable or file the file
// names. Anything invalid throws config::error naming the file, the key and what is wrong; nothing is
// half-loaded. The returned value is never modified afterwards and may be read from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::config {

// What went wrong, where: `file` and `key` (a dotted TOML path such as "tenant[0].channel[1].key").
class error : public std::runtime_error {
 public:
  error(std::string file, std::string key, std::string what);
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

 private:
  std::string file_;
  std::string key_;
};

// Console sign-in sessions and the login throttle ([server.sessions]).
struct session_settings {
  // No request by a person for this long ends a session (idle_minutes; idle_seconds_for_tests).
  std::chrono::seconds idle{std::chrono::minutes(60)};
  std::chrono::hours absolute{12};  // a session never lives longer
  // One login name from one client address: this many failures within failure_window cost nothing,
  // then each further attempt waits first_delay, doubled per failure, up to max_delay.
  unsigned free_failures_per_name_address = 5;
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay{15 * 60};
  unsigned max_failures_per_address = 20;   // within failure_window, all names: then that address gets 429
  std::chrono::minutes failure_window{15};  // failures older than this are forgotten

  friend bool operator==(const session_settings&, const session_settings&) = default;
};

// The webhook spool ([server.spool]): where verified webhooks wait, fsynced, while PostgreSQL is away.
struct spool_settings {
  // Relative paths are taken from the working directory (systemd's StateDirectory, the container's
  // volume), not from the config file: the spool is state, not configuration. YORISOI_SPOOL_DIR
  // overrides. One directory per process (it is locked).
  std::string directory = "spool";
  std::uint64_t max_bytes = 256ULL * 1024 * 1024;    // >= 1 MiB; beyond it webhooks get 503
  std::uint64_t segment_bytes = 8ULL * 1024 * 1024;  // 64 KiB .. 1 GiB; a new file past this size
  std::uint32_t quarantine_days = 14;                // 1 .. 365; quarantine files older than this are deleted

  friend bool operator==(const spool_settings&, const spool_settings&) = default;
};

struct server_settings {
  std::string listen_host = "127.0.0.1";  // YORISOI_LISTEN=host:port overrides
  std::uint16_t listen_port = 8080;       // 0 = any free port (tests)
  unsigned threads = 0;                   // network threads; 0 = one per core
  std::size_t body_limit_bytes = 1 << 20;
  std::size_t header_limit_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // whole request head must arrive within this
  std::chrono::milliseconds body_timeout{10'000};    // the body, after the head
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive connection without a request
  std::chrono::milliseconds shutdown_grace{10'000};  // SIGTERM: in-flight requests get this long
  std::size_t max_connections = 10'000;
  // Connections open at once from one client address (the login throttle's address, trusted_proxies
  // included): the next one is answered 429 and closed.
  std::size_t max_connections_per_address = 256;
  // Console WebSockets (GET /api/v1/stream) open at once per staff user: a new one closes that user's
  // oldest with close code 4429.
  std::size_t max_sockets_per_user = 8;
  std::string console_dir;  // static console files; empty = the built-in default next to the binary
  // The service is reached by plain HTTP on a loopback address (development, tests): the session
  // cookie drops Secure and its __Host- prefix and answers carry no Strict-Transport-Security. Refused
  // unless listen_host is a loopback address. YORISOI_PLAIN_HTTP_LOOPBACK=on|off overrides.
  bool plain_http_loopback = false;
  // Store webhook events older than the tenant's retention period (the window in which redeliveries
  // are recognised) instead of dropping them. Only for replaying old recorded events in tests.
  bool accept_stale_events_for_replay = false;
  // Origins allowed besides the server's own ("scheme://host[:port]", lower-case, no default port
  // stripping: compared as written by browsers).
  std::vector<std::string> allowed_origins;
  // Reverse proxies (HAProxy) whose X-Forwarded-For is believed: IP addresses in canonical text form
  // ("127.0.0.1", "::1"). A request from one of them is attributed (login throttle) to the last hop
  // its header names that is not itself a trusted proxy; any other peer is taken as the client.
  std::vector<std::string> trusted_proxies;
  // The inbox is split by resident into this many partitions, each applied by one worker at a time
  // across every instance (so each resident's events stay in order); every instance must use the same
  // number. Workers: inbox worker threads of this instance. An event the database rejects
  // inbox_max_attempts times is parked (`yorisoi inbox parked`).
  unsigned inbox_partitions = 16;
  unsigned inbox_workers = 2;
  unsigned inbox_max_attempts = 5;
  session_settings sessions;
  spool_settings spool;

  friend bool operator==(const server_settings&, const server_settings&) = default;
};

struct database_settings {
  std::string url;                      // libpq connection string or URI; YORISOI_DATABASE_URL overrides
  unsigned pool_size = 4;               // worker connections for console/API work
  unsigned ingest_workers = 1;          // writers of webhook batches (group commit); 1 keeps arrival order
  std::size_t ingest_max_batch = 1000;  // events per transaction at most

  friend bool operator==(const database_settings&, const database_settings&) = default;
};

struct line_settings {
  std::string api_base = "https://api.line.me";  // YORISOI_LINE_API_BASE overrides
  std::string data_api_base = "https://api-data.line.me";
  // How long after a webhook its reply token is used, 0–60 s (LINE's last about a minute); later
  // answers go by push. YORISOI_REPLY_TOKEN_USABLE_SECONDS overrides.
  std::chrono::seconds reply_token_usable{50};

  friend bool operator==(const line_settings&, const line_settings&) = default;
};

// Encryption keys for sensitive columns (AES-256-GCM), by key id; the highest id encrypts new rows,
// older ids stay readable (key rotation). The pepper keys resident pseudonyms (HMAC-SHA256).
struct crypto_settings {
  std::map<std::uint32_t, std::string> keys;  // key id -> 32 raw bytes
  std::string pseudonym_pepper;               // >= 32 raw bytes

  friend bool operator==(const crypto_settings&, const crypto_settings&) = default;
};

// Whether yorisoi marks a resident's messages read on LINE (POST /v2/bot/chat/markAsRead): never (the
// default: LINE shows 既読 as the account's own settings make it), or when a counsellor opens the
// consultation. Read marks mean something only with the account's chat feature on.
enum class read_marks { never, on_open };

struct channel {
  std::string key;  // webhook path /webhook/line/{key}; unique across the whole file
  std::string name;
  std::string secret;        // resolved channel secret (never logged)
  std::string access_token;  // resolved channel access token (never logged)
  std::string add_friend_url;
  config::read_marks read_marks = config::read_marks::never;

  friend bool operator==(const channel&, const channel&) = default;
};

// A weekly staffed window in the tenant's local time, e.g. Mon–Fri 18:00–21:00.
struct weekly_window {
  std::vector<int> weekdays;  // 0 = Sunday … 6 = Saturday
  int start_minute = 0;       // minutes after local midnight, [0, 1440)
  int end_minute = 0;         // exclusive, (start_minute, 1440]

  friend bool operator==(const weekly_window&, const weekly_window&) = default;
};

struct local_date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const local_date&) const = default;
};

struct month_day {
  int month = 0, day = 0;
  auto operator<=>(const month_day&) const = default;
};

struct schedule {
  std::vector<weekly_window> windows;
  bool closed_on_national_holidays = true;
  std::vector<month_day> closed_every_year;  // e.g. 12-29 … 01-03
  std::vector<local_date> closed_dates;      // one-off closed days

  friend bool operator==(const schedule&, const schedule&) = default;
};

// Intake accepts messages from intake_start to intake_end (inclusive, local dates); counsellors answer
// until answers_until. Unset = open-ended.
struct service_period {
  std::optional<local_date> intake_start;
  std::optional<local_date> intake_end;
  std::optional<local_date> answers_until;

  friend bool operator==(const service_period&, const service_period&) = default;
};

struct messages {
  std::string greeting;        // on follow
  std::string off_hours;       // placeholders: {next_window}
  std::string out_of_service;  // before intake_start / after intake_end; {other_contacts}
  std::string crisis;          // crisis contacts, sent at once outside staffed hours; {next_window}
  std::string age_question;    // quick reply with the age bands
  std::string other_contacts;  // other services to name in out_of_service

  friend bool operator==(const messages&, const messages&) = default;
};

struct template_answer {
  std::string id;
  std::string title;
  std::string text;

  friend bool operator==(const template_answer&, const template_answer&) = default;
};

enum class org_unit_kind { hub, department, platform_group };

struct org_unit {
  std::string id;  // stable identifier, e.g. "seikatsu-fukushi"
  std::string name;
  org_unit_kind kind = org_unit_kind::department;
  std::vector<std::string> members;  // platform groups: member organisations

  friend bool operator==(const org_unit&, const org_unit&) = default;
};

// [tenant.referrals]: how consent-gated referrals run for this tenant.
struct referral_settings {
  std::chrono::hours consent_ttl{72};  // a consent request unanswered this long expires (1..720 h)
  bool hub_skipped = false;            // consented referrals go straight to the suggested units
  bool answers_through_hub = true;     // the hub's officer returns the answers (when the hub had it)

  friend bool operator==(const referral_settings&, const referral_settings&) = default;
};

// [tenant.alert]: an on-call alert (a signed JSON POST) for urgent consultations outside staffed hours,
// and with on = "any" for every consultation opened then. Absent: the tenant has no alerts.
enum class alert_trigger { urgent, any };

struct alert_settings {
  std::string url;     // https://…, or http:// to a loopback address only
  std::string secret;  // resolved HMAC key (never logged)
  alert_trigger on = alert_trigger::urgent;
  std::string console_base_url;  // http(s)://host[/path], no trailing '/': links <base>/console/#/…

  friend bool operator==(const alert_settings&, const alert_settings&) = default;
};

// [tenant.shift]: the shift's limits.
struct shift_settings {
  // How many open consultations a counsellor may hold (1..50) unless their own capacity says otherwise;
  // claiming beyond it is refused, a supervisor may assign beyond it. None (the default): no limit.
  std::optional<unsigned> capacity;

  friend bool operator==(const shift_settings&, const shift_settings&) = default;
};

struct tracked_link {
  std::string code;  // GET /l/{code}
  std::string label;
  std::string channel_key;

  friend bool operator==(const tracked_link&, const tracked_link&) = default;
};

struct tenant {
  std::string id;  // e.g. "yamagata"; first column of every key
  std::string name;
  std::string time_zone = "Asia/Tokyo";
  int utc_offset_minutes = 9 * 60;  // derived from time_zone
  std::vector<channel> channels;
  schedule staffed;
  service_period service;
  messages texts;
  std::vector<template_answer> templates;
  std::vector<std::string> categories;
  std::vector<std::string> age_bands;
  std::vector<std::string> risk_keywords;
  std::vector<org_unit> org_units;
  referral_settings referrals;
  std::vector<tracked_link> links;
  std::optional<alert_settings> alert;
  std::chrono::minutes idle_close_after{72 * 60};
  std::chrono::hours retention{24 * 365 * 5};
  // Queue rows show the start of the resident's latest message to counsellors and supervisors.
  bool queue_preview = true;
  // [tenant.console] second_factor: "optional" (default) or "required_for_readers" (counsellors and
  // supervisors must enrol a second factor before they may read anything).
  bool second_factor_required_for_readers = false;
  shift_settings shift;

  friend bool operator==(const tenant&, const tenant&) = default;
};

struct settings {
  std::string source_file;
  // Idle consultations close after each tenant's idle_close_after; YORISOI_IDLE_CLOSE=off turns it off
  // (tests that replay old dates).
  bool idle_close = true;
  server_settings server;
  database_settings database;
  line_settings line;
  crypto_settings crypto;
  std::vector<tenant> tenants;

  // The channel with this webhook key and its tenant, or nullptr.
  [[nodiscard]] const channel* find_channel(std::string_view key, const tenant** owner = nullptr) const;
  [[nodiscard]] const tenant* find_tenant(std::string_view id) const;

  friend bool operator==(const settings&, const settings&) = default;
};

// Reads the environment; tests pass their own.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;
[[nodiscard]] env_lookup process_environment();

// Loads, overrides and validates; throws config::error on anything invalid (and nothing else, whatever
// the file holds). Relative secret_file/keys_file/pepper_file/console_dir paths are resolved against
// the folder of `path`. Reentrant; `env` is called from the calling thread only.
[[nodiscard]] settings load(const std::string& path, const env_lookup& env = process_environment());
// load() for `yorisoi migrate`: every check except that the LINE channels' secrets and access tokens
// are not read (they stay empty), so that the migration's container need not be given them.
[[nodiscard]] settings load_for_migration(const std::string& path,
                                          const env_lookup& env = process_environment());

// The same, for a document already in memory (tests, fuzzing). `file_label` names the document in
// errors and its folder anchors relative paths, exactly as `path` does for load().
[[nodiscard]] settings load_from_string(std::string_view toml, std::string file_label, const env_lookup& env);

}  // namespace yorisoi::config
