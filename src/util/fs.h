#pragma once
// The file system, behind an interface so tests can run commands on an in-memory tree
// (ninja's DiskInterface). Only cli/ and run/ touch it on behalf of a command.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace eurus {

/// A new version of a directory tree, written file by file (Put may be called from several
/// threads at once) and then put in the old one's place by Commit, under ReplaceTree's rules
/// (`keep`, generated names, nothing lost, all or nothing). Dropped uncommitted, it leaves
/// nothing behind.
class TreeUpdate {
 public:
  virtual ~TreeUpdate() = default;
  /// Adds the file `rel` (relative to the tree) with `data`; false with `err` when it cannot.
  virtual bool Put(const std::string& rel, std::string_view data, std::string* err) = 0;
  virtual bool Commit(const std::set<std::string>& keep, std::string* err) = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// The file's bytes; nullopt and `err` set when it cannot be read.
  virtual std::optional<std::string> Read(const std::string& path, std::string* err) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  /// Names (not paths) of the entries of a directory, sorted; empty if it does not exist.
  virtual std::vector<std::string> List(const std::string& dir) = 0;
  /// Writes through a temporary file in the same directory and renames it over `path`, so
  /// readers see the old or the new content, never a mix.
  virtual bool WriteAtomic(const std::string& path, const std::string& data, std::string* err) = 0;
  /// Replaces directory `dir` with exactly `files` (relative path → bytes), atomically: the
  /// tree is written beside it and renamed into place, so a failure leaves the old tree.
  /// Files in the old tree that eurus does not generate (`generated` says which names it
  /// does) are carried over: local state, .terraform/ caches and saved plans are never lost.
  /// `keep` names directories (relative to `dir`) whose generated files already hold what
  /// this run would write (the caller knows it from the manifest): they move into the new tree
  /// whole, neither read nor rewritten, and `files` has nothing under them. A kept directory
  /// that is missing is an error.
  virtual bool ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                           const std::set<std::string>& keep, bool (*generated)(const std::string& name),
                           std::string* err) = 0;
  /// Starts replacing `dir` file by file (TreeUpdate). The default collects the files in
  /// memory for ReplaceTree; the real file system writes them beside the tree as they come,
  /// so a large tree is never held in memory.
  virtual std::unique_ptr<TreeUpdate> BeginTree(const std::string& dir, bool (*generated)(const std::string& name));
  /// Waits until no other process updates the tree `dir` (an exclusive flock on its parent
  /// directory), until the returned handle is dropped; null where there is nothing to lock.
  virtual std::shared_ptr<void> LockTree(const std::string& dir);
};

/// Names of the staging directories a tree update keeps inside the tree while it runs.
inline constexpr char kStagingPrefix[] = ".eurus-staging-";

class RealFileSystem : public FileSystem {
 public:
  std::unique_ptr<TreeUpdate> BeginTree(const std::string& dir, bool (*generated)(const std::string& name)) override;
  std::shared_ptr<void> LockTree(const std::string& dir) override;
  std::optional<std::string> Read(const std::string& path, std::string* err) override;
  bool Exists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  std::vector<std::string> List(const std::string& dir) override;
  bool WriteAtomic(const std::string& path, const std::string& data, std::string* err) override;
  bool ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                   const std::set<std::string>& keep, bool (*generated)(const std::string& name),
                   std::string* err) override;
};

/// An in-memory tree for tests: paths are plain strings, directories are implied.
class MemoryFileSystem : public FileSystem {
 public:
  std::map<std::string, std::string> files;
  std::optional<std::string> Read(const std::string& path, std::string* err) override;
  bool Exists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  std::vector<std::string> List(const std::string& dir) override;
  bool WriteAtomic(const std::string& path, const std::string& data, std::string* err) override;
  bool ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                   const std::set<std::string>& keep, bool (*generated)(const std::string& name),
                   std::string* err) override;
};

/// The real tree with `extra` files (path → text) laid over it, read-only: what a command
/// would write (`eurus tenant add`), compiled before anything is written. Writes fail.
class OverlayFileSystem : public FileSystem {
 public:
  OverlayFileSystem(FileSystem& base, std::map<std::string, std::string> extra)
      : base_(base) {
    extra_.files = std::move(extra);
  }
  std::optional<std::string> Read(const std::string& path, std::string* err) override;
  bool Exists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  std::vector<std::string> List(const std::string& dir) override;
  bool WriteAtomic(const std::string& path, const std::string& data, std::string* err) override;
  bool ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                   const std::set<std::string>& keep, bool (*generated)(const std::string& name),
                   std::string* err) override;

 private:
  FileSystem& base_;
  MemoryFileSystem extra_;
};

/// `dir/name`, without a leading "./".
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace eurus
