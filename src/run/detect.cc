#include "run/detect.h"

#include <fmt/format.h>

#include <chrono>
#include <future>
#include <stdexcept>

#include "util/parallel.h"

namespace eurus::run {

namespace {

/// The wall time of each step of a detection, for EURUS_PERF.
struct Stopwatch {
  std::vector<PassTime>& times;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  void Mark(const char* step) {
    auto now = std::chrono::steady_clock::now();
    times.push_back({step, std::chrono::duration<double, std::milli>(now - last).count(), PeakMib()});
    last = now;
  }
};

/// A compiler run for change detection: the lock may change in memory (as a non-frozen
/// synth would allocate), no policy pass, hashes instead of the tree.
CompileOptions DetectOptions(const std::string& dir, Pass until) {
  CompileOptions o;
  o.dir = dir;
  o.until = until;
  o.policy = false;
  o.output = Output::kHashes;
  return o;
}

/// The configuration at a git ref, in memory, under `dir` ("<ref>:", so that the base's
/// diagnostics read "<ref>:/tenants/shop.yaml").
MemoryFileSystem FilesAt(const TreeAtRef& tree, const std::string& dir) {
  MemoryFileSystem mem;
  for (const auto& [rel, bytes] : tree.files) mem.files[JoinPath(dir, rel)] = bytes;
  return mem;
}

std::string ErrorsProblem(const std::string& base, const Session& s) {
  return fmt::format("the configuration at `{}` has {} error{}: every unit counts as added", base,
                     s.diags.errors(), s.diags.errors() == 1 ? "" : "s");
}

std::string NoConfigProblem(const std::string& base) {
  return "there is no eurus.yaml at `" + base + "`: every unit counts as added";
}

/// Each side's tenant fingerprints (synth::TenantFingerprint), computed beside each other,
/// and which tenant units have the same inputs on both.
struct SameInputs {
  std::map<std::string, std::string> head, base;
  SameInputs(const synth::Context& h, const synth::Context& b) {
    auto f = std::async(std::launch::async, [&] { return synth::TenantFingerprints(b); });
    head = synth::TenantFingerprints(h);
    base = f.get();
  }
  /// The working tree's fingerprints already taken (by its synth, Session::tenant_inputs).
  SameInputs(std::map<std::string, std::string> h, const synth::Context& b)
      : head(std::move(h)), base(synth::TenantFingerprints(b)) {}
  bool operator()(const std::string& id) const {
    auto h = head.find(id), b = base.find(id);
    return h != head.end() && b != base.end() && h->second == b->second;
  }
  /// Counts for EURUS_PERF.
  void Count(Changes& ch) const {
    ch.tenant_units = head.size();
    for (const auto& [id, fp] : head) ch.same_inputs += (*this)(id);
  }
};

/// The tenant units left out on both sides are the unchanged ones (equal fingerprints in
/// `same`): both sides get the fingerprint as their hash, and the dependencies every tenant
/// unit has (synth::TenantFilter).
void AddUnbuilt(const std::map<std::string, std::string>& fingerprints,
                const std::function<bool(const std::string&)>& same, const model::Org& head_org, Manifest& head,
                Manifest& base) {
  std::map<std::string, std::vector<std::string>> env_units[2];  // dir → its environment-level units
  Manifest* sides[2] = {&head, &base};
  for (int i = 0; i < 2; ++i)
    for (const auto& [uid, u] : sides[i]->units) {
      size_t slash = uid.find('/');
      if (uid.compare(slash + 1, 7, "tenant-") != 0) env_units[i][uid.substr(0, slash)].push_back(uid);
    }
  for (const auto& [id, fp] : fingerprints) {
    if (!same(id)) continue;
    std::string dir = id.substr(0, id.find('/'));
    for (int i = 0; i < 2; ++i) {
      ManifestUnit& mu = sides[i]->units[id];
      mu.hash = fp;
      mu.dependencies = env_units[i][dir];
    }
    head.units[id].account = head_org.environment(dir)->account;
  }
}

/// --base REF, incrementally. Loading the base reuses the working tree's parsed files where
/// the text is identical; tenant units whose fingerprint (synth::TenantFingerprint) is the
/// same on both sides are unchanged without being built or rendered; only the others, and
/// the few environment and account units, are synthesized and hashed on both sides.
bool BaseChanges(FileSystem& fs, const ChangeRequest& r, Changes& ch, std::string* err) {
  Stopwatch perf{ch.times};
  ch.base = r.base;
  auto& head = *new Session;                // NOLINT: kept until exit (compile.h)
  auto& base = *new Session;                // NOLINT
  auto& parsed = *new config::ParsedFiles;  // NOLINT
  ch.working = &head;
  const std::string bdir = r.base + ":";
  // Git runs beside the working tree's load; the base's load starts as soon as the working
  // tree's files are parsed (it reuses their trees) and runs beside its decoding and model.
  std::string tree_err;
  auto tree_future = std::async(std::launch::async, [&] { return ReadTreeAt(r.dir.empty() ? "." : r.dir, r.base, &tree_err); });
  std::optional<TreeAtRef> tree;
  bool base_built = false;  // the base's model is valid
  auto load_base = [&] {
    tree = tree_future.get();
    if (!tree) return;
    if (!tree->files.count("eurus.yaml")) {
      ch.base_valid = false;
      ch.base_problem = NoConfigProblem(r.base);
      return;
    }
    MemoryFileSystem mem = FilesAt(*tree, bdir);
    CompileOptions bo = DetectOptions(bdir, Pass::kBuild);
    bo.reuse = &parsed;
    ch.base_run = &base;
    base_built = Compile(mem, bo, base);
    if (!base_built) {
      ch.base_valid = false;
      ch.base_problem = ErrorsProblem(r.base, base);
    }
  };
  std::future<void> base_loaded;
  auto start_base = [&] { base_loaded = std::async(std::launch::async, load_base); };
  CompileOptions ho = DetectOptions(r.dir, Pass::kBuild);
  ho.keep = &parsed;
  ho.parsed = start_base;
  bool head_ok = Compile(fs, ho, head);
  if (!base_loaded.valid()) start_base();  // the working tree stopped before parsing
  perf.Mark("load head");
  base_loaded.get();
  if (!head_ok) return false;
  if (!tree) {
    *err = tree_err;
    return false;
  }
  ch.base_commit = tree->commit;
  perf.Mark("load base");

  std::optional<SameInputs> inputs;
  if (base_built) inputs.emplace(*head.context, *base.context);
  perf.Mark("fingerprint");
  static const std::map<std::string, std::string> kNone;
  const std::map<std::string, std::string>& hfp = inputs ? inputs->head : kNone;
  auto same = [&](const std::string& id) { return inputs && (*inputs)(id); };
  if (inputs) inputs->Count(ch);

  // Only tenant units whose inputs differ are built, on both sides; synth, then render and
  // hash, each side beside the other. The passes after the load read no file.
  MemoryFileSystem none;
  auto id_of = [](const model::Environment& env, const model::Tenant& t) { return env.name + "/" + synth::TenantUnitName(t); };
  synth::TenantFilter differs = [&](const model::Environment& env, const model::Tenant& t) { return !same(id_of(env, t)); };
  CompileOptions hs = DetectOptions(r.dir, Pass::kSynth), bs = DetectOptions(bdir, Pass::kSynth);
  if (base_built) hs.tenants = bs.tenants = differs;
  // Both sides are only compared with each other: digests, not rendered files.
  hs.digest_hashes = bs.digest_hashes = true;
  auto both = [&](Pass until) {
    hs.until = bs.until = until;
    std::future<void> b;
    if (ch.base_valid)
      b = std::async(std::launch::async, [&] {
        if (Compile(none, bs, base)) return;
        ch.base_valid = false;
        ch.base_problem = "synthesizing the configuration at `" + r.base + "` failed: every unit counts as added";
      });
    bool ok = Compile(fs, hs, head);
    if (b.valid()) b.get();
    return ok;
  };
  if (!both(Pass::kSynth)) return false;
  perf.Mark("synth");
  if (!both(Pass::kManifest)) return false;
  if (base_built && !ch.base_valid) {
    // The base failed after all (rarely: a bug in eurus): the working tree is compiled
    // again, whole, and every unit counts as added.
    head.done = Pass::kBuild;
    hs.tenants = {};
    if (!Compile(fs, hs, head)) return false;
  }
  ch.head = std::move(head.manifest);
  Manifest bm;
  if (ch.base_valid) {
    bm = std::move(base.manifest);
    AddUnbuilt(hfp, same, head.org(), ch.head, bm);
  }
  perf.Mark("hash");
  ch.changes = Diff(bm, ch.head);
  ch.apply = WithDependents(ch.changes, ch.head);
  return true;
}

/// The applied record at `path` into `base`; false (with `err`) when it cannot be read.
bool ReadApplied(FileSystem& fs, const std::string& path, Changes& ch, Manifest& base, std::string* err) {
  std::string rerr;
  if (!fs.Exists(path)) {
    ch.base_valid = false;
    ch.base_problem = "`" + path + "` does not exist: nothing recorded as applied";
  } else if (auto text = fs.Read(path, &rerr); !text) {
    *err = "cannot read `" + path + "`: " + rerr;
    return false;
  } else if (auto m = FromApplied(*text, &rerr)) {
    base = std::move(*m);
  } else {
    // A record of another version (or damaged) starts over: everything is applied again,
    // and tofu finds nothing to do where nothing changed.
    ch.base_valid = false;
    ch.base_problem = "cannot read `" + path + "` (" + rerr + "): every unit counts as added";
  }
  return true;
}

/// --applied FILE, or --base REF --full: every unit of both sides compiled and hashed.
bool FullChanges(FileSystem& fs, const ChangeRequest& r, Changes& ch, std::string* err) {
  Stopwatch perf{ch.times};
  Manifest base;
  auto& head_session = *new Session;  // NOLINT: kept until exit (compile.h)
  auto& base_session = *new Session;  // NOLINT
  ch.working = &head_session;
  if (!r.applied.empty()) {
    ch.base = r.applied;
    if (!ReadApplied(fs, r.applied, ch, base, err)) return false;
    if (!SynthManifest(fs, r.dir, head_session)) return false;
  } else {
    ch.base = r.base;
    // Git and the base's compile run beside the working tree's.
    std::string tree_err;
    auto base_future = std::async(std::launch::async, [&]() -> std::optional<Manifest> {
      auto tree = ReadTreeAt(r.dir.empty() ? "." : r.dir, r.base, &tree_err);
      if (!tree) return std::nullopt;
      ch.base_commit = tree->commit;
      if (!tree->files.count("eurus.yaml")) {
        ch.base_valid = false;
        ch.base_problem = NoConfigProblem(r.base);
        return Manifest{};
      }
      std::string dir = r.base + ":";
      MemoryFileSystem mem = FilesAt(*tree, dir);
      ch.base_run = &base_session;
      if (!SynthManifest(mem, dir, base_session)) {
        ch.base_valid = false;
        ch.base_problem = ErrorsProblem(r.base, base_session);
        return Manifest{};
      }
      return std::move(base_session.manifest);
    });
    bool head_ok = SynthManifest(fs, r.dir, head_session);
    auto b = base_future.get();
    if (!head_ok) return false;
    if (!b) {
      *err = tree_err;
      return false;
    }
    base = std::move(*b);
  }
  ch.head = std::move(head_session.manifest);
  perf.Mark("compile");
  ch.changes = Diff(base, ch.head);
  ch.apply = WithDependents(ch.changes, ch.head);
  return true;
}

}  // namespace

void StartBase(const ChangeRequest& r, const config::ParsedFiles& parsed, BaseLoad& b) {
  b.done = std::async(std::launch::async, [&r, &parsed, &b] {
    b.tree = ReadTreeAt(r.dir.empty() ? "." : r.dir, r.base, &b.err);
    if (!b.tree || !b.tree->files.count("eurus.yaml")) return;
    b.session = new Session;  // NOLINT: kept until exit (compile.h)
    const std::string bdir = r.base + ":";
    MemoryFileSystem mem = FilesAt(*b.tree, bdir);
    CompileOptions bo = DetectOptions(bdir, Pass::kBuild);
    bo.reuse = &parsed;
    b.built = Compile(mem, bo, *b.session);
  });
}

bool ChangesAfterSynth(const ChangeRequest& r, Session& head, BaseLoad& load, Changes& ch, std::string* err) {
  Stopwatch perf{ch.times};
  ch.base = r.base;
  ch.working = &head;
  std::string perr;
  auto hm = ParseManifest(head.files.at("eurus.manifest.json"), &perr);
  if (!hm) throw std::logic_error("the synth wrote a manifest it cannot read: " + perr);
  ch.head = std::move(*hm);
  if (!load.done.valid()) throw std::logic_error("the base was never started");
  load.done.get();
  perf.Mark("wait for base");
  if (!load.tree) {
    *err = load.err;
    return false;
  }
  ch.base_commit = load.tree->commit;
  Manifest bm;
  if (!load.session) {
    ch.base_valid = false;
    ch.base_problem = NoConfigProblem(r.base);
  } else {
    Session& base = *load.session;
    ch.base_run = &base;
    const std::string bdir = r.base + ":";
    if (!load.built) {
      ch.base_valid = false;
      ch.base_problem = ErrorsProblem(r.base, base);
    }
    if (ch.base_valid) {
      const SameInputs same = head.tenant_inputs.empty() ? SameInputs(*head.context, *base.context)
                                                          : SameInputs(head.tenant_inputs, *base.context);
      same.Count(ch);
      const std::map<std::string, std::string>& hfp = same.head;
      perf.Mark("fingerprint");
      MemoryFileSystem none;
      CompileOptions bs = DetectOptions(bdir, Pass::kManifest);
      bs.tenants = [&](const model::Environment& env, const model::Tenant& t) {
        return !same(env.name + "/" + synth::TenantUnitName(t));
      };
      // The base's units that are the working tree's (same digest) take its content hash
      // unrendered: the environment and account units, mostly.
      std::map<std::string, std::pair<std::string, std::string>> known;
      for (size_t i = 0; i < head.digests.size() && i < head.units.size(); ++i)
        if (!head.digests[i].empty()) known[head.units[i].id()] = {head.digests[i], head.hashes[i]};
      bs.known = &known;
      if (!Compile(none, bs, base)) {
        ch.base_valid = false;
        ch.base_problem = "synthesizing the configuration at `" + r.base + "` failed: every unit counts as added";
      } else {
        bm = std::move(base.manifest);
        // Same inputs, same files: the base's entry is the working tree's.
        for (const auto& [id, fp] : hfp)
          if (same(id))
            if (auto it = ch.head.units.find(id); it != ch.head.units.end()) bm.units[id] = it->second;
      }
      perf.Mark("synth base");
    }
  }
  ch.changes = Diff(bm, ch.head);
  ch.apply = WithDependents(ch.changes, ch.head);
  return true;
}

bool SynthManifest(FileSystem& fs, const std::string& dir, Session& s) {
  return Compile(fs, DetectOptions(dir, Pass::kManifest), s);
}

bool DetectChanges(FileSystem& fs, const ChangeRequest& r, Changes& out, std::string* err) {
  if (r.applied.empty() && !r.full) return BaseChanges(fs, r, out, err);
  return FullChanges(fs, r, out, err);
}

}  // namespace eurus::run
