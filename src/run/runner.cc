#include "run/runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace eurus::run {

namespace {

/// The self-pipe: signal handlers and Abort write a byte, Wait polls the read end.
int g_wake[2] = {-1, -1};
std::atomic<int> g_signal{0};

void InitWakePipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) g_wake[0] = g_wake[1] = -1;
  });
}

void Wake() {
  int saved = errno;
  if (g_wake[1] >= 0) [[maybe_unused]] auto n = write(g_wake[1], "x", 1);
  errno = saved;
}

void OnChild(int) { Wake(); }
void OnInterrupt(int sig) {
  g_signal.store(sig);
  Wake();
}

void Drain() {
  char buf[256];
  while (g_wake[0] >= 0 && read(g_wake[0], buf, sizeof buf) > 0) {
  }
}

struct sigaction g_old_chld;
int g_runners = 0;  // guarded by g_runners_mu
std::mutex g_runners_mu;

std::string Describe(int st) {
  if (WIFEXITED(st)) return "exit " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return "signal " + std::to_string(WTERMSIG(st));
  return "status " + std::to_string(st);
}

}  // namespace

PosixCommandRunner::PosixCommandRunner(std::chrono::milliseconds grace) : grace_(grace) {
  InitWakePipe();
  std::lock_guard<std::mutex> l(g_runners_mu);
  if (g_runners++ == 0) {
    struct sigaction sa {};
    sa.sa_handler = OnChild;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, &g_old_chld);
  }
}

PosixCommandRunner::~PosixCommandRunner() {
  Abort();  // never leave a child behind
  std::lock_guard<std::mutex> l(g_runners_mu);
  if (--g_runners == 0) sigaction(SIGCHLD, &g_old_chld, nullptr);
}

bool PosixCommandRunner::Start(const Command& cmd, int token, std::string* err) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    bool overridden = false;
    for (const auto& [k, v] : cmd.env)
      if (kv.size() > k.size() && kv.substr(0, k.size()) == k && kv[k.size()] == '=') overridden = true;
    if (!overridden) env_strings.emplace_back(kv);
  }
  for (const auto& [k, v] : cmd.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = cmd.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  const int log_flags = O_WRONLY | O_CREAT | O_APPEND;
  if (!cmd.stdout_path.empty()) {
    posix_spawn_file_actions_addopen(&fa, 1, cmd.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, cmd.log_path.empty() ? "/dev/null" : cmd.log_path.c_str(), log_flags,
                                     0644);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, cmd.log_path.empty() ? "/dev/null" : cmd.log_path.c_str(), log_flags,
                                     0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
  }
  if (!cmd.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cmd.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own process group: Ctrl-C reaches eurus only
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  int rc;
  pid_t pid = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (aborted_) {
      rc = ECANCELED;
    } else {
      rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
      if (rc == 0) children_.push_back({pid, token});
    }
  }
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (err) *err = "cannot run `" + cmd.argv[0] + "`: " + std::strerror(rc);
    return false;
  }
  return true;
}

std::optional<CommandResult> PosixCommandRunner::Wait() {
  for (;;) {
    {
      std::lock_guard<std::mutex> l(mu_);
      for (size_t i = 0; i < children_.size(); ++i) {
        int st = 0;
        pid_t r = waitpid(children_[i].pid, &st, WNOHANG);
        if (r == children_[i].pid || (r < 0 && errno == ECHILD)) {
          CommandResult res{children_[i].token, r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
                            r > 0 ? Describe(st) : "lost", children_[i].pid};
          children_.erase(children_.begin() + static_cast<long>(i));
          return res;
        }
      }
      if (children_.empty() || aborted_) return std::nullopt;
    }
    if (ScopedInterruptHandler::signal()) return std::nullopt;
    pollfd p{g_wake[0], POLLIN, 0};
    // The timeout only guards against a lost wake-up; SIGCHLD normally ends the poll.
    poll(&p, 1, 1000);
    Drain();
  }
}

std::vector<int> PosixCommandRunner::Abort() {
  std::vector<int> tokens;
  {
    std::lock_guard<std::mutex> l(mu_);
    aborted_ = true;
    for (const auto& c : children_) {
      tokens.push_back(c.token);
      kill(-c.pid, SIGTERM);
    }
  }
  Wake();
  auto deadline = std::chrono::steady_clock::now() + grace_;
  for (;;) {
    {
      std::lock_guard<std::mutex> l(mu_);
      bool late = std::chrono::steady_clock::now() >= deadline;
      for (size_t i = 0; i < children_.size();) {
        int st = 0;
        if (late) kill(-children_[i].pid, SIGKILL);
        pid_t r = waitpid(children_[i].pid, &st, late ? 0 : WNOHANG);
        if (r == children_[i].pid || r < 0) {
          kill(-children_[i].pid, SIGKILL);  // whatever the leader left in its group
          children_.erase(children_.begin() + static_cast<long>(i));
        } else {
          ++i;
        }
      }
      if (children_.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return tokens;
}

bool PosixCommandRunner::aborted() const {
  std::lock_guard<std::mutex> l(mu_);
  return aborted_;
}

size_t PosixCommandRunner::running() const {
  std::lock_guard<std::mutex> l(mu_);
  return children_.size();
}

namespace {
struct sigaction g_old_int, g_old_term;
}

ScopedInterruptHandler::ScopedInterruptHandler() {
  InitWakePipe();
  g_signal.store(0);
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

ScopedInterruptHandler::~ScopedInterruptHandler() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

int ScopedInterruptHandler::signal() { return g_signal.load(); }
void ScopedInterruptHandler::Reset() { g_signal.store(0); }

}  // namespace eurus::run
