// Signs the public AWS Signature V4 test-suite requests and compares the
// canonical request, string to sign and Authorization header byte for byte.
#include "remote/aws_sigv4.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/percent_encoding.h"

namespace arxivflow::remote {
namespace {

const std::string kSuite = std::string(ARXIVFLOW_SOURCE_DIR) + "/tests/data/aws-sig-v4-test-suite";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses a suite .req file: "METHOD target HTTP/1.1", headers, blank line, body.
SigningInput ParseRequest(const std::string& text, std::string* body) {
  SigningInput in;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  in.method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  in.path = PercentDecode(target.substr(0, q));
  if (q != std::string::npos) {
    std::string query = target.substr(q + 1);
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      if (amp == std::string::npos) amp = query.size();
      std::string pair = query.substr(start, amp - start);
      size_t eq = pair.find('=');
      in.query.emplace_back(PercentDecode(pair.substr(0, eq)),
                            eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1)));
      start = amp + 1;
    }
  }
  while (std::getline(lines, line) && !line.empty()) {
    size_t colon = line.find(':');
    in.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::string rest((std::istreambuf_iterator<char>(lines)), std::istreambuf_iterator<char>());
  *body = rest;
  return in;
}

class SuiteCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SuiteCase, MatchesPublishedVectors) {
  const std::string name = GetParam();
  const std::string dir = kSuite + "/" + name + "/" + name;
  ASSERT_TRUE(std::filesystem::exists(dir + ".req")) << dir;
  std::string body;
  SigningInput in = ParseRequest(ReadFile(dir + ".req"), &body);
  in.payload_sha256 = Sha256Hex(body);
  AwsCredentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test"};
  SigningScope scope{"us-east-1", "service", "20150830T123600Z", true};
  SigningResult r = SignV4(in, scope, creds);
  if (std::filesystem::exists(dir + ".creq")) {
    EXPECT_EQ(r.canonical_request, ReadFile(dir + ".creq"));
  }
  if (std::filesystem::exists(dir + ".sts")) {
    EXPECT_EQ(r.string_to_sign, ReadFile(dir + ".sts"));
  }
  EXPECT_EQ(r.authorization, ReadFile(dir + ".authz"));
}

INSTANTIATE_TEST_SUITE_P(
    AwsSigV4TestSuite, SuiteCase,
    ::testing::Values("get-vanilla", "get-vanilla-query-order-key-case", "get-vanilla-query-unreserved",
                      "get-vanilla-utf8-query", "get-header-value-trim", "get-header-key-duplicate",
                      "get-utf8", "get-space", "normalize-path-get-slash-dot-slash",
                      "normalize-path-get-relative-relative", "normalize-path-get-slashes",
                      "post-vanilla", "post-x-www-form-urlencoded", "post-sts-header-before"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string n = info.param;
      for (char& c : n) {
        if (c == '-') c = '_';
      }
      return n;
    });

// The S3 example of the AWS documentation: GET object with a Range header;
// S3 signs the literal key (no path normalisation).
TEST(AwsSigV4, S3GetObjectDocumentationExample) {
  const std::string dir = kSuite + "/s3-get-object/s3-get-object";
  std::string body;
  SigningInput in = ParseRequest(ReadFile(dir + ".req"), &body);
  in.payload_sha256 = std::string(kEmptyPayloadSha256);
  AwsCredentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "test"};
  SigningScope scope{"us-east-1", "s3", "20130524T000000Z", false};
  EXPECT_EQ(SignV4(in, scope, creds).authorization, ReadFile(dir + ".authz"));
}

TEST(AwsSigV4, AddAuthHeadersSignsDateTokenAndPayloadHash) {
  SigningInput in;
  in.method = "PUT";
  in.path = "/bucket/a b/ü.txt";
  in.headers = {{"host", "127.0.0.1:9000"}};
  in.payload_sha256 = std::string(kUnsignedPayload);
  AwsCredentials creds{"AKID", "SECRETSECRET", "TOKEN", "test"};
  SigningScope scope{"us-east-1", "s3", "20260101T000000Z", false};
  SigningResult r = AddAwsAuthHeaders(&in, scope, creds);
  EXPECT_EQ(r.signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  EXPECT_NE(r.canonical_request.find("\n/bucket/a%20b/%C3%BC.txt\n"), std::string::npos);
  EXPECT_NE(r.canonical_request.find("\nUNSIGNED-PAYLOAD"), std::string::npos);
  EXPECT_EQ(in.headers.back().first, "Authorization");
  EXPECT_EQ(r.authorization.find("SECRETSECRET"), std::string::npos);
}

TEST(AwsSigV4, S3PathsAreNotNormalised) {
  EXPECT_EQ(CanonicalUri("/b/a//./x", false), "/b/a//./x");
  EXPECT_EQ(CanonicalUri("/b/a//./x", true), "/b/a/x");
  EXPECT_EQ(CanonicalUri("", true), "/");
}

TEST(AwsSigV4, QueryEncodingFollowsAwsRules) {
  EXPECT_EQ(CanonicalQueryString({{"prefix", "a b/c"}, {"list-type", "2"}, {"continuation-token", "x+y="}}),
            "continuation-token=x%2By%3D&list-type=2&prefix=a%20b%2Fc");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(AwsUriEncode("-._~AZaz09*'()!", false), "-._~AZaz09%2A%27%28%29%21");
}

TEST(AwsSigV4, MaskingHidesSignatureAndSecrets) {
  std::string a = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, "
                  "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
  std::string m = MaskAuthorization(a);
  EXPECT_EQ(m.find("5fa00fa31553"), std::string::npos);
  EXPECT_NE(m.find("Signature=5fa0"), std::string::npos);
  EXPECT_EQ(MaskSecret("wJalrXUtnFEMI"), "wJal*********");
  EXPECT_EQ(MaskSecret("ab"), "a*");
}

TEST(AwsSigV4, FormatsAmzDate) {
  EXPECT_EQ(FormatAmzDate(1440938160), "20150830T123600Z");
}

}  // namespace
}  // namespace arxivflow::remote
