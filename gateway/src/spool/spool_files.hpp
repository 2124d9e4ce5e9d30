#pragma once
// The few POSIX file operations the spool needs, with durability spelt out: every function that
// says "durably" returns only after the data (and, for a new name, the directory entry) reached
// the disk. Errors come back as std::error_code, never as exceptions. Thread-safe (no shared state).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace yorisoi::gateway::spool_files {

// Owns a file descriptor; closes it on destruction.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  ~unique_fd();
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  void reset() noexcept;

 private:
  int fd_ = -1;
};

// open(2) with O_CLOEXEC; `fd` is invalid on error.
[[nodiscard]] std::error_code open_file(const std::filesystem::path& path, int flags, unique_fd& fd);

// Writes all of `data` at `offset` (retrying short writes and EINTR).
[[nodiscard]] std::error_code write_at(int fd, std::string_view data, std::uint64_t offset);
// Reads exactly `size` bytes at `offset` into `out` (an early end of file is an error).
[[nodiscard]] std::error_code read_at(int fd, std::uint64_t offset, std::size_t size, std::string& out);
[[nodiscard]] std::error_code sync_data(int fd);
[[nodiscard]] std::error_code sync_directory(const std::filesystem::path& dir);
[[nodiscard]] std::error_code file_size(int fd, std::uint64_t& size);

// Replaces dir/name atomically and durably: temp file, fdatasync, rename, directory fsync.
[[nodiscard]] std::error_code replace_file_durably(const std::filesystem::path& dir, const std::string& name,
                                                   std::string_view content);
// Creates (or overwrites) dir/name with `content` durably: write, fdatasync, directory fsync.
[[nodiscard]] std::error_code write_file_durably(const std::filesystem::path& dir, const std::string& name,
                                                 std::string_view content);
// Reads a whole (small) file; ENOENT when it does not exist.
[[nodiscard]] std::error_code read_file(const std::filesystem::path& path, std::string& out);

// File names directly in `dir` (not recursive).
[[nodiscard]] std::error_code list_names(const std::filesystem::path& dir, std::vector<std::string>& names);

}  // namespace yorisoi::gateway::spool_files
