#pragma once
// Source files loaded by a run, and byte-offset spans into them. Line and column are
// computed only when a diagnostic is rendered (codespan's model).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eurus {

using FileId = uint32_t;
/// No file: a diagnostic about the run as a whole (a missing directory, say).
inline constexpr FileId kNoFile = UINT32_MAX;

/// A half-open byte range [begin, end) in one file. An empty range marks a point.
struct Span {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  friend bool operator==(const Span&, const Span&) = default;
};

struct LineCol {
  uint32_t line = 0;    ///< 1-based
  uint32_t column = 0;  ///< 1-based, in bytes
};

class SourceMap {
 public:
  /// Registers a file's text; `path` is shown to the user as given.
  FileId Add(std::string path, std::string text);

  const std::string& path(FileId id) const { return files_[id].path; }
  const std::string& text(FileId id) const { return files_[id].text; }
  size_t size() const { return files_.size(); }

  LineCol Locate(FileId id, uint32_t offset) const;
  /// The text of 1-based line `line`, without its newline.
  std::string_view Line(FileId id, uint32_t line) const;
  /// The byte offset where 1-based (line, column) starts; clamps to the file.
  uint32_t Offset(FileId id, uint32_t line, uint32_t column) const;

 private:
  struct File {
    std::string path;
    std::string text;
    std::vector<uint32_t> line_starts;  ///< offset of each line's first byte
  };
  std::vector<File> files_;
};

}  // namespace eurus
