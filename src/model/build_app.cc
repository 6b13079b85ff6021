// A tenant's `apps` entry → model::App: image, port, Fargate size, health check, (route and
// exposure in build_route.cc), replicas and scaling, environment, secrets, uses, and the
// names derived from the app.

#include <algorithm>
#include <cctype>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

/// ECR repository names: path components of [a-z0-9] runs joined by one of ._- .
bool EcrRepository(const std::string& s) {
  if (s.size() < 2 || s.size() > 256) return false;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    std::string comp = s.substr(start, slash - start);
    if (comp.empty()) return false;
    bool prev_sep = true;
    for (char c : comp) {
      bool sep = c == '.' || c == '_' || c == '-';
      if (sep && prev_sep) return false;
      if (!sep && !IsLower(c) && !IsDigit(c)) return false;
      prev_sep = sep;
    }
    if (prev_sep) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

bool EnvVarName(const std::string& s) {
  if (s.empty() || IsDigit(s[0])) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

/// `image`: an ECR repository of the tenant (no tag), not under the platform's prefix.
void BuildImage(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a) {
  if (!d.image) return;
  a.image = d.image.value;
  if (!EcrRepository(a.image)) {
    bool tagged = a.image.find(':') != std::string::npos || a.image.find('@') != std::string::npos;
    ctx.Report(Bad(codes::kBadImage, fmt::format("`{}` is not an ECR repository name", a.image), d.image.span,
                   tagged ? "a tag or digest is not part of the repository" : "lowercase path such as shop/web")
                   .Help(tagged ? "give the repository only; the deployed tag is set by the tenant's pipeline"
                                : "use lowercase letters, digits and . _ - separated by /"));
  } else if (a.image.starts_with(kPlatformImagePrefix)) {
    // The realm registries hold the platform's sidecars (the OpenTelemetry collector)
    // there; a tenant's pushes must never replace what every environment runs.
    ctx.Report(Bad(codes::kReservedImage,
                   fmt::format("`{}` is under `{}`, reserved for the platform's images", a.image, kPlatformImagePrefix),
                   d.image.span, "reserved for eurus")
                   .Help(fmt::format("name a repository of the tenant, such as {}/{}", scope.tenant.name, a.name)));
  } else {
    ctx.images[{scope.env.realm, a.image}].push_back({scope.tenant.name, d.name.value, d.image.span});
  }
}

void BuildPort(Context& ctx, const config::AppDoc& d, App& a) {
  if (!d.port) return;
  if (d.port.value < 1 || d.port.value > 65535) {
    ctx.Report(Bad(codes::kBadValue, fmt::format("port {} is out of range", d.port.value), d.port.span, "1 to 65535"));
    return;
  }
  a.port = static_cast<int>(d.port.value);
  if (std::find(std::begin(kCollectorPorts), std::end(kCollectorPorts), *a.port) != std::end(kCollectorPorts))
    ctx.Report(Bad(codes::kReservedPort, fmt::format("port {} is used by the OpenTelemetry collector sidecar", *a.port),
                   d.port.span, "taken in every task")
                   .Note("the app and the collector share the task's network namespace (awsvpc): the app could not "
                         "bind this port")
                   .Help("listen on another port; 2000, 4317, 4318, 8888 and 13133 are reserved"));
}

/// `cpu` and `memory`: one of Fargate's task sizes.
void BuildFargateSize(Context& ctx, const config::AppDoc& d, App& a) {
  if (!d.cpu) return;
  a.cpu = static_cast<int>(d.cpu.value);
  auto mems = FargateMemoryFor(a.cpu);
  if (mems.empty()) {
    ctx.Report(Bad(codes::kFargateSize, fmt::format("Fargate has no {} cpu size", d.cpu.value), d.cpu.span,
                   "expected 256, 512, 1024, 2048, 4096, 8192 or 16384")
                   .Note("cpu is in units of 1/1024 vCPU"));
    return;
  }
  if (!d.memory) return;
  a.memory = static_cast<int>(d.memory.value);
  if (std::find(mems.begin(), mems.end(), a.memory) != mems.end()) return;
  std::string allowed = mems.size() <= 4 ? List(Strings(mems))
                                          : fmt::format("{} to {} in steps of {}", mems.front(), mems.back(), mems[1] - mems[0]);
  ctx.Report(Bad(codes::kFargateSize, fmt::format("Fargate cannot run cpu {} with memory {}", a.cpu, a.memory),
                 d.memory.span, "not a valid memory size for this cpu")
                 .Secondary(d.cpu.span, "cpu set here")
                 .Help(fmt::format("with cpu {}, memory must be {} (MiB)", a.cpu, allowed)));
}

/// `health_check.path`: needs a port; defaults to / for apps with one.
void BuildHealthCheck(Context& ctx, const config::AppDoc& d, App& a) {
  if (d.health_check_path) {
    if (!a.port && !d.port.given)
      ctx.Report(Bad(codes::kPortRequired, fmt::format("app `{}` has a health check but no port", a.name),
                     d.health_check_path.span, "health checks probe the app's port")
                     .Help("add `port:` or remove `health_check`"));
    if (d.health_check_path.value.empty() || d.health_check_path.value[0] != '/' || d.health_check_path.value.size() > 1024)
      ctx.Report(Bad(codes::kBadRoute, fmt::format("health check path `{}` must start with /", d.health_check_path.value),
                     d.health_check_path.span, "an absolute URL path"));
    a.health_check_path = d.health_check_path.value;
  } else if (a.port) {
    a.health_check_path = "/";
  }
}

/// `replicas`: min defaults to 2 in prod (and must be at least 2 there), max to min.
void BuildReplicas(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a) {
  a.replicas_min = d.replicas_min ? static_cast<int>(d.replicas_min.value) : (scope.prod ? 2 : 1);
  a.replicas_max = d.replicas_max ? static_cast<int>(d.replicas_max.value) : std::max(a.replicas_min, 1);
  if (d.replicas_min && !d.replicas_max) a.replicas_max = std::max(a.replicas_min, 1);
  if (a.replicas_min < 0 || a.replicas_min > 1000)
    ctx.Report(Bad(codes::kReplicas, fmt::format("replicas.min {} is out of range", a.replicas_min), d.replicas_min.span, "0 to 1000"));
  else if (a.replicas_max < 1 || a.replicas_max > 1000)
    ctx.Report(Bad(codes::kReplicas, fmt::format("replicas.max {} is out of range", a.replicas_max), d.replicas_max.span, "1 to 1000"));
  else if (a.replicas_min > a.replicas_max)
    ctx.Report(Bad(codes::kReplicas, fmt::format("replicas.min {} is larger than replicas.max {}", a.replicas_min, a.replicas_max),
                   d.replicas_min.set ? d.replicas_min.span : d.replicas_max.span, "empty range")
                   .Secondary(d.replicas_max.set ? d.replicas_max.span : d.replicas_min.span, "max")
                   .Help("make min at most max"));
  else if (scope.prod && a.replicas_min < 2)
    ctx.Report(Bad(codes::kProdReplicas, fmt::format("app `{}` runs {} replica{} in prod environment `{}`", a.name, a.replicas_min,
                                                     a.replicas_min == 1 ? "" : "s", scope.env.name),
                   d.replicas_min.set ? d.replicas_min.span : a.span, "prod apps need at least 2 to survive an AZ failure")
                   .Help(fmt::format("set `replicas: {{ min: 2 }}` or more, e.g. in `overrides.{}`", scope.env.name)));
}

/// `scaling`: cpu and memory targets in percent, requests per target (needs a route).
void BuildScaling(Context& ctx, const config::AppDoc& d, App& a) {
  auto pct = [&](const config::Int& f, const char* what) -> std::optional<int> {
    if (!f) return std::nullopt;
    if (f.value < 1 || f.value > 100) {
      ctx.Report(Bad(codes::kScaling, fmt::format("scaling.{} target {} is not a percentage", what, f.value), f.span, "1 to 100"));
      return std::nullopt;
    }
    return static_cast<int>(f.value);
  };
  a.scaling_cpu = pct(d.scaling_cpu, "cpu");
  a.scaling_memory = pct(d.scaling_memory, "memory");
  if (!d.scaling_requests) return;
  if (d.scaling_requests.value < 1 || d.scaling_requests.value > 1000000)
    ctx.Report(Bad(codes::kScaling, fmt::format("requests_per_target {} is out of range", d.scaling_requests.value),
                   d.scaling_requests.span, "1 to 1000000"));
  else if (!d.route.set)
    ctx.Report(Bad(codes::kScaling, fmt::format("app `{}` scales on requests but has no route", a.name), d.scaling_requests.span,
                   "request counts come from the ALB target group")
                   .Help("add a `route`, or scale on cpu/memory"));
  else a.scaling_requests = static_cast<int>(d.scaling_requests.value);
}

void BuildSpot(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a) {
  a.spot = d.spot.set && d.spot.value;
  if (!a.spot || !scope.prod) return;
  Diagnostic w = Warning(codes::kWarnSpotProd,
                         fmt::format("app `{}` runs on FARGATE_SPOT in prod environment `{}`", a.name, scope.env.name));
  w.Label(d.spot.span, "spot tasks can be stopped at two minutes' notice");
  ctx.Report(std::move(w));
}

void BuildEnvironmentVariables(Context& ctx, const config::AppDoc& d, App& a) {
  for (const auto& [k, v] : d.environment.value) {
    if (!EnvVarName(k.value))
      ctx.Report(Bad(codes::kBadEnvVar, fmt::format("`{}` is not a valid environment variable name", k.value), k.span,
                     "letters, digits and _, not starting with a digit"));
    a.environment.emplace_back(k.value, v.value);
  }
}

/// `secrets`: names Secrets Manager accepts, each listed once.
void BuildSecrets(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a) {
  std::set<std::string> seen;
  for (const auto& s : d.secrets.value) {
    if (!seen.insert(s.value).second) {
      ctx.Report(Bad(codes::kDuplicateItem, fmt::format("secret `{}` is listed twice", s.value), s.span, "duplicate"));
      continue;
    }
    size_t dash = s.value.rfind('-');
    if (!NameLike(s.value, 1, 64, "-_"))
      ctx.Report(Bad(codes::kBadSecret, fmt::format("invalid secret name `{}`", s.value), s.span,
                     "lowercase letters, digits, - and _, starting with a letter, at most 64"));
    else if (dash != std::string::npos && s.value.size() - dash - 1 == 6)
      // Secrets Manager appends -XXXXXX to ARNs; a name already ending that way is rejected.
      ctx.Report(Bad(codes::kBadSecret, fmt::format("secret name `{}` ends in a hyphen and six characters", s.value), s.span,
                     "Secrets Manager rejects such names")
                     .Help(fmt::format("rename it, for example `{}`", s.value.substr(0, dash) + "_" + s.value.substr(dash + 1))));
    else
      CheckName(ctx, naming::Secret(ctx.org.name, scope.tenant.name, s.value), s.span, "secret");
    a.secrets.push_back(s.value);
  }
}

/// Secrets arrive as environment variables: no two may land on one name.
void CheckSecretVariables(Context& ctx, const config::AppDoc& d, const App& a) {
  std::map<std::string, std::string> vars;  // variable → what sets it
  for (const auto& [k, v] : d.environment.value) vars.emplace(k.value, "`environment`");
  std::set<std::string> checked;
  for (const auto& s : d.secrets.value) {
    if (!checked.insert(s.value).second) continue;
    const std::string var = naming::SecretVariable(s.value);
    auto [it, fresh] = vars.emplace(var, fmt::format("secret `{}`", s.value));
    if (fresh) continue;
    ctx.Report(Bad(codes::kDuplicateItem,
                   fmt::format("environment variable `{}` of app `{}` is set by both {} and secret `{}`", var, a.name,
                               it->second, s.value),
                   s.span, fmt::format("injected as `{}`", var))
                   .Help("secrets are injected as their name in upper case with `-` as `_`; rename one of them"));
  }
}

/// `uses`: resources of the same tenant, each listed once.
void BuildUses(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a) {
  std::set<std::string> seen;
  for (const auto& u : d.uses.value) {
    if (!seen.insert(u.value).second) {
      ctx.Report(Bad(codes::kDuplicateItem, fmt::format("resource `{}` is listed twice in `uses`", u.value), u.span, "duplicate"));
      continue;
    }
    if (!scope.resource_names.count(u.value)) {
      const auto& list = scope.resource_list;
      std::string near = ClosestMatch(u.value, list);
      ctx.Report(Bad(codes::kUnknownResource,
                     fmt::format("app `{}` uses `{}`, which tenant `{}` does not define", a.name, u.value, scope.tenant.name),
                     u.span, near.empty() ? "no such resource" : "did you mean `" + near + "`?")
                     .Help(list.empty() ? "define it under `resources`"
                                        : "resources of this tenant: " + List(list, "and")));
      continue;
    }
    a.uses.push_back(u.value);
  }
}

/// The names derived from the app (roles, log group, the workload's names in
/// synth/workloads.cc); the longest alarm suffix stands for all.
void CheckAppNames(Context& ctx, const DeploymentScope& scope, const App& a) {
  const std::string& org = ctx.org.name;
  const std::string& t = scope.tenant.name;
  CheckName(ctx, naming::TaskRole(org, t, a.name), a.span, "app");
  CheckName(ctx, naming::ExecutionRole(org, t, a.name), a.span, "app");
  CheckName(ctx, naming::AppLogGroup(org, scope.env.name, t, a.name), a.span, "app");
  CheckName(ctx, naming::EcsService(org, t, a.name), a.span, "app");
  CheckName(ctx, naming::TaskFamily(org, t, a.name), a.span, "app");
  CheckName(ctx, naming::ImageParameter(scope.env.name, t, a.name), a.span, "app");
  CheckName(ctx, naming::AppAlarm(org, t, a.name, "unhealthy-targets"), a.span, "app");
}

}  // namespace

App BuildApp(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d) {
  App a;
  a.name = d.name.value;
  a.span = d.name.span;
  CheckMemberName(ctx, "app", d.name);
  BuildImage(ctx, scope, d, a);
  BuildPort(ctx, d, a);
  BuildFargateSize(ctx, d, a);
  for (const auto& c : d.command.value) a.command.push_back(c.value);
  BuildHealthCheck(ctx, d, a);
  BuildRoute(ctx, scope, d, a);
  BuildExposure(ctx, scope, d, a);
  BuildReplicas(ctx, scope, d, a);
  BuildScaling(ctx, d, a);
  BuildSpot(ctx, scope, d, a);
  BuildEnvironmentVariables(ctx, d, a);
  BuildSecrets(ctx, scope, d, a);
  CheckSecretVariables(ctx, d, a);
  BuildUses(ctx, scope, d, a);
  CheckAppNames(ctx, scope, a);
  return a;
}

}  // namespace eurus::model::build
