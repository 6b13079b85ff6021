#pragma once
// The file system, behind an interface so tests can run commands on an in-memory tree
// (ninja's DiskInterface). Only cli/ and run/ touch it on behalf of a command.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eurus {

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
  virtual bool ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                           bool (*generated)(const std::string& name), std::string* err) = 0;
};

class RealFileSystem : public FileSystem {
 public:
  std::optional<std::string> Read(const std::string& path, std::string* err) override;
  bool Exists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  std::vector<std::string> List(const std::string& dir) override;
  bool WriteAtomic(const std::string& path, const std::string& data, std::string* err) override;
  bool ReplaceTree(const std::string& dir, const std::map<std::string, std::string>& files,
                   bool (*generated)(const std::string& name), std::string* err) override;
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
                   bool (*generated)(const std::string& name), std::string* err) override;
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
                   bool (*generated)(const std::string& name), std::string* err) override;

 private:
  FileSystem& base_;
  MemoryFileSystem extra_;
};

/// `dir/name`, without a leading "./".
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace eurus
