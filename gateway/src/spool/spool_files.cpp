// POSIX file I/O for the spool, every durability step explicit.
#include "spool/spool_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace yorisoi::gateway::spool_files {
namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

}  // namespace

unique_fd::~unique_fd() {
  reset();
}

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int unique_fd::release() noexcept {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void unique_fd::reset() noexcept {
  if (fd_ >= 0) {
    // close(2) errors after a successful fdatasync carry no information about our data.
    (void)::close(fd_);
    fd_ = -1;
  }
}

std::error_code open_file(const std::filesystem::path& path, int flags, unique_fd& fd) {
  int raw = -1;
  do {
    raw = ::open(path.c_str(), flags | O_CLOEXEC, 0640);
  } while (raw < 0 && errno == EINTR);
  if (raw < 0) {
    fd.reset();
    return last_error();
  }
  fd = unique_fd(raw);
  return {};
}

std::error_code write_at(int fd, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    const ssize_t written = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return last_error();
    }
    data.remove_prefix(static_cast<std::size_t>(written));
    offset += static_cast<std::uint64_t>(written);
  }
  return {};
}

std::error_code read_at(int fd, std::uint64_t offset, std::size_t size, std::string& out) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return last_error();
    }
    if (got == 0) {
      return std::make_error_code(std::errc::io_error);  // the file is shorter than we were told
    }
    done += static_cast<std::size_t>(got);
  }
  return {};
}

std::error_code sync_data(int fd) {
  if (::fdatasync(fd) != 0) {
    return last_error();
  }
  return {};
}

std::error_code sync_directory(const std::filesystem::path& dir) {
  unique_fd fd;
  if (auto ec = open_file(dir, O_RDONLY | O_DIRECTORY, fd)) {
    return ec;
  }
  // A new or renamed name is durable only once its directory is.
  if (::fsync(fd.get()) != 0) {
    return last_error();
  }
  return {};
}

std::error_code file_size(int fd, std::uint64_t& size) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return last_error();
  }
  size = static_cast<std::uint64_t>(st.st_size);
  return {};
}

std::error_code write_file_durably(const std::filesystem::path& dir, const std::string& name,
                                   std::string_view content) {
  unique_fd fd;
  if (auto ec = open_file(dir / name, O_WRONLY | O_CREAT | O_TRUNC, fd)) {
    return ec;
  }
  if (auto ec = write_at(fd.get(), content, 0)) {
    return ec;
  }
  if (auto ec = sync_data(fd.get())) {
    return ec;
  }
  return sync_directory(dir);
}

std::error_code replace_file_durably(const std::filesystem::path& dir, const std::string& name,
                                     std::string_view content) {
  const std::string temp = name + ".tmp";
  unique_fd fd;
  if (auto ec = open_file(dir / temp, O_WRONLY | O_CREAT | O_TRUNC, fd)) {
    return ec;
  }
  if (auto ec = write_at(fd.get(), content, 0)) {
    return ec;
  }
  if (auto ec = sync_data(fd.get())) {
    return ec;
  }
  fd.reset();
  if (::rename((dir / temp).c_str(), (dir / name).c_str()) != 0) {
    return last_error();
  }
  return sync_directory(dir);
}

std::error_code read_file(const std::filesystem::path& path, std::string& out) {
  unique_fd fd;
  if (auto ec = open_file(path, O_RDONLY, fd)) {
    return ec;
  }
  std::uint64_t size = 0;
  if (auto ec = file_size(fd.get(), size)) {
    return ec;
  }
  return read_at(fd.get(), 0, static_cast<std::size_t>(size), out);
}

std::error_code list_names(const std::filesystem::path& dir, std::vector<std::string>& names) {
  std::error_code ec;
  names.clear();
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  return ec;
}

}  // namespace yorisoi::gateway::spool_files
