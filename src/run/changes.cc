#include "run/changes.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

namespace eurus::run {

namespace {

constexpr int kManifestVersion = 1;  // synth::kManifestVersion; run/ does not include synth/
constexpr int kAppliedVersion = 1;

std::optional<Manifest> ParseUnits(const std::string& text, bool applied, std::string* err) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    *err = "not a JSON object";
    return std::nullopt;
  }
  int want = applied ? kAppliedVersion : kManifestVersion;
  auto v = j.find("version");
  if (v == j.end() || !v->is_number_integer()) {
    *err = "no version";
    return std::nullopt;
  }
  if (v->get<int>() != want) {
    *err = "version " + std::to_string(v->get<int>()) + ", this eurus reads version " + std::to_string(want);
    return std::nullopt;
  }
  auto us = j.find("units");
  if (us == j.end() || !us->is_object()) {
    *err = "no `units` object";
    return std::nullopt;
  }
  Manifest m;
  for (const auto& [id, u] : us->items()) {
    auto h = u.is_object() ? u.find("hash") : u.end();
    if (!u.is_object() || h == u.end() || !h->is_string()) {
      *err = "unit `" + id + "` has no hash";
      return std::nullopt;
    }
    ManifestUnit mu;
    mu.hash = h->get<std::string>();
    if (!applied) {
      if (auto a = u.find("account"); a != u.end() && a->is_string()) mu.account = a->get<std::string>();
      if (auto d = u.find("dependencies"); d != u.end() && d->is_array())
        for (const auto& dep : *d)
          if (dep.is_string()) mu.dependencies.push_back(dep.get<std::string>());
    }
    m.units.emplace(id, std::move(mu));
  }
  return m;
}

/// Runs argv (git) with `input` on its stdin; its stdout into `out`, stderr into `errout`.
/// Returns the exit status, -1 when it could not be started or was killed by a signal.
/// A plain fork/exec with poll(): the runner's CommandRunner logs to files and has no stdin.
int Capture(const std::vector<std::string>& argv, const std::string& input, std::string* out,
            std::string* errout) {
  int in[2], o[2], e[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return -1;
  if (::pipe2(o, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    return -1;
  }
  if (::pipe2(e, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(o[0]), ::close(o[1]);
    return -1;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execvp's signature
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0), ::dup2(o[1], 1), ::dup2(e[1], 2);
    ::execvp(args[0], args.data());
    std::string msg = "cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(in[0]), ::close(o[1]), ::close(e[1]);
  if (pid < 0) {
    ::close(in[1]), ::close(o[0]), ::close(e[0]);
    return -1;
  }
  // SIGPIPE would kill eurus if git exits before reading all of its input.
  struct sigaction ign {}, old {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, &old);
  size_t written = 0;
  int wfd = in[1];
  if (input.empty()) ::close(wfd), wfd = -1;
  int open_reads = 2;
  char buf[1 << 16];
  while (open_reads > 0 || wfd >= 0) {
    pollfd fds[3] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}, {wfd, POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out : errout)->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        (i == 0 ? o[0] : e[0]) = -1;
        --open_reads;
      }
    }
    if (wfd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(wfd, input.data() + written, std::min<size_t>(input.size() - written, 1 << 16));
      if (n > 0) written += static_cast<size_t>(n);
      if (written == input.size() || (n < 0 && errno != EINTR && errno != EAGAIN)) ::close(wfd), wfd = -1;
    }
  }
  if (wfd >= 0) ::close(wfd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGPIPE, &old, nullptr);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// git's own message, trimmed, for ours.
std::string GitError(const std::string& what, const std::string& errout, int status) {
  std::string msg = errout;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (status == 127 && msg.empty()) msg = "git is not installed";
  return what + (msg.empty() ? "" : ": " + msg);
}

bool IsConfigPath(const std::string& rel) {
  return rel == "eurus.yaml" || rel == "eurus.yml" || rel == "eurus.lock.json" ||
         (rel.rfind("environments/", 0) == 0 && rel.find('/', 13) == std::string::npos) ||
         (rel.rfind("tenants/", 0) == 0 && rel.find('/', 8) == std::string::npos);
}

}  // namespace

std::optional<Manifest> ParseManifest(const std::string& text, std::string* err) {
  return ParseUnits(text, /*applied=*/false, err);
}

std::optional<Manifest> FromApplied(const std::string& text, std::string* err) {
  return ParseUnits(text, /*applied=*/true, err);
}

std::string AppliedJson(const Manifest& m) {
  nlohmann::json units = nlohmann::json::object();
  for (const auto& [id, u] : m.units) units[id] = {{"hash", u.hash}};
  nlohmann::json j = {{"version", kAppliedVersion}, {"units", std::move(units)}};
  return j.dump(2) + "\n";
}

std::vector<std::string> ChangeSet::Ids(UnitChange::Kind kind) const {
  std::vector<std::string> ids;
  for (const auto& u : units)
    if (u.kind == kind) ids.push_back(u.id);
  return ids;
}

size_t ChangeSet::Count(UnitChange::Kind kind) const {
  return static_cast<size_t>(std::count_if(units.begin(), units.end(), [&](const UnitChange& u) { return u.kind == kind; }));
}

