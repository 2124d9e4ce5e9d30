#pragma once
// The console's storage: staff accounts and sessions, the counsellors' work on consultations, the audit
// log and the live event feed. Same threading model as service: every operation runs on one of the
// service's general workers and answers through a callback invoked on a storage thread.
//
// Authorisation split: the gateway checks the route's permission (routing::allows) from the session's
// role before calling; every operation here limits objects to the actor's tenant, so another tenant's
// object answers `not_found` exactly like a missing one. Ids are uuids (opaque, not sequential).
//
// Thread-safety: all members may be called from any thread once the service started.

#include "yorisoi/routing/access.hpp"
#include "yorisoi/routing/login_delay.hpp"
#include "yorisoi/routing/risk.hpp"
#include "yorisoi/routing/shift.hpp"
#include "yorisoi/storage/service.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::storage {

namespace detail {
class db_connection;
class worker_pool;
}  // namespace detail

using time_point = std::chrono::system_clock::time_point;

// The signed-in staff member on whose behalf an operation runs.
struct actor {
  std::string tenant_id;
  std::string user_id;  // uuid
  routing::staff_role role = routing::staff_role::counsellor;
  std::string org_unit;  // officers only
  // Set by login/authenticate (an opaque id of the session, not its token): change_password keeps this
  // session and ends the user's others. Empty: every session of the user ends.
  std::string session_id;
};

struct staff_user {
  std::string tenant_id;
  std::string user_id;
  std::string login;
  std::string display_name;
  routing::staff_role role = routing::staff_role::counsellor;
  std::string org_unit;  // empty unless officer
  bool disabled = false;
  time_point created_at{};
  // Staff administration only (left empty by sign-in and sessions): a raise to a role that reads
  // conversations awaiting another admin's confirmation (routing/role_raise.hpp), or one applied
  // without it.
  std::string pending_role;     // "" = none pending
  std::string pending_role_by;  // the admin who raised it (also for an unconfirmed one)
  std::optional<time_point> pending_since;
  bool role_unconfirmed = false;
};

enum class op_status {
  ok,
  not_found,    // no such object in the actor's tenant (or not visible to the actor)
  conflict,     // the object's state forbids it now (claimed by someone else, closed, …): 409
  invalid,      // the input breaks a rule (duplicate login, bad unit, …): 422
  throttled,    // too many recent failures: 429 after op_result::retry_after
  unavailable,  // the database could not be asked: 503
};

template <typename T>
struct op_result {
  op_status status = op_status::unavailable;
  T value{};
  std::string reason;                   // conflict/invalid: the rule's stable code (login_taken, …); never user data
  std::chrono::seconds retry_after{0};  // throttled: how long to wait
};
struct nothing {};

// ---- sessions --------------------------------------------------------------------------------------

struct session_policy {
  std::chrono::seconds idle{std::chrono::minutes(60)};  // no request for this long ends the session
  std::chrono::hours absolute{12};                      // a session never lives longer
  // Failures of one login name from one address (and of one user's current-password checks): the
  // growing delay (routing/login_delay.hpp), counted within `failure_window`.
  routing::login_delay_rule delay;
  unsigned max_failures_per_address = 20;   // within `failure_window`, then that address is throttled
  std::chrono::minutes failure_window{15};  // failures older than this are forgotten
};

struct session_info {
  actor who;
  staff_user user;
  std::string csrf_token;
  time_point expires_at{};  // the absolute limit
  // The password was set by an admin (a new account or a reset): the user must choose their own
  // before anything else (routing::account_gate).
  bool must_change_password = false;
  bool has_second_factor = false;  // a confirmed TOTP factor
};

struct login_request {
  std::string login;
  std::string password;  // sensitive
  std::string address;   // client address (rate limit key)
  std::string code;      // TOTP or recovery code of an account with a second factor; sensitive
};

enum class login_status {
  ok,
  bad_credentials,  // unknown login, wrong password or disabled account: one answer for all
  throttled,        // this name from this address must wait, or the address is over its limit: 429
  // The password is right but the account has a second factor and no code came: still counted as a
  // failed attempt until a right code comes.
  second_factor_required,
  unavailable,
};

struct login_result {
  login_status status = login_status::unavailable;
  std::string token;  // the cookie value (only its SHA-256 is stored); sensitive
  session_info session;
  std::chrono::seconds retry_after{0};
};

