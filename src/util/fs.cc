#include "util/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace eurus {

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::optional<std::string> RealFileSystem::Read(const std::string& path, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (err) *err = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool RealFileSystem::Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

bool RealFileSystem::IsDirectory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

std::vector<std::string> RealFileSystem::List(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    out.push_back(it->path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool RealFileSystem::WriteAtomic(const std::string& path, const std::string& data,
                                 std::string* err) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (err) *err = std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (err) *err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  // The data must be on disk before the rename makes it visible: a crash must leave the
  // old lock, never an empty one.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    if (err) *err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    if (err) *err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::optional<std::string> MemoryFileSystem::Read(const std::string& path, std::string* err) {
  auto it = files.find(path);
  if (it == files.end()) {
    if (err) *err = "No such file or directory";
    return std::nullopt;
  }
  return it->second;
}

bool MemoryFileSystem::Exists(const std::string& path) {
  return files.count(path) || IsDirectory(path);
}

bool MemoryFileSystem::IsDirectory(const std::string& path) {
  std::string prefix = path.empty() || path == "." ? "" : path + "/";
  for (const auto& [p, _] : files)
    if (p.compare(0, prefix.size(), prefix) == 0 && p.size() > prefix.size()) return true;
  return false;
}

std::vector<std::string> MemoryFileSystem::List(const std::string& dir) {
  std::string prefix = dir.empty() || dir == "." ? "" : dir + "/";
  std::set<std::string> names;
  for (const auto& [p, _] : files) {
    if (p.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = p.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  return {names.begin(), names.end()};
}

bool MemoryFileSystem::WriteAtomic(const std::string& path, const std::string& data,
                                   std::string*) {
  files[path] = data;
  return true;
}

}  // namespace eurus
