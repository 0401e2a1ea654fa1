// Fuzzes the parsers that read bytes from S3 and AWS servers or from users:
// the XML reader with the S3 error / ListObjectsV2 / multipart parsers, the
// Redshift cluster parser, the AWS API error parser, and the s3:// URI parser.
#include <cstddef>
#include <cstdint>
#include <string>

#include "remote/aws_api.h"
#include "remote/s3_uri.h"
#include "remote/s3_xml.h"
#include "remote/xml_lite.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  using namespace arxivflow::remote;
  (void)ParseXml(input);
  (void)ParseS3Error(input);
  (void)ParseListObjectsV2(input);
  (void)ParseInitiateMultipartUpload(input);
  (void)CheckCompleteMultipartUpload(input);
  (void)ParseRedshiftCluster(input);
  (void)ParseAwsApiError(input);
  (void)ParseEmrDescribeCluster(input);
  auto uri = ParseS3Uri(input);
  if (uri.ok()) (void)ParseS3Uri(uri->ToString());
  (void)ParseS3Uri("s3://" + input);
  return 0;
}
