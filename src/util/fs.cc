#include "util/fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string_view>

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

namespace {

/// Writes all of `data` to `fd`; false (errno set) when a write fails.
bool WriteAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool RealFileSystem::WriteAtomic(const std::string& path, const std::string& data,
                                 std::string* err) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (err) *err = std::strerror(errno);
    return false;
  }
  if (!WriteAll(fd, data)) {
    if (err) *err = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
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

/// Renames done while updating a tree; undone in reverse if anything fails, so the old tree
/// is left exactly as it was.
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

/// The whole file, or nullopt.
std::optional<std::string> Slurp(const stdfs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      if (n < 0) return std::nullopt;
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

/// Writes `data` to a new file `p`; false with `err` when it cannot.
bool WriteNew(const stdfs::path& p, std::string_view data, std::string* err) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (err) *err = "cannot write " + p.string() + ": " + std::strerror(errno);
    return false;
  }
  if (!WriteAll(fd, data)) {
    if (err) *err = "cannot write " + p.string() + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (::close(fd) != 0) {
    if (err) *err = "cannot write " + p.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

/// RealFileSystem's tree update: files are compared with the ones on disk as they come and,
/// where they differ, written into a staging tree beside `target`; Commit then changes only
/// what differs, in place. Each file that changes is
/// renamed over the old one (moved aside first), generated files the new tree lacks are
/// moved aside, every rename is journalled, and a failure puts everything back. Kept
/// directories are not even listed; what eurus does not generate stays where it is.
class StagedTree : public TreeUpdate {
 public:
  /// The staging and trash directories live inside the tree (`.eurus-new-<pid>`,
  /// `.eurus-old-<pid>`), so every rename stays on one file system even when the tree is a
  /// mount point, and what an interrupted run leaves is removed by the next one (callers
  /// hold FileSystem::LockTree, so no other run is using them).
  StagedTree(const std::string& dir, bool (*generated)(const std::string&)) : generated_(generated) {
    std::error_code ec;
    target_ = stdfs::absolute(dir, ec);
    const std::string pid = std::to_string(::getpid());
    staging_ = target_ / (std::string(kStagingPrefix) + "new-" + pid);
    trash_ = target_ / (std::string(kStagingPrefix) + "old-" + pid);
    had_old_ = stdfs::is_directory(target_, ec);
    if (had_old_)
      for (const auto& e : stdfs::directory_iterator(target_, ec))
        if (e.path().filename().string().rfind(kStagingPrefix, 0) == 0) stdfs::remove_all(e.path(), ec);
  }
  ~StagedTree() override {
    std::error_code ec;
    stdfs::remove_all(staging_, ec);
    stdfs::remove_all(trash_, ec);
    if (!had_old_ && !committed_) stdfs::remove(target_, ec);  // only when empty: what this run made
  }

  bool Put(const std::string& rel, std::string_view data, std::string* err) override {
    const size_t slash = rel.rfind('/');
    std::string sub = slash == std::string::npos ? "" : rel.substr(0, slash);
    std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
    // A file whose bytes are already those on disk is left alone (not staged, not renamed).
    const bool same = had_old_ && [&] {
      auto old = Slurp(target_ / rel);
      return old && *old == data;
    }();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& names = dirs_[sub];
      if (!same && !staged_dirs_.count(sub)) {
        std::error_code ec;
        stdfs::create_directories(staging_ / sub, ec);
        if (ec) {
          if (err) *err = "cannot create " + (staging_ / sub).string() + ": " + ec.message();
          return false;
        }
        staged_dirs_.insert(sub);
      }
      names[name] = !same;
    }
    return same || WriteNew(staging_ / rel, data, err);
  }

  bool Commit(const std::set<std::string>& keep, std::string* err) override;

 private:
  bool (*generated_)(const std::string&);
  stdfs::path target_, staging_, trash_;
  bool had_old_ = false;
  bool committed_ = false;
  std::mutex mu_;
  /// Every file put: directory → name → staged (false: the file on disk already holds it).
  std::map<std::string, std::map<std::string, bool>> dirs_;
  std::set<std::string> staged_dirs_;
};

bool StagedTree::Commit(const std::set<std::string>& keep, std::string* err) {
  std::error_code ec;
  if (!had_old_) {
    if (!keep.empty()) {
      if (err) *err = "cannot keep " + *keep.begin() + ": there is no previous tree";
      return false;
    }
    // No old tree: what was staged moves up into it.
    stdfs::create_directories(staging_, ec);
    Journal journal;
    for (const auto& e : stdfs::directory_iterator(staging_, ec))
      if (!journal.Move(e.path(), target_ / e.path().filename(), err)) {
        journal.Undo();
        return false;
      }
    if (ec) {
      if (err) *err = ec.message();
      journal.Undo();
      return false;
    }
    committed_ = true;
    return true;
  }
  Journal journal;
  std::vector<stdfs::path> made;  // directories created in the tree, outermost first
  auto fail = [&](const std::string& what) {
    if (err && !what.empty()) *err = what;
    journal.Undo();
    std::error_code ignore;
    for (auto it = made.rbegin(); it != made.rend(); ++it) stdfs::remove(*it, ignore);  // only if empty
    return false;
  };
  // 1. What changes: staged files whose directory differs, generated files to drop.
  std::vector<std::pair<std::string, std::string>> writes;  // (sub, name)
  std::vector<stdfs::path> drops;                           // relative to the tree
  for (const auto& [sub, names] : dirs_) {
    if (keep.count(sub)) continue;
    const stdfs::path old_dir = sub.empty() ? target_ : target_ / sub;
    for (const auto& [name, staged] : names)
      if (staged) writes.emplace_back(sub, name);
    for (const auto& e : stdfs::directory_iterator(old_dir, ec)) {
      const std::string name = e.path().filename().string();
      if (!e.is_directory(ec) && generated_(name) && !names.count(name))
        drops.push_back(stdfs::path(sub) / name);
    }
    ec.clear();
  }
  // Directories neither kept nor staged: a removed unit's generated files go.
  const size_t prefix = target_.string().size() + 1;
  size_t kept_seen = 0;
  for (auto it = stdfs::recursive_directory_iterator(target_, ec); !ec && it != stdfs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string rel = it->path().string().substr(prefix);
    if (it->is_directory(ec)) {
      if (it.depth() == 0 && rel.rfind(kStagingPrefix, 0) == 0) {
        it.disable_recursion_pending();  // this run's staging and trash
      } else if (keep.count(rel)) {
        ++kept_seen;
        it.disable_recursion_pending();
      } else if (it->path().filename() == ".terraform") {
        it.disable_recursion_pending();
      }
      continue;
    }
    const size_t slash = rel.rfind('/');
    const std::string parent = slash == std::string::npos ? "" : rel.substr(0, slash);
    if (!dirs_.count(parent) && !keep.count(parent) && generated_(it->path().filename().string()))
      drops.emplace_back(rel);
  }
  if (ec) return fail(ec.message());
  if (kept_seen != keep.size()) return fail("a directory to keep is missing from " + target_.string());
  // 2. Swap, journalled.
  for (const auto& rel : drops)
    if (!journal.Move(target_ / rel, trash_ / rel, err)) return fail("");
  for (const auto& [sub, name] : writes) {
    const stdfs::path dir = sub.empty() ? target_ : target_ / sub;
    if (!stdfs::exists(dir, ec)) {
      std::vector<stdfs::path> fresh;
      for (stdfs::path d = dir; d != target_ && !stdfs::exists(d, ec); d = d.parent_path()) fresh.push_back(d);
      stdfs::create_directories(dir, ec);
      if (ec) return fail(ec.message());
      made.insert(made.end(), fresh.rbegin(), fresh.rend());
    }
    const stdfs::path to = dir / name;
    if (stdfs::is_directory(to, ec)) return fail("cannot write " + to.string() + ": it is a directory");
    if (stdfs::exists(to, ec) && !journal.Move(to, trash_ / sub / name, err)) return fail("");
    if (!journal.Move(staging_ / sub / name, to, err)) return fail("");
  }
  committed_ = true;
  // 3. Done: directories a removed unit leaves empty go too (the destructor drops the old bytes).
  for (const auto& rel : drops)
    for (stdfs::path d = (target_ / rel).parent_path(); d != target_ && stdfs::is_empty(d, ec) && !ec;
         d = d.parent_path())
      stdfs::remove(d, ec);
  return true;
}

/// The tree update of a file system without a staging area: the files are collected in
/// memory and handed to ReplaceTree at once.
class BufferedTree : public TreeUpdate {
 public:
  BufferedTree(FileSystem& fs, std::string dir, bool (*generated)(const std::string&))
      : fs_(fs), dir_(std::move(dir)), generated_(generated) {}
  bool Put(const std::string& rel, std::string_view data, std::string*) override {
    std::lock_guard<std::mutex> lock(mu_);
    files_[rel] = std::string(data);
    return true;
  }
  bool Commit(const std::set<std::string>& keep, std::string* err) override {
    return fs_.ReplaceTree(dir_, files_, keep, generated_, err);
  }

 private:
  FileSystem& fs_;
  std::string dir_;
  bool (*generated_)(const std::string&);
  std::mutex mu_;
  std::map<std::string, std::string> files_;
};

}  // namespace

std::shared_ptr<void> FileSystem::LockTree(const std::string&) { return nullptr; }

std::shared_ptr<void> RealFileSystem::LockTree(const std::string& dir) {
  std::error_code ec;
  const stdfs::path parent = stdfs::absolute(dir, ec).parent_path();
  int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return nullptr;  // no parent yet: nobody else can be writing there either
  while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
  }
  return std::shared_ptr<void>(new int(fd), [](void* p) {
    int* f = static_cast<int*>(p);
    ::close(*f);  // releases the lock
    delete f;
  });
}

