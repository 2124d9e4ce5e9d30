// The webhook spool's replay: records in append order to the caller, damage to quarantine files,
// progress to the cursor file, fully replayed segments deleted.
#include "spool/spool.hpp"

#include "spool/spool_naming.hpp"
#include "spool/spool_seal.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>

#include <optional>
#include <vector>

namespace yorisoi::gateway {
namespace {

namespace files = spool_files;

// How many delivered records may go without a durable cursor: a crash repeats at most these.
constexpr std::uint64_t cursor_every = 64;

}  // namespace

std::error_code spool::quarantine(std::uint64_t seq, std::uint64_t offset, std::string_view bytes,
                                  std::string_view reason) {
  const std::string name = spool_naming::quarantine_name(seq, offset);
  if (auto ec = files::write_file_durably(options_.directory, name, bytes)) {
    spdlog::error("spool: cannot quarantine {} bytes of segment {} at offset {}: {}", bytes.size(), seq,
                  offset, ec.message());
    return ec;
  }
  // Where and how much, never what: the bytes hold residents' messages.
  spdlog::warn("spool: record quarantined segment={} offset={} bytes={} reason={} file={}", seq, offset,
               bytes.size(), reason, name);
  std::lock_guard lock(mutex_);
  if (reason == "rejected") {
    ++rejected_records_;
  } else {
    ++corrupt_records_;
  }
  quarantined_bytes_ += bytes.size();
  return {};
}

std::uint64_t spool::purge_quarantine(std::filesystem::file_time_type cutoff) {
  std::vector<std::string> names;
  if (auto ec = files::list_names(options_.directory, names)) {
    spdlog::error("spool: cannot list the spool directory to purge quarantine: {}", ec.message());
    return 0;
  }
  std::uint64_t purged = 0;
  for (const std::string& name : names) {
    if (!spool_naming::is_quarantine_name(name)) {
      continue;
    }
    const std::filesystem::path path = options_.directory / name;
    std::error_code ec;
    const auto modified = std::filesystem::last_write_time(path, ec);
    if (ec || modified >= cutoff) {
      continue;
    }
    if (std::filesystem::remove(path, ec); ec) {
      spdlog::error("spool: cannot delete quarantine file {}: {}", name, ec.message());
      continue;
    }
    ++purged;
  }
  if (purged > 0) {
    spdlog::info("spool: {} quarantine files past their keeping time deleted", purged);
  }
  return purged;
}

std::error_code spool::persist_cursor(position cursor) {
  return files::replace_file_durably(options_.directory, std::string(spool_naming::cursor_name),
                                     spool_naming::format_cursor(cursor.seq, cursor.offset));
}

// Only whole, fdatasync'ed records may be replayed: they are the ones that were acknowledged.
std::uint64_t spool::durable_end_locked(std::uint64_t seq, std::uint64_t size) const {
  if (durable_.seq > seq) {
    return size;
  }
  return durable_.seq == seq ? durable_.offset : 0;
}

// The active segment is fully replayed: stop appending to it (the next append starts a new one) so
// that it can be deleted. Not while records are written but not yet synced, or a sync is running.
bool spool::detach_active_if_replayed(std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  if (!active_fd_.valid() || active_seq_ != seq) {
    return true;  // already closed by a rollover
  }
  if (syncing_ || written_ != durable_ || cursor_ != position{seq, segments_.at(seq)}) {
    return false;
  }
  active_fd_.reset();
  return true;
}

// Cursor first, then the unlink: a crash in between leaves a segment that recover() deletes.
std::error_code spool::retire_segment(std::uint64_t seq) {
  const position next{seq + 1, 0};
  if (auto ec = persist_cursor(next)) {
    return ec;
  }
  const std::filesystem::path path = options_.directory / spool_naming::segment_name(seq);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!ec) {
    ec = files::sync_directory(options_.directory);
  }
  std::lock_guard lock(mutex_);
  if (!ec) {
    used_bytes_ -= segments_.at(seq);
    segments_.erase(seq);
  }
  cursor_ = std::max(cursor_, next);
  return ec;
}

spool_replay_result spool::replay_once(const spool_deliver& deliver) {
  return replay_once(
      [&deliver](const std::vector<const spool_record*>& records) {
        std::vector<spool_delivery> out;
        for (const spool_record* r : records) {
          out.push_back(deliver(*r));
          if (out.back() == spool_delivery::retry_later) {
            break;
          }
        }
        return out;
      },
      1);
}

