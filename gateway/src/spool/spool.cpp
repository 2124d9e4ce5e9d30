// The webhook spool: opening and recovering the directory, appending with group commit, depth.
// Replay, quarantine and the cursor live in spool_replay.cpp.
#include "spool/spool.hpp"

#include "spool/spool_naming.hpp"
#include "spool/spool_seal.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace yorisoi::gateway {
namespace {

namespace files = spool_files;

[[noreturn]] void fail(std::error_code ec, const std::string& what) {
  throw std::system_error(ec, "spool: " + what);
}

}  // namespace

spool::spool(spool_options options) : options_(std::move(options)) {}

spool::~spool() = default;

std::unique_ptr<spool> spool::open(spool_options options) {
  if (!options.keys) {
    throw std::invalid_argument("spool: a keyring is required to seal spooled webhooks");
  }
  std::unique_ptr<spool> result(new spool(std::move(options)));
  result->recover();
  return result;
}

void spool::recover() {
  const std::filesystem::path& dir = options_.directory;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fail(ec, "cannot create " + dir.string());
  }
  // Two processes appending to one spool would interleave records: one owner per directory.
  if (ec = files::open_file(dir / "lock", O_RDWR | O_CREAT, lock_fd_); ec) {
    fail(ec, "cannot open the lock file in " + dir.string());
  }
  if (::flock(lock_fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    fail({errno, std::generic_category()}, dir.string() + " is in use by another process");
  }

  std::vector<std::string> names;
  if (ec = files::list_names(dir, names); ec) {
    fail(ec, "cannot list " + dir.string());
  }
  for (const std::string& name : names) {
    if (const auto seq = spool_naming::parse_segment_name(name)) {
      files::unique_fd fd;
      std::uint64_t size = 0;
      if ((ec = files::open_file(dir / name, O_RDONLY, fd)) || (ec = files::file_size(fd.get(), size))) {
        fail(ec, "cannot read " + name);
      }
      segments_[*seq] = size;
    } else if (name.ends_with(".tmp")) {
      // A cursor update that a crash interrupted: the old cursor is still in place.
      std::filesystem::remove(dir / name, ec);
    }
  }

  std::string cursor_text;
  position cursor;
  if (ec = files::read_file(dir / spool_naming::cursor_name, cursor_text); !ec) {
    if (const auto parsed = spool_naming::parse_cursor(cursor_text)) {
      cursor = {parsed->first, parsed->second};
    } else {
      // Replaying from the oldest segment repeats stored events, which ingest ignores; never skip.
      spdlog::warn("spool: unreadable cursor file in {}, replaying from the oldest segment", dir.string());
    }
  } else if (ec != std::errc::no_such_file_or_directory) {
    fail(ec, "cannot read the cursor in " + dir.string());
  }

  // Segments before the cursor were fully replayed; a crash came between the cursor and the unlink.
  while (!segments_.empty() && segments_.begin()->first < cursor.seq) {
    const std::uint64_t seq = segments_.begin()->first;
    std::filesystem::remove(dir / spool_naming::segment_name(seq), ec);
    if (ec) {
      fail(ec, "cannot delete a replayed segment");
    }
    segments_.erase(segments_.begin());
  }
  if (auto it = segments_.find(cursor.seq); it == segments_.end()) {
    cursor = {segments_.empty() ? cursor.seq : segments_.begin()->first, 0};
  } else if (cursor.offset > it->second) {
    spdlog::warn("spool: cursor past the end of segment {}, replaying it from its start", cursor.seq);
    cursor.offset = 0;
  }
  cursor_ = cursor;
  next_seq_ = std::max<std::uint64_t>(cursor.seq, 1);
  if (!segments_.empty()) {
    next_seq_ = std::max(next_seq_, segments_.rbegin()->first + 1);
  }

  // Count what is waiting; the last segment's torn tail (never acknowledged) is cut off here.
  for (auto& [seq, size] : segments_) {
    const bool last = seq == segments_.rbegin()->first;
    const std::uint64_t from = seq == cursor_.seq ? cursor_.offset : 0;
    if (from < size) {
      pending_records_ += scan_segment(seq, from, last);
    }
  }
  for (const auto& [seq, size] : segments_) {
    used_bytes_ += size;
  }
  if (!segments_.empty()) {
    const auto& [seq, size] = *segments_.rbegin();
    if (ec = files::open_file(dir / spool_naming::segment_name(seq), O_WRONLY, active_fd_); ec) {
      fail(ec, "cannot open the last segment for appending");
    }
    // What a crashed process left in the page cache counts as durable from now on: make it so.
    if (ec = files::sync_data(active_fd_.get()); ec) {
      fail(ec, "cannot sync the last segment");
    }
    active_seq_ = seq;
    written_ = durable_ = {seq, size};
  }
  if (ec = files::sync_directory(dir); ec) {
    fail(ec, "cannot sync " + dir.string());
  }
}

