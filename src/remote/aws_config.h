// Where AWS settings come from: credentials, region and endpoint.
//
// Contract:
// - Credentials are looked up in this order: explicit (a stored connection,
//   handled by the caller), the environment (AWS_ACCESS_KEY_ID,
//   AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN), then the shared
//   credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials) at
//   profile AWS_PROFILE (default "default"). Failure is Status::NotFound
//   saying what was tried; messages never include a secret.
// - Region: AWS_REGION, then AWS_DEFAULT_REGION, then "us-east-1".
// - S3 endpoint override: AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL.
// - The environment is read through an EnvLookup so tests can inject one;
//   ProcessEnvironment() reads getenv (thread-safe as long as nobody calls
//   setenv concurrently).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "remote/aws_sigv4.h"

namespace arxivflow::remote {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvLookup ProcessEnvironment();

Result<AwsCredentials> LoadAwsCredentials(const EnvLookup& env = ProcessEnvironment());

// Reads `profile` from the text of a shared credentials file (INI).
// `origin` names the file in messages.
Result<AwsCredentials> ParseSharedCredentials(std::string_view text, std::string_view profile,
                                              std::string_view origin);

std::string ResolveAwsRegion(const EnvLookup& env = ProcessEnvironment());

// The S3 endpoint override, when one is set ("http://127.0.0.1:4568").
std::optional<std::string> ResolveS3Endpoint(const EnvLookup& env = ProcessEnvironment());

// The signing time: now, or ARXIVFLOW_AWS_FIXED_TIME ("YYYYMMDDTHHMMSSZ"),
// which exists only so tests can compare signed requests byte for byte.
std::string CurrentAmzDate(const EnvLookup& env = ProcessEnvironment());

}  // namespace arxivflow::remote
