#include "remote/aws_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "remote/xml_lite.h"

namespace arxivflow::remote {
namespace {

AwsApiRequest Sign(AwsApiRequest req, const std::string& region, const AwsCredentials& credentials,
                   const std::string& amz_date) {
  auto parts = SplitUrl(req.url);
  std::string host = parts.ok() ? parts->authority : "";
  std::string path = parts.ok() && !parts->path.empty() ? parts->path : "/";
  SigningInput in;
  in.method = req.method;
  in.path = path;
  in.headers = req.headers;
  in.headers.emplace_back("host", host);
  in.payload_sha256 = Sha256Hex(req.body);
  SigningScope scope{region, req.service, amz_date, true};
  req.signing = AddAwsAuthHeaders(&in, scope, credentials);
  req.headers = std::move(in.headers);
  return req;
}

std::string MaskFormBody(const std::string& body, const std::vector<std::string>& secret_params) {
  std::string out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    if (amp == std::string::npos) amp = body.size();
    std::string pair = body.substr(start, amp - start);
    size_t eq = pair.find('=');
    std::string name = pair.substr(0, eq);
    if (eq != std::string::npos &&
        std::find(secret_params.begin(), secret_params.end(), name) != secret_params.end()) {
      pair = name + "=********";
    }
    if (!out.empty()) out.push_back('&');
    out += pair;
    start = amp + 1;
  }
  return out;
}

std::string MaskCredential(const std::string& authorization) {
  // "Credential=AKIDEXAMPLE/..." -> "Credential=AKID*******/..."
  std::string out = MaskAuthorization(authorization);
  size_t pos = out.find("Credential=");
  if (pos == std::string::npos) return out;
  pos += 11;
  size_t slash = out.find('/', pos);
  if (slash == std::string::npos) return out;
  return out.substr(0, pos) + MaskSecret(out.substr(pos, slash - pos)) + out.substr(slash);
}

}  // namespace

std::string AwsServiceEndpoint(const std::string& service_env, const std::string& default_host,
                               const EnvLookup& env) {
  if (auto v = env("AWS_ENDPOINT_URL_" + service_env); v && !v->empty()) return *v;
  if (auto v = env("AWS_ENDPOINT_URL"); v && !v->empty()) return *v;
  return "https://" + default_host;
}

AwsApiRequest BuildRedshiftRequest(const std::string& endpoint, const std::string& action, const QueryList& params,
                                   const std::string& region, const AwsCredentials& credentials,
                                   const std::string& amz_date) {
  AwsApiRequest req;
  req.service = "redshift";
  req.url = endpoint;
  if (req.url.find('/', req.url.find("://") + 3) == std::string::npos) req.url += "/";
  QueryList all = {{"Action", action}, {"Version", "2012-12-01"}};
  all.insert(all.end(), params.begin(), params.end());
  // Form encoding with AWS's percent rules, in the order given (readable dry runs).
  for (const auto& [k, v] : all) {
    if (!req.body.empty()) req.body.push_back('&');
    req.body += AwsUriEncode(k, false) + "=" + AwsUriEncode(v, false);
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.find("password") != std::string::npos || lower.find("secret") != std::string::npos) {
      req.secret_params.push_back(AwsUriEncode(k, false));
    }
  }
  req.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  return Sign(std::move(req), region, credentials, amz_date);
}

AwsApiRequest BuildEmrRequest(const std::string& endpoint, const std::string& operation,
                              const std::string& json_body, const std::string& region,
                              const AwsCredentials& credentials, const std::string& amz_date) {
  AwsApiRequest req;
  req.service = "elasticmapreduce";
  req.url = endpoint;
  if (req.url.find('/', req.url.find("://") + 3) == std::string::npos) req.url += "/";
  req.body = json_body;
  req.headers = {{"content-type", "application/x-amz-json-1.1"},
                 {"x-amz-target", "ElasticMapReduce." + operation}};
  return Sign(std::move(req), region, credentials, amz_date);
}