spool_replay_result spool::replay_once(const spool_batch_deliver& deliver, std::size_t max_batch) {
  if (max_batch == 0) {
    max_batch = 1;
  }
  std::lock_guard pass(replay_mutex_);
  spool_replay_result result;
  std::uint64_t unsaved = 0;  // records delivered since the cursor file was last written
  bool dirty = false;         // the in-memory cursor moved past what the cursor file says

  const auto save = [&](position at) {
    if (auto ec = persist_cursor(at)) {
      spdlog::error("spool: cannot write the cursor: {}", ec.message());
      result.io_error = true;
      return false;
    }
    unsaved = 0;
    dirty = false;
    return true;
  };

  for (;;) {
    std::uint64_t seq = 0;
    std::uint64_t from = 0;
    std::uint64_t end = 0;
    bool is_active = false;
    {
      std::lock_guard lock(mutex_);
      const auto it = segments_.lower_bound(cursor_.seq);
      if (it == segments_.end()) {
        break;
      }
      if (it->first != cursor_.seq) {
        cursor_ = {it->first, 0};
      }
      seq = it->first;
      from = cursor_.offset;
      end = durable_end_locked(seq, it->second);
      is_active = active_fd_.valid() && active_seq_ == seq;
    }

    if (from >= end) {
      // Everything durable in this segment is replayed; delete it if nothing more can arrive in it.
      if (is_active && !detach_active_if_replayed(seq)) {
        break;
      }
      if (auto ec = retire_segment(seq)) {
        spdlog::error("spool: cannot delete replayed segment {}: {}", seq, ec.message());
        result.io_error = true;
        break;
      }
      unsaved = 0;
      dirty = false;
      continue;
    }

    std::string bytes;
    files::unique_fd fd;
    std::error_code ec = files::open_file(options_.directory / spool_naming::segment_name(seq), O_RDONLY, fd);
    if (!ec) {
      ec = files::read_at(fd.get(), from, static_cast<std::size_t>(end - from), bytes);
    }
    if (ec) {
      spdlog::error("spool: cannot read segment {}: {}", seq, ec.message());
      result.io_error = true;
      break;
    }

    // The cursor moves past one item (a record delivered or quarantined, or a damaged stretch).
    bool go_on = true;
    const auto moved_past = [&](std::size_t item_end, bool was_record) {
      dirty = true;
      const position advanced{seq, from + item_end};
      {
        std::lock_guard lock(mutex_);
        cursor_ = advanced;
        if (was_record && pending_records_ > 0) {
          --pending_records_;
        }
      }
      if (unsaved >= cursor_every && !save(advanced)) {
        go_on = false;
      }
    };
    // Quarantines a stretch; false (and the pass ends) when that failed.
    const auto keep_aside = [&](std::size_t at, std::string_view stretch, std::string_view reason) {
      if (quarantine(seq, from + at, stretch, reason)) {
        result.io_error = true;
        go_on = false;
        return false;
      }
      return true;
    };

    // A run of consecutive whole records, delivered together, then settled one by one in order.
    struct run_item {
      std::size_t at;
      std::size_t size;
      spool_record record;
    };
    std::vector<run_item> run;
    std::vector<const spool_record*> run_records;
    const auto deliver_run = [&] {
      if (run.empty()) {
        return;
      }
      run_records.clear();
      for (const run_item& r : run) {
        run_records.push_back(&r.record);
      }
      const std::vector<spool_delivery> outcomes = deliver(run_records);
      for (std::size_t i = 0; go_on && i < run.size(); ++i) {
        const spool_delivery delivery = i < outcomes.size() ? outcomes[i] : spool_delivery::retry_later;
        if (delivery == spool_delivery::retry_later) {
          result.stopped = true;
          go_on = false;
          break;
        }
        if (delivery == spool_delivery::rejected) {
          if (!keep_aside(run[i].at, std::string_view(bytes).substr(run[i].at, run[i].size), "rejected")) {
            break;
          }
          ++result.rejected;
        } else {
          ++result.replayed;
          ++unsaved;
        }
        moved_past(run[i].at + run[i].size, true);
      }
      run.clear();
    };

    for (std::size_t at = 0; go_on && at < bytes.size();) {
      spool_item item = next_spool_item(bytes, at);
      const std::string_view stretch = std::string_view(bytes).substr(at, item.size);
      std::optional<spool_record> opened;
      if (item.damage == spool_damage::none) {
        opened = open_spool_record(item.record, *options_.keys);
      }
      if (opened) {
        run.push_back(run_item{at, item.size, std::move(*opened)});
        at += item.size;
        if (run.size() >= max_batch) {
          deliver_run();
        }
        continue;
      }
      // Whatever precedes a stretch that is quarantined is settled first: the cursor moves in order.
      deliver_run();
      if (!go_on) {
        break;
      }
      if (item.damage == spool_damage::none) {
        // Its key is not in the keyring, or it was altered: kept for a human, never delivered.
        if (!keep_aside(at, stretch, "unsealable")) {
          break;
        }
        ++result.corrupt;
      } else {
        // The bad bytes are kept before the cursor can move past them: nothing is dropped silently.
        if (!keep_aside(at, stretch, to_string(item.damage))) {
          break;
        }
        ++result.corrupt;
      }
      at += item.size;
      moved_past(at, item.damage == spool_damage::none);
    }
    if (go_on) {
      deliver_run();
    }
    if (!go_on) {
      break;
    }
  }

  position now;
  {
    std::lock_guard lock(mutex_);
    now = cursor_;
    result.remaining = pending_records_;
  }
  if (dirty) {
    (void)save(now);
  }
  return result;
}

}  // namespace yorisoi::gateway
