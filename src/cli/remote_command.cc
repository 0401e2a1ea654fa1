// `arxivflow aws ...`: the AWS helper commands — create an S3 bucket, create /
// delete / inspect the Redshift cluster and the EMR cluster. Every command
// takes --region (else AWS_REGION / AWS_DEFAULT_REGION / us-east-1) and the
// credentials of aws_config.h; --dry-run prints the signed request (secrets
// masked) instead of sending it.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "remote/aws_api.h"
#include "remote/aws_config.h"
#include "remote/object_store.h"
#include "remote/s3_client.h"
#include "remote/s3_uri.h"

namespace arxivflow::cli {
namespace {

using remote::AwsApiRequest;
using remote::AwsCredentials;

struct CommonArgs {
  std::string region;
  bool dry_run = false;
};

void AddCommon(CLI::App* cmd, CommonArgs* a, bool dry_run = true) {
  cmd->add_option("--region", a->region, "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)");
  if (dry_run) cmd->add_flag("--dry-run", a->dry_run, "print the signed request (secrets masked) and send nothing");
}

std::string Region(const CommonArgs& a) { return a.region.empty() ? remote::ResolveAwsRegion() : a.region; }

AwsCredentials CredentialsOrFail() {
  auto c = remote::LoadAwsCredentials();
  if (!c.ok()) Fail(c.status().message());
  return *c;
}

// Prints the dry run, or sends and returns the answer body.
std::string SendOrPrint(const AwsApiRequest& req, bool dry_run) {
  if (dry_run) {
    std::fputs(remote::DescribeForDryRun(req).c_str(), stdout);
    return "";
  }
  auto r = remote::SendAwsApiRequest(req);
  if (!r.ok()) Fail(r.status().message());
  return r->body;
}

// ------------------------------------------------------------------ s3

void AddS3(CLI::App* aws) {
  auto* s3 = aws->add_subcommand("s3", "S3 buckets")->require_subcommand(1);
  struct Args : CommonArgs {
    std::string bucket;
  };
  auto args = std::make_shared<Args>();
  auto* create = s3->add_subcommand("create-bucket", "Create the bucket that holds the Parquet lake");
  create->add_option("bucket", args->bucket, "bucket name (3-63 of a-z 0-9 . -)")->required();
  AddCommon(create, args.get(), /*dry_run=*/false);
  create->callback([args] {
    auto options = remote::S3ClientOptionsFromEnvironment();
    if (!options.ok()) Fail(options.status().message());
    if (!args->region.empty()) options->region = args->region;
    remote::S3Client client(*options);
    Status st = client.CreateBucket(args->bucket);
    if (st.code() == Status::Code::kAlreadyExists) Fail("bucket s3://" + args->bucket + " already exists: " + st.message(), 3);
    if (!st.ok()) Fail(st.message());
    std::printf("created s3://%s (region %s)\n", args->bucket.c_str(), options->region.c_str());
  });

  // cp: one object between a local file and S3 (either way), streamed and
  // published all-or-nothing (multipart above 8 MiB on S3; temp + rename on
  // disk).
  struct CpArgs {
    std::string from, to;
  };
  auto cp_args = std::make_shared<CpArgs>();
  auto* cp = s3->add_subcommand("cp", "Copy one object: FILE s3://bucket/key, or s3://bucket/key FILE");
  cp->add_option("source", cp_args->from, "local file or s3://bucket/key")->required();
  cp->add_option("destination", cp_args->to, "s3://bucket/key or local file")->required();
  cp->callback([cp_args] {
    // Splits a location into a store (its folder) and the object's name in it.
    auto open = [](const std::string& location) -> std::pair<std::unique_ptr<remote::ObjectStore>, std::string> {
      if (remote::IsS3Uri(location)) {
        auto uri = remote::ParseS3Uri(location);
        if (!uri.ok()) Fail(uri.status().message());
        if (uri->key.empty() || uri->key.back() == '/') Fail(location + ": give the object's full key");
        auto store = remote::OpenObjectStore("s3://" + uri->bucket);
        if (!store.ok()) Fail(store.status().message());
        return {std::move(store).value(), uri->key};
      }
      const size_t slash = location.rfind('/');
      std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : location.substr(0, slash));
      return {remote::MakeLocalObjectStore(folder), location.substr(slash == std::string::npos ? 0 : slash + 1)};
    };
    auto [from_store, from_path] = open(cp_args->from);
    auto [to_store, to_path] = open(cp_args->to);
    auto writer = to_store->OpenWriter(to_path);
    if (!writer.ok()) Fail(writer.status().message());
    Status st = from_store->Read(from_path, [&](std::string_view chunk) { return (*writer)->Append(chunk); });
    if (st.ok()) st = (*writer)->Commit();
    if (!st.ok()) {
      (*writer)->Abort();
      Fail(st.message());
    }
    std::printf("copied %s -> %s (%llu bytes)\n", from_store->Uri(from_path).c_str(), to_store->Uri(to_path).c_str(),
                static_cast<unsigned long long>((*writer)->BytesWritten()));
  });

