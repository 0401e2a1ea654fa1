// Requests to the AWS control-plane APIs the helper commands use: Redshift
// (Query API: form-encoded POST, XML answers) and EMR (JSON API: X-Amz-Target
// header, JSON answers). Build, print (--dry-run), send, parse.
//
// Contract:
// - Build* are pure: the signing time and credentials are arguments, so a
//   dry run with a fixed time is byte-for-byte reproducible.
// - Endpoints: https://redshift.<region>.amazonaws.com and
//   https://elasticmapreduce.<region>.amazonaws.com, unless overridden by
//   AWS_ENDPOINT_URL_REDSHIFT / AWS_ENDPOINT_URL_EMR / AWS_ENDPOINT_URL
//   (resolved by the caller through AwsServiceEndpoint()).
// - DescribeForDryRun() never shows the secret key, the session token, the
//   full signature, or request parameters named like passwords (values of
//   MasterUserPassword and the like are masked in the printed body).
// - SendAwsApiRequest retries throttling and 5xx with backoff; an AWS error
//   document becomes the message ("InvalidParameterValue: ...").
// - Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "remote/aws_config.h"
#include "remote/aws_sigv4.h"
#include "remote/http_client.h"

namespace arxivflow::remote {

struct AwsApiRequest {
  std::string service;  // signing name: "redshift", "elasticmapreduce"
  std::string method = "POST";
  std::string url;
  HeaderList headers;   // including host, x-amz-date and Authorization once signed
  std::string body;
  std::vector<std::string> secret_params;  // body parameters to mask when printed
  SigningResult signing;
};

// "https://redshift.us-east-1.amazonaws.com" or the override for `service_env`
// ("REDSHIFT", "EMR").
std::string AwsServiceEndpoint(const std::string& service_env, const std::string& default_host,
                               const EnvLookup& env = ProcessEnvironment());

// Redshift Query API: Action=<action>&Version=2012-12-01&<params...>.
AwsApiRequest BuildRedshiftRequest(const std::string& endpoint, const std::string& action,
                                   const QueryList& params, const std::string& region,
                                   const AwsCredentials& credentials, const std::string& amz_date);

// EMR JSON API: X-Amz-Target: ElasticMapReduce.<operation>.
AwsApiRequest BuildEmrRequest(const std::string& endpoint, const std::string& operation,
                              const std::string& json_body, const std::string& region,
                              const AwsCredentials& credentials, const std::string& amz_date);

// The request as text: request line, headers (Authorization masked), body
// (secret parameters masked), then the canonical request and string to sign.
std::string DescribeForDryRun(const AwsApiRequest& request);

Result<HttpResponse> SendAwsApiRequest(const AwsApiRequest& request, int max_attempts = 4);

// "<Code>: <Message>" from a Query API <ErrorResponse> or a JSON
// {"__type": ..., "message": ...} body; "" when neither.
std::string ParseAwsApiError(const std::string& body);

struct RedshiftClusterInfo {
  std::string identifier;
  std::string status;        // "creating", "available", "deleting", ...
  std::string node_type;
  int number_of_nodes = 0;
  std::string endpoint_address;
  int endpoint_port = 0;
  std::string db_name;
  std::string master_username;
  std::vector<std::string> iam_role_arns;
};

// The first <Cluster> of a CreateCluster / DeleteCluster / DescribeClusters answer.
Result<RedshiftClusterInfo> ParseRedshiftCluster(const std::string& xml);

struct EmrClusterInfo {
  std::string id;
  std::string name;
  std::string state;  // "STARTING", "WAITING", "TERMINATED", ...
  std::string state_reason;
  std::string master_public_dns;
};

Result<EmrClusterInfo> ParseEmrDescribeCluster(const std::string& json);
Result<std::string> ParseEmrRunJobFlow(const std::string& json);  // the cluster (job flow) id

}  // namespace arxivflow::remote
