#pragma once
// The webhook spool: where a verified webhook request goes when PostgreSQL cannot take it, so that
// the gateway may still answer 200 ("nothing is acknowledged before it is durable", DESIGN.md §3),
// and from where a replayer moves it into PostgreSQL once the database is back.
//
// On disk, in one directory owned by one process (a `lock` file is flock'ed at open):
//   spool-<16-digit seq>.log     append-only segments of records (format: spool_format.hpp); a new
//                                segment is started once the current one holds segment_bytes
//   cursor                       "yorisoi-spool-cursor 1 <seq> <offset>": everything before that
//                                position is stored in PostgreSQL (replaced atomically: temp file,
//                                fdatasync, rename, directory fsync)
//   quarantine-<seq>-<offset>.bin  the exact bytes of a torn or corrupt stretch (or of a record
//                                that cannot be opened with the keyring, or that the replay callback
//                                rejected), kept for a human until purge_quarantine() deletes it
//                                by age (the replayer does, after quarantine_days);
//                                a log line names the segment and offset, never the content
// Every record's body is sealed with the keyring (spool_seal.hpp): the files never hold message
// text, LINE user ids or reply tokens in clear.
// A segment is deleted once fully replayed (after the cursor moved past it), which is how space
// returns. Reopening after a crash rebuilds every counter from these files alone.
//
// RULE FOR THE GATEWAY (phase 2): while the spool is not empty (depth().records > 0), a new webhook
// must be appended to the spool too, not ingested directly, so that a resident's later message is
// never stored before an earlier spooled one. Replay hands records over in append order, which is
// arrival order; PostgreSQL ingest is idempotent by webhookEventId, so a record replayed twice
// (after a crash between its ingest and the cursor update) is harmless.
// What the rule cannot order: two requests whose direct ingests were in flight together when the
// database failed (one spooled, the other committed); concurrent requests have no arrival order.
//
// Thread-safety: append(), depth(), stats() and empty() may be called from any thread at any time;
// concurrent appends share one fdatasync (group commit). replay_once() may run concurrently with
// appends; concurrent replay_once() calls are serialised. Do not destroy the spool while a call is
// running.

#include "spool/spool_files.hpp"
#include "spool/spool_format.hpp"

#include <yorisoi/storage/crypto.hpp>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace yorisoi::gateway {

struct spool_options {
  std::filesystem::path directory;                   // created if missing
  std::shared_ptr<const storage::keyring> keys;      // required: seals bodies on disk, opens them
  std::uint64_t max_bytes = 256ULL * 1024 * 1024;    // bound on the live segments' total size
  std::uint64_t segment_bytes = 8ULL * 1024 * 1024;  // start a new segment past this size
};

enum class spool_append_status {
  stored,  // written and fdatasync'ed: the gateway may answer 200
  full,    // would exceed max_bytes: answer 503 so LINE redelivers
  failed,  // I/O error (or a record that cannot be encoded): answer 503
};

struct spool_depth {
  std::uint64_t records = 0;  // records not yet replayed
  std::uint64_t bytes = 0;    // bytes not yet replayed or quarantined (records and damage)
};

struct spool_stats {
  spool_depth depth;
  std::uint64_t used_bytes = 0;         // live segments' total size, what max_bytes bounds
  std::uint64_t corrupt_records = 0;    // torn/corrupt stretches quarantined since open
  std::uint64_t rejected_records = 0;   // records the replay callback rejected since open
  std::uint64_t quarantined_bytes = 0;  // their total size
  bool broken = false;  // an fdatasync failed: appends answer `failed` until the process restarts
};

struct spool_replay_result {
  std::uint64_t replayed = 0;   // records the callback accepted in this pass
  std::uint64_t remaining = 0;  // records still waiting after the pass
  std::uint64_t corrupt = 0;    // corrupt stretches quarantined in this pass
  std::uint64_t rejected = 0;   // records the callback rejected (quarantined) in this pass
  bool stopped = false;         // the callback answered retry_later (the database is still away)
  bool io_error = false;        // reading a segment or writing the cursor/quarantine failed
};