struct new_staff {
  std::string login;
  std::string display_name;
  routing::staff_role role = routing::staff_role::counsellor;
  std::string org_unit;  // required for officers, refused for others
  std::string password;  // >= 12 characters
};

// A TOTP enrolment started by the user: the secret to enter in an authenticator app (shown once).
struct totp_enrolment {
  std::string secret_base32;
  std::string uri;  // otpauth://totp/…
};

struct staff_patch {
  std::optional<std::string> display_name;
  std::optional<routing::staff_role> role;
  std::optional<std::string> org_unit;
  std::optional<bool> disabled;
  std::optional<std::string> password;  // an admin resetting it
};

// ---- consultations ---------------------------------------------------------------------------------

enum class queue_view { waiting, mine, urgent, open };

// What a queue row tells the reader beyond the consultation itself.
struct queue_triage {
  // The resident's latest message with text, opened and cut to preview_chars code points (with "…"
  // when cut, line breaks as spaces); none when previews are off or there is no text.
  std::optional<std::string> preview;
  std::int64_t unread = 0;         // resident messages since the reader last opened the transcript
  bool wrote_back = false;         // waiting again after a counsellor's answer
  bool referral_answered = false;  // a referral's answers came back and it is not closed yet
  std::string queue_key;           // the row's place in the queue order; the next page's cursor
};

inline constexpr std::size_t preview_chars = 40;
inline constexpr std::size_t queue_default_limit = 50;
inline constexpr std::size_t queue_max_limit = 200;

// One page of a queue view: rows after `after` (a queue_key; "" = from the start), at most `limit`.
struct queue_request {
  queue_view view = queue_view::open;
  std::size_t limit = queue_default_limit;  // 1..queue_max_limit
  std::string after;
  bool previews = false;  // the tenant shows previews (and the role may read them: checked here too)
};

// Whether `cursor` has the form of a queue_key (the gateway answers 400 otherwise). Pure.
[[nodiscard]] bool valid_queue_cursor(std::string_view cursor) noexcept;

struct queue_item {
  std::string consultation_id;
  std::string resident_label;  // short, stable, meaningless label for the resident (e.g. "R-3F9A")
  // The resident's id in the tenant (random uuid of the resident row: never derived from the LINE id
  // or the pseudonym); the same for every consultation of that resident.
  std::string resident_id;
  std::string state;           // waiting | assigned | closed
  bool urgent = false;
  std::string arrival;  // staffed | off_hours | ""
  time_point opened_at{};
  time_point last_message_at{};
  std::optional<time_point> waiting_since;  // first inbound message not yet answered by a counsellor
  std::optional<time_point> due_at;
  std::optional<time_point> closed_at;
  std::string assigned_to;  // user id or ""
  std::string assigned_name;
  std::string age_band;
  std::vector<std::string> categories;
  // The risk level that counts (routing::effective_risk_of): low | medium | high | critical | "" (none);
  // where it comes from: counsellor | keyword | ""; and the newest level a counsellor set ("" = never)
  // with whether it was a lowering.
  std::string risk;
  std::string risk_source;
  std::string risk_set;
  bool risk_lowered = false;
  // Since when one of the resident's LINE events could not be applied (the database kept rejecting
  // it: `yorisoi inbox parked`), so a message may be missing here; none once it is retried.
  std::optional<time_point> inbox_parked_at;
  std::optional<queue_triage> triage;  // queue rows only (list and single row), for the reader
};

struct queue_counts {
  std::size_t waiting = 0;  // unassigned, open
  std::size_t mine = 0;     // assigned to the actor, open
  std::size_t urgent = 0;   // open and urgent
  std::size_t open = 0;
};

struct queue_page {
  queue_counts counts;
  std::vector<queue_item>
      items;                // in queue order (urgent, earliest due, longest waiting), each with its triage
  std::string next_cursor;  // the last row's queue_key when more may follow; "" at the end
};

struct transcript_message {
  std::string message_id;
  std::string direction;  // in | out
  std::string kind;       // text, sticker, image, … ; for out: reply, greeting, off_hours, crisis, …
  std::optional<std::string> text;  // sealed text opened; none for kinds without text or withdrawn
  time_point sent_at{};
  bool withdrawn = false;      // the resident unsent it
  std::string origin;          // out only: auto | counsellor
  std::string delivery;        // out only: pending | sending | sent | failed | cancelled
  std::string delivery_error;  // failed: LINE's error text
  std::string author_name;     // counsellor replies: who wrote it
};

