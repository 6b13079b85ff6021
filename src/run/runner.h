#pragma once
// Starting tofu: the only place in eurus that starts processes. Behind an interface so the
// scheduler can be driven by something else in tests (ninja's CommandRunner); the tests use
// the real runner with tests/fake-tofu.

#include <sys/types.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace eurus::run {

struct Command {
  std::vector<std::string> argv;  ///< argv[0] is looked up on PATH when it has no '/'
  std::string cwd;
  /// Set in the child's environment on top of the inherited one.
  std::vector<std::pair<std::string, std::string>> env;
  std::string log_path;     ///< stdout and stderr are appended here (the unit's log)
  std::string stdout_path;  ///< when set, stdout is written here instead (truncated)
};

struct CommandResult {
  int token = 0;         ///< what Start was given
  bool success = false;  ///< exited with status 0
  std::string status;    ///< "exit 1", "signal 15": for messages
  pid_t pid = 0;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  /// Starts `cmd` in its own process group. False (with `err`) when it could not be started
  /// or the runner has been aborted.
  virtual bool Start(const Command& cmd, int token, std::string* err) = 0;
  /// Blocks until a started command ends. nullopt when nothing is running, or when the
  /// process was interrupted (SIGINT/SIGTERM, see ScopedInterruptHandler) or aborted.
  virtual std::optional<CommandResult> Wait() = 0;
  /// Terminates every running command: SIGTERM to each process group, then SIGKILL to the
  /// groups still alive after the grace period; reaps them all. Safe from another thread.
  /// Returns the tokens of the commands that were running.
  virtual std::vector<int> Abort() = 0;
  virtual bool aborted() const = 0;
  virtual size_t running() const = 0;
};

/// posix_spawn with a new process group per command; wakes on SIGCHLD through a self-pipe,
/// so an interrupt is never lost between checking for it and sleeping.
class PosixCommandRunner : public CommandRunner {
 public:
  explicit PosixCommandRunner(std::chrono::milliseconds grace = std::chrono::seconds(10));
  ~PosixCommandRunner() override;
  bool Start(const Command& cmd, int token, std::string* err) override;
  std::optional<CommandResult> Wait() override;
  std::vector<int> Abort() override;
  bool aborted() const override;
  size_t running() const override;

 private:
  struct Child {
    pid_t pid;
    int token;
  };
  mutable std::mutex mu_;
  std::vector<Child> children_;  ///< guarded by mu_; each pid is also its process group id
  bool aborted_ = false;         ///< guarded by mu_
  std::chrono::milliseconds grace_;
};

/// While alive, SIGINT and SIGTERM set the interrupted flag (and wake a waiting runner)
/// instead of killing eurus, so it can terminate its children and report what was left.
class ScopedInterruptHandler {
 public:
  ScopedInterruptHandler();
  ~ScopedInterruptHandler();
  ScopedInterruptHandler(const ScopedInterruptHandler&) = delete;
  ScopedInterruptHandler& operator=(const ScopedInterruptHandler&) = delete;
  /// 0: no signal; otherwise the signal received.
  static int signal();
  static void Reset();
};

}  // namespace eurus::run