ChangeSet Diff(const Manifest& base, const Manifest& head) {
  ChangeSet cs;
  auto b = base.units.begin(), h = head.units.begin();
  // Both maps are sorted by id: one merge pass.
  while (b != base.units.end() || h != head.units.end()) {
    if (h == head.units.end() || (b != base.units.end() && b->first < h->first)) {
      cs.units.push_back({b->first, UnitChange::kRemoved});
      ++b;
    } else if (b == base.units.end() || h->first < b->first) {
      cs.units.push_back({h->first, UnitChange::kAdded});
      ++h;
    } else {
      cs.units.push_back({h->first, b->second.hash == h->second.hash ? UnitChange::kUnchanged : UnitChange::kChanged});
      ++b, ++h;
    }
  }
  return cs;
}

std::vector<std::string> WithDependents(const ChangeSet& changes, const Manifest& head) {
  std::map<std::string, std::vector<std::string>> dependents;  // unit → units that read it
  for (const auto& [id, u] : head.units)
    for (const auto& d : u.dependencies) dependents[d].push_back(id);
  std::set<std::string> out;
  std::vector<std::string> todo;
  for (const auto& c : changes.units)
    if ((c.kind == UnitChange::kAdded || c.kind == UnitChange::kChanged) && head.units.count(c.id))
      todo.push_back(c.id);
  while (!todo.empty()) {
    std::string id = std::move(todo.back());
    todo.pop_back();
    if (!out.insert(id).second) continue;
    if (auto it = dependents.find(id); it != dependents.end())
      for (const auto& d : it->second) todo.push_back(d);
  }
  return {out.begin(), out.end()};
}

std::optional<GitLocation> LocateInGit(const std::string& dir, std::string* err) {
  std::string out, errout;
  int st = Capture({"git", "-C", dir, "rev-parse", "--show-toplevel", "--show-prefix"}, "", &out, &errout);
  if (st != 0) {
    *err = GitError("`" + dir + "` is not in a git work tree", errout, st);
    return std::nullopt;
  }
  GitLocation loc;
  size_t nl = out.find('\n');
  loc.toplevel = out.substr(0, nl);
  if (nl != std::string::npos) {
    loc.prefix = out.substr(nl + 1);
    if (!loc.prefix.empty() && loc.prefix.back() == '\n') loc.prefix.pop_back();
  }
  return loc;
}

std::optional<TreeAtRef> ReadTreeAt(const std::string& dir, const std::string& ref, std::string* err) {
  TreeAtRef tree;
  std::string out, errout;
  // A commit or a tree (the empty tree stands for "nothing deployed yet").
  int st = Capture({"git", "-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{tree}"}, "",
                   &out, &errout);
  if (st != 0) {
    *err = GitError("`" + ref + "` is not a commit or tree in the git repository of `" + dir + "`", errout, st);
    return std::nullopt;
  }
  std::string tree_id = out.substr(0, out.find('\n'));
  out.clear(), errout.clear();
  if (Capture({"git", "-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"}, "", &out,
              &errout) == 0)
    tree.commit = out.substr(0, out.find('\n'));
  else
    tree.commit = tree_id;
  // Paths relative to `dir` (ls-tree's default without --full-tree), restricted to the
  // files LoadProject reads; out/ and anything else committed there is never read.
  out.clear(), errout.clear();
  st = Capture({"git", "-C", dir, "ls-tree", "-r", "-z", tree_id, "--", "eurus.yaml", "eurus.yml", "eurus.lock.json",
                "environments", "tenants"},
               "", &out, &errout);
  if (st != 0) {
    *err = GitError("cannot list the files of `" + ref + "`", errout, st);
    return std::nullopt;
  }
  std::vector<std::string> paths;
  std::string batch;
  for (size_t pos = 0; pos < out.size();) {
    size_t end = out.find('\0', pos);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    // "<mode> SP <type> SP <object> TAB <path>"
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string meta = line.substr(0, tab), path = line.substr(tab + 1);
    size_t s1 = meta.find(' '), s2 = meta.find(' ', s1 + 1);
    if (s1 == std::string::npos || s2 == std::string::npos || meta.substr(s1 + 1, s2 - s1 - 1) != "blob") continue;
    if (!IsConfigPath(path)) continue;
    paths.push_back(path);
    batch += meta.substr(s2 + 1) + "\n";
  }
  if (paths.empty()) return tree;
  // One git process for every blob: "<oid> blob <size>\n<bytes>\n" each.
  out.clear(), errout.clear();
  st = Capture({"git", "-C", dir, "cat-file", "--batch"}, batch, &out, &errout);
  if (st != 0) {
    *err = GitError("cannot read the files of `" + ref + "`", errout, st);
    return std::nullopt;
  }
  size_t pos = 0;
  for (const auto& path : paths) {
    size_t nl = out.find('\n', pos);
    size_t sp = nl == std::string::npos ? nl : out.rfind(' ', nl);
    if (nl == std::string::npos || sp == std::string::npos || sp < pos) {
      *err = "unexpected output from git cat-file";
      return std::nullopt;
    }
    size_t size = std::stoul(out.substr(sp + 1, nl - sp - 1));
    if (nl + 1 + size > out.size()) {
      *err = "unexpected output from git cat-file";
      return std::nullopt;
    }
    tree.files[path] = out.substr(nl + 1, size);
    pos = nl + 1 + size + 1;
  }
  return tree;
}

}  // namespace eurus::run