struct note {
  std::string note_id;
  std::string author_id;
  std::string author_name;
  std::string text;
  time_point created_at{};
  std::string whisper_to;  // a whisper: the counsellor it is addressed to (uuid); empty for a plain note
};

// The resident note (申し送り): a short note about the resident, shown on each of their consultations.
// Append-only: an edit adds a row; the newest row is the current note.
struct resident_note {
  std::string note_id;
  std::string resident_id;
  std::string author_id;
  std::string author_name;
  std::string text;
  time_point created_at{};
};

inline constexpr std::size_t resident_note_max_chars = 1000;

struct consultation_detail {
  queue_item summary;
  std::vector<transcript_message> messages;  // oldest first
  std::vector<note> notes;                   // oldest first
  std::optional<storage::resident_note> about_resident;  // the resident note (its newest version), if any
  // Retention purged its texts: messages and notes are gone, the dates and tallies stay.
  std::optional<time_point> purged_at;
};

// One change of a consultation's risk level (the history is kept: every change is a row).
struct risk_change {
  std::string risk_id;
  std::string level;  // low | medium | high | critical
  bool lowered = false;  // set below 高 on an urgent consultation: it wins over the urgency
  std::optional<std::string> reason;  // none once retention cleared it
  std::string author_id;
  std::string author_name;
  time_point set_at{};
};

// One of a resident's consultations in their history: dates and tallies, never text.
struct history_item {
  std::string consultation_id;
  std::string state;  // waiting | assigned | closed
  time_point opened_at{};
  std::optional<time_point> closed_at;
  std::string counsellor_id;  // the assignee (at closure for closed ones), or ""
  std::string counsellor_name;
  std::vector<std::string> categories;
  std::string age_band;
  bool urgent = false;
  std::string referral_stage;  // the newest referral's stage, or ""
  std::int64_t message_count = 0;  // both directions, automatic answers included; kept after a purge
  std::optional<time_point> purged_at;
};

inline constexpr std::size_t history_max_items = 200;

// What LINE's chat signals (a read mark, the loading animation) need of a consultation: its channel,
// whether it is open, the markAsReadToken of the newest resident message that is still shown (read
// from that message's stored webhook event: "" when there is none, or the event is no longer kept)
// and, for the loading animation only, the resident's LINE user id. Sensitive: never logged.
struct line_chat {
  std::string channel_key;
  bool open = false;
  std::string read_token;
  std::string line_user_id;  // typing_chat only
};

// A search of the tenant's consultations (storage/src/search/). Every criterion is optional; an empty
// string is "any". Words are folded (routing/search_text.hpp) and must all occur in the consultation's
// messages (the resident's and the counsellors', not automatic answers) or notes.
struct search_request {
  std::vector<std::u32string> words;  // folded, 2..50 characters each, at most 8
  std::optional<time_point> opened_from;    // opened at or after
  std::optional<time_point> opened_before;  // opened before
  std::string category;
  std::string age_band;
  std::string priority;        // normal | urgent
  std::string assignee;        // a user id (uuid), or "none" for consultations nobody holds
  std::string state;           // waiting | assigned | closed
  std::string referral_stage;  // the newest referral's stage
  std::string resident_id;     // uuid
  std::string after;           // next_cursor of the previous page
  std::size_t limit = 20;
};

inline constexpr std::size_t search_max_limit = 50;
// Consultations whose text one request opens at most to verify the words: a page may come back short
// with a next_cursor (the client asks again) instead of opening without bound.
inline constexpr std::size_t search_verify_budget = 200;

struct search_hit {
  history_item consultation;
  std::string resident_id;
  // Around the first match of the first word, when words were given.
  std::string snippet_source;  // message | note | ""
  std::optional<time_point> snippet_at;
  std::string snippet_before;
  std::string snippet_match;
  std::string snippet_after;
};

struct search_page {
  std::vector<search_hit> items;  // newest first (by opening)
  std::string next_cursor;        // "" at the end
  std::size_t examined = 0;       // candidates verified by opening their text
};

// A cursor as search() hands it out ("<micros>_<uuid>").
[[nodiscard]] bool valid_search_cursor(std::string_view cursor) noexcept;

// ---- on shift (routing/shift.hpp) ------------------------------------------------------------------