  // ls: the objects under a prefix, "size key" per line, sorted by key.
  auto ls_uri = std::make_shared<std::string>();
  auto* ls = s3->add_subcommand("ls", "List the objects under s3://bucket[/prefix] (size and key)");
  ls->add_option("uri", *ls_uri, "s3://bucket[/prefix]")->required();
  ls->callback([ls_uri] {
    auto uri = remote::ParseS3Uri(*ls_uri);
    if (!uri.ok()) Fail(uri.status().message());
    auto options = remote::S3ClientOptionsFromEnvironment();
    if (!options.ok()) Fail(options.status().message());
    remote::S3Client client(*options);
    auto objects = client.ListAll(uri->bucket, uri->key);
    if (!objects.ok()) Fail(objects.status().message());
    for (const auto& o : *objects) {
      std::printf("%12llu %s\n", static_cast<unsigned long long>(o.size), o.key.c_str());
    }
  });
}

// ------------------------------------------------------------------ redshift

std::string RedshiftEndpoint(const std::string& region) {
  return remote::AwsServiceEndpoint("REDSHIFT", "redshift." + region + ".amazonaws.com");
}

void PrintRedshiftCluster(const remote::RedshiftClusterInfo& c) {
  std::printf("cluster:  %s\n", c.identifier.c_str());
  std::printf("status:   %s\n", c.status.c_str());
  std::printf("nodes:    %d x %s\n", c.number_of_nodes, c.node_type.c_str());
  if (!c.endpoint_address.empty()) {
    std::printf("endpoint: %s:%d\n", c.endpoint_address.c_str(), c.endpoint_port);
  } else {
    std::printf("endpoint: (not yet assigned)\n");
  }
  std::printf("database: %s\n", c.db_name.c_str());
  std::printf("user:     %s\n", c.master_username.c_str());
  for (const auto& arn : c.iam_role_arns) std::printf("role:     %s\n", arn.c_str());
  if (!c.endpoint_address.empty()) {
    std::string role = c.iam_role_arns.empty() ? "" : "?iam_role=" + c.iam_role_arns.front();
    std::printf("connection: redshift://%s:<password>@%s:%d/%s%s\n", c.master_username.c_str(),
                c.endpoint_address.c_str(), c.endpoint_port, c.db_name.c_str(), role.c_str());
  }
}

void AddRedshift(CLI::App* aws) {
  auto* rs = aws->add_subcommand("redshift", "The Redshift cluster of the warehouse")->require_subcommand(1);

  struct CreateArgs : CommonArgs {
    std::string cluster_id = "arxivflow-redshift", node_type = "dc2.large", db_name = "dev",
                master_user = "awsuser", master_password, iam_role;
    int nodes = 2, port = 5439;
    bool publicly_accessible = false;
  };
  auto c = std::make_shared<CreateArgs>();
  auto* create = rs->add_subcommand("create", "Create the cluster (CreateCluster)");
  create->add_option("--cluster-id", c->cluster_id, "cluster identifier")->capture_default_str();
  create->add_option("--node-type", c->node_type, "node type")->capture_default_str();
  create->add_option("--nodes", c->nodes, "number of nodes (1 = single-node)")->capture_default_str();
  create->add_option("--db-name", c->db_name, "database name")->capture_default_str();
  create->add_option("--master-user", c->master_user, "master user name")->capture_default_str();
  create->add_option("--master-password", c->master_password,
                     "master password (prefer the environment variable ARXIVFLOW_REDSHIFT_PASSWORD)")
      ->envname("ARXIVFLOW_REDSHIFT_PASSWORD");
  create->add_option("--iam-role", c->iam_role, "IAM role ARN the cluster assumes to read S3 (COPY ... IAM_ROLE)");
  create->add_option("--port", c->port, "port")->capture_default_str();
  create->add_flag("--publicly-accessible", c->publicly_accessible, "give the cluster a public address");
  AddCommon(create, c.get());
  create->callback([c] {
    if (c->nodes < 1) Fail("--nodes must be at least 1");
    if (c->master_password.empty()) Fail("--master-password (or ARXIVFLOW_REDSHIFT_PASSWORD) is required");
    std::string region = Region(*c);
    remote::QueryList p = {{"ClusterIdentifier", c->cluster_id},
                           {"ClusterType", c->nodes > 1 ? "multi-node" : "single-node"},
                           {"NodeType", c->node_type}};
    if (c->nodes > 1) p.emplace_back("NumberOfNodes", std::to_string(c->nodes));
    p.emplace_back("DBName", c->db_name);
    p.emplace_back("MasterUsername", c->master_user);
    p.emplace_back("MasterUserPassword", c->master_password);
    p.emplace_back("Port", std::to_string(c->port));
    p.emplace_back("PubliclyAccessible", c->publicly_accessible ? "true" : "false");
    if (!c->iam_role.empty()) p.emplace_back("IamRoles.member.1", c->iam_role);
    auto req = remote::BuildRedshiftRequest(RedshiftEndpoint(region), "CreateCluster", p, region,
                                            CredentialsOrFail(), remote::CurrentAmzDate());
    std::string body = SendOrPrint(req, c->dry_run);
    if (c->dry_run) return;
    auto info = remote::ParseRedshiftCluster(body);
    if (!info.ok()) Fail("CreateCluster: " + info.status().message());
    PrintRedshiftCluster(*info);
    std::printf("(the cluster takes several minutes to become available: arxivflow aws redshift status)\n");
  });

  struct DeleteArgs : CommonArgs {
    std::string cluster_id = "arxivflow-redshift", final_snapshot;
  };
  auto d = std::make_shared<DeleteArgs>();
  auto* del = rs->add_subcommand("delete", "Delete the cluster (DeleteCluster)");
  del->add_option("--cluster-id", d->cluster_id, "cluster identifier")->capture_default_str();
  del->add_option("--final-snapshot-id", d->final_snapshot, "keep a final snapshot with this id (default: none)");
  AddCommon(del, d.get());
  del->callback([d] {
    std::string region = Region(*d);
    remote::QueryList p = {{"ClusterIdentifier", d->cluster_id}};
    if (d->final_snapshot.empty()) {
      p.emplace_back("SkipFinalClusterSnapshot", "true");
    } else {
      p.emplace_back("SkipFinalClusterSnapshot", "false");
      p.emplace_back("FinalClusterSnapshotIdentifier", d->final_snapshot);
    }
    auto req = remote::BuildRedshiftRequest(RedshiftEndpoint(region), "DeleteCluster", p, region,
                                            CredentialsOrFail(), remote::CurrentAmzDate());
    std::string body = SendOrPrint(req, d->dry_run);
    if (d->dry_run) return;
    auto info = remote::ParseRedshiftCluster(body);
    std::printf("deleting cluster %s (status: %s)\n", d->cluster_id.c_str(), info.ok() ? info->status.c_str() : "?");
  });

  struct StatusArgs : CommonArgs {
    std::string cluster_id = "arxivflow-redshift";
  };
  auto s = std::make_shared<StatusArgs>();
  auto* status = rs->add_subcommand("status", "Print the cluster's status, endpoint and role ARN (DescribeClusters)");
  status->add_option("--cluster-id", s->cluster_id, "cluster identifier")->capture_default_str();
  AddCommon(status, s.get());
  status->callback([s] {
    std::string region = Region(*s);
    auto req = remote::BuildRedshiftRequest(RedshiftEndpoint(region), "DescribeClusters",
                                            {{"ClusterIdentifier", s->cluster_id}}, region, CredentialsOrFail(),
                                            remote::CurrentAmzDate());
    std::string body = SendOrPrint(req, s->dry_run);
    if (s->dry_run) return;
    auto info = remote::ParseRedshiftCluster(body);
    if (!info.ok()) Fail("DescribeClusters " + s->cluster_id + ": " + info.status().message());
    PrintRedshiftCluster(*info);
  });
}

// ------------------------------------------------------------------ emr

std::string EmrEndpoint(const std::string& region) {
  return remote::AwsServiceEndpoint("EMR", "elasticmapreduce." + region + ".amazonaws.com");
}

void AddEmr(CLI::App* aws) {
  auto* emr = aws->add_subcommand("emr", "The EMR cluster that ran the original Spark job")->require_subcommand(1);

  struct CreateArgs : CommonArgs {
    std::string name = "arxivflow-emr", release = "emr-7.5.0", instance_type = "m5.xlarge", key_name, log_uri,
                subnet_id, job_flow_role = "EMR_EC2_DefaultRole", service_role = "EMR_DefaultRole";
    int core_nodes = 2;
  };
  auto c = std::make_shared<CreateArgs>();
  auto* create = emr->add_subcommand("create", "Create a Spark cluster that stays up (RunJobFlow)");
  create->add_option("--name", c->name, "cluster name")->capture_default_str();
  create->add_option("--release", c->release, "EMR release label")->capture_default_str();
  create->add_option("--instance-type", c->instance_type, "instance type of every node")->capture_default_str();
  create->add_option("--core-nodes", c->core_nodes, "number of core nodes")->capture_default_str();
  create->add_option("--key-name", c->key_name, "EC2 key pair for SSH to the master (the ssh_emr connection)");
  create->add_option("--log-uri", c->log_uri, "s3:// folder for cluster logs");
  create->add_option("--subnet-id", c->subnet_id, "VPC subnet");
  create->add_option("--job-flow-role", c->job_flow_role, "EC2 instance profile")->capture_default_str();
  create->add_option("--service-role", c->service_role, "EMR service role")->capture_default_str();
  AddCommon(create, c.get());
  create->callback([c] {
    if (c->core_nodes < 0) Fail("--core-nodes must be >= 0");
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    groups.push_back({{"Name", "Master"}, {"InstanceRole", "MASTER"}, {"InstanceType", c->instance_type},
                      {"InstanceCount", 1}});
    if (c->core_nodes > 0) {
      groups.push_back({{"Name", "Core"}, {"InstanceRole", "CORE"}, {"InstanceType", c->instance_type},
                        {"InstanceCount", c->core_nodes}});
    }
    nlohmann::ordered_json instances = {{"InstanceGroups", groups},
                                        {"KeepJobFlowAliveWhenNoSteps", true},
                                        {"TerminationProtected", false}};
    if (!c->key_name.empty()) instances["Ec2KeyName"] = c->key_name;
    if (!c->subnet_id.empty()) instances["Ec2SubnetId"] = c->subnet_id;
    nlohmann::ordered_json body = {{"Name", c->name},
                                   {"ReleaseLabel", c->release},
                                   {"Applications", {{{"Name", "Spark"}}}},
                                   {"Instances", instances},
                                   {"JobFlowRole", c->job_flow_role},
                                   {"ServiceRole", c->service_role},
                                   {"VisibleToAllUsers", true}};
    if (!c->log_uri.empty()) body["LogUri"] = c->log_uri;
    std::string region = Region(*c);
    auto req = remote::BuildEmrRequest(EmrEndpoint(region), "RunJobFlow", body.dump(), region, CredentialsOrFail(),
                                       remote::CurrentAmzDate());
    std::string answer = SendOrPrint(req, c->dry_run);
    if (c->dry_run) return;
    auto id = remote::ParseEmrRunJobFlow(answer);
    if (!id.ok()) Fail("RunJobFlow: " + id.status().message());
    std::printf("cluster: %s (starting: arxivflow aws emr status --cluster-id %s)\n", id->c_str(), id->c_str());
  });

  struct IdArgs : CommonArgs {
    std::string cluster_id;
  };
  auto t = std::make_shared<IdArgs>();
  auto* terminate = emr->add_subcommand("terminate", "Terminate the cluster (TerminateJobFlows)");
  terminate->add_option("--cluster-id", t->cluster_id, "cluster id (j-...)")->required();
  AddCommon(terminate, t.get());
  terminate->callback([t] {
    std::string region = Region(*t);
    nlohmann::ordered_json body = {{"JobFlowIds", {t->cluster_id}}};
    auto req = remote::BuildEmrRequest(EmrEndpoint(region), "TerminateJobFlows", body.dump(), region,
                                       CredentialsOrFail(), remote::CurrentAmzDate());
    SendOrPrint(req, t->dry_run);
    if (!t->dry_run) std::printf("terminating cluster %s\n", t->cluster_id.c_str());
  });

  auto s = std::make_shared<IdArgs>();
  auto* status = emr->add_subcommand("status", "Print the cluster's state and master address (DescribeCluster)");
  status->add_option("--cluster-id", s->cluster_id, "cluster id (j-...)")->required();
  AddCommon(status, s.get());
  status->callback([s] {
    std::string region = Region(*s);
    nlohmann::ordered_json body = {{"ClusterId", s->cluster_id}};
    auto req = remote::BuildEmrRequest(EmrEndpoint(region), "DescribeCluster", body.dump(), region,
                                       CredentialsOrFail(), remote::CurrentAmzDate());
    std::string answer = SendOrPrint(req, s->dry_run);
    if (s->dry_run) return;
    auto info = remote::ParseEmrDescribeCluster(answer);
    if (!info.ok()) Fail(info.status().message());
    std::printf("cluster: %s (%s)\nstate:   %s%s\nmaster:  %s\n", info->id.c_str(), info->name.c_str(),
                info->state.c_str(), info->state_reason.empty() ? "" : (" - " + info->state_reason).c_str(),
                info->master_public_dns.empty() ? "(not yet assigned)" : info->master_public_dns.c_str());
  });
}

}  // namespace

void AddRemoteCommands(CLI::App& app) {
  auto* aws = app.add_subcommand("aws", "AWS helpers: S3 bucket, Redshift and EMR clusters")->require_subcommand(1);
  AddS3(aws);
  AddRedshift(aws);
  AddEmr(aws);
}

}  // namespace arxivflow::cli
