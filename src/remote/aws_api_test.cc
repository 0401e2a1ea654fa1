#include "remote/aws_api.h"

#include <gtest/gtest.h>

#include <map>

namespace arxivflow::remote {
namespace {

const AwsCredentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "SESSIONTOKEN123", "test"};

TEST(AwsApi, RedshiftRequestIsFormEncodedAndSigned) {
  auto req = BuildRedshiftRequest("https://redshift.us-east-1.amazonaws.com", "CreateCluster",
                                  {{"ClusterIdentifier", "c1"}, {"MasterUserPassword", "p@ss word"}}, "us-east-1",
                                  kCreds, "20150830T123600Z");
  EXPECT_EQ(req.url, "https://redshift.us-east-1.amazonaws.com/");
  EXPECT_EQ(req.body, "Action=CreateCluster&Version=2012-12-01&ClusterIdentifier=c1&MasterUserPassword=p%40ss%20word");
  EXPECT_EQ(req.signing.signed_headers, "content-type;host;x-amz-date;x-amz-security-token");
  EXPECT_NE(req.signing.canonical_request.find(Sha256Hex(req.body)), std::string::npos);
  std::string text = DescribeForDryRun(req);
  EXPECT_EQ(text.find("p%40ss"), std::string::npos);
  EXPECT_EQ(text.find("SESSIONTOKEN123"), std::string::npos);
  EXPECT_EQ(text.find(kCreds.secret_access_key), std::string::npos);
  EXPECT_EQ(text.find(req.signing.signature), std::string::npos);
  EXPECT_NE(text.find("MasterUserPassword=********"), std::string::npos);
}

TEST(AwsApi, EmrRequestCarriesTarget) {
  auto req = BuildEmrRequest("http://127.0.0.1:1234", "DescribeCluster", "{\"ClusterId\":\"j-1\"}", "eu-west-1",
                             kCreds, "20150830T123600Z");
  EXPECT_EQ(req.url, "http://127.0.0.1:1234/");
  EXPECT_NE(req.signing.canonical_request.find("x-amz-target:ElasticMapReduce.DescribeCluster"), std::string::npos);
  EXPECT_NE(req.signing.canonical_request.find("host:127.0.0.1:1234"), std::string::npos);
  EXPECT_NE(req.signing.string_to_sign.find("20150830/eu-west-1/elasticmapreduce/aws4_request"), std::string::npos);
}

TEST(AwsApi, EndpointOverrides) {
  auto env = [](std::map<std::string, std::string> m) -> EnvLookup {
    return [m](const std::string& k) -> std::optional<std::string> {
      auto it = m.find(k);
      return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  };
  EXPECT_EQ(AwsServiceEndpoint("EMR", "elasticmapreduce.us-east-1.amazonaws.com", env({})),
            "https://elasticmapreduce.us-east-1.amazonaws.com");
  EXPECT_EQ(AwsServiceEndpoint("EMR", "x", env({{"AWS_ENDPOINT_URL", "http://a"}})), "http://a");
  EXPECT_EQ(AwsServiceEndpoint("EMR", "x", env({{"AWS_ENDPOINT_URL", "http://a"}, {"AWS_ENDPOINT_URL_EMR", "http://b"}})),
            "http://b");
}

TEST(AwsApi, ParsesRedshiftClusters) {
  auto c = ParseRedshiftCluster(
      "<DescribeClustersResponse><DescribeClustersResult><Clusters><Cluster><ClusterIdentifier>c1</ClusterIdentifier>"
      "<ClusterStatus>available</ClusterStatus><NumberOfNodes>2</NumberOfNodes><Endpoint><Address>h.example</Address>"
      "<Port>5439</Port></Endpoint><IamRoles><ClusterIamRole><IamRoleArn>arn:r1</IamRoleArn></ClusterIamRole>"
      "</IamRoles></Cluster></Clusters></DescribeClustersResult></DescribeClustersResponse>");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->identifier, "c1");
  EXPECT_EQ(c->endpoint_address, "h.example");
  EXPECT_EQ(c->endpoint_port, 5439);
  EXPECT_EQ(c->iam_role_arns, std::vector<std::string>{"arn:r1"});
  EXPECT_EQ(ParseRedshiftCluster("<DescribeClustersResponse/>").status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(ParseRedshiftCluster("not xml").ok());
}

TEST(AwsApi, ParsesErrors) {
  EXPECT_EQ(ParseAwsApiError("<ErrorResponse><Error><Code>ClusterNotFound</Code><Message>gone</Message></Error></ErrorResponse>"),
            "ClusterNotFound: gone");
  EXPECT_EQ(ParseAwsApiError("{\"__type\":\"com.amazon#ValidationException\",\"message\":\"bad\"}"),
            "ValidationException: bad");
  EXPECT_EQ(ParseAwsApiError(""), "");
  EXPECT_EQ(ParseAwsApiError("[1,2]"), "");
}

TEST(AwsApi, ParsesEmrAnswers) {
  EXPECT_EQ(*ParseEmrRunJobFlow("{\"JobFlowId\":\"j-1\"}"), "j-1");
  EXPECT_FALSE(ParseEmrRunJobFlow("{\"JobFlowId\":1}").ok());
  auto c = ParseEmrDescribeCluster(
      "{\"Cluster\":{\"Id\":\"j-1\",\"Status\":{\"State\":\"WAITING\"},\"MasterPublicDnsName\":\"m\"}}");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state, "WAITING");
  EXPECT_EQ(c->master_public_dns, "m");
  EXPECT_FALSE(ParseEmrDescribeCluster("{\"Cluster\":3}").ok());
}

}  // namespace
}  // namespace arxivflow::remote