// One counsellor or supervisor of the tenant on the shift.
struct presence_entry {
  std::string user_id;
  std::string display_name;
  routing::staff_role role = routing::staff_role::counsellor;
  // available | away | off. Off also whenever the account has no live session that began before the
  // status was set (logged out, the session ended, or a new sign-in that has not chosen yet).
  std::string status = "off";
  std::optional<time_point> since;  // when that status was chosen; none for an off without a choice
  std::int64_t load = 0;            // open consultations the person holds
  std::optional<unsigned> own_capacity;  // the person's own capacity; none = the tenant's default
  std::optional<unsigned> capacity;  // the one that counts; none = no limit
};

struct presence_outcome {
  presence_entry entry;
  std::vector<std::string> returned;  // consultations returned to the queue by going off
};

// ---- live events -----------------------------------------------------------------------------------

struct console_event {
  std::int64_t event_id = 0;
  std::string tenant_id;
  std::string kind;             // message | queue | delivery | assignment | referral | staff
  std::string consultation_id;  // empty for staff events
  std::string message_id;       // message events only
  time_point at{};
  std::string referral_id;  // referral events only
  // Referral events: "" = for the consultation's counsellors; a unit id = for that unit's officers
  // (one row per unit that can see the referral). Empty for every other kind.
  std::string unit;
  std::string staff_user_id;  // staff events (a raise asked, confirmed, cancelled): the account
  std::string resident_id;    // the consultation's resident; empty without a consultation
};

// Whose events a listing is for, applied in the query (so that a page is never filled with rows the
// reader may not see): rows for the consultation workers (every kind without a unit), and/or the
// referral rows of one unit (its officers).
struct console_event_filter {
  bool consultation_events = true;
  std::string unit;           // "" = no unit's rows
  bool staff_events = false;  // the staff rows (admins)
};

class console_store {
 public:
  // `store` must outlive this object; `policy` and the tenants' tag vocabularies are checked here.
  console_store(service& store, session_policy policy);

  // -- accounts
  void login(login_request request, std::function<void(login_result)> done);
  // The session of a cookie token, or nullopt (unknown, expired, idle too long, user disabled). Moves
  // last_seen_at forward (at most once a minute per session). nullopt also when unavailable: see status.
  void authenticate(std::string token, std::function<void(op_result<session_info>)> done);
  // The same answer without moving last_seen_at: for what no person did (the console's background
  // refetches, an open WebSocket's periodic check), so an unattended console still goes idle.
  void check_session(std::string token, std::function<void(op_result<session_info>)> done);
  void logout(std::string token, std::function<void(op_result<nothing>)> done);
  void logout_everywhere(actor who, std::function<void(op_result<nothing>)> done);
  // Checks the current password (throttled per user like a login: a wrong one is counted before it is
  // hashed); ends every other session of the user.
  void change_password(actor who, std::string current_password, std::string new_password,
                       std::function<void(op_result<nothing>)> done);
  void list_staff(actor who, std::function<void(op_result<std::vector<staff_user>>)> done);
  // `who` empty user_id: the command line (audited as such).
  void create_staff(actor who, new_staff user, std::function<void(op_result<staff_user>)> done);
  // -- the TOTP second factor of one's own account (and an admin's reset of another's). Refusals carry
  // a reason: second_factor_enrolled (conflict: disable it first), no_enrolment (conflict: begin
  // first), wrong_code (invalid), wrong_password_or_code (invalid). Every change is audited.
  // `issuer` names the service in the authenticator app (the tenant's name).
  void totp_begin(actor who, std::string issuer, std::function<void(op_result<totp_enrolment>)> done);
  // Confirms with a code of the new secret; answers the recovery codes (their hashes are kept).
  void totp_confirm(actor who, std::string code,
                    std::function<void(op_result<std::vector<std::string>>)> done);
  // Needs the password and a code (TOTP or recovery).
  void totp_disable(actor who, std::string password, std::string code,
                    std::function<void(op_result<nothing>)> done);
  // An admin removes another user's factor of the actor's tenant (the user enrols again); their
  // sessions end.
  void totp_reset(actor who, std::string user_id, std::function<void(op_result<nothing>)> done);
  // Role change, disable or password reset end the user's sessions. A raise to a role that reads
  // conversations (here or in create_staff) awaits another admin's confirmation unless none exists.
  void update_staff(actor who, std::string user_id, staff_patch patch,
                    std::function<void(op_result<staff_user>)> done);
  // Another admin confirms a pending raise (it applies; the user signs in again) or an unconfirmed
  // one (the flag goes); conflict reasons nothing_pending, same_admin, own_account.
  void confirm_role(actor who, std::string user_id, std::function<void(op_result<staff_user>)> done);
  // Any admin cancels a pending raise (a new account stays disabled); conflict nothing_pending.
  void cancel_role(actor who, std::string user_id, std::function<void(op_result<staff_user>)> done);

