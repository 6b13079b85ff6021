#include "config/load.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "diag/codes.h"
#include "util/parallel.h"

namespace eurus::config {

namespace {

struct Pending {
  std::string rel;   ///< e.g. "tenants/shop.yaml"
  std::string stem;  ///< e.g. "shop"
  int kind;          ///< 0 org, 1 env, 2 tenant
  FileId file = kNoFile;
  Diagnostics diags;
  Node root;
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Splits the `overrides` entry off a tenant document.
void SplitOverrides(TenantFile& t, Diagnostics& diags) {
  if (!t.base.is_map()) return;
  for (size_t i = 0; i < t.base.entries.size(); ++i) {
    if (t.base.entries[i].key != "overrides") continue;
    Node ov = std::move(t.base.entries[i].value);
    t.base.entries.erase(t.base.entries.begin() + static_cast<long>(i));
    if (ov.is_null()) return;
    if (!ov.is_map()) {
      diags.Report(Error(codes::kWrongType, "`overrides` must be a mapping of environment names, found " + ov.Describe())
                       .Label(ov.span, "expected `<env>: { ... }` entries"));
      return;
    }
    for (auto& e : ov.entries) {
      if (!e.value.is_map() && !e.value.is_null()) {
        diags.Report(Error(codes::kWrongType, "the override for `" + e.key + "` must be a mapping, found " + e.value.Describe())
                         .Label(e.value.span, "expected tenant fields such as `apps:`"));
        continue;
      }
      for (const auto& f : e.value.entries) {
        if (f.key == "environments" || f.key == "overrides" || f.key == "budget" || f.key == "access") {
          diags.Report(Error(codes::kOverrideTarget, "`" + f.key + "` cannot be overridden per environment")
                           .Label(f.key_span, "not allowed in an override")
                           .Help(f.key == "environments" ? "list the environment in the tenant's top-level `environments`"
                                 : f.key == "budget"      ? "set the environment's amount in the tenant's top-level "
                                                            "`budget: { environments: { " + e.key + ": <USD> } }`"
                                 : f.key == "access"      ? "set `access` at the tenant's top level: its roles exist in "
                                                            "every environment the tenant is onboarded in"
                                                          : "overrides do not nest"));
        }
      }
      t.overrides.push_back({e.key, e.key_span, std::move(e.value)});
    }
    return;
  }
}

}  // namespace

/// Points every span of `n` at `file` (a tree parsed from identical text in another load).
void Repoint(Node& n, FileId file) {
  n.span.file = file;
  for (auto& item : n.items) Repoint(item, file);
  for (auto& e : n.entries) {
    e.key_span.file = file;
    Repoint(e.value, file);
  }
}

std::optional<Project> LoadProject(FileSystem& fs, const std::string& dir, SourceMap& sources,
                                   Diagnostics& diags, const ParsedFiles* reuse, ParsedFiles* keep,
                                   const std::function<void()>& kept_done) {
  Project p;
  p.dir = dir;
  if (!fs.IsDirectory(dir.empty() ? "." : dir)) {
    diags.Report(Error(codes::kIo, "cannot read directory `" + dir + "`")
                     .Help("pass the platform repository with -C DIR"));
    return std::nullopt;
  }
  std::vector<Pending> pending;
  if (!fs.Exists(JoinPath(dir, "eurus.yaml"))) {
    diags.Report(Error(codes::kIo, "no eurus.yaml in `" + (dir.empty() ? "." : dir) + "`")
                     .Help("run eurus in a platform repository, or point at one with -C DIR"));
    return std::nullopt;
  }
  pending.push_back({"eurus.yaml", "eurus", 0, kNoFile, {}, {}});
  for (int kind : {1, 2}) {
    std::string sub = kind == 1 ? "environments" : "tenants";
    for (const auto& name : fs.List(JoinPath(dir, sub))) {
      std::string rel = sub + "/" + name;
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool yamlish = EndsWith(lower, ".yml") || EndsWith(lower, ".yaml");
      if (yamlish && fs.IsDirectory(JoinPath(dir, rel))) {
        diags.Report(Error(codes::kIo, "`" + JoinPath(dir, rel) + "` is a directory, not a file")
                         .Help("remove or rename it; " + sub + "/ holds one .yaml file per " +
                               (kind == 1 ? "environment" : "tenant")));
        continue;
      }
      if (yamlish && !EndsWith(name, ".yaml")) {
        std::string err;
        auto text = fs.Read(JoinPath(dir, rel), &err);
        FileId id = sources.Add(JoinPath(dir, rel), text ? *text : std::string());
        size_t dot = name.rfind('.');
        diags.Report(Error(codes::kBadFileName, "`" + JoinPath(dir, rel) + "` is not read: eurus reads files ending in `.yaml`")
                         .Label({id, 0, 0}, "this file would be ignored")
                         .Help("rename it to `" + name.substr(0, dot) + ".yaml`"));
        continue;
      }
      if (!EndsWith(name, ".yaml")) continue;
      pending.push_back({rel, name.substr(0, name.size() - 5), kind, kNoFile, {}, {}});
    }
  }
  // Read sequentially (the source map is shared), parse in parallel (yaml-cpp is the
  // slowest part of a check on a large organisation), merge diagnostics in file order.
  for (auto& f : pending) {
    std::string err;
    std::string path = JoinPath(dir, f.rel);
    auto text = fs.Read(path, &err);
    if (!text) {
      diags.Report(Error(codes::kIo, "cannot read `" + path + "`: " + err));
      continue;
    }
    f.file = sources.Add(path, std::move(*text));
    p.files.push_back(f.rel);
  }
  std::vector<std::optional<ParsedFiles::Doc>> kept(keep ? pending.size() : 0);
  ParallelFor(pending.size(), [&](size_t i) {
    Pending& f = pending[i];
    if (f.file == kNoFile) return;
    if (reuse) {
      auto it = reuse->docs.find(f.rel);
      if (it != reuse->docs.end() && it->second.text == sources.text(f.file)) {
        f.root = it->second.root;
        Repoint(f.root, f.file);
        return;
      }
    }
    f.root = ParseYaml(sources, f.file, f.diags);
    if (keep && f.diags.items().empty()) kept[i] = ParsedFiles::Doc{sources.text(f.file), f.root};
  });
  if (keep)
    for (size_t i = 0; i < pending.size(); ++i)
      if (kept[i]) keep->docs[pending[i].rel] = std::move(*kept[i]);
  if (kept_done) kept_done();

  // Checkpoint: a file that is not YAML cannot be decoded, and decoding around it would
  // only produce follow-on errors ("is empty", missing fields, derived names).
  bool syntax_errors = false;
  for (auto& f : pending) {
    syntax_errors |= f.diags.has_errors();
    diags.Append(std::move(f.diags));
  }
  if (syntax_errors) return std::nullopt;
  for (auto& f : pending) {
    if (f.file == kNoFile) continue;
    Str name;
    name.value = f.stem;
    name.span = name.key_span = {f.file, 0, 0};
    name.set = true;
    if (f.kind == 0) {
      p.org = DecodeOrg(f.root, diags);
    } else if (f.kind == 1) {
      p.envs.push_back(DecodeEnv(f.root, name, diags));
    } else {
      TenantFile t;
      t.name = name;
      t.file = f.file;
      t.base = std::move(f.root);
      if (t.base.is_null()) t.base.span = {f.file, 0, 0};
      SplitOverrides(t, diags);
      t.doc = DecodeTenant(t.base, diags);
      p.tenants.push_back(std::move(t));
    }
  }
  std::sort(p.files.begin(), p.files.end());
  return p;
}

}  // namespace eurus::config