// Counts the valid records of [from, end) of a segment; on the last segment a damaged stretch
// that runs to the end of the file is a torn append: quarantined, then truncated away.
std::uint64_t spool::scan_segment(std::uint64_t seq, std::uint64_t from, bool last) {
  const std::filesystem::path path = options_.directory / spool_naming::segment_name(seq);
  std::uint64_t& size = segments_[seq];
  files::unique_fd fd;
  std::string bytes;
  std::error_code ec;
  if ((ec = files::open_file(path, last ? O_RDWR : O_RDONLY, fd)) ||
      (ec = files::read_at(fd.get(), from, static_cast<std::size_t>(size - from), bytes))) {
    fail(ec, "cannot read segment " + std::to_string(seq));
  }
  std::uint64_t records = 0;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const spool_item item = next_spool_item(bytes, at);
    if (item.damage == spool_damage::none) {
      ++records;
    } else if (last && item.offset + item.size == bytes.size()) {
      const std::uint64_t offset = from + item.offset;
      if (ec = quarantine(seq, offset, std::string_view(bytes).substr(item.offset), to_string(item.damage));
          ec) {
        fail(ec, "cannot quarantine the torn tail of segment " + std::to_string(seq));
      }
      if (::ftruncate(fd.get(), static_cast<off_t>(offset)) != 0) {
        fail({errno, std::generic_category()}, "cannot truncate segment " + std::to_string(seq));
      }
      if (ec = files::sync_data(fd.get()); ec) {
        fail(ec, "cannot sync segment " + std::to_string(seq));
      }
      size = offset;
    }
    // Damage in the middle stays where it is: replay quarantines it in order.
    at += item.size;
  }
  return records;
}

std::error_code spool::create_segment_locked() {
  const std::uint64_t seq = next_seq_;
  files::unique_fd fd;
  if (auto ec = files::open_file(options_.directory / spool_naming::segment_name(seq),
                                 O_WRONLY | O_CREAT | O_EXCL, fd)) {
    return ec;
  }
  // The new name must survive a crash before any record in it is acknowledged.
  if (auto ec = files::sync_directory(options_.directory)) {
    (void)::unlink((options_.directory / spool_naming::segment_name(seq)).c_str());
    return ec;
  }
  ++next_seq_;
  active_fd_ = std::move(fd);
  active_seq_ = seq;
  segments_[seq] = 0;
  written_ = durable_ = {seq, 0};
  return {};
}

spool_append_status spool::append(const spool_record& record) {
  std::string bytes;
  try {
    bytes = encode_spool_record(seal_spool_record(record, *options_.keys));
  } catch (const storage::crypto_error& e) {
    spdlog::error("spool: cannot seal a record: {}", e.what());
    return spool_append_status::failed;
  }
  if (bytes.empty()) {
    return spool_append_status::failed;
  }
  std::unique_lock lock(mutex_);
  const auto must_roll = [&] {
    if (!active_fd_.valid()) {
      return false;
    }
    const std::uint64_t size = segments_.at(active_seq_);
    return size > 0 && size + bytes.size() > options_.segment_bytes;
  };
  // Closing the active segment must wait for a group commit that is using its descriptor.
  synced_.wait(lock, [&] { return broken_ || !syncing_ || !must_roll(); });
  if (broken_) {
    return spool_append_status::failed;
  }
  if (used_bytes_ + bytes.size() > options_.max_bytes) {
    return spool_append_status::full;
  }
  if (must_roll()) {
    if (auto ec = files::sync_data(active_fd_.get())) {
      broken_ = true;
      spdlog::error("spool: fdatasync of segment {} failed: {}", active_seq_, ec.message());
      return spool_append_status::failed;
    }
    durable_ = written_;
    active_fd_.reset();
  }
  if (!active_fd_.valid()) {
    if (auto ec = create_segment_locked()) {
      spdlog::error("spool: cannot create segment {}: {}", next_seq_, ec.message());
      return spool_append_status::failed;
    }
  }

  std::uint64_t& size = segments_[active_seq_];
  if (auto ec = files::write_at(active_fd_.get(), bytes, size)) {
    spdlog::error("spool: write to segment {} failed: {}", active_seq_, ec.message());
    // Leave no partial record behind for the next append to follow.
    if (::ftruncate(active_fd_.get(), static_cast<off_t>(size)) != 0) {
      broken_ = true;
    }
    return spool_append_status::failed;
  }
  size += bytes.size();
  used_bytes_ += bytes.size();
  ++pending_records_;
  written_ = {active_seq_, size};
  const position mine = written_;

  // Group commit: one thread syncs everything written so far, the others wait for it.
  while (durable_ < mine && !broken_) {
    if (syncing_) {
      synced_.wait(lock);
      continue;
    }
    syncing_ = true;
    const position target = written_;
    const int fd = active_fd_.get();
    lock.unlock();
    const std::error_code ec = files::sync_data(fd);
    lock.lock();
    syncing_ = false;
    if (ec) {
      // After a failed fdatasync Linux may have dropped the dirty pages: trust nothing further.
      broken_ = true;
      spdlog::error("spool: fdatasync of segment {} failed: {}", target.seq, ec.message());
    } else {
      durable_ = std::max(durable_, target);
    }
    synced_.notify_all();
  }
  return durable_ >= mine ? spool_append_status::stored : spool_append_status::failed;
}

spool_depth spool::depth_locked() const {
  spool_depth result;
  result.records = pending_records_;
  for (auto it = segments_.lower_bound(cursor_.seq); it != segments_.end(); ++it) {
    result.bytes += it->second;
  }
  if (segments_.contains(cursor_.seq)) {
    result.bytes -= cursor_.offset;
  }
  return result;
}

spool_depth spool::depth() const {
  std::lock_guard lock(mutex_);
  return depth_locked();
}

spool_stats spool::stats() const {
  std::lock_guard lock(mutex_);
  spool_stats result;
  result.depth = depth_locked();
  result.used_bytes = used_bytes_;
  result.corrupt_records = corrupt_records_;
  result.rejected_records = rejected_records_;
  result.quarantined_bytes = quarantined_bytes_;
  result.broken = broken_;
  return result;
}

}  // namespace yorisoi::gateway