  // -- consultations (actor must be allowed work_consultations; checked by the caller)
  // The first page of a view with the default limit, without previews.
  void queue(actor who, queue_view view, std::function<void(op_result<queue_page>)> done);
  // One page. With previews on (and a role that reads transcripts), the read is audited once as
  // queue.read in the same transaction.
  void queue(actor who, queue_request request, std::function<void(op_result<queue_page>)> done);
  void queue_counts_of(actor who, std::function<void(op_result<queue_counts>)> done);
  // One consultation as a queue row (with its triage; closed ones too, so that a console can drop it);
  // audited like a page when it carries a preview.
  void queue_row(actor who, std::string consultation_id, bool previews,
                 std::function<void(op_result<queue_item>)> done);
  // Audited as consultation.read; records that the actor has read the resident's messages so far.
  void consultation(actor who, std::string consultation_id,
                    std::function<void(op_result<consultation_detail>)> done);
  // Takes an unassigned open consultation (conflict when someone else holds it; ok when it is already mine).
  void claim(actor who, std::string consultation_id, std::function<void(op_result<queue_item>)> done);
  // The same, refused (conflict over_capacity) when a counsellor already holds their capacity
  // (routing::may_take_another; `default_capacity` is the tenant's, the person's own one wins).
  void claim(actor who, std::string consultation_id, std::optional<unsigned> default_capacity,
             std::function<void(op_result<queue_item>)> done);
  // close, release and reopen follow routing::lifecycle_check (a counsellor acts only on what they hold
  // or nobody holds; supervisors on any): a refusal is conflict with the rule's code as reason.
  void release(actor who, std::string consultation_id, std::function<void(op_result<queue_item>)> done);
  // Supervisor: assign to another counsellor/supervisor of the tenant (invalid when not one).
  void transfer(actor who, std::string consultation_id, std::string to_user_id,
                std::function<void(op_result<queue_item>)> done);
  // The actor must hold the consultation (conflict otherwise) and it must be open. Writes the outbox row
  // (push, X-Line-Retry-Key = outbox id) and the outbound transcript message in one transaction; the
  // consultation stops waiting.
  void reply(actor who, std::string consultation_id, std::string text,
             std::function<void(op_result<transcript_message>)> done);
  // Replaces the categories and the age band ("" = unknown). Labels are validated by the caller
  // against the tenant's config. Allowed on closed consultations too (tagging after closure).
  void set_tags(actor who, std::string consultation_id, std::vector<std::string> categories,
                std::string age_band, std::function<void(op_result<queue_item>)> done);
  void add_note(actor who, std::string consultation_id, std::string text,
                std::function<void(op_result<note>)> done);
  // A supervisor's whisper to the assigned counsellor: a note only they (and supervisors) see, announced
  // as a queue event so the counsellor's open conversation reloads. conflict "not_assigned" when nobody
  // holds the consultation.
  void whisper(actor who, std::string consultation_id, std::string text,
               std::function<void(op_result<note>)> done);
  void close(actor who, std::string consultation_id, std::function<void(op_result<queue_item>)> done);
  // -- the resident (same permission as the consultations). not_found for a resident of another tenant.
  // Every consultation of the resident, newest first (at most history_max_items), as dates and
  // tallies; audited as resident.history. Opening one is a consultation read (consultation()).
  void resident_history(actor who, std::string resident_id,
                        std::function<void(op_result<std::vector<history_item>>)> done);
  // Every version of the resident note, newest first; audited as resident_note.read.
  void resident_notes(actor who, std::string resident_id,
                      std::function<void(op_result<std::vector<resident_note>>)> done);
  // A new version of the note (1..resident_note_max_chars, not only spaces: invalid "text_length"
  // otherwise); sealed like consultation notes; audited as resident_note.write.
  void set_resident_note(actor who, std::string resident_id, std::string text,
                         std::function<void(op_result<resident_note>)> done);
  // -- search (same permission as the consultations): the tenant's consultations matching every
  // criterion, newest first; audited as consultation.search with the criteria (words as their count).
  void search(actor who, search_request request, std::function<void(op_result<search_page>)> done);
  // -- risk levels (routing/risk.hpp; same permission). A new level with its reason (1..200 characters,
  // not only spaces: invalid "reason_length"); conflict "consultation_closed" on a closed one. Below 高
  // on an urgent consultation it is a lowering (it then wins over the urgency). Sealed reason; audited
  // consultation.risk (level and whether lowered, never the reason); a 'queue' event.
  void set_risk(actor who, std::string consultation_id, routing::risk_level level, std::string reason,
                std::function<void(op_result<queue_item>)> done);
  // Every change, newest first; audited consultation.risk_read.
  void risk_history(actor who, std::string consultation_id,
                    std::function<void(op_result<std::vector<risk_change>>)> done);
  // The one who reopens it holds it. conflict (resident_has_open_consultation) when the resident
  // already has another open consultation.
  void reopen(actor who, std::string consultation_id, std::function<void(op_result<queue_item>)> done);
  // -- LINE's chat signals (console_signals.cpp; same permission). Not audited: nothing is read but a
  // token, and the transcript read that goes with a read mark is audited itself.
  // For a read mark: any consultation of the actor's tenant (not_found otherwise).
  void read_mark_chat(actor who, std::string consultation_id, std::function<void(op_result<line_chat>)> done);
  // For the loading animation while the actor types a reply: allowed exactly when a reply would be
  // (routing::lifecycle_next, reply: conflict not_holder or consultation_closed).
  void typing_chat(actor who, std::string consultation_id, std::function<void(op_result<line_chat>)> done);