std::string DescribeForDryRun(const AwsApiRequest& request) {
  std::string out = request.method + " " + request.url + "\n";
  for (const auto& [k, v] : request.headers) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "authorization") {
      out += k + ": " + MaskCredential(v) + "\n";
    } else if (lower == "x-amz-security-token") {
      out += k + ": " + MaskSecret(v) + "\n";
    } else {
      out += k + ": " + v + "\n";
    }
  }
  bool form = request.service == "redshift";
  out += "\n" + (form ? MaskFormBody(request.body, request.secret_params) : request.body) + "\n";
  out += "\n# signed headers: " + request.signing.signed_headers + "\n";
  out += "# string to sign:\n";
  size_t start = 0;
  const std::string& sts = request.signing.string_to_sign;
  while (start < sts.size()) {
    size_t nl = sts.find('\n', start);
    if (nl == std::string::npos) nl = sts.size();
    out += "#   " + sts.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

std::string ParseAwsApiError(const std::string& body) {
  if (auto doc = ParseXml(body); doc.ok()) {
    const XmlElement* err = doc->name == "Error" ? &*doc : doc->Find("Error");
    if (err) {
      std::string code = err->ChildText("Code"), msg = err->ChildText("Message");
      if (!code.empty()) return code + ": " + msg;
    }
    return "";
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    std::string type = j.value("__type", "");
    std::string msg = j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>()
                      : j.contains("Message") && j["Message"].is_string() ? j["Message"].get<std::string>()
                                                                           : "";
    size_t hash = type.rfind('#');
    if (hash != std::string::npos) type = type.substr(hash + 1);
    if (!type.empty() || !msg.empty()) return type + ": " + msg;
  }
  return "";
}

Result<HttpResponse> SendAwsApiRequest(const AwsApiRequest& request, int max_attempts) {
  HttpRequest http;
  http.method = request.method;
  http.url = request.url;
  http.headers = request.headers;
  http.body = request.body;
  http.timeout_seconds = 60;
  int backoff_ms = 300;
  Status last;
  for (int attempt = 1; attempt <= std::max(1, max_attempts); ++attempt) {
    auto r = SendHttp(http);
    if (r.ok()) {
      if (r->status >= 200 && r->status < 300) return r;
      std::string err = ParseAwsApiError(r->body);
      std::string msg = request.service + " " + request.url + ": " +
                        (err.empty() ? "HTTP " + std::to_string(r->status) : err + " (HTTP " + std::to_string(r->status) + ")");
      bool throttled = err.find("Throttl") != std::string::npos || r->status == 429;
      if (r->status < 500 && !throttled) {
        if (r->status == 403 || r->status == 401) return Status::PermissionDenied(msg);
        if (r->status == 404) return Status::NotFound(msg);
        return Status::InvalidArgument(msg);
      }
      last = Status::Unavailable(msg);
    } else if (r.status().code() == Status::Code::kUnavailable) {
      last = r.status();
    } else {
      return r.status();
    }
    if (attempt < max_attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms *= 2;
    }
  }
  return Status::Unavailable("after " + std::to_string(max_attempts) + " attempts: " + last.message());
}

Result<RedshiftClusterInfo> ParseRedshiftCluster(const std::string& xml) {
  AF_ASSIGN_OR_RETURN(XmlElement doc, ParseXml(xml));
  const XmlElement* cluster = nullptr;
  for (const char* path : {"CreateClusterResult/Cluster", "DeleteClusterResult/Cluster",
                           "DescribeClustersResult/Clusters/Cluster"}) {
    if ((cluster = doc.Find(path))) break;
  }
  if (!cluster) return Status::NotFound("Redshift answer holds no <Cluster>");
  RedshiftClusterInfo info;
  info.identifier = cluster->ChildText("ClusterIdentifier");
  info.status = cluster->ChildText("ClusterStatus");
  info.node_type = cluster->ChildText("NodeType");
  info.number_of_nodes = std::atoi(cluster->ChildText("NumberOfNodes").c_str());
  info.db_name = cluster->ChildText("DBName");
  info.master_username = cluster->ChildText("MasterUsername");
  if (const XmlElement* ep = cluster->Child("Endpoint")) {
    info.endpoint_address = ep->ChildText("Address");
    info.endpoint_port = std::atoi(ep->ChildText("Port").c_str());
  }
  if (const XmlElement* roles = cluster->Child("IamRoles")) {
    for (const XmlElement* r : roles->Children("ClusterIamRole")) info.iam_role_arns.push_back(r->ChildText("IamRoleArn"));
  }
  return info;
}

Result<EmrClusterInfo> ParseEmrDescribeCluster(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("Cluster") || !j["Cluster"].is_object()) {
    return Status::Corruption("EMR DescribeCluster: answer has no Cluster object");
  }
  const auto& c = j["Cluster"];
  auto str = [](const nlohmann::json& o, const char* k) {
    return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  EmrClusterInfo info;
  info.id = str(c, "Id");
  info.name = str(c, "Name");
  info.master_public_dns = str(c, "MasterPublicDnsName");
  if (c.contains("Status") && c["Status"].is_object()) {
    info.state = str(c["Status"], "State");
    if (c["Status"].contains("StateChangeReason") && c["Status"]["StateChangeReason"].is_object()) {
      info.state_reason = str(c["Status"]["StateChangeReason"], "Message");
    }
  }
  return info;
}

Result<std::string> ParseEmrRunJobFlow(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("JobFlowId") || !j["JobFlowId"].is_string()) {
    return Status::Corruption("EMR RunJobFlow: answer has no JobFlowId");
  }
  return j["JobFlowId"].get<std::string>();
}

}  // namespace arxivflow::remote
