// `--aws-conn ID`: S3 credentials, region and endpoint from a stored
// connection (Airflow's aws connection: login = access key id, password =
// secret access key, extra: region_name, endpoint_url, aws_session_token).
//
// Contract: ApplyAwsConnection() resolves the id (ARXIVFLOW_CONN_<ID> or the
// metadata DB, see orchestrator/connection.h) and makes its settings the
// process's AWS environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL_S3), which every S3 client
// reads; fields the connection leaves empty keep the environment's values.
// Fails via Fail() naming the connection (never its secret). Call from a
// command callback before any thread starts (it calls setenv).
#pragma once

#include <string>

namespace arxivflow::cli {

void ApplyAwsConnection(const std::string& conn_id);

}  // namespace arxivflow::cli
