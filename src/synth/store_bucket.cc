// s3: a private bucket (all public access blocked, ACLs disabled), SSE-KMS with the
// environment key and a bucket key, TLS 1.2+ only, objects readable and writable only by
// BucketPrincipals(), versioned as configured, access-logged to the environment's access-log
// bucket (platform unit), incomplete uploads and old versions cleaned up, objects expiring
// after `expire_days` when set. Backups: AWS Backup's continuous plan when versioned. The
// kind's facts (fields, policy) are its row in catalog/store_kinds.h.

#include <fmt/format.h>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/policy_docs.h"
#include "synth/store.h"

namespace eurus::synth::store {
namespace {

/// Versions of overwritten or deleted objects kept (the in-bucket undo), in days.
constexpr int kNoncurrentDaysProd = 90;
constexpr int kNoncurrentDaysNonprod = 30;

std::string BucketName(const Context& ctx, const model::Environment& env,
                       const model::Tenant& t, const model::Resource& r) {
  return naming::Bucket(ctx.org.name, t.name, r.name, env.account).value;
}

/// The IAM roles whose principals may read and write the objects of bucket `r`: the task roles
/// of the tenant's apps that use it, the deployer (it empties unprotected buckets on destroy)
/// and AWS Backup's role (it reads for backups and writes for restores).
std::vector<std::string> BucketPrincipals(const Inputs& in, const model::Resource& r) {
  const model::Org& org = in.ctx.org;
  std::vector<std::string> out;
  for (const model::App& a : in.dep.apps)
    for (const std::string& use : a.uses)
      if (use == r.name)
        out.push_back(fmt::format("arn:aws:iam::{}:role/{}", in.env.account,
                                  naming::TaskRole(org.name, in.tenant.name, a.name).value));
  out.push_back(in.ctx.DeployerRoleArn(in.env.account));
  out.push_back(
      fmt::format("arn:aws:iam::{}:role/{}", in.env.account, naming::BackupRole(org.name).value));
  return out;
}

/// Incomplete uploads and old versions cleaned up; objects expiring after `expire_days`.
Json LifecycleRules(const Inputs& in, const model::Resource& r) {
  Json rules = Json::array();
  Json cleanup = {
      {"id", "clean-up"},
      {"status", "Enabled"},
      {"filter", Json::array({Json::object()})},
      {"abort_incomplete_multipart_upload", Json::array({{{"days_after_initiation", 7}}})}};
  if (r.versioning) {
    const int noncurrent =
        in.env.realm == model::RealmKind::kProd ? kNoncurrentDaysProd : kNoncurrentDaysNonprod;
    cleanup["noncurrent_version_expiration"] = Json::array({{{"noncurrent_days", noncurrent}}});
  }
  rules.push_back(std::move(cleanup));
  if (r.expire_days > 0) {
    rules.push_back({{"id", "expire-objects"},
                     {"status", "Enabled"},
                     {"filter", Json::array({Json::object()})},
                     {"expiration", Json::array({{{"days", r.expire_days}}})}});
    if (r.versioning)
      // An expired current version leaves a delete marker; once its noncurrent versions are
      // gone too, the marker is removed (S3 rejects both expirations in one rule).
      rules.push_back({{"id", "remove-expired-delete-markers"},
                       {"status", "Enabled"},
                       {"filter", Json::array({Json::object()})},
                       {"expiration", Json::array({{{"expired_object_delete_marker", true}}})}});
  }
  return rules;
}

}  // namespace

void AddBucket(const Inputs& in, tf::Unit& u, const model::Resource& r) {
  const model::Org& org = in.ctx.org;
  const tf::Origin o = in.ctx.Origin(r.span);
  const std::string k = Key(r);
  const std::string name = BucketName(in.ctx, in.env, in.tenant, r);
  const std::string arn = "arn:aws:s3:::" + name;
  const std::string backup =
      r.versioning ? backup::ContinuousPlan(org.name, in.env.name) : backup::kRebuildable;

  Json body = {{"bucket", name}, {"tags", StoreTags(name, backup, in.tenant.name)}};
  if (in.protect) body["lifecycle"] = {{"prevent_destroy", true}};
  // An unprotected nonprod environment is torn down with its data; a prod bucket is never
  // emptied by a destroy (it stops at BucketNotEmpty: someone decides what to keep).
  if (!in.retain) body["force_destroy"] = true;
  tf::Ref bucket = u.Resource("aws_s3_bucket", k, std::move(body), o);
  tf::Ref versioning = u.Resource(
      "aws_s3_bucket_versioning", k,
      {{"bucket", bucket["id"]},
       {"versioning_configuration", {{"status", r.versioning ? "Enabled" : "Suspended"}}}},
      o);
  u.Resource(
      "aws_s3_bucket_server_side_encryption_configuration", k,
      {{"bucket", bucket["id"]},
       {"rule", Json::array({{{"apply_server_side_encryption_by_default",
                               {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", in.key}}},
                              {"bucket_key_enabled", true}}})}},
      o);
  tf::Ref public_access = AddBucketPrivacy(u, k, bucket, o);

  const Json resources = {arn, arn + "/*"};
  Json principals = Json::array();
  for (const std::string& p : BucketPrincipals(in, r)) principals.push_back(p);
  Json statements = Json::array({
      // Whatever IAM grants in this account, the data is the tenant's apps' only.
      {{"Sid", "OnlyTheTenantsAppsReadAndWrite"},
       {"Effect", "Deny"},
       {"Principal", "*"},
       {"Action",
        {"s3:AbortMultipartUpload", "s3:DeleteObject*", "s3:GetObject*", "s3:ListBucket*",
         "s3:ListMultipartUploadParts", "s3:PutObject*", "s3:RestoreObject"}},
       {"Resource", resources},
       {"Condition", {{"ArnNotLike", {{"aws:PrincipalArn", principals}}}}}},
  });
  for (Json& st : DenyInsecureTransport(arn)) statements.push_back(std::move(st));
  u.Resource("aws_s3_bucket_policy", k,
             {{"bucket", bucket["id"]},
              {"policy", Json{{"Version", kPolicyVersion}, {"Statement", statements}}.dump()},
              // S3 refuses concurrent bucket-policy and public-access-block changes.
              {"depends_on", {public_access.Address()}}},
             o);
  u.Resource(
      "aws_s3_bucket_logging", k,
      {{"bucket", bucket["id"]},
       {"target_bucket", naming::AccessLogsBucket(org.name, in.env.name, in.env.account).value},
       {"target_prefix", name + "/"}},
      o);
  u.Resource("aws_s3_bucket_lifecycle_configuration", k,
             {{"bucket", bucket["id"]},
              {"rule", LifecycleRules(in, r)},
              {"depends_on", {versioning.Address()}}},
             o);
}

DataAccess BucketAccess(const Context& ctx, const model::Environment& env,
                        const model::Tenant& tenant, const model::Resource& r) {
  DataAccess out;
  const std::string name = BucketName(ctx, env, tenant, r);
  const std::string arn = "arn:aws:s3:::" + name;
  const std::string p = Pascal(r.name);
  out.statements.push_back({{"Sid", "Bucket" + p},
                            {"Effect", "Allow"},
                            {"Action", {"s3:GetBucketLocation", "s3:ListBucket"}},
                            {"Resource", arn}});
  out.statements.push_back({{"Sid", "Objects" + p},
                            {"Effect", "Allow"},
                            {"Action",
                             {"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject",
                              "s3:ListMultipartUploadParts", "s3:PutObject"}},
                            {"Resource", arn + "/*"}});
  out.statements.push_back(KeyThrough(ctx, env, "ObjectKeysOf" + p, "s3",
                                      {"kms:Decrypt", "kms:GenerateDataKey"}));
  Var(out, r, "BUCKET", name);
  return out;
}

}  // namespace eurus::synth::store