// What the replay callback made of one record.
enum class spool_delivery {
  stored,       // its events are durably stored in PostgreSQL (or were already): move past it
  retry_later,  // the database is away: stop the pass, keep the record for the next one
  rejected,     // it can never be stored (e.g. its tenant left the configuration): quarantine it
                // like a damaged record, with a log line, so it cannot block the spool forever
};

// Called on replay_once's thread with no spool lock held. Must not throw.
using spool_deliver = std::function<spool_delivery(const spool_record&)>;
// The same for a run of consecutive records, in append order: one answer per record, in order. The
// answers after the first retry_later are not looked at (and may be left out), so a deliverer that
// stores a run must store a prefix of it — never a later record without the earlier ones.
using spool_batch_deliver = std::function<std::vector<spool_delivery>(const std::vector<const spool_record*>&)>;

class spool {
 public:
  // Opens (creating if needed) the directory and recovers its state: fully replayed segments are
  // deleted, a torn tail on the last segment (a crash mid-append: never acknowledged) is quarantined
  // and truncated away. Throws std::system_error when the directory cannot be used (another
  // process holds it, permissions, I/O errors): a start-up failure; std::invalid_argument without
  // a keyring. Precondition: segment_bytes > 0.
  [[nodiscard]] static std::unique_ptr<spool> open(spool_options options);
  ~spool();
  spool(const spool&) = delete;
  spool& operator=(const spool&) = delete;

  // Appends one record and returns only once it is on disk (or refused).
  [[nodiscard]] spool_append_status append(const spool_record& record);

  // Hands every durable record not yet replayed, in append order, to `deliver`, quarantining
  // damaged (and rejected) records on the way; stops at the first retry_later. Progress is made durable at
  // the end of the pass (and every few dozen records), so a crash repeats at most those records.
  spool_replay_result replay_once(const spool_deliver& deliver);
  // The same, handing over runs of up to `max_batch` consecutive whole records at once (a damaged
  // stretch ends a run).
  spool_replay_result replay_once(const spool_batch_deliver& deliver, std::size_t max_batch);

  // Deletes the quarantine files last modified before `cutoff` (time as a parameter: the caller's
  // clock); returns how many were deleted. Other files are never touched. I/O errors are logged and
  // leave the file for the next call.
  std::uint64_t purge_quarantine(std::filesystem::file_time_type cutoff);

  [[nodiscard]] spool_depth depth() const;
  [[nodiscard]] bool empty() const { return depth().records == 0; }
  [[nodiscard]] spool_stats stats() const;

 private:
  struct position {
    std::uint64_t seq = 0;
    std::uint64_t offset = 0;
    friend auto operator<=>(const position&, const position&) = default;
  };

  explicit spool(spool_options options);
  void recover();
  std::uint64_t scan_segment(std::uint64_t seq, std::uint64_t from, bool last);
  std::error_code quarantine(std::uint64_t seq, std::uint64_t offset, std::string_view bytes,
                             std::string_view reason);
  std::error_code persist_cursor(position cursor);
  std::error_code create_segment_locked();
  std::error_code retire_segment(std::uint64_t seq);
  bool detach_active_if_replayed(std::uint64_t seq);
  [[nodiscard]] spool_depth depth_locked() const;
  [[nodiscard]] std::uint64_t durable_end_locked(std::uint64_t seq, std::uint64_t size) const;

  const spool_options options_;
  spool_files::unique_fd lock_fd_;

  mutable std::mutex mutex_;
  std::condition_variable synced_;
  std::map<std::uint64_t, std::uint64_t> segments_;  // seq -> bytes written
  std::uint64_t used_bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  spool_files::unique_fd active_fd_;  // the last segment, open for appends (invalid: none yet)
  std::uint64_t active_seq_ = 0;
  position written_;      // end of the last whole record written
  position durable_;      // end of the last record known to be fdatasync'ed
  bool syncing_ = false;  // a group-commit leader is in fdatasync (the active fd must stay open)
  bool broken_ = false;
  position cursor_;  // replay progress in memory (the cursor file may lag behind it)
  std::uint64_t pending_records_ = 0;
  std::uint64_t corrupt_records_ = 0;
  std::uint64_t rejected_records_ = 0;
  std::uint64_t quarantined_bytes_ = 0;

  std::mutex replay_mutex_;  // one replay pass at a time
};

}  // namespace yorisoi::gateway