std::unique_ptr<TreeUpdate> FileSystem::BeginTree(const std::string& dir, bool (*generated)(const std::string&)) {
  return std::make_unique<BufferedTree>(*this, dir, generated);
}

std::unique_ptr<TreeUpdate> RealFileSystem::BeginTree(const std::string& dir,
                                                      bool (*generated)(const std::string&)) {
  return std::make_unique<StagedTree>(dir, generated);
}

bool RealFileSystem::ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                                 const std::set<std::string>& keep, bool (*generated)(const std::string& name),
                                 std::string* err) {
  StagedTree tree(dir, generated);
  for (const auto& [rel, data] : files)
    if (!tree.Put(rel, data, err)) return false;
  return tree.Commit(keep, err);
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
                                   const std::set<std::string>& keep, bool (*generated)(const std::string& name),
                                   std::string* err) {
  std::string prefix = dir + "/";
  for (const auto& sub : keep)
    if (!IsDirectory(prefix + sub)) {
      if (err) *err = "cannot keep " + sub + ": it is missing";
      return false;
    }
  auto kept = [&](const std::string& rel) {
    size_t slash = rel.rfind('/');
    return slash != std::string::npos && keep.count(rel.substr(0, slash));
  };
  for (auto it = this->files.begin(); it != this->files.end();) {
    bool inside = it->first.compare(0, prefix.size(), prefix) == 0;
    std::string name = it->first.substr(it->first.rfind('/') + 1);
    if (inside && generated(name) && !kept(it->first.substr(prefix.size()))) it = this->files.erase(it);
    else ++it;
  }
  for (const auto& [rel, data] : tree)
    if (!kept(rel)) files[prefix + rel] = data;
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
                                    const std::set<std::string>&, bool (*)(const std::string&), std::string* err) {
  *err = "read-only overlay: " + dir;
  return false;
}

}  // namespace eurus
