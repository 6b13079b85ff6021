#include "util/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
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

namespace {

namespace stdfs = std::filesystem;

/// Renames done while assembling a new tree; undone in reverse if anything fails, so the old
/// tree is left exactly as it was.
struct Journal {
  std::vector<std::pair<stdfs::path, stdfs::path>> moves;
  bool Move(const stdfs::path& from, const stdfs::path& to, std::string* err) {
    std::error_code ec;
    stdfs::create_directories(to.parent_path(), ec);
    if (!ec) stdfs::rename(from, to, ec);
    if (ec) {
      if (err) *err = "cannot move " + from.string() + ": " + ec.message();
      return false;
    }
    moves.emplace_back(from, to);
    return true;
  }
  void Undo() {
    std::error_code ec;
    for (auto it = moves.rbegin(); it != moves.rend(); ++it) stdfs::rename(it->second, it->first, ec);
    moves.clear();
  }
};

/// Moves what eurus did not generate from `old_root` into `new_root` at the same place.
bool CarryOver(const stdfs::path& old_root, const stdfs::path& new_root,
               bool (*generated)(const std::string&), Journal& journal, std::string* err) {
  std::error_code ec;
  std::vector<stdfs::path> keep;
  for (auto it = stdfs::recursive_directory_iterator(old_root, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    const stdfs::path& p = it->path();
    if (it->is_directory(ec)) {
      if (p.filename() == ".terraform") {  // provider cache: keep whole
        keep.push_back(p);
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!generated(p.filename().string())) keep.push_back(p);
  }
  if (ec) {
    if (err) *err = ec.message();
    return false;
  }
  for (const auto& p : keep)
    if (!journal.Move(p, new_root / stdfs::relative(p, old_root), err)) return false;
  return true;
}

/// True when `dir` holds exactly the generated `want` files with the same bytes (plus
/// anything eurus does not generate), so the whole directory can move into the new tree.
bool SameGenerated(const stdfs::path& dir, const std::vector<std::pair<std::string, const std::string*>>& want,
                   bool (*generated)(const std::string&)) {
  std::error_code ec;
  if (!stdfs::is_directory(dir, ec)) return false;
  size_t seen = 0;
  for (const auto& e : stdfs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_directory(ec)) {
      if (name != ".terraform") return false;  // a nested unit: handle file by file
      continue;
    }
    if (generated(name)) ++seen;
  }
  if (ec || seen != want.size()) return false;
  for (const auto& [name, data] : want) {
    std::ifstream in(dir / name, std::ios::binary);
    if (!in) return false;
    std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (have != *data) return false;
  }
  return true;
}

}  // namespace

bool RealFileSystem::ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                                 bool (*generated)(const std::string& name), std::string* err) {
  std::error_code ec;
  stdfs::path target = stdfs::absolute(dir, ec);
  std::string pid = std::to_string(::getpid());
  stdfs::path tmp = target.parent_path() / ("." + target.filename().string() + ".new-" + pid);
  stdfs::path old = target.parent_path() / ("." + target.filename().string() + ".old-" + pid);
  stdfs::remove_all(tmp, ec);
  Journal journal;
  auto fail = [&](const std::string& what) {
    if (err && !what.empty()) *err = what;
    journal.Undo();
    std::error_code ignore;
    stdfs::remove_all(tmp, ignore);
    return false;
  };
  stdfs::create_directories(tmp, ec);
  if (ec) return fail(ec.message());
  const bool had_old = stdfs::is_directory(target, ec);
  // Group files by directory. A directory whose generated files are unchanged moves into
  // the new tree whole (one rename instead of rewriting its files): a synth that changes
  // one unit touches one unit's files.
  std::map<std::string, std::vector<std::pair<std::string, const std::string*>>> by_dir;
  for (const auto& [rel, data] : files) {
    size_t slash = rel.rfind('/');
    by_dir[slash == std::string::npos ? "" : rel.substr(0, slash)].emplace_back(
        slash == std::string::npos ? rel : rel.substr(slash + 1), &data);
  }
  for (const auto& [sub, list] : by_dir) {
    if (had_old && !sub.empty() && SameGenerated(target / sub, list, generated)) {
      if (!journal.Move(target / sub, tmp / sub, err)) return fail("");
      continue;
    }
    stdfs::create_directories(tmp / sub, ec);
    if (ec) return fail(ec.message());
    for (const auto& [name, data] : list) {
      stdfs::path p = tmp / sub / name;
      std::ofstream out(p, std::ios::binary);
      out.write(data->data(), static_cast<std::streamsize>(data->size()));
      out.close();
      if (!out) return fail("cannot write " + p.string());
    }
  }
  if (had_old && !CarryOver(target, tmp, generated, journal, err)) return fail("");
  if (had_old) {
    stdfs::rename(target, old, ec);
    if (ec) return fail(ec.message());
  }
  stdfs::rename(tmp, target, ec);
  if (ec) {
    std::error_code e2;
    if (had_old) stdfs::rename(old, target, e2);
    return fail(ec.message());
  }
  if (had_old) stdfs::remove_all(old, ec);
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

namespace eurus {

bool MemoryFileSystem::ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& tree,
                                   bool (*generated)(const std::string& name), std::string*) {
  std::string prefix = dir + "/";
  for (auto it = this->files.begin(); it != this->files.end();) {
    bool inside = it->first.compare(0, prefix.size(), prefix) == 0;
    std::string name = it->first.substr(it->first.rfind('/') + 1);
    if (inside && generated(name)) it = this->files.erase(it);
    else ++it;
  }
  for (const auto& [rel, data] : tree) files[prefix + rel] = data;
  return true;
}

std::optional<std::string> OverlayFileSystem::Read(const std::string& path, std::string* err) {
  if (extra_.Exists(path)) return extra_.Read(path, err);
  return base_.Read(path, err);
}
bool OverlayFileSystem::Exists(const std::string& path) { return extra_.Exists(path) || base_.Exists(path); }
bool OverlayFileSystem::IsDirectory(const std::string& path) {
  return extra_.IsDirectory(path) || base_.IsDirectory(path);
}
std::vector<std::string> OverlayFileSystem::List(const std::string& dir) {
  std::set<std::string> names;
  for (auto& n : base_.List(dir)) names.insert(n);
  for (auto& n : extra_.List(dir)) names.insert(n);
  return {names.begin(), names.end()};
}
bool OverlayFileSystem::WriteAtomic(const std::string& path, const std::string&, std::string* err) {
  *err = "read-only overlay: " + path;
  return false;
}
bool OverlayFileSystem::ReplaceTree(const std::string& dir, const std::map<std::string, std::string>&,
                                    bool (*)(const std::string&), std::string* err) {
  *err = "read-only overlay: " + dir;
  return false;
}

}  // namespace eurus