  // -- on shift (counsellors and supervisors: work_consultations; the whole shift: supervise_shift)
  // `default_capacity` is the tenant's (config); presence counts only while a session lives.
  void my_presence(actor who, std::optional<unsigned> default_capacity, std::function<void(op_result<presence_entry>)> done);
  // routing::presence_next on the actor's open consultations: going off while holding any needs a
  // handover note (conflict handover_note_required); with one, each goes back to the queue with the note
  // as a consultation note (audited consultation.handover). Audited presence.set; a 'presence' event.
  void set_presence(actor who, routing::presence to, std::string handover_note, std::optional<unsigned> default_capacity,
                    std::function<void(op_result<presence_outcome>)> done);
  // Every enabled counsellor and supervisor of the tenant, by display name.
  void shift(actor who, std::optional<unsigned> default_capacity,
             std::function<void(op_result<std::vector<presence_entry>>)> done);
  // A person's own capacity (1..50; none = the tenant's default). not_found for an unknown account,
  // invalid not_a_counsellor_here for one that takes no consultations. Audited staff.capacity.
  void set_capacity(actor who, std::string user_id, std::optional<unsigned> capacity, std::optional<unsigned> default_capacity,
                    std::function<void(op_result<presence_entry>)> done);

  // -- live events
  // Events of the tenant after `after_id` that `filter` lets through (at most `limit`, oldest first):
  // what a reconnecting console missed.
  void events_since(std::string tenant_id, std::int64_t after_id, std::size_t limit,
                    console_event_filter filter,
                    std::function<void(op_result<std::vector<console_event>>)> done);

  // Starts a thread with its own connection that LISTENs on `yorisoi_console` and `yorisoi_session`
  // (NOTIFY payloads are ids only). `on_event` gets every committed console_event (after a reconnect,
  // the rows written while it was away, from console_event); `on_session_ended` gets the user id whose
  // sessions ended (logout everywhere, password, role change, disable) so that sockets close at once.
  // Both run on the listener thread and must not block. Call once, after the service started; the
  // thread stops in stop_listening() or the destructor.
  void listen(std::function<void(const console_event&)> on_event,
              std::function<void(const std::string& user_id)> on_session_ended);
  void stop_listening();
  ~console_store();
  console_store(const console_store&) = delete;
  console_store& operator=(const console_store&) = delete;

 private:
  struct listener;
  // The service's parts this store uses (defined in service.cpp, whose internals are private to it).
  using job_submitter = std::function<bool(std::function<void(detail::db_connection&)>)>;
  [[nodiscard]] job_submitter submitter();
  // The workers that hash passwords (bounded queue); credential_submitter() refuses when it is full.
  [[nodiscard]] detail::worker_pool& credential_pool();
  [[nodiscard]] job_submitter credential_submitter();
  [[nodiscard]] const keyring& keys() const;
  void notify_outbox() const;
  [[nodiscard]] std::string listener_conninfo() const;

  service& store_;
  session_policy policy_;
  std::unique_ptr<listener> listener_;
};

}  // namespace yorisoi::storage
